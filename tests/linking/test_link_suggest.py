"""Suggestions: candidates find what exhaustive scoring finds; re-runs are idempotent."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import sqlite_utils

from store import bulk
from store.changelog import user_action
from store.db import connect
from store.linking.candidates import candidate_pairs
from store.linking.decisions import accept_link, reject_link, review_queue
from store.linking.features import DocInput, build_corpus
from store.linking.score import (
    DEFAULT_WEIGHTS,
    components,
    evidence_scale,
    shared_likeness,
    weighted_cosine,
)
from store.linking.suggest import (
    LinkSettings,
    compute_suggestions,
    link_documents,
    load_documents,
)
from store.migrations import REVIEW_INDEX
from tests.conftest import add_document
from tests.linking.corpus import (
    DUPLICATES,
    add_flood_corpus,
    sentence_at,
    sentences_document,
)

WORDS = ["".join(letters) for letters in itertools.product("bdfgklmnprst", "aeiou", "bdgklmnrst")][
    :400
]


def _random_corpus(seed: int) -> list[DocInput]:
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, 13):
        sentences = [
            " ".join(rng.choices(WORDS[: 40 + doc_id * 25], k=rng.randint(4, 12)))
            for _ in range(15)
        ]
        documents.append(sentences_document(doc_id, f"outlet{doc_id % 4}", sentences))
    return documents


def test_candidates_include_every_pair_above_the_cosine_bound() -> None:
    corpus = build_corpus(_random_corpus(7), boost=False)
    found = {tuple(p) for p in candidate_pairs(corpus, min_cosine=0.2, per_sentence=None).tolist()}
    exhaustive = {
        (i, j)
        for i, j in itertools.combinations(range(len(corpus)), 2)
        if corpus.refs[i].doc_id != corpus.refs[j].doc_id and weighted_cosine(corpus, i, j) >= 0.2
    }
    assert exhaustive, "the random corpus should have some similar pairs"
    assert exhaustive <= found
    # Pruning must prune: far fewer candidates than all cross-document pairs.
    assert len(found) < len(corpus) * (len(corpus) - 1) / 2 / 3


def test_per_sentence_bound_keeps_each_sentences_strongest_candidates() -> None:
    corpus = build_corpus(_random_corpus(5), boost=False)
    everything = candidate_pairs(corpus, min_cosine=0.1, per_sentence=None).tolist()
    bounded = candidate_pairs(corpus, min_cosine=0.1, per_sentence=2).tolist()
    assert 0 < len(bounded) < len(everything)
    assert {tuple(p) for p in bounded} <= {tuple(p) for p in everything}
    # No sentence that had candidates is left without one.
    for index in range(len(corpus)):
        if any(index in pair for pair in everything):
            assert any(index in pair for pair in bounded), f"sentence {index} lost every candidate"


def test_different_outlets_drops_same_outlet_pairs() -> None:
    corpus = build_corpus(_random_corpus(3))
    pairs = candidate_pairs(corpus, min_cosine=0.1, different_outlets=True).tolist()
    assert pairs
    assert all(corpus.outlets[i] != corpus.outlets[j] for i, j in pairs)


def test_top_k_per_sentence_and_document() -> None:
    corpus = build_corpus(_random_corpus(11))
    chosen = compute_suggestions(corpus, LinkSettings(top_k=1, floor=0.0))
    # Every kept pair is the best of one side in the other side's document.
    for i, j, score in chosen:
        best_for_i = max(
            (
                s
                for a, b, s in chosen
                if i in (a, b) and corpus.refs[b if a == i else a].doc_id == corpus.refs[j].doc_id
            ),
        )
        best_for_j = max(
            (
                s
                for a, b, s in chosen
                if j in (a, b) and corpus.refs[b if a == j else a].doc_id == corpus.refs[i].doc_id
            ),
        )
        assert score in (best_for_i, best_for_j)


def test_flood_duplicates_are_suggested(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    report = link_documents(db)
    assert report.inserted == report.suggestions > 0
    for first, other, second in DUPLICATES:
        a = sentence_at(db, "tagesblatt.txt", first)
        b = sentence_at(db, other, second)
        row = db.conn.execute(
            "SELECT status FROM all_links WHERE (a_doc, a_start, b_doc, b_start) IN"
            " (VALUES (?, ?, ?, ?), (?, ?, ?, ?))",
            [a[0], a[1], b[0], b[1], b[0], b[1], a[0], a[1]],
        ).fetchone()
        assert row == ("suggested",), f"{first!r} ~ {second!r} not suggested"


def test_rerun_is_idempotent_and_keeps_decisions(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    link_documents(db)
    listing = "SELECT id, score, status FROM all_links ORDER BY id"
    before = db.conn.execute(listing).fetchall()
    again = link_documents(db)
    assert again.inserted == again.updated == again.removed == 0
    assert db.conn.execute(listing).fetchall() == before

    accepted, rejected = before[0][0], before[1][0]
    with user_action(db, "ann") as action:
        accept_link(action, accepted)
        reject_link(action, rejected, "not the same")
    # A decision's score is the annotator's record: a re-run must not rescore it.
    db.conn.execute("UPDATE links SET score = 0.01 WHERE id = ?", [accepted])
    decisions = db.conn.execute("SELECT * FROM links ORDER BY id").fetchall()
    assert len(decisions) == 2
    # Without learning: accepted links re-weight the pairs around them (test_alignment),
    # which would change which pairs this re-run produces.
    third = link_documents(db, settings=LinkSettings(learn=False))
    assert third.kept_decisions == 2
    assert db.conn.execute("SELECT * FROM links ORDER BY id").fetchall() == decisions
    rows = dict(db.conn.execute("SELECT id, status FROM all_links").fetchall())
    assert rows[accepted] == "accepted"
    assert rows[rejected] == "rejected"
    assert len(rows) == len(before)  # each decided pair once: its suggestion is hidden
    assert db.conn.execute("SELECT score FROM links WHERE id = ?", [accepted]).fetchone() == (0.01,)
    # A stricter re-run that no longer produces the decided pairs prunes suggestions
    # around them and leaves the decisions exactly as they were.
    strict = link_documents(db, settings=LinkSettings(floor=0.95, document_partners=0))
    assert strict.removed > 0
    assert db.conn.execute("SELECT * FROM links ORDER BY id").fetchall() == decisions


def _likeness(db: sqlite_utils.Database) -> dict[tuple[int, int, int, int], float]:
    """Every candidate pair's likeness as the storing floor sees it (no document factor)."""
    corpus = build_corpus(load_documents(db))
    pairs = candidate_pairs(corpus)
    values = shared_likeness(components(corpus, pairs), evidence_scale(corpus), DEFAULT_WEIGHTS.mix)
    found: dict[tuple[int, int, int, int], float] = {}
    for (i, j), value in zip(pairs.tolist(), values.tolist(), strict=True):
        a, b = corpus.refs[i], corpus.refs[j]
        found[(a.doc_id, a.start, b.doc_id, b.start)] = value
        found[(b.doc_id, b.start, a.doc_id, a.start)] = value
    return found


