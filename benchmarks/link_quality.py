"""Link quality on the gold set: recall@1, recall@3, MRR and P/R/F1, linker vs baseline.

Imports the sample corpus into a temporary database, maps every gold mention to
its stored sentence, runs the linker's own pipeline (candidates, then scores) and
ranks, for each gold pair in both directions, the partner among the scored
sentences of the partner's document. Precision/recall/F1 count a pair as found
when the default run (top 3 per document, floor) stores it with a score at or
above the default threshold; negatives are the near-miss pairs and every other
pair of two annotated sentences (a closed world: sentences of different gold facts
report different facts). The baseline is
plain ``fuzz.token_set_ratio`` over the raw sentences, all pairs, at its own best
threshold (the most favourable setting for it); the second baseline is a plain
character 3-5-gram TF-IDF cosine over the lower-cased raw sentences (words padded
with a space, as scikit-learn's ``char_wb``), also at its best threshold. Every
measure is reported for the whole gold, for same-language pairs and for
German-English pairs (their negatives are the negatives of the same kind), and the
threshold cross-validation by fact gives each held-out fold's measures the same way.

    python benchmarks/link_quality.py            # the table
    python benchmarks/link_quality.py --sweep    # the measurements behind the defaults
    python benchmarks/link_quality.py --facts 55-96   # the hard part of the gold only
    python benchmarks/link_quality.py --corpus ARTICLES --gold GOLD.json   # your own

``--corpus`` and ``--gold`` measure the same way on articles and gold that are not
ours (real news with sentence-level gold written by someone else): any folder or
files ``claimdesk import`` reads, and a gold file in the shape of
``sample_corpus/gold_links.json`` (mentions name a document by its file name and
quote its sentence; see :mod:`store.linking.gold`).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.db import connect
from store.importer import import_paths
from store.linking.features import LinkCorpus, build_corpus
from store.linking.gold import (
    Quality,
    SentenceKey,
    evaluate,
    gold_pairs,
    parse_gold,
    read_gold,
)
from store.linking.score import DEFAULT_THRESHOLD, METHOD, ScoreWeights
from store.linking.suggest import LinkSettings, compute_suggestions, load_documents
from store.paths import sample_corpus_path

Pair = tuple[SentenceKey, SentenceKey]
THRESHOLDS = [round(0.01 * i, 2) for i in range(1, 20)] + [
    round(0.2 + 0.05 * i, 2) for i in range(1, 15)
]
FOLDS = 5


def linker_scores(
    documents: list, settings: LinkSettings
) -> tuple[dict[Pair, float], set[Pair], dict[int, list[SentenceKey]]]:
    """All scored pairs (for ranks) and the default run's stored pairs (for P/R/F1)."""
    return corpus_scores(build_corpus(documents, stemmer=settings.stemmer), settings)


def corpus_scores(
    corpus: LinkCorpus, settings: LinkSettings
) -> tuple[dict[Pair, float], set[Pair], dict[int, list[SentenceKey]]]:
    """:func:`linker_scores` on a corpus built already (with its own switches)."""
    keys = [(r.doc_id, r.start, r.end) for r in corpus.refs]
    everything = compute_suggestions(corpus, replace(settings, top_k=10**6, floor=0.0))
    scores = {(keys[i], keys[j]): s for i, j, s in everything}
    stored = {(keys[i], keys[j]) for i, j, _s in compute_suggestions(corpus, settings)}
    by_doc: dict[int, list[SentenceKey]] = {}
    for key in keys:
        by_doc.setdefault(key[0], []).append(key)
    return scores, stored, by_doc


def baseline_scores(documents: list) -> dict[Pair, float]:
    """Plain token_set_ratio on the raw sentence text, every cross-document pair."""
    sentences = [((d.doc_id, s, e), d.text[s:e]) for d in documents for _id, s, e in d.sentences]
    scores: dict[Pair, float] = {}
    for index, (a, text_a) in enumerate(sentences):
        for b, text_b in sentences[index + 1 :]:
            if a[0] != b[0]:
                scores[(a, b)] = fuzz.token_set_ratio(text_a, text_b) / 100
    return scores


_WORD = re.compile(r"\w+")


