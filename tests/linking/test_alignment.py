"""Accepted links re-weight the other pairs of their two documents (store.linking.alignment)."""

from __future__ import annotations

import numpy as np
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from store.linking.alignment import BETWEEN, TAKEN, decision_factors
from store.linking.suggest import LinkSettings, link_documents
from store.session import Session
from tests.linking.corpus import add_flood_corpus, sentence_at

# Document 0: sentences 0-4; document 1: 5-9; document 2: 10-12.
DOCUMENT = np.asarray([0] * 5 + [1] * 5 + [2] * 3, dtype=np.int64)


def factor(accepted: list[tuple[int, int]], first: int, second: int) -> float:
    pairs = np.asarray([[first, second]], dtype=np.int64)
    return float(decision_factors(DOCUMENT, accepted, pairs)[0])


def test_a_partner_taken_by_another_sentence_scores_less() -> None:
    # 5 is the accepted partner of 0, so 3 (same document as 0) is less likely to pair with it.
    assert factor([(0, 5)], 3, 5) == TAKEN
    assert factor([(0, 5)], 5, 3) == TAKEN
    # The accepted pair itself and sentences unrelated to the link are untouched.
    assert factor([(0, 5)], 0, 5) == 1.0
    assert factor([(0, 5)], 3, 7) == 1.0


def test_a_sentence_between_two_anchors_pairs_best_between_their_partners() -> None:
    accepted = [(0, 5), (4, 9)]
    assert factor(accepted, 2, 7) == BETWEEN
    assert factor(accepted, 7, 2) == BETWEEN
    # Crossed anchors (the second report tells them in the other order) span the same range.
    assert factor([(0, 9), (4, 5)], 2, 7) == BETWEEN
    # At an anchor's partner: between, and taken by the anchor's own sentence.
    assert factor(accepted, 2, 5) == TAKEN * BETWEEN
    # Without an anchor on both sides nothing is between.
    assert factor([(0, 5)], 2, 7) == 1.0


def test_documents_without_an_accepted_link_between_them_are_untouched() -> None:
    accepted = [(0, 5), (4, 9)]
    pairs = np.asarray([[i, j] for i in range(13) for j in range(10, 13) if i < 10])
    assert (decision_factors(DOCUMENT, accepted, pairs) == 1.0).all()
    assert (decision_factors(DOCUMENT, [], pairs) == 1.0).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(5, 12)), min_size=0, max_size=6, unique=True),
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=30),
)
def test_factors_are_symmetric_and_only_the_two_kinds(
    accepted: list[tuple[int, int]], raw_pairs: list[tuple[int, int]]
) -> None:
    pairs = np.asarray(
        [(a, b) for a, b in raw_pairs if DOCUMENT[a] != DOCUMENT[b]] or [(0, 5)], dtype=np.int64
    )
    forward = decision_factors(DOCUMENT, accepted, pairs)
    backward = decision_factors(DOCUMENT, [(b, a) for a, b in accepted], pairs[:, ::-1])
    assert np.array_equal(forward, backward)
    assert set(forward.tolist()) <= {1.0, TAKEN, BETWEEN, TAKEN * BETWEEN}


def _score(db: sqlite_utils.Database, a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    row = db.conn.execute(
        "SELECT score FROM all_links WHERE (a_doc, a_start, b_doc, b_start) IN"
        " (VALUES (?, ?, ?, ?), (?, ?, ?, ?))",
        [*a[:2], *b[:2], *b[:2], *a[:2]],
    ).fetchone()
    assert row is not None, "the pair should be suggested"
    return float(row[0])


def test_link_places_the_other_pairs_by_an_accepted_link(session: Session) -> None:
    db = session.db
    add_flood_corpus(db)
    accepted_a = sentence_at(db, "tagesblatt.txt", "Rund 11.000 Menschen")
    accepted_b = sentence_at(db, "rundschau.txt", "Elftausend Bewohner")
    rival = sentence_at(db, "tagesblatt.txt", "Hochwasser in Neustadt")
    link_documents(db, settings=LinkSettings(workers=1, learn=False))
    before = _score(db, rival, accepted_b)
    session.link_spans(accepted_a, accepted_b)
    report = link_documents(db, settings=LinkSettings(workers=1))
    assert report.aligned == 1
    assert _score(db, rival, accepted_b) < before
    # --no-learn leaves the score as the text alone gives it.
    assert link_documents(db, settings=LinkSettings(workers=1, learn=False)).aligned == 0
    assert _score(db, rival, accepted_b) == before


def test_the_match_panel_ranks_a_taken_partner_lower(session: Session) -> None:
    db = session.db
    ids = add_flood_corpus(db)
    accepted_a = sentence_at(db, "tagesblatt.txt", "Rund 11.000 Menschen")
    accepted_b = sentence_at(db, "rundschau.txt", "Elftausend Bewohner")
    rival = sentence_at(db, "tagesblatt.txt", "Hochwasser in Neustadt")

    def shown() -> dict[tuple[int, int], float]:
        others = [ids["rundschau.txt"], ids["kurier.txt"]]
        found = session.link_suggestions(*rival, others, k=6)
        return {(s.doc_id, s.start): s.score for s in found}

    before = shown()
    session.link_spans(accepted_a, accepted_b)
    after = shown()
    taken = accepted_b[:2]
    assert after.get(taken, 0.0) < before[taken]
    # A document with no accepted link to the rival's is scored as before.
    kurier = {key: score for key, score in before.items() if key[0] == ids["kurier.txt"]}
    assert kurier
    assert {key: after[key] for key in kurier} == kurier
