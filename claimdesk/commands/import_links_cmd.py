"""``claimdesk import-links FILE``: load accepted and rejected links from links-jsonl."""

from __future__ import annotations

import argparse
from typing import Any

from claimdesk.commands.common import annotator_of, common_parent, database_of
from claimdesk.commands.path_arguments import given_path
from claimdesk.commands.refusals import say_refusals
from store.linking.links_import import import_links
from store.session import Session


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import-links",
        parents=[common_parent()],
        description=(
            "Load link decisions from FILE in the links-jsonl shape (a, b with doc, start,"
            " end, text; status accepted or rejected). A side is placed at its offsets when"
            " the text matches there, else at the text's only occurrence in the document."
            " Sides that cannot be placed are named on stderr, their lines skipped, and the"
            " exit status is 1. Importing twice changes nothing; `undo` in the reader takes"
            " the whole import back."
        ),
    )
    parser.add_argument("file", type=given_path, metavar="FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only refusals")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    with Session(database_of(args), annotator_of(args), create=False) as session:
        session.refuse_damaged()
        report = import_links(session.db, args.file, annotator=annotator_of(args))
    say_refusals(report.refused)
    if not args.quiet:
        print(
            # "imported 0 link(s) …; 30 changed" read as a failure when every line decided
            # an existing suggestion.
            f"read {report.records} record(s): {report.added} new link(s),"
            f" {report.changed} decision(s) changed, {report.present} already decided so,"
            f" {len(report.refused)} refused"
            + (
                f"; {report.suggestions} undecided suggestion(s) skipped"
                if report.suggestions
                else ""
            )
        )
    return 0 if report.ok else 1
