"""Learning from decisions, simulated: decisions on half the gold facts, ranking of the other half.

Imports ``sample_corpus/``, maps the gold facts to stored sentences and splits the
facts into two halves (alternately, in a fixed order). For the facts of one half
an annotator is simulated: every gold pair is accepted, and for every sentence of
those facts its three best-scored wrong partners in each other document (under the
untrained score) are rejected. The mix is fitted to those decisions exactly as
``claimdesk link`` does (:func:`store.linking.learning.fit_mix`), and recall@1,
recall@3 and MRR of the *other* half's gold pairs are measured with the untrained
and the learned mix (each sentence's partner ranked among all sentences of the
partner's document). Then the halves swap.

    python benchmarks/link_learning.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.link_quality import facts_of
from store.db import connect
from store.importer import import_paths
from store.linking.features import build_corpus
from store.linking.gold import SentenceKey, gold_pairs, read_gold
from store.linking.learning import fit_mix
from store.linking.score import (
    DEFAULT_WEIGHTS,
    components,
    evidence_scale,
    factors,
    fused_scores,
)
from store.linking.suggest import load_documents
from store.paths import sample_corpus_path

Mix = tuple[float, float, float, float]


def ranks(
    scores: npt.NDArray[np.float64],
    index: dict[tuple[int, int], int],
    by_doc: dict[int, list[int]],
    doc_of: list[int],
    positives: list[tuple[int, int]],
) -> tuple[float, float, float]:
    hits1 = hits3 = 0
    reciprocal = 0.0
    directions = 0
    for first, second in positives:
        for x, y in ((first, second), (second, first)):
            own = scores[index[(x, y)]]
            better = sum(1 for o in by_doc[doc_of[y]] if o != y and scores[index[(x, o)]] > own)
            directions += 1
            hits1 += better == 0
            hits3 += better < 3
            reciprocal += 1 / (better + 1)
    return hits1 / directions, hits3 / directions, reciprocal / directions


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "learning.db")
        import_paths(db, [sample_corpus_path()])
        positives, _negatives, _missing = gold_pairs(
            db, read_gold(sample_corpus_path() / "gold_links.json")
        )
        documents = load_documents(db)
        db.close()
    corpus = build_corpus(documents)
    keys: list[SentenceKey] = [(r.doc_id, r.start, r.end) for r in corpus.refs]
    where = {key: i for i, key in enumerate(keys)}
    doc_of = [key[0] for key in keys]
    count = len(keys)
    pairs = np.asarray(
        [(i, j) for i in range(count) for j in range(count) if doc_of[i] != doc_of[j]],
        dtype=np.int64,
    )
    index = {(int(i), int(j)): n for n, (i, j) in enumerate(pairs.tolist())}
    parts = components(corpus, pairs)
    multiplier = factors(parts, evidence_scale(corpus))
    untrained = fused_scores(parts, evidence_scale(corpus))
    by_doc: dict[int, list[int]] = {}
    for i, doc in enumerate(doc_of):
        by_doc.setdefault(doc, []).append(i)
    facts = [sorted(where[k] for k in fact) for fact in facts_of(positives)]
    gold = {(where[a], where[b]) for a, b in positives} | {
        (where[b], where[a]) for a, b in positives
    }
    print(f"gold: {len(facts)} facts, {len(positives)} pairs; {count} sentences")
    print(
        "| decisions on | decisions (accepted) | learned mix (words, chars, fuzzy, numbers) |"
        " held-out recall@1 | recall@3 | MRR |"
    )
    print("|---|---|---|---|---|---|")
    gains = []
    for half in (0, 1):
        train = [f for n, f in enumerate(facts) if n % 2 == half]
        test = [f for n, f in enumerate(facts) if n % 2 != half]
        decided: list[tuple[int, int, bool]] = []
        for fact in train:
            members = set(fact)
            for x in fact:
                for y in fact:
                    if x < y and doc_of[x] != doc_of[y]:
                        decided.append((x, y, True))
                for doc, sentences in by_doc.items():
                    if doc == doc_of[x]:
                        continue
                    wrong = sorted(
                        (o for o in sentences if o not in members and (x, o) not in gold),
                        key=lambda o: -untrained[index[(x, o)]],
                    )[:3]
                    decided += [(x, o, False) for o in wrong]
        rows = np.asarray([index[(x, y)] for x, y, _ok in decided], dtype=np.int64)
        accepted = np.asarray([ok for _x, _y, ok in decided], dtype=bool)
        mix = fit_mix(parts[rows], multiplier[rows], accepted)
        learned = fused_scores(parts, evidence_scale(corpus), mix=mix)
        held = [
            (a, b) for fact in test for a in fact for b in fact if a < b and doc_of[a] != doc_of[b]
        ]
        before = ranks(untrained, index, by_doc, doc_of, held)
        after = ranks(learned, index, by_doc, doc_of, held)
        gains.append(after[1] - before[1])
        label = f"half {half + 1} ({len(train)} facts)"
        print(
            f"| {label}, untrained | — | {', '.join(f'{w:.3f}' for w in DEFAULT_WEIGHTS.mix)} |"
            f" {before[0]:.3f} | {before[1]:.3f} | {before[2]:.3f} |"
        )
        print(
            f"| {label}, learned | {len(decided)} ({int(accepted.sum())}) |"
            f" {', '.join(f'{w:.3f}' for w in mix)} | {after[0]:.3f} | {after[1]:.3f} |"
            f" {after[2]:.3f} |"
        )
    print(f"held-out recall@3 gain: {', '.join(f'{g:+.3f}' for g in gains)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
