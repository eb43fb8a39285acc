"""Options every subcommand shares, and how a command opens its database."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.commands.path_arguments import given_path
from store.errors import ClaimdeskError, quoted
from store.formats.metadata import clean_name
from store.model import MAX_NAME_CHARS
from store.paths import DB_ENV, configured_db_path, default_db_path, refuse_unusable
from store.visible import visible, visible_json

if TYPE_CHECKING:
    from store.session import Session

ANNOTATOR_ENV = "CLAIMDESK_ANNOTATOR"


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--db`` and ``--annotator``, accepted before or after the subcommand.

    Subcommand copies default to SUPPRESS so they never overwrite a value given
    before the subcommand.
    """
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        type=given_path,
        default=default,
        metavar="PATH",
        help=f"database file (default: ${DB_ENV}, else claimdesk.db in the user data folder)",
    )
    parser.add_argument(
        "--annotator",
        type=given_annotator,
        default=default,
        metavar="NAME",
        help=(
            f"who is annotating (default: ${ANNOTATOR_ENV}, else annotator in the config"
            " file, else the login name)"
        ),
    )


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} must be at least {minimum}")
        return value

    return parse


def common_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    add_common_options(parent)
    return parent


def annotator_of(args: argparse.Namespace) -> str:
    """``--annotator``, else ``$CLAIMDESK_ANNOTATOR``, else the config file's, else the login."""
    from store.changelog import os_account
    from tui.config import config_path, load_config

    config = load_config()
    from_env = os.environ.get(ANNOTATOR_ENV)
    if not getattr(args, "annotator", None) and from_env and not from_env.strip():
        # Said as "annotator name '' must be printable", which pointed nowhere.
        raise ClaimdeskError(f"${ANNOTATOR_ENV} holds only spaces; unset it or give a name")
    name = getattr(args, "annotator", None) or from_env
    if not name:
        name = config.annotator or login_name()
    name = name.strip()
    if not name or not name.isprintable():
        # The name may come from the config file, at any length.
        raise ClaimdeskError(f"annotator name {quoted(name)} must be printable and not empty")
    name = annotator_name(name)
    if len(name) > MAX_NAME_CHARS:
        # The cap import-annotations holds a file's names to (see MAX_NAME_CHARS).
        raise ClaimdeskError(
            f"annotator name of {len(name):,} characters; at most {MAX_NAME_CHARS} are allowed"
        )
    # The account comes from the process's uid, not from $USER, which anyone can set.
    account = os_account() or login_name()
    if config.annotator_must_match_login and name != account:
        raise ClaimdeskError(
            f"annotator {name!r} is not your login name {account!r};"
            f" annotator_must_match_login is set in {config_path()}"
        )
    return name


def annotator_name(text: str) -> str:
    """``text`` as spans store annotator names, for every option that names an annotator:
    a decomposed "José" typed or pasted found nothing, while ``stats`` listed a name that
    looked the same."""
    return clean_name(text)


