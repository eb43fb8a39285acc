"""``claimdesk stats``: what the database holds."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from claimdesk.commands.common import common_parent, open_session, print_data, say_report
from store.stats import CorpusStats, corpus_stats


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "stats",
        parents=[common_parent()],
        description="Print counts of what the database holds.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)
    return parser


def render(stats: CorpusStats) -> list[str]:
    lines = [f"documents  {stats.documents}"]
    lines += [f"  {outlet:<32} {n:>7}" for outlet, n in stats.documents_by_outlet]
    lines.append("languages")
    lines += [f"  {language:<32} {n:>7}" for language, n in stats.documents_by_language]
    lines.append(f"sentences  {stats.sentences}")
    lines.append(f"spans      {stats.spans}")
    lines += [
        f"  {label:<16} {annotator:<15} {n:>7}"
        for label, annotator, n in stats.spans_by_label_and_annotator
    ]
    lines.append("links")
    lines += [f"  {status:<32} {n:>7}" for status, n in stats.links_by_status]
    if stats.done_by_annotator:
        lines.append("documents done")
        lines += [f"  {annotator:<32} {n:>7}" for annotator, n in stats.done_by_annotator]
    return lines


def run(args: argparse.Namespace) -> int:
    with open_session(args, create=False, reading=True) as session:
        stats = corpus_stats(session.db)
    if args.json:
        print_data(json.dumps(dataclasses.asdict(stats), ensure_ascii=False, sort_keys=True))
    else:
        say_report(render(stats))
    return 0
