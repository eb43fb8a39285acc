"""Clauses and context on the gold set: each on and off, and the context weight by fact.

Runs the linker as ``benchmarks/link_quality.py`` does (same gold, same measures)
four ways: whole sentences only, with clauses of multi-fact sentences, with the
context of anaphoric sentences, with both (the default). Then the context
weight: for each of five folds of the gold facts, the weight among
``--weights`` with the best MRR on the other four folds, and the held-out
quality at that weight (the spread, not the best cell, is the figure to quote).

    python benchmarks/link_views.py
    python benchmarks/link_views.py --weights 0,0.3,0.4,0.5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_quality import (
    FOLDS,
    Pair,
    best_threshold,
    corpus_scores,
    cross_validate,
    facts_of,
    spread,
)

from store.db import connect
from store.importer import import_paths
from store.linking import units
from store.linking.features import DocInput, build_corpus
from store.linking.gold import Quality, SentenceKey, evaluate, gold_pairs, read_gold
from store.linking.score import DEFAULT_THRESHOLD
from store.linking.suggest import LinkSettings, load_documents
from store.paths import sample_corpus_path

Run = tuple[dict[Pair, float], set[Pair], dict[int, list[SentenceKey]]]


def scored(documents: list[DocInput], *, clauses: bool, context: bool) -> Run:
    """link_quality.linker_scores with clauses and context switched."""
    corpus = build_corpus(documents, clauses=clauses, context=context)
    return corpus_scores(corpus, LinkSettings())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="0,0.3,0.4,0.5", help="context weights to choose from")
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "views.db")
        import_paths(db, [sample_corpus_path()])
        gold = read_gold(sample_corpus_path() / "gold_links.json")
        positives, negatives, _missing = gold_pairs(db, gold)
        documents = load_documents(db)
        db.close()
    corpus = build_corpus(documents)
    print(
        f"{len(corpus)} sentences: {len(corpus.clauses)} divide into"
        f" {sum(len(c) for c in corpus.clauses.values())} clauses,"
        f" {len(corpus.borrowed)} open with an anaphor and borrow context;"
        f" context weight {units.CONTEXT_WEIGHT}"
    )
    print()
    print("| linker | recall@1 | recall@3 | MRR | F1 (0.12) | best F1 | held-out F1 by fact |")
    print("|---|---|---|---|---|---|---|")
    for name, clauses, context in (
        ("whole sentences", False, False),
        ("+ clauses", True, False),
        ("+ context", False, True),
        ("+ clauses + context (default)", True, True),
    ):
        scores, stored, by_doc = scored(documents, clauses=clauses, context=context)
        quality = evaluate(
            scores, by_doc, positives, negatives, threshold=DEFAULT_THRESHOLD, suggested=stored
        )
        best = best_threshold(scores, by_doc, positives, negatives, stored)
        folds = cross_validate(scores, by_doc, positives, negatives, stored)
        print(
            f"| {name} | {quality.recall_at_1:.3f} | {quality.recall_at_3:.3f}"
            f" | {quality.mrr:.3f} | {quality.f1:.3f} | {best.f1:.3f}"
            f" | {spread([q.f1 for _t, q in folds])} |"
        )
    print()
    default = units.CONTEXT_WEIGHT
    runs: dict[float, Run] = {}
    for weight in weights:
        units.CONTEXT_WEIGHT = weight
        runs[weight] = scored(documents, clauses=True, context=True)
    units.CONTEXT_WEIGHT = default
    facts = facts_of(positives)
    chosen: list[float] = []
    held: list[Quality] = []
    for fold in range(FOLDS):
        out = set().union(*(f for i, f in enumerate(facts) if i % FOLDS == fold))

        def quality(weight: float, inside: bool, out: set[SentenceKey] = out) -> Quality:
            scores, stored, by_doc = runs[weight]
            return evaluate(
                scores,
                by_doc,
                [p for p in positives if (p[0] in out or p[1] in out) == inside],
                [p for p in negatives if (p[0] in out or p[1] in out) == inside],
                threshold=DEFAULT_THRESHOLD,
                suggested=stored,
            )

        trained = {w: quality(w, False) for w in weights}
        best_weight = max(weights, key=lambda w: (trained[w].mrr, trained[w].f1, -w))
        chosen.append(best_weight)
        held.append(quality(best_weight, True))
        print(
            f"fold {fold}: training MRR "
            + ", ".join(f"{w:g}: {trained[w].mrr:.3f}" for w in weights)
            + f" -> weight {best_weight:g}; held-out MRR {held[-1].mrr:.3f},"
            f" recall@3 {held[-1].recall_at_3:.3f}, F1 {held[-1].f1:.3f}"
        )
    print(f"context weight cross-validated by fact ({FOLDS} folds of the {len(facts)} facts):")
    print(f"  chosen weight     {spread(chosen)}")
    print(f"  held-out MRR      {spread([q.mrr for q in held])}")
    print(f"  held-out recall@3 {spread([q.recall_at_3 for q in held])}")
    print(f"  held-out F1       {spread([q.f1 for q in held])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
