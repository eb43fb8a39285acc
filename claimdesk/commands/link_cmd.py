"""``claimdesk link``: suggest links between sentences that report the same fact."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from claimdesk.commands.common import common_parent, open_session, whole_number
from claimdesk.progress import progress_bar
from store.linking.alignment import TAKEN, WINDOW
from store.linking.candidates import DEFAULT_PER_SENTENCE
from store.linking.document_pairs import DEFAULT_PER_DOCUMENT
from store.linking.features import MAX_WORKERS, default_workers
from store.linking.learning import why_not_learning
from store.linking.score import DEFAULT_FLOOR, DEFAULT_THRESHOLD
from store.linking.suggest import (
    DEFAULT_MAX_PER_SENTENCE,
    DEFAULT_TOP_K,
    LinkSettings,
    link_documents,
)
from store.stories.storage import refresh_stories, story_summary


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


_positive = whole_number(1)


def _workers(text: str) -> int:
    """1 to :data:`MAX_WORKERS`: a huge number overflowed the process pool ("unexpected
    error: OverflowError"), and 1,000 would have forked 1,000 copies of the linker."""
    value = _positive(text)
    if value > MAX_WORKERS:
        cpus = os.cpu_count() or 1
        raise argparse.ArgumentTypeError(
            f"{text} is more than {MAX_WORKERS} (this machine has {cpus} CPU(s))"
        )
    return value


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "link",
        parents=[common_parent()],
        description=(
            "For each sentence, store its best K matches in each other document as"
            " suggestions with a score. Re-running updates suggestions and never changes"
            " an accepted or rejected link. Scores of "
            f"{DEFAULT_THRESHOLD} and above are likely the same fact."
        ),
    )
    parser.add_argument(
        "--threshold",
        type=_score,
        default=DEFAULT_FLOOR,
        metavar="T",
        help=(
            "store only suggestions whose sentences are at least T alike, 0..1, before the"
            f" document factor (default {DEFAULT_FLOOR})"
        ),
    )
    parser.add_argument(
        "--top",
        type=_positive,
        default=DEFAULT_TOP_K,
        metavar="K",
        help=f"best K suggestions per sentence and other document (default {DEFAULT_TOP_K})",
    )
    parser.add_argument(
        "--docs",
        nargs="+",
        metavar="NAME",
        help="link only these documents with each other (source name, unique prefix, #ID or id:ID)",
    )
    parser.add_argument(
        "--different-outlets",
        action="store_true",
        help="only suggest links between documents of different outlets",
    )
    parser.add_argument(
        "--max-per-sentence",
        type=_positive,
        default=DEFAULT_MAX_PER_SENTENCE,
        metavar="N",
        help=(
            "keep at most N suggestions per sentence over all documents"
            f" (default {DEFAULT_MAX_PER_SENTENCE}; lower it for corpora of thousands of articles)"
        ),
    )
    parser.add_argument(
        "--candidates",
        type=_positive,
        default=DEFAULT_PER_SENTENCE,
        metavar="N",
        help=f"score at most N candidate partners per sentence (default {DEFAULT_PER_SENTENCE})",
    )
    parser.add_argument(
        "--document-partners",
        type=whole_number(0),
        default=DEFAULT_PER_DOCUMENT,
        metavar="N",
        help=(
            "pair every sentence of each document with every sentence of its N most related"
            " documents per language, so paraphrases are found (default"
            f" {DEFAULT_PER_DOCUMENT}; 0: only sentences that share words)"
        ),
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=default_workers(),
        metavar="N",
        help=(
            "processes for normalising sentences, 1 to"
            f" {MAX_WORKERS} (default: the number of CPUs, at most 8)"
        ),
    )
    parser.add_argument(
        "--no-learn",
        action="store_true",
        help=(
            "keep the untrained score instead of fitting it to the accepted and rejected"
            " links (fitted from 20 decisions on) and of re-weighting the pairs of documents"
            " that accepted links join"
        ),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    settings = LinkSettings(
        top_k=args.top,
        floor=args.threshold,
        different_outlets=args.different_outlets,
        max_per_sentence=args.max_per_sentence,
        per_sentence=args.candidates,
        document_partners=args.document_partners,
        workers=args.workers,
        learn=not args.no_learn,
    )
    # A mistyped --db is an error, not a new empty database with nothing to link.
    with open_session(args, create=False) as session:
        session.refuse_damaged()
        doc_ids = None
        if args.docs:
            doc_ids = sorted({session.find_document(name).id for name in args.docs})
        with progress_bar("linking", enabled=not args.quiet) as bar:

            def progress(done: int, total: int, stage: str) -> None:
                if bar is not None:
                    bar(done, total, Path(stage))

            report = link_documents(
                session.db, doc_ids=doc_ids, settings=settings, progress=progress
            )
        # Sentence links are evidence that two reports follow one story; when no link
        # changed, neither did the stories.
        changed = report.inserted + report.updated + report.removed
        stories = refresh_stories(session.db) if changed else None
    if not args.quiet:
        if report.learned is not None:
            print(report.learned.describe())
        elif not args.no_learn:
            print(why_not_learning(report.decided, report.aligned))
        if report.aligned:
            print(
                f"placed by {report.aligned} accepted link(s): a partner taken by another"
                f" sentence of the same document scores ×{TAKEN:g}; one inside the window the"
                f" accepted links around a sentence leave (w sentences) is raised by"
                f" the power 1+{WINDOW:g}/w"
            )
        print(
            f"linked {report.sentences} sentence(s) in {report.documents} document(s):"
            f" {report.candidates} candidate pair(s) scored, {report.suggestions} suggestion(s);"
            f" {report.inserted} new, {report.updated} updated, {report.unchanged} unchanged,"
            f" {report.removed} removed; {report.kept_decisions} decided link(s) kept"
            f" ({report.seconds:.1f} s)"
        )
        print(story_summary(stories) if stories else "stories: unchanged (no link changed)")
    return 0
