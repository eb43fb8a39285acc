"""``claimdesk import PATH...``: add article files and folders to the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimdesk.commands.common import common_parent, open_session, say, whole_number
from claimdesk.commands.path_arguments import given_path
from claimdesk.commands.refusals import SHOWN_REFUSALS, say_refusals
from claimdesk.progress import progress_bar
from store.formats.dispatch import SUPPORTED_SUFFIXES
from store.formats.limits import MAX_ARTICLE_CHARS
from store.importer import import_paths
from store.paths import sample_corpus_path
from store.stories.storage import refresh_stories, story_summary
from store.visible import visible


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import",
        parents=[common_parent()],
        description=(
            "Import articles from files and folders (recursively): "
            + ", ".join(sorted(SUPPORTED_SUFFIXES))
            + ". Re-importing the same text does nothing. Refused files are listed one per"
            f" line on stderr (the first {SHOWN_REFUSALS}, then how many more) and make the"
            " exit status 1; the rest still import."
        ),
    )
    parser.add_argument("paths", nargs="*", type=given_path, metavar="PATH")
    parser.add_argument(
        "--sample", action="store_true", help="also import the bundled sample corpus"
    )
    parser.add_argument(
        "--max-chars",
        # At least 1: 0 or a negative number refused every article, each with its own line.
        type=whole_number(1),
        default=MAX_ARTICLE_CHARS,
        metavar="N",
        help=f"refuse articles longer than N characters (default {MAX_ARTICLE_CHARS:,})",
    )
    parser.add_argument(
        "--no-stories",
        action="store_true",
        help="do not recompute the stories (for batches; `claimdesk stories --refresh` later)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    paths: list[Path] = list(args.paths)
    if args.sample:
        paths.append(sample_corpus_path())
    if not paths:
        print("claimdesk import: give at least one PATH, or --sample", file=sys.stderr)
        return 2
    with (
        open_session(args, seed=False) as session,
        progress_bar("importing", enabled=not args.quiet) as progress,
    ):
        session.refuse_damaged()
        report = import_paths(session.db, paths, progress=progress, max_chars=args.max_chars)
        # Documents found already stored may be in no story: an import killed after its
        # last batch but before regrouping left them so, and importing again (all
        # "already present") regrouped nothing, though it is what completes an import.
        wanted = not args.no_stories and (
            report.added or (report.duplicates and session.ungrouped_documents())
        )
        try:
            stories = refresh_stories(session.db) if wanted else None
        except KeyboardInterrupt:
            # Every document is in by now; only the regrouping (one transaction) is not.
            # The files refused are said first: "refused files are listed" held only for
            # an import left to finish, and importing again was the only way to learn them.
            _say_notes_and_refusals(report.notes, report.refused)
            refused = f", {len(report.refused)} file(s) refused" if report.refused else ""
            raise KeyboardInterrupt(
                f"{report.added} document(s) were imported{refused}; the stories were not"
                " regrouped (claimdesk stories --refresh does it)"
            ) from None
    _say_notes_and_refusals(report.notes, report.refused)
    if not args.quiet:
        print(
            f"imported {report.added} new document(s) from {report.files} file(s);"
            f" {report.duplicates} already present; {len(report.refused)} refused"
            + (f"; {len(report.skipped)} unsupported file(s) skipped" if report.skipped else "")
        )
        if stories is not None:
            print(story_summary(stories))
    return 0 if report.ok else 1


def _say_notes_and_refusals(notes: list[str], refused: Sequence[object]) -> None:
    for note in notes:
        say(f"claimdesk: note: {visible(note)}", err=True)
    say_refusals(refused)
