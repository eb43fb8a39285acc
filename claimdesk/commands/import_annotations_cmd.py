"""``claimdesk import-annotations FILE``: add spans from claimdesk jsonl or doccano JSONL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from claimdesk.commands.common import annotator_of, common_parent, db_path_of
from store.annotations_import import import_annotations
from store.session import Session


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import-annotations",
        parents=[common_parent()],
        description=(
            "Add the spans in FILE (claimdesk's jsonl export, or doccano's JSONL; detected"
            " from the first record) to the documents they belong to, matched by source"
            " name or text hash. Importing twice adds nothing. Spans whose text does not"
            " match the document, whose document or label is unknown, are listed one per"
            " line on stderr and make the exit status 1; the others are still imported."
            " --annotator NAME (e.g. model:ner-v2 for pre-annotations) replaces the"
            " annotator in the file; doccano spans otherwise get the current annotator."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--format", choices=["jsonl", "doccano"], help="skip detection")
    parser.add_argument(
        "--create-labels",
        action="store_true",
        help="create unknown labels (grey) instead of refusing their spans",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only refusals")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    explicit = getattr(args, "annotator", None)
    # An export or import from a database that does not exist is a mistake, not a
    # reason to create an empty one.
    with Session(db_path_of(args)[0], annotator_of(args), create=False) as session:
        report = import_annotations(
            session.db,
            args.file,
            importer=annotator_of(args),
            annotator=annotator_of(args) if explicit else None,
            fmt=args.format,
            create_labels=args.create_labels,
        )
    for line in report.refused:
        print(f"claimdesk: refused {line}", file=sys.stderr)
    if not args.quiet:
        created = (
            f"; created label(s) {', '.join(report.labels_created)}"
            if report.labels_created
            else ""
        )
        print(
            f"imported {report.added} span(s) from {report.records} record(s);"
            f" {report.present} already present; {len(report.refused)} refused{created}"
            + (
                f"; {report.not_accepted} Prodigy task(s) answered reject/ignore skipped"
                if report.not_accepted
                else ""
            )
        )
    return 0 if report.ok else 1
