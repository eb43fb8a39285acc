"""``claimdesk check``: integrity, foreign keys, the search index, text encoding and
the offsets of every span and link, with a non-zero exit when anything is wrong."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from claimdesk.commands.common import Outcome, common_parent, existing_database_of, say
from store.check import RECOVERY_HINT, DatabaseBusy, check_database

# EX_TEMPFAIL of sysexits.h: another process held the lock; running check again may pass.
EXIT_BUSY = 75


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        parents=[common_parent()],
        description=(
            "Check the database without changing it: PRAGMA integrity_check, foreign keys,"
            " the full-text index, that all text is UTF-8, that every span's and link's"
            " quote is the document text at its offsets, and that no text, name or note"
            " holds a character XML cannot (the xmi export replaces them). Exit status 1"
            f" when a problem is found, with how to recover; {EXIT_BUSY} when another process"
            " kept the database locked, so that it could not be checked (run check again)."
        ),
    )
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    path: Path = existing_database_of(args)
    try:
        report = check_database(path)
    except DatabaseBusy as busy:
        Outcome.failing(EXIT_BUSY)
        # A lock held elsewhere says nothing of the file: never the advice to restore.
        say(f"claimdesk: {busy}", err=True)
        return EXIT_BUSY
    if report.problems:
        Outcome.failing()
    for result in report.results:
        if result.problems:
            shown = "; ".join(result.examples) + (f" ({result.hint})" if result.hint else "")
            say(f"{result.name:<16} {result.problems:,} problem(s): {shown}")
        else:
            say(f"{result.name:<16} ok" + (f" ({result.checked})" if result.checked else ""))
    if report.problems:
        # Problems with a hint of their own (characters XML forbids) are no damage:
        # restoring a backup would not help with them.
        damage = any(r.problems and not r.hint for r in report.results)
        say(
            f"claimdesk: {path}: {report.problems:,} problem(s) found"
            + (f"; {RECOVERY_HINT}" if damage else ""),
            err=True,
        )
        return 1
    say(f"{path}: no problems found")
    return 0