def given_annotator(value: str) -> str:
    """An argparse type for ``--annotator``: an empty name is bad usage, as an empty path is.

    ``--annotator "$MODEL"`` with ``MODEL`` unset read as no name at all, and a model's
    pre-annotations went in as the login user's own spans."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty name (an unset shell variable?)")
    return value


def given_annotator_name(value: str) -> str:
    """:func:`given_annotator`, then :func:`annotator_name` (a filter by name)."""
    return annotator_name(given_annotator(value))


def db_path_of(args: argparse.Namespace) -> tuple[Path, bool]:
    """The database path, and whether it is the built-in default (which gets seeded):
    ``--db``, else ``$CLAIMDESK_DB``, both named by the user and never seeded."""
    given = getattr(args, "db", None)
    if given is not None:
        return Path(given).expanduser(), False
    configured = configured_db_path()
    if configured is not None:
        return configured, False
    return default_db_path(), True


def database_of(args: argparse.Namespace) -> Path:
    """The database path, the built-in default seeded first if it does not exist yet: a
    first ``claimdesk export`` refused "no such database" for a file the user had never
    heard of, while a first ``stats`` seeded it."""
    path, is_default = db_path_of(args)
    if is_default:
        seed_default_database(path)
    return path


def existing_database_of(args: argparse.Namespace) -> Path:
    """The database path for commands that look after the file (``check``, ``backup``):
    never created, and a default not started yet is said to be one."""
    path, is_default = db_path_of(args)
    if is_default and not path.exists():
        raise ClaimdeskError(
            f"{path}: no database here yet; claimdesk starts it on first use"
            " (run claimdesk, or claimdesk import FILES)"
        )
    return path


def open_session(
    args: argparse.Namespace, *, seed: bool = True, create: bool = True, reading: bool = False
) -> Session:
    """The session of the command's database; ``create=False`` for commands that only
    read, so a mistyped ``--db`` is an error instead of a new empty database, and
    ``reading`` for those that write nothing (:func:`store.db.open_connection`)."""
    from store.session import Session

    path, is_default = db_path_of(args)
    if is_default and seed:
        seed_default_database(path)
    if create and not is_default and not path.exists() and not path.parent.is_dir():
        # A mistyped or unmounted --db (/mnt/team/claims.db) got its folders made, and a
        # day's import went to a local database the mount later hid. As the reader does,
        # a new database is started only in a folder that exists.
        raise ClaimdeskError(
            f"{path.parent}: no such folder for the database; claimdesk starts a new"
            " database only in a folder that exists"
        )
    return Session(path, annotator_of(args), create=create, reading=reading)


def seed_default_database(path: Path) -> None:
    """Fill a missing default database from the sample corpus (the importer loads only then)."""
    refuse_unusable(path, "the database")  # $XDG_DATA_HOME may name anything
    if path.exists():
        return
    if sys.stderr.isatty():
        # A few seconds with a blank terminal look like a hang; scripts reading the
        # output (stats --json 2>&1) get nothing extra.
        say(
            f"claimdesk: first run: filling {path} with the sample corpus and its"
            " suggested links (a few seconds, once)",
            err=True,
        )
    from store.seed import ensure_seeded

    ensure_seeded(path)


def damaged_database_message(args: argparse.Namespace, error: Exception) -> str:
    """One line for a database that opened but could not be read, naming the file."""
    from store.check import DamagedDatabase

    return str(DamagedDatabase(db_path_of(args)[0], error))


class Outcome:
    """The exit status a command settled on before saying why.

    A reader that quits early (`import many 2>&1 | head -1`) stops the command with
    BrokenPipeError part way through its refusals, before it returns; cli._run returns
    this status then, so a refused import still fails in a pipeline instead of exit 0.
    """

    status = 0

    @classmethod
    def failing(cls, status: int = 1) -> None:
        """Settle on ``status`` unless a failure was settled on already; call it before
        the messages that say why."""
        cls.status = cls.status or status


def fail(message: str) -> int:
    Outcome.failing()
    say(f"claimdesk: {message}", err=True)
    return 1


def say(text: str, *, err: bool = False) -> None:
    """Print a one-line message holding stored strings or file names, every control made
    visible, line breaks and carriage returns too.

    Messages are never data, so they are escaped whether or not the stream is a terminal.
    A file name may hold ``\r`` or ``\n``: sent raw, ``\r`` let the name overwrite the
    start of the line it was in (``claimdesk: refused`` vanished behind the name's text),
    and ``\n`` split the message into two lines.
    """
    print(visible(text), file=sys.stderr if err else sys.stdout)


def say_report(lines: Sequence[str]) -> None:
    """Print a report (stats, agree, stories) line by line, each made visible on its own.

    The report comes as lines, not as one text split at its line breaks: a line break
    inside a stored title, outlet or name was taken for layout and forged report lines
    (a fake story under a real one)."""
    print("\n".join(visible(line) for line in lines))


def print_data(text: str) -> None:
    """Print JSON output: its controls as ``\\u`` escapes, the same data, safe anywhere."""
    print(visible_json(text))
