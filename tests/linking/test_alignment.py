"""Accepted links re-weight the other pairs of their two documents (store.linking.alignment)."""

from __future__ import annotations

import numpy as np
import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from store.linking.alignment import TAKEN, WINDOW, implied_pairs, placed_scores
from store.linking.suggest import LinkSettings, link_documents
from store.session import Session
from tests.linking.corpus import add_flood_corpus, sentence_at

# Document 0: sentences 0-4; document 1: 5-9; document 2: 10-12.
DOCUMENT = np.asarray([0] * 5 + [1] * 5 + [2] * 3, dtype=np.int64)


def placed(accepted: list[tuple[int, int]], first: int, second: int, score: float = 0.2) -> float:
    pairs = np.asarray([[first, second]], dtype=np.int64)
    return float(placed_scores(np.asarray([score]), DOCUMENT, accepted, pairs)[0])


def boosted(score: float, width: int) -> float:
    return float(1 - (1 - score) ** (1 + WINDOW / width))


def test_a_partner_taken_by_another_sentence_scores_less() -> None:
    # 5 is the accepted partner of 0, so 3 (same document as 0) is less likely to pair with it.
    # (3 lies after the only anchor, so its window is 5-9 and raises what is left.)
    assert placed([(0, 5)], 3, 5) == pytest.approx(boosted(0.2 * TAKEN, 5))
    assert placed([(0, 5)], 5, 3) == placed([(0, 5)], 3, 5)
    assert placed([(0, 5)], 3, 5) < placed([(0, 5)], 3, 6)
    # The accepted pair itself and sentences of other documents are untouched.
    assert placed([(0, 5)], 0, 5) == 0.2
    assert placed([(0, 5)], 3, 11) == 0.2


def test_a_sentence_pairs_best_inside_the_window_its_anchors_leave() -> None:
    accepted = [(0, 5), (4, 9)]
    # 2 lies between the anchors 0 and 4: its window is their partners' 5-9.
    assert placed(accepted, 2, 7) == pytest.approx(boosted(0.2, 5))
    assert placed(accepted, 7, 2) == placed(accepted, 2, 7)
    # Crossed anchors (the second report tells them in the other order) span the same range.
    assert placed([(0, 9), (4, 5)], 2, 7) == placed(accepted, 2, 7)
    # A third anchor narrows the window, and a narrower window says more.
    narrower = [*accepted, (3, 8)]
    assert placed(narrower, 2, 7) == pytest.approx(boosted(0.2, 4))
    assert placed(narrower, 2, 7) > placed(accepted, 2, 7) > 0.2
    # Outside the window (and taken by 4): no raise.
    assert placed(narrower, 2, 9) == pytest.approx(0.2 * TAKEN)


def test_past_the_first_or_last_anchor_the_window_ends_at_the_documents_edge() -> None:
    accepted = [(2, 7)]
    # Before the anchor: 5-7; after it: 7-9 (the anchor's partner itself is taken).
    assert placed(accepted, 0, 6) == pytest.approx(boosted(0.2, 3))
    assert placed(accepted, 4, 9) == pytest.approx(boosted(0.2, 3))
    assert placed(accepted, 0, 9) == 0.2
    assert placed(accepted, 4, 5) == 0.2
    # The anchor's own sentence: taken elsewhere, raised only by the window seen from
    # 8's side (after the anchor's partner, so at or after 2: 2-4).
    assert placed(accepted, 2, 8) == pytest.approx(boosted(0.2 * TAKEN, 3))


