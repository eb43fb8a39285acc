"""``claimdesk agree``: how well annotators agree, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from claimdesk.commands.common import (
    annotator_name,
    common_parent,
    given_annotator_name,
    open_session,
    print_data,
    say_report,
)
from store.agreement import AgreementReport, Scores, agreement
from store.curation import DEFAULT_GOLD
from store.visible import visible
from tui.config import load_config


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "agree",
        parents=[common_parent()],
        description=(
            "Agreement between annotators, per label and pair: exact and overlap span"
            " precision/recall/F1 (the first of a pair is the reference), Cohen's kappa on"
            " token labels, Krippendorff's alpha (nominal) over all chosen annotators, and"
            " agreement on cross-document link decisions. Only documents both annotators"
            " annotated (a span or marked done) count for a pair."
        ),
    )
    parser.add_argument(
        "--annotators",
        nargs="+",
        type=given_annotator_name,
        metavar="NAME",
        help="annotators to compare (default: everyone except the gold name)",
    )
    parser.add_argument(
        "--label",
        nargs="+",
        action="extend",
        metavar="LABEL",
        help="only these labels (others count as no label)",
    )
    parser.add_argument(
        "--doc",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these documents (source name, unique prefix, #ID or id:ID)",
    )
    parser.add_argument(
        "--gold-name",
        type=given_annotator_name,
        metavar="NAME",
        help=f"curated annotator left out by default (default: gold_name in the config"
        f" file, else {DEFAULT_GOLD})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)
    return parser


def configured_gold_name() -> str:
    """``gold_name`` from the config file, else ``gold``."""
    return annotator_name(load_config().gold_name or DEFAULT_GOLD)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _scores(scores: Scores) -> list[str]:
    return [_num(scores.precision), _num(scores.recall), _num(scores.f1)]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    # Names shown as they will be printed, so that the columns line up around escapes.
    header = [visible(cell) for cell in header]
    rows = [[visible(cell) for cell in row] for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    # Text columns left, figures right: the first columns hold names.
    def line(cells: list[str]) -> str:
        parts = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            numeric = index > 0 and (cell[:1].isdigit() or cell == "-")
            parts.append(cell.rjust(width) if numeric else cell.ljust(width))
        return "  ".join(parts).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def render(report: AgreementReport) -> list[str]:
    out = [
        f"annotators  {' '.join(report.annotators)}",
        f"labels      {' '.join(report.labels)}",
        f"documents   {report.documents} annotated by at least one of them",
        "",
        "Spans per label (A = reference)",
    ]
    out += _table(
        [
            "label",
            "A",
            "B",
            "A spans",
            "B spans",
            "exact P",
            "exact R",
            "exact F1",
            "ovl P",
            "ovl R",
            "ovl F1",
            "tok kappa",
        ],
        [
            [
                s.label,
                s.a,
                s.b,
                str(s.a_spans),
                str(s.b_spans),
                *_scores(s.exact),
                *_scores(s.overlap),
                _num(s.token_kappa),
            ]
            for s in report.spans
        ],
    )
    out += ["", "Token labels per pair (Cohen's kappa, all labels + O)"]
    out += _table(
        ["A", "B", "documents", "tokens", "observed", "kappa"],
        [
            [p.a, p.b, str(p.documents), str(p.tokens), _num(p.observed), _num(p.kappa)]
            for p in report.pairs
        ],
    )
    out += [
        "",
        f"Krippendorff's alpha (nominal, token labels, all annotators): {_num(report.alpha)}",
    ]
    out += _table(["label", "alpha"], [[k, _num(v)] for k, v in report.alpha_by_label.items()])
    out += ["", "Link decisions (links both accepted or rejected)"]
    out += _table(
        ["A", "B", "both decided", "agreed", "observed", "kappa"],
        [
            [p.a, p.b, str(p.both_decided), str(p.agreed), _num(p.observed), _num(p.kappa)]
            for p in report.links
        ],
    )
    return out


def run(args: argparse.Namespace) -> int:
    with open_session(args, create=False, reading=True) as session:
        report = agreement(
            session.db,
            annotators=args.annotators,
            labels=args.label,
            documents=args.doc,
            exclude=[args.gold_name or configured_gold_name()],
        )
    if args.json:
        print_data(json.dumps(report.to_json(), ensure_ascii=False, sort_keys=True))
    else:
        say_report(render(report))
    return 0
