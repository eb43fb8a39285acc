"""``claimdesk export --format F``: labelled spans and links as training data.

The output appears only when the export succeeds (a temporary file in the target
folder, renamed into place); a failed check leaves no file and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from claimdesk.commands.common import annotator_of, db_path_of
from store.errors import ClaimdeskError
from store.export import FORMATS, export, get_format
from store.export.common import STDOUT, ExportFilter, ExportOptions, ExportStats
from store.session import Session


def register(subparsers: Any) -> argparse.ArgumentParser:
    listing = "; ".join(f"{fmt.name}: {fmt.summary}" for fmt in FORMATS.values())
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        description=(
            "Write the live spans (and links) in a training-data format. Same database,"
            " same bytes. Every span's and link's text is checked against its document;"
            f" a mismatch stops the export and writes nothing. Formats: {listing}."
        ),
    )
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=list(FORMATS),
        metavar="F",
        help="output format: " + ", ".join(FORMATS),
    )
    parser.add_argument(
        "--out",
        "-o",
        default=STDOUT,
        metavar="PATH",
        help="output file (a folder for brat); - for stdout (default)",
    )
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="L",
        help="only spans with this label (repeatable)",
    )
    # --annotator filters here, so the shared --annotator (who is working) is not
    # offered on this subcommand; only --db is.
    parser.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="database file (default: as for the other commands)",
    )
    parser.add_argument(
        "--annotator",
        dest="annotator_filter",
        action="append",
        default=[],
        metavar="NAME",
        help="only spans by this annotator (repeatable)",
    )
    parser.add_argument(
        "--status",
        choices=["done", "in_progress"],
        help="only documents marked with this status (by the --annotator ones if given)",
    )
    parser.add_argument(
        "--doc",
        action="append",
        default=[],
        metavar="NAME",
        help="only this document (source name, unique prefix, or #ID; repeatable)",
    )
    parser.add_argument(
        "--since", metavar="ISO", help="only spans created or changed at or after this UTC time"
    )
    parser.add_argument(
        "--skip-empty", action="store_true", help="leave out documents without selected spans"
    )
    parser.add_argument(
        "--tokens", action="store_true", help="jsonl: add tokens and token_start/token_end"
    )
    parser.add_argument(
        "--conll-label", metavar="L", help="conll: tag only this label (one file per label)"
    )
    parser.add_argument(
        "--csv-safe",
        action="store_true",
        help="csv: prefix cells starting with = + - @ with ' for spreadsheets",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    parser.set_defaults(handler=run)
    return parser


def _summary(name: str, target: str, stats: ExportStats) -> str:
    counts = [
        (stats.documents, "document(s)"),
        (stats.spans, "span(s)"),
        (stats.links, "link(s)"),
        (stats.records, "record(s)"),
    ]
    parts = [f"{n} {what}" for n, what in counts if n] or ["nothing"]
    where = "stdout" if target == STDOUT else target
    return f"exported {', '.join(parts)} as {name} to {where}"


def run(args: argparse.Namespace) -> int:
    fmt = get_format(args.format)
    if fmt.output == "folder" and args.out == STDOUT:
        raise ClaimdeskError(f"--format {fmt.name} writes a folder: give --out FOLDER")
    wanted = ExportFilter(
        labels=tuple(args.label),
        annotators=tuple(args.annotator_filter),
        status=args.status,
        docs=tuple(args.doc),
        since=args.since,
        skip_empty=args.skip_empty,
    )
    options = ExportOptions(
        tokens=args.tokens, conll_label=args.conll_label, csv_safe=args.csv_safe
    )
    # An export or import from a database that does not exist is a mistake, not a
    # reason to create an empty one.
    with Session(db_path_of(args)[0], annotator_of(args), create=False) as session:
        stats = export(session.db, fmt.name, args.out, wanted, options)
    if not args.quiet:
        for note in stats.notes:
            print(f"claimdesk: note: {note}", file=sys.stderr)
        print(_summary(fmt.name, str(args.out), stats), file=sys.stderr)
    return 0