def test_documents_without_an_accepted_link_between_them_are_untouched() -> None:
    accepted = [(0, 5), (4, 9)]
    pairs = np.asarray([[i, j] for i in range(13) for j in range(10, 13) if i < 10])
    scores = np.linspace(0.0, 1.0, len(pairs))
    assert np.array_equal(placed_scores(scores, DOCUMENT, accepted, pairs), scores)
    assert np.array_equal(placed_scores(scores, DOCUMENT, [], pairs), scores)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(5, 12)), min_size=0, max_size=6, unique=True),
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12), st.floats(0.0, 1.0)),
        min_size=1,
        max_size=30,
    ),
)
def test_placing_is_symmetric_bounded_and_only_lowers_taken_partners(
    accepted: list[tuple[int, int]], raw_pairs: list[tuple[int, int, float]]
) -> None:
    kept = [(a, b, s) for a, b, s in raw_pairs if DOCUMENT[a] != DOCUMENT[b]] or [(0, 5, 0.5)]
    pairs = np.asarray([(a, b) for a, b, _s in kept], dtype=np.int64)
    scores = np.asarray([s for _a, _b, s in kept])
    forward = placed_scores(scores, DOCUMENT, accepted, pairs)
    backward = placed_scores(scores, DOCUMENT, [(b, a) for a, b in accepted], pairs[:, ::-1])
    assert np.array_equal(forward, backward)
    assert ((forward >= 0.0) & (forward <= 1.0)).all()
    # Only a taken partner loses, and never by more than the taken factor.
    assert (forward >= scores * TAKEN - 1e-12).all()


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


def test_a_chain_of_accepted_links_implies_the_pairs_it_joins() -> None:
    # 0 (document 0) = 5 (document 1) = 10 (document 2): 0 and 10 report one fact.
    assert implied_pairs(DOCUMENT, [(5, 0), (5, 10)]) == [(0, 5), (0, 10), (5, 10)]
    # Two sentences of one document in a chain are not paired with each other.
    assert implied_pairs(DOCUMENT, [(0, 5), (1, 5)]) == [(0, 5), (1, 5)]
    # A chain longer than the limit keeps its direct links only.
    assert implied_pairs(DOCUMENT, [(0, 5), (5, 10)], limit=2) == [(0, 5), (5, 10)]


def test_documents_never_linked_directly_are_placed_through_a_third() -> None:
    # Without the chain, documents 0 and 2 have no accepted link: the pair is untouched.
    assert placed([(0, 5)], 3, 10) == 0.2
    # Linked through document 1, sentence 10 is taken by 0, and 3 lies after that
    # anchor: its window is 10-12.
    assert placed([(0, 5), (5, 10)], 3, 10) == pytest.approx(boosted(0.2 * TAKEN, 3))


def test_the_match_panel_follows_a_chain_through_a_document_it_does_not_show(
    session: Session,
) -> None:
    # The annotator linked both reports to the kurier's sentence, never to each other:
    # the rundschau's sentence is still taken for the rest of the tagesblatt.
    db = session.db
    ids = add_flood_corpus(db)
    tagesblatt = sentence_at(db, "tagesblatt.txt", "Rund 11.000 Menschen")
    rundschau = sentence_at(db, "rundschau.txt", "Elftausend Bewohner")
    kurier = sentence_at(db, "kurier.txt", "Wegen des Hochwassers")
    rival = sentence_at(db, "tagesblatt.txt", "Hochwasser in Neustadt")

    def shown() -> dict[tuple[int, int], float]:
        found = session.link_suggestions(*rival, [ids["rundschau.txt"]], k=6)
        return {(s.doc_id, s.start): s.score for s in found}

    before = shown()
    session.link_spans(tagesblatt, kurier)
    assert shown() == before
    session.link_spans(kurier, rundschau)
    assert shown().get(rundschau[:2], 0.0) < before[rundschau[:2]]


def test_a_partner_outside_the_window_its_anchors_leave_is_flagged() -> None:
    from store.linking.alignment import apply_flags, decision_flags

    # Anchors 0-5 and 3-8: sentence 1's window is 5-8, so 9 lies outside it; sentence 4,
    # past the last anchor, has the window 8-9, which holds 9. Document 2 has no anchors.
    pairs = np.asarray([[1, 9], [1, 6], [4, 9], [1, 11]], dtype=np.int64)
    flags = decision_flags(DOCUMENT, [(0, 5), (3, 8)], pairs)
    assert flags[2].tolist() == [True, False, False, False]
    scores = np.full(4, 0.2)
    halved = apply_flags(scores, flags, outside=0.5)
    assert halved[0] == pytest.approx(0.1)
    assert halved[1:].tolist() == apply_flags(scores, flags)[1:].tolist()
    # At the shipped factor an outside partner keeps its score.
    assert apply_flags(scores, flags)[0] == pytest.approx(0.2)
