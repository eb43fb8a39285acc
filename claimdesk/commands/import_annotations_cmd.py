"""``claimdesk import-annotations FILE``: add spans from claimdesk jsonl or doccano JSONL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from claimdesk.commands.common import annotator_of, common_parent, database_of, say
from claimdesk.commands.path_arguments import given_path
from claimdesk.commands.refusals import SHOWN_REFUSALS, say_refusals
from store.annotations_import import AnnotationImportReport, import_annotations
from store.errors import clipped
from store.session import Session
from store.visible import visible


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import-annotations",
        parents=[common_parent()],
        description=(
            "Add the spans in FILE (claimdesk's jsonl export, or doccano's JSONL; detected"
            " from the first record) to the documents they belong to, matched by source"
            " name or text hash. Importing twice adds nothing, and a span deleted in the"
            " database since stays deleted. A span present with another note in FILE takes"
            " that note, unless its note was edited in this database. Spans whose text does not"
            " match the document, whose document or label is unknown, a span given two"
            " different notes in FILE, and lines that are not UTF-8 JSON are listed one"
            " per line on stderr (the first"
            f" {SHOWN_REFUSALS}); then nothing is imported and the exit status is 1. A"
            " file that passes is written in batches, each one undoable action; if the"
            " import is interrupted, it says how many spans were stored, and importing"
            " the file again adds the rest. Each span"
            " keeps the annotator the file gives it; --annotator NAME (e.g. model:ner-v2"
            " for pre-annotations) fills in spans without one (all doccano spans)."
        ),
    )
    parser.add_argument("file", type=given_path, metavar="FILE")
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
    with Session(database_of(args), annotator_of(args), create=False) as session:
        session.refuse_damaged()
        report = import_annotations(
            session.db,
            args.file,
            importer=annotator_of(args),
            annotator=annotator_of(args) if explicit else None,
            fmt=args.format,
            create_labels=args.create_labels,
        )
    say_refusals(report.refused)
    if report.refused and report.first_refused_line:
        say(
            f"claimdesk: nothing imported from {visible(str(args.file))}:"
            f" {len(report.refused)} problem(s), the first on line {report.first_refused_line};"
            f" {report.valid} valid span(s) were read; fix the file and import it again",
            err=True,
        )
    if report.refused:
        return 1
    if not args.quiet:
        created = (
            f"; created label(s) {', '.join(report.labels_created)}"
            if report.labels_created
            else ""
        )
        say(
            f"imported {report.added} span(s) from {report.records} record(s);"
            f" {report.present} already present; {len(report.refused)} refused{created}"
            + (
                f"; {report.left_deleted} deleted in the database and left deleted"
                if report.left_deleted
                else ""
            )
            + (
                f"; {report.not_accepted} Prodigy task(s) answered reject/ignore skipped"
                if report.not_accepted
                else ""
            )
            + (f"; {report.repeated} repeated in the file" if report.repeated else "")
            + (f"; {report.notes_updated} note(s) updated" if report.notes_updated else "")
            + (
                f"; {report.notes_kept} present with a different note, kept as edited here"
                if report.notes_kept
                else ""
            )
        )
    if note := annotators_note(report, args.file, annotator_of(args)):
        say(note, err=True)
    return 0 if report.ok else 1


def annotators_note(report: AnnotationImportReport, path: Path, annotator: str) -> str | None:
    """A note when a doccano file names annotators its spans cannot keep, or None.

    claimdesk's doccano export lists each span's annotator in ``meta.annotators``;
    doccano spans themselves carry none, so a round trip through doccano makes every
    span the importing annotator's, and two people's identical spans one.
    """
    others = sorted(report.meta_annotators - {annotator})
    if not others:
        return None
    shown = ", ".join(visible(clipped(name)) for name in others[:5])
    more = f" and {len(others) - 5} more" if len(others) > 5 else ""
    return (
        f"claimdesk: note: {visible(str(path))} names annotator(s) {shown}{more} in"
        f" meta.annotators; doccano spans carry no annotator, so every span was read as"
        f" {visible(annotator)}'s ({report.repeated} identical span(s) became one);"
        " import claimdesk's jsonl export to keep who marked what"
    )