def test_stale_suggestions_of_the_scope_are_removed(db: sqlite_utils.Database) -> None:
    ids = add_flood_corpus(db)
    link_documents(db)
    total = db.conn.execute("SELECT count(*) FROM all_links").fetchone()[0]
    # A stricter floor no longer produces the weak suggestions: they go.
    strict = link_documents(db, settings=LinkSettings(floor=0.6, document_partners=0))
    assert strict.removed > 0
    remaining = db.conn.execute("SELECT count(*) FROM all_links").fetchone()
    # The floor applies to the sentences' likeness; the stored score may also carry
    # the document factor, which only lowers it.
    assert remaining[0] == total - strict.removed
    likeness = _likeness(db)
    stored = db.conn.execute("SELECT a_doc, a_start, b_doc, b_start FROM all_links").fetchall()
    assert stored
    assert all(likeness[tuple(row)] >= 0.6 for row in stored)
    # Linking two documents leaves links involving the third alone.
    link_documents(db)
    with_kurier = db.conn.execute(
        "SELECT count(*) FROM all_links WHERE ? IN (a_doc, b_doc)", [ids["kurier.txt"]]
    ).fetchone()[0]
    pair = link_documents(
        db, doc_ids=[ids["tagesblatt.txt"], ids["rundschau.txt"]], settings=LinkSettings(floor=0.9)
    )
    assert pair.documents == 2
    assert (
        db.conn.execute(
            "SELECT count(*) FROM all_links WHERE ? IN (a_doc, b_doc)", [ids["kurier.txt"]]
        ).fetchone()[0]
        == with_kurier
    )


