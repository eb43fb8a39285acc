"""The ``claimdesk`` console command: argument parsing and dispatch to subcommands.

Exit status: 0 on success, 1 with a one-line message on stderr for bad input or a
refused file, 2 for bad usage (argparse's convention), 130 when interrupted (ctrl+c),
143 when terminated (SIGTERM, as ``timeout`` and job schedulers send it).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from claimdesk import __version__
from claimdesk.commands import COMMANDS, command_in, load_command
from claimdesk.commands.common import (
    Outcome,
    add_common_options,
    damaged_database_message,
    db_path_of,
    fail,
)
from claimdesk.commands.read_cmd import add_tui_options
from claimdesk.report_stream import drop_the_rest, reason, report_stream
from store.error_log import unexpected_error
from store.errors import ClaimdeskError
from store.visible import visible


class _Parser(argparse.ArgumentParser):
    """argparse with its error line made visible: it quotes the arguments it cannot use
    (``unrecognized arguments: …``) raw, so an argument holding ``ESC[2J`` cleared the
    terminal and ``\r`` overwrote the message. Subcommand parsers are of this class too
    (``add_subparsers`` builds them with the class of their parent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No abbreviated options: `--d live.db` was taken for --db by argparse while the
        # output guard and the command's name, read before parsing, saw no --db, and
        # `stats --d live.db 1<> live.db` overwrote the database. Every option is written
        # out (the shell completes them).
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The full parser for the ``selected`` command, stubs for the rest.

    A stub carries only its summary for ``claimdesk --help``; parsing never reaches a
    stub's arguments, because the command named on the line is always built in full.
    """
    parser = _Parser(
        prog="claimdesk",
        description=(
            "Read news articles side by side, mark their claims, link reports of the same"
            " fact across outlets, and export the spans as training data. With no command,"
            " opens the reader on the default database (seeded with the sample corpus)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"claimdesk {__version__}")
    add_common_options(parser, top_level=True)
    # Plain `claimdesk` opens the reader too: its keymap was only on `read`.
    add_tui_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, summary) in COMMANDS.items():
        if name == selected:
            load_command(name).register(subparsers)
        else:
            subparsers.add_parser(name, help=summary, add_help=False)
    return parser


@contextlib.contextmanager
def _terminate_like_ctrl_c(headless: bool) -> Iterator[list[bool]]:
    """Let SIGTERM end a headless job the way ctrl+c does; the list says if it came.

    Python's default for SIGTERM ends the process on the spot: the database stays
    sound (the open transaction is rolled back), but a batched import could not say
    how much it had stored. The reader keeps Textual's own handling, and the previous
    handler comes back afterwards (main() also runs inside test processes).
    """
    came = [False]

    def on_term(_signum: int, _frame: object) -> None:
        came[0] = True
        raise KeyboardInterrupt

    previous = None
    if headless:
        with contextlib.suppress(ValueError):  # not the main thread: keep the default
            previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield came
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _closed_stderr_to_devnull() -> None:
    """Give a closed stderr (`2>&-`) somewhere harmless to go.

    Python starts with sys.stderr None then, and print(file=None) prints to stdout: every
    refusal and summary landed inside the export data, behind exit status 0. Messages
    are dropped instead; the exit status still tells what happened. Descriptor 2 is
    taken too, or the next file opened (an export's ``-o``, the error log) would get it
    and receive whatever a library writes to descriptor 2.
    """
    if sys.stderr is not None:
        return
    null = os.open(os.devnull, os.O_WRONLY)
    if null != 2:
        try:
            os.fstat(2)
        except OSError:
            os.dup2(null, 2)
    # Open for the rest of the process, as the stream Python would have made.
    sys.stderr = open(null, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115


def _database_named(arguments: list[str]) -> Path | None:
    """The database the command line names (``--db``, else the environment's or the
    default), read before the arguments are parsed; None when it names none usable."""
    given: str | None = None
    for index, token in enumerate(arguments):
        if token == "--":
            break
        if token == "--db" and index + 1 < len(arguments):
            given = arguments[index + 1]
        elif token.startswith("--db="):
            given = token.removeprefix("--db=")
    try:
        return db_path_of(argparse.Namespace(db=given or None))[0]
    except (ClaimdeskError, OSError, ValueError):
        return None  # the command says what is wrong with it


def _refuse_output_into_database(database: Path) -> None:
    """Refuse a stdout or stderr that writes into the database or one of its companions.

    ``claimdesk stats 1<> live.db`` (or ``>> live.db``) opens the database without
    truncating it: the report overwrote its header, and every later command refused the
    file, behind exit status 0. Export had this check; every command has it now, before
    its arguments are parsed, as a usage error, ``--help`` and ``--version`` print too.
    """
    from store.database_files import database_part, stream_in_database

    found = stream_in_database(2, [database])
    if found is not None:
        # Nothing may be said there: the refusal itself would land in the database.
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        raise ClaimdeskError("stderr is the database; nothing was done")
    found = stream_in_database(1, [database])
    if found is not None:
        raise ClaimdeskError(
            f"stdout: is {database_part(found[1])} ({found[0]}); nothing was done"
            " (redirect the output to another file)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    _closed_stderr_to_devnull()
    Outcome.status = 0  # main() runs many times inside test processes
    arguments = list(sys.argv[1:] if argv is None else argv)
    database = _database_named(arguments)
    if database is not None:
        try:
            _refuse_output_into_database(database)
        except ClaimdeskError as error:
            return fail(str(error))
    parser = build_parser(command_in(arguments))
    args = parser.parse_args(arguments)
    if args.command not in (None, "read") and hasattr(args, "keymap"):
        parser.error("--keymap goes with the reader (claimdesk, or claimdesk read)")
    if sys.stdout is None or sys.stdout.closed:
        # Started with stdout closed (`>&-`): Python leaves sys.stdout None and print()
        # drops every line, so a report or export would vanish behind exit status 0.
        return fail("stdout is closed; nothing was done (redirect it to a file instead)")
    if args.command is None:
        from claimdesk.commands import read_cmd

        args.documents = []
        handler = read_cmd.run
    else:
        handler = args.handler
    headless = args.command not in (None, "read")
    with _terminate_like_ctrl_c(headless) as terminated:
        if not headless:
            return _run(args, handler, terminated)
        with report_stream() as stream:
            code = _run(args, handler, terminated)
        if stream.failure is None:
            return code
        # The work is done (and stored); only what it had to say is lost.
        ended = "done" if code == 0 else f"ended (exit status {code})"
        fail(
            f"{args.command}: {ended}, but its report could not be written to stdout"
            f" ({reason(stream.failure)})"
        )
        return code or 1


def console() -> int:
    """The ``claimdesk`` command: :func:`main`, then ctrl+c ignored while the process exits.

    A ctrl+c that landed after the work and its summary, while Python joined threads
    and flushed streams at exit, printed "Exception ignored in ..." and a traceback, or
    turned a finished job's status into 130. main() itself leaves the handler alone: it
    runs many times inside test processes.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        # Between a command's own handling of ctrl+c and here: what it stored is stored.
        print("claimdesk: interrupted", file=sys.stderr)
        return 130
    with contextlib.suppress(ValueError):  # not the main thread: nothing to ignore
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return code


def _run(
    args: argparse.Namespace, handler: Callable[[argparse.Namespace], int], terminated: list[bool]
) -> int:
    try:
        return int(handler(args))
    except ClaimdeskError as error:
        return fail(str(error))
    except KeyboardInterrupt as interrupt:
        # A long job says what it had finished (import-annotations writes in batches).
        done = f"; {visible(str(interrupt))}" if str(interrupt) else ""
        if terminated[0]:
            print(f"claimdesk: terminated{done}", file=sys.stderr)
            return 128 + signal.SIGTERM
        print(f"claimdesk: interrupted{done}", file=sys.stderr)
        return 130
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        if isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error).lower():
            # Never "damaged ... restore a backup": that advice threw a sound file away.
            return fail(
                f"{db_path_of(args)[0]}: {error}; the file is not damaged: free space and"
                " run the command again"
            )
        # A damaged page or undecodable text met after the database opened cleanly.
        return fail(damaged_database_message(args, error))
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error worth a traceback, nor a
        # reason to hide a failure the command had settled on before it was cut short.
        sys.stderr.close()
        return Outcome.status
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            return fail(unexpected_error(error))
        # Output redirected to a full disk: said once here, and the rest of the buffer
        # is dropped so that Python's own flush at exit does not say it again.
        drop_the_rest(sys.stdout)
        return fail(f"{error.filename or 'stdout'}: cannot write ({reason(error)})")
    except Exception as error:  # a defect of ours: one line for the user, details in a log
        return fail(unexpected_error(error))