def char_grams(text: str) -> Counter[str]:
    """Character 3-5-grams of each lower-cased word padded with a space (``char_wb``)."""
    grams: Counter[str] = Counter()
    for word in _WORD.findall(text.lower()):
        padded = f" {word} "
        for size in (3, 4, 5):
            grams.update(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return grams


def char_tfidf_scores(documents: list) -> dict[Pair, float]:
    """Cosine of smoothed-IDF-weighted character n-gram vectors, every cross-document pair."""
    keys = [(d.doc_id, s, e) for d in documents for _id, s, e in d.sentences]
    texts = {(d.doc_id, s, e): d.text[s:e] for d in documents for _id, s, e in d.sentences}
    counts = [char_grams(texts[key]) for key in keys]
    frequency: Counter[str] = Counter(g for c in counts for g in c)
    total = len(keys)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for row, grams in enumerate(counts):
        weights = {
            g: n * (math.log((1 + total) / (1 + frequency[g])) + 1) for g, n in grams.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for gram, weight in weights.items():
            postings[gram].append((row, weight / norm))
    dots = np.zeros((total, total), dtype=np.float64)
    for entries in postings.values():
        rows = np.asarray([r for r, _w in entries], dtype=np.int64)
        values = np.asarray([w for _r, w in entries], dtype=np.float64)
        dots[np.ix_(rows, rows)] += np.outer(values, values)
    return {
        (a, b): float(dots[i, j])
        for i, a in enumerate(keys)
        for j, b in enumerate(keys)
        if i < j and a[0] != b[0]
    }


def with_floor(settings: LinkSettings, floor: float) -> LinkSettings:
    return replace(settings, floor=floor)


def best_threshold(
    scores: dict[Pair, float],
    by_doc: dict[int, list[SentenceKey]],
    positives: list[Pair],
    negatives: list[Pair],
    stored: set[Pair] | None = None,
) -> Quality:
    results = [
        evaluate(scores, by_doc, positives, negatives, threshold=t, suggested=stored)
        for t in THRESHOLDS
    ]
    return max(results, key=lambda q: (q.f1, -q.threshold))


def facts_of(positives: list[Pair]) -> list[set[SentenceKey]]:
    """The gold facts as groups of sentences (connected components of the positive pairs)."""
    parent: dict[SentenceKey, SentenceKey] = {}

    def root(key: SentenceKey) -> SentenceKey:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for a, b in positives:
        parent[root(a)] = root(b)
    groups: dict[SentenceKey, set[SentenceKey]] = {}
    for key in list(parent):
        groups.setdefault(root(key), set()).add(key)
    return sorted(groups.values(), key=min)


Kinds = dict[str, tuple[list[Pair], list[Pair]]]


def by_kind(positives: list[Pair], negatives: list[Pair], language: dict[int, str]) -> Kinds:
    """All pairs, same-language pairs and cross-language pairs, each with its negatives."""

    def same(pair: Pair) -> bool:
        return language[pair[0][0]] == language[pair[1][0]]

    return {
        "all pairs": (positives, negatives),
        "same-language": ([p for p in positives if same(p)], [p for p in negatives if same(p)]),
        "cross-language": (
            [p for p in positives if not same(p)],
            [p for p in negatives if not same(p)],
        ),
    }


def cross_validate(
    scores: dict[Pair, float],
    by_doc: dict[int, list[SentenceKey]],
    positives: list[Pair],
    negatives: list[Pair],
    stored: set[Pair],
    language: dict[int, str],
) -> list[tuple[float, dict[str, Quality]]]:
    """Per fold of facts: the best-F1 threshold on the other folds (all pairs), and the
    held-out quality of all, same-language and cross-language pairs at that threshold.

    A fact is a connected group of gold sentences: two facts sharing a sentence (a
    multi-fact sentence) are one group, so no sentence is on both sides of a split.
    """
    facts = facts_of(positives)
    results = []
    for fold in range(FOLDS):
        held = set().union(*(f for i, f in enumerate(facts) if i % FOLDS == fold))

        def split(pairs: list[Pair], inside: bool, held: set[SentenceKey] = held) -> list[Pair]:
            return [p for p in pairs if (p[0] in held or p[1] in held) == inside]

        train = best_threshold(
            scores, by_doc, split(positives, False), split(negatives, False), stored
        )
        kinds = by_kind(split(positives, True), split(negatives, True), language)
        results.append(
            (
                train.threshold,
                {
                    name: evaluate(
                        scores, by_doc, pos, neg, threshold=train.threshold, suggested=stored
                    )
                    for name, (pos, neg) in kinds.items()
                },
            )
        )
    return results


def spread(values: list[float]) -> str:
    mean = sum(values) / len(values)
    deviation = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return f"{mean:.3f} ± {deviation:.3f} (min {min(values):.3f}, max {max(values):.3f})"


def row(name: str, quality: Quality) -> str:
    return (
        f"| {name} | {quality.recall_at_1:.3f} | {quality.recall_at_3:.3f} | {quality.mrr:.3f}"
        f" | {quality.threshold:.2f} | {quality.precision:.3f} | {quality.recall:.3f}"
        f" | {quality.f1:.3f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also print the parameter sweep")
    parser.add_argument(
        "--facts",
        metavar="FIRST-LAST",
        help="only the gold facts numbered FIRST to LAST (e.g. 55-96: the hard part)",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        metavar="PATH",
        help="articles to measure on (files or folders; default: sample_corpus/)",
    )
    parser.add_argument(
        "--gold",
        type=Path,
        metavar="FILE",
        help="their gold links (default: sample_corpus/gold_links.json)",
    )
    args = parser.parse_args()
    corpus_paths = args.corpus or [sample_corpus_path()]
    gold_path = args.gold or sample_corpus_path() / "gold_links.json"
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "quality.db")
        report = import_paths(db, corpus_paths)
        gold = read_gold(gold_path)
        if args.facts:
            first, _, last = args.facts.partition("-")
            data = json.loads(gold_path.read_text("utf-8"))
            data["facts"] = [
                f for f in data["facts"] if int(first) <= int(f["id"][1:]) <= int(last or first)
            ]
            gold = parse_gold(data)
        positives, negatives, missing = gold_pairs(db, gold)
        documents = load_documents(db)
        db.close()
    print(
        f"{'corpus' if args.corpus else 'sample corpus'}: {report.added} documents,"
        f" {sum(len(d.sentences) for d in documents)}"
        f" sentences; gold: {len(positives)} pairs ({2 * len(positives)} directions),"
        f" {len(negatives)} negative pairs (near misses and different facts),"
        f" {missing} mention(s) not found"
    )
    settings = LinkSettings()
    scores, stored, by_doc = linker_scores(documents, settings)
    token_set = baseline_scores(documents)
    char_tfidf = char_tfidf_scores(documents)
    language = {d.doc_id: d.language for d in documents}
    kinds = by_kind(positives, negatives, language)
    print()
    print("| pairs | method | recall@1 | recall@3 | MRR | threshold | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, (pos, neg) in kinds.items():
        label = f"{kind} ({len(pos)})"
        for name, quality in (
            (
                f"{METHOD} (default threshold)",
                evaluate(scores, by_doc, pos, neg, threshold=DEFAULT_THRESHOLD, suggested=stored),
            ),
            (f"{METHOD} (best threshold)", best_threshold(scores, by_doc, pos, neg, stored)),
            (
                "baseline token_set_ratio, raw (best threshold)",
                best_threshold(token_set, by_doc, pos, neg),
            ),
            (
                "baseline char 3-5-gram TF-IDF, raw (best threshold)",
                best_threshold(char_tfidf, by_doc, pos, neg),
            ),
        ):
            print(f"| {label} " + row(name, quality))
    print()
    folds = cross_validate(scores, by_doc, positives, negatives, stored, language)
    facts = len(facts_of(positives))
    print(
        f"threshold cross-validated by fact ({FOLDS} folds of the {facts} fact groups;"
        " threshold chosen on all pairs of four folds, measured on the fifth):"
    )
    print(f"  chosen threshold            {spread([t for t, _q in folds])}")
    for kind in kinds:
        for measure in ("f1", "precision", "recall", "recall_at_3", "mrr"):
            values = [getattr(q[kind], measure) for _t, q in folds]
            print(f"  held-out {kind:<15} {measure:<11} {spread(values)}")
    print()
    print("floor (stored minimum score) vs ranking of stored suggestions")
    for floor in (0.02, 0.05, 0.1, 0.15, 0.2):
        s, st, bd = linker_scores(documents, with_floor(settings, floor))
        q = evaluate(s, bd, positives, negatives, threshold=floor, suggested=st)
        print(
            f"floor {floor:.2f}: recall@1 {q.recall_at_1:.3f} recall@3 {q.recall_at_3:.3f}"
            f" MRR {q.mrr:.3f}, {len(st)} suggestions"
        )
    if args.sweep:
        print()
        print("sweep: weights (cosine, fuzzy, numbers), scorer, stemmer; best-F1 threshold")
        print(
            "| cosine | fuzzy | numbers | scorer | stemmer | recall@1 | recall@3 | MRR |"
            " threshold | precision | recall | F1 |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for stemmer in ("lemma", "none"):
            for scorer in ("token_sort_ratio", "token_set_ratio", "ratio", "WRatio"):
                for cosine, fuzzy in ((1.0, 0.0), (0.8, 0.2), (0.6, 0.4), (0.4, 0.6), (0.0, 1.0)):
                    for numbers in (0.0, 0.1):
                        if fuzzy == 0.0 and scorer != "token_sort_ratio":
                            continue
                        variant = replace(
                            settings,
                            stemmer=stemmer,  # type: ignore[arg-type]
                            weights=ScoreWeights(cosine, fuzzy, numbers, scorer),
                        )
                        s, st, bd = linker_scores(documents, variant)
                        q = best_threshold(s, bd, positives, negatives, st)
                        print(
                            f"| {cosine} | {fuzzy} | {numbers} | {scorer} | {stemmer} |"
                            f" {q.recall_at_1:.3f} | {q.recall_at_3:.3f} | {q.mrr:.3f} |"
                            f" {q.threshold:.2f} | {q.precision:.3f} | {q.recall:.3f} |"
                            f" {q.f1:.3f} |"
                        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
