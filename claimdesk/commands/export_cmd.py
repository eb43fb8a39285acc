"""``claimdesk export --format F``: labelled spans and links as training data.

The output appears only when the export succeeds (a temporary file in the target
folder, renamed into place); a failed check leaves no file and exit status 1. An
existing output is replaced only with ``--force``, and never when it is a database
(:mod:`store.export.output`).
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from typing import Any

from claimdesk.commands.common import (
    annotator_of,
    database_of,
    given_annotator_name,
    say,
)
from claimdesk.commands.path_arguments import given_output, given_path
from store.errors import ClaimdeskError
from store.export import FORMATS, export, get_format
from store.export.common import STDOUT, ExportFilter, ExportOptions, ExportStats
from store.export.label_studio import check_label_config_target, label_config_beside
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
        type=given_output,
        default=STDOUT,
        metavar="PATH",
        help="output file (a folder for brat, xmi and pairs); - for stdout (default)",
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
        type=given_path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="database file (default: as for the other commands)",
    )
    parser.add_argument(
        "--annotator",
        dest="annotator_filter",
        action="append",
        default=[],
        type=given_annotator_name,
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
        help="only this document (source name, unique prefix, #ID or id:ID; repeatable)",
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
        help="csv: prefix cells starting with = + - @, a tab or CR with ' for spreadsheets",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing file, or a folder an earlier export made (never a database)",
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help="csv: for Excel: UTF-8 with a byte-order mark, formula-safe (implies --csv-safe)",
    )
    parser.add_argument(
        "--ls-users",
        type=given_path,
        metavar="FILE",
        help="label-studio: JSON object mapping annotator names to Label Studio user ids",
    )
    parser.add_argument(
        "--label-config",
        # Kept as typed, as --out is: a Path would drop a trailing "/" (see names_folder).
        type=given_output,
        metavar="FILE",
        help="label-studio: also write the labelling config for the label set to FILE",
    )
    parser.add_argument(
        "--with-meta",
        action="store_true",
        help="pairs: add documents, offsets, status and reason to each pair",
    )
    parser.add_argument(
        "--align",
        choices=["strict", "expand", "contract"],
        help=(
            "spacy: spans off token bounds are dropped (strict), widened or narrowed to the"
            " tokens they touch (expand, the default) or to those inside them (contract;"
            " dropped when none is)"
        ),
    )
    parser.add_argument(
        "--gold",
        type=given_annotator_name,
        metavar="NAME",
        help="spacy: the annotator whose spans form the 'sc' group and doc.ents (default gold)",
    )
    parser.add_argument(
        "--no-overlap",
        action="store_true",
        help=(
            "doccano: keep the longest of overlapping spans (on ties a person's over a model's,"
            " then earlier, then label order); model:NAME spans only if --annotator names them"
        ),
    )
    parser.add_argument(
        "--per-annotator",
        action="store_true",
        help="jsonl: a record per document and annotator (Prodigy's _annotator_id with --tokens)",
    )
    parser.add_argument(
        "--relations",
        action="store_true",
        help="doccano: entities + relations shape, SAME_FACT between claims of one fact",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no summary on stderr (notes of what the format left out still print)",
    )
    parser.set_defaults(handler=run)
    return parser


# Options one format reads: with another they were ignored in silence, and the user
# took the export for one made with them (--excel on markdown, --tokens on doccano).
FORMAT_OPTIONS: dict[str, tuple[str, str]] = {
    "tokens": ("--tokens", "jsonl"),
    "per_annotator": ("--per-annotator", "jsonl"),
    "conll_label": ("--conll-label", "conll"),
    "csv_safe": ("--csv-safe", "csv"),
    "excel": ("--excel", "csv"),
    "ls_users": ("--ls-users", "label-studio"),
    "label_config": ("--label-config", "label-studio"),
    "with_meta": ("--with-meta", "pairs"),
    "align": ("--align", "spacy"),
    "gold": ("--gold", "spacy"),
    "no_overlap": ("--no-overlap", "doccano"),
    "relations": ("--relations", "doccano"),
}


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
        tokens=args.tokens,
        conll_label=args.conll_label,
        csv_safe=args.csv_safe or args.excel,
        excel=args.excel,
        ls_users=args.ls_users,
        with_meta=args.with_meta,
        align=args.align or "expand",
        gold=args.gold or "gold",
        no_overlap=args.no_overlap,
        relations=args.relations,
        per_annotator=args.per_annotator,
    )
    for dest, (flag, owner) in FORMAT_OPTIONS.items():
        if getattr(args, dest) not in (None, False) and fmt.name != owner:
            raise ClaimdeskError(f"{flag} goes with --format {owner}")
    # An export or import from a database that does not exist is a mistake, not a
    # reason to create an empty one.
    database = database_of(args)
    with (
        Session(database, annotator_of(args), create=False, reading=True) as session,
        ExitStack() as both,
    ):
        if args.label_config is not None:
            # Both outputs are checked before either is written: the export checks --out.
            check_label_config_target(
                args.label_config, args.out, protected=[database], force=args.force
            )
            both.enter_context(
                label_config_beside(
                    session.db, args.label_config, protected=[database], force=args.force
                )
            )
        stats = export(session.db, fmt.name, args.out, wanted, options, force=args.force)
    # What the format left out is said under -q too, as import says its notes: a script
    # that trains on the file needs to know spans are missing from it more than a person does.
    for note in stats.notes:
        say(f"claimdesk: note: {note}", err=True)
    if not args.quiet:
        say(_summary(fmt.name, str(args.out), stats), err=True)
    return 0