def test_one_document_and_empty_corpus(db: sqlite_utils.Database) -> None:
    assert link_documents(db).suggestions == 0
    add_document(db, "Nur ein Artikel. Mit zwei Sätzen.", "solo.txt")
    assert link_documents(db).suggestions == 0


def _has_review_index(db: sqlite_utils.Database) -> bool:
    return (
        db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [REVIEW_INDEX]
        ).fetchone()
        is not None
    )


def test_a_bulk_load_keeps_the_review_index_and_commits_in_short_transactions(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rebuilding the index after a load held the write lock for seconds; it stays.
    monkeypatch.setattr(bulk, "TARGET_TRANSACTION_S", 0.0)  # one chunk per transaction
    monkeypatch.setattr(bulk, "IDLE_TRANSACTION_S", 0.0)
    monkeypatch.setattr(bulk, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(bulk, "MAX_CHUNK_ROWS", 2)
    monkeypatch.setattr(bulk, "YIELD_S", 0.0)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    add_flood_corpus(db)
    report = link_documents(db)
    db.conn.set_trace_callback(None)
    assert report.inserted > 4
    assert not [s for s in statements if "INDEX" in s.upper()]
    assert statements.count("COMMIT") >= report.inserted // 2
    assert _has_review_index(db)
    scores = [link.score for link in review_queue(db, limit=1000)]
    assert len(scores) == report.inserted
    assert scores == sorted(scores, reverse=True)


def test_opening_a_database_restores_a_review_index_lost_mid_load(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    first = connect(path)
    first.execute(f"DROP INDEX {REVIEW_INDEX}")  # as a kill -9 during a bulk load leaves it
    first.close()
    again = connect(path)
    try:
        assert _has_review_index(again)
    finally:
        again.close()


def test_a_figure_repeated_past_the_posting_cap_still_yields_candidates() -> None:
    # Sixty outlets repeat one figure in the same words: every token's list is longer
    # than the cap, but the figure's is paired in windows rather than skipped.
    story = "Die Feuerwehr rettete 11.000 Menschen aus dem Wasser"
    documents = [
        sentences_document(doc_id, f"outlet{doc_id}", [story, f"Wetter {WORDS[doc_id]}"])
        for doc_id in range(1, 61)
    ]
    corpus = build_corpus(documents)
    story_sentences = {i for i, ref in enumerate(corpus.refs) if ref.start == 0}
    pairs = candidate_pairs(corpus, max_postings=50, per_sentence=None).tolist()
    found = {i for pair in pairs for i in pair if i in story_sentences}
    assert found == story_sentences
    # Bounded: about a window's worth of partners each, not all 59.
    assert len(pairs) <= len(story_sentences) * 50
    corpus.anchors = [False] * len(corpus.anchors)
    skipped = candidate_pairs(corpus, max_postings=50, per_sentence=None).tolist()
    assert not [pair for pair in skipped if set(pair) <= story_sentences]
