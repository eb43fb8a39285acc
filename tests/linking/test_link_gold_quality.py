"""Quality on the sample corpus's gold links: the linker must rank true partners near the top."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from store.db import connect
from store.linking.features import build_corpus
from store.linking.gold import Quality, SentenceKey, evaluate, gold_pairs, read_gold
from store.linking.score import DEFAULT_THRESHOLD
from store.linking.suggest import LinkSettings, compute_suggestions, load_documents
from store.paths import sample_corpus_path

# Measured 0.903 / 0.866 (benchmarks/link_quality.py); the floors leave room for
# harmless changes, not for a regression.
RECALL_AT_3_FLOOR = 0.85
MRR_FLOOR = 0.8


@pytest.fixture(scope="module")
def measured(sample_db_template: Path) -> tuple[Quality, Quality]:
    db = connect(sample_db_template)
    try:
        positives, negatives, missing = gold_pairs(
            db, read_gold(sample_corpus_path() / "gold_links.json")
        )
        documents = load_documents(db)
    finally:
        db.close()
    assert missing == 0
    corpus = build_corpus(documents)
    keys: list[SentenceKey] = [(r.doc_id, r.start, r.end) for r in corpus.refs]
    settings = LinkSettings()
    scored = compute_suggestions(corpus, replace(settings, top_k=10**6, floor=0.0))
    scores = {(keys[i], keys[j]): s for i, j, s in scored}
    stored = {(keys[i], keys[j]) for i, j, _s in compute_suggestions(corpus, settings)}
    by_doc: dict[int, list[SentenceKey]] = {}
    for key in keys:
        by_doc.setdefault(key[0], []).append(key)
    ours = evaluate(
        scores, by_doc, positives, negatives, threshold=DEFAULT_THRESHOLD, suggested=stored
    )
    texts = {key: d.text[key[1] : key[2]] for d in documents for key in keys if key[0] == d.doc_id}
    baseline_scores = {
        (a, b): fuzz.token_set_ratio(texts[a], texts[b]) / 100
        for a in keys
        for b in keys
        if a[0] < b[0]
    }
    baseline = evaluate(baseline_scores, by_doc, positives, negatives, threshold=0.55)
    return ours, baseline


def test_recall_at_3_and_mrr_on_gold(measured: tuple[Quality, Quality]) -> None:
    ours, _baseline = measured
    assert ours.directions == 2 * ours.pairs > 0
    assert ours.recall_at_3 >= RECALL_AT_3_FLOOR
    assert ours.mrr >= MRR_FLOOR
    assert ours.recall_at_1 <= ours.recall_at_3


def test_linker_beats_plain_token_set_ratio(measured: tuple[Quality, Quality]) -> None:
    ours, baseline = measured
    assert ours.recall_at_3 > baseline.recall_at_3
    assert ours.mrr > baseline.mrr
    assert ours.f1 > baseline.f1
