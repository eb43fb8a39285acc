"""Accept, reject, manual links and undo; the review queue; live suggestions for a claim."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from store.errors import ClaimdeskError
from store.linking import decisions
from store.linking.decisions import (
    OFFERED,
    REVIEW_ORDER,
    SELECT_SUGGESTED,
    Claim,
    DecidedMeanwhile,
    get_link,
    review_queue,
)
from store.linking.score import METHOD
from store.linking.suggest import link_documents
from store.session import Session
from tests.conftest import add_document
from tests.linking.corpus import add_flood_corpus, sentence_at


@pytest.fixture
def linked(db: sqlite_utils.Database) -> dict[str, int]:
    ids = add_flood_corpus(db)
    link_documents(db)
    return ids


def _link_between(
    db: sqlite_utils.Database, a: tuple[int, int, int], b: tuple[int, int, int]
) -> str:
    row = db.conn.execute(
        "SELECT id FROM all_links WHERE (a_doc, a_start, b_doc, b_start)"
        " IN (VALUES (?,?,?,?), (?,?,?,?))",
        [a[0], a[1], b[0], b[1], b[0], b[1], a[0], a[1]],
    ).fetchone()
    assert row is not None
    return str(row[0])


def test_accept_then_undo_restores_the_suggestion(session: Session, linked: dict[str, int]) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Der Schaden wird")
    b = sentence_at(db, "rundschau.txt", "Versicherer rechnen")
    link_id = _link_between(db, a, b)
    accepted = session.accept_link(link_id)
    assert accepted.status == "accepted"
    assert accepted.annotator == "alice"
    assert session.undo() == "accept link"
    row = db.conn.execute(
        "SELECT status, annotator FROM all_links WHERE id = ?", [link_id]
    ).fetchone()
    assert row == ("suggested", None)
    assert session.redo() == "accept link"
    assert db.conn.execute("SELECT status FROM all_links WHERE id = ?", [link_id]).fetchone() == (
        "accepted",
    )


def test_accept_with_label_creates_the_matching_span_and_undo_removes_it(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Der Schaden wird")
    b = sentence_at(db, "rundschau.txt", "Versicherer rechnen")
    source = session.add_span(a[0], a[1], a[2], "CLAIM")
    link = session.accept_link(_link_between(db, a, b), create_span_label="CLAIM")
    spans_b = session.spans(b[0])
    assert [(s.start, s.end, s.label) for s in spans_b] == [(b[1], b[2], "CLAIM")]
    assert {link.a_span, link.b_span} == {source.id, spans_b[0].id}
    session.undo()
    assert session.spans(b[0]) == []
    assert [s.id for s in session.spans(a[0])] == [source.id]


def test_reject_keeps_reason_and_survives_relinking(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Die Feuerwehr war")
    b = sentence_at(db, "rundschau.txt", "Die Feuerwehr rückte")
    link_id = _link_between(db, a, b)
    rejected = session.reject_link(link_id, "different numbers ")
    assert (rejected.status, rejected.reason) == ("rejected", "different numbers")
    report = link_documents(db)
    assert report.kept_decisions >= 1
    assert db.conn.execute("SELECT status FROM all_links WHERE id = ?", [link_id]).fetchone() == (
        "rejected",
    )


def test_a_decision_on_a_link_decided_since_it_was_shown_is_refused(tmp_path: Path) -> None:
    """Alice and Bob have one suggestion on screen; Alice accepts, then Bob rejects.

    Bob's reject overwrote Alice's accept and neither was told."""
    path = tmp_path / "shared.db"
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        add_flood_corpus(alice.db)
        link_documents(alice.db)
        shown, other = review_queue(bob.db, limit=2)
        assert alice.accept_link(shown.id, expected="suggested").status == "accepted"
        with pytest.raises(DecidedMeanwhile, match=r"^alice already accepted the link “"):
            bob.reject_link(shown.id, expected="suggested")
        with pytest.raises(DecidedMeanwhile, match=r"^alice already accepted the link “"):
            bob.accept_link(shown.id, create_span_label="CLAIM", expected="suggested")
        kept = get_link(bob.db, shown.id)
        assert (kept.status, kept.annotator, kept.a_span, kept.b_span) == (
            "accepted",
            "alice",
            None,
            None,
        )
        assert bob.undo() is None, "a refused decision is no action of Bob's"
        # Bob sees Alice's accept and overrules it on purpose: that stays possible.
        assert bob.reject_link(shown.id, "other figures", expected="accepted").annotator == "bob"
        # Alice's screen still shows it accepted; her second thought is refused.
        with pytest.raises(DecidedMeanwhile, match=r"^bob already rejected"):
            alice.accept_link(shown.id, expected="accepted")
        # Undone by its own annotator elsewhere, a decision is refused as undone.
        bob.reject_link(other.id, expected="suggested")
        assert bob.undo() == "reject link"
        with pytest.raises(DecidedMeanwhile, match=r"^bob undid the decision on the link “"):
            alice.accept_link(other.id, expected="rejected")
        # By hand, a pair whose decision the caller did not see is refused the same way.
        a, b = (shown.a_doc, shown.a_start, shown.a_end), (shown.b_doc, shown.b_start, shown.b_end)
        with pytest.raises(DecidedMeanwhile, match=r"^bob already rejected"):
            alice.link_spans(a, b, expected="suggested")
        # Without an expected status (imports, scripts) a decision is re-decided as before.
        assert alice.link_spans(a, b).status == "accepted"
    with Session(path, "carol") as carol:
        assert get_link(carol.db, shown.id).annotator == "alice"
        assert get_link(carol.db, other.id).status == "suggested"


def test_manual_link_inserts_or_updates(session: Session, linked: dict[str, int]) -> None:
    db = session.db
    a = sentence_at(db, "kurier.txt", "Die Polizei sperrte")
    b = sentence_at(db, "rundschau.txt", "Ein Sprecher der Polizei")
    before = db.conn.execute("SELECT count(*) FROM all_links").fetchone()[0]
    link = session.link_spans(a, b)
    assert link.status == "accepted"
    assert link.method in ("manual", METHOD)
    again = session.link_spans(b, a, status="rejected")
    assert again.id == link.id
    assert again.status == "rejected"
    session.undo()
    session.undo()
    assert db.conn.execute("SELECT count(*) FROM all_links").fetchone()[0] == before
    with pytest.raises(ClaimdeskError):
        session.link_spans(a, (a[0], 0, 5))


def test_review_queue_is_best_first_and_pages(session: Session, linked: dict[str, int]) -> None:
    queue = session.review_queue(limit=5)
    scores = [link.score or 0 for link in queue]
    assert scores == sorted(scores, reverse=True)
    assert all(link.status == "suggested" for link in queue)
    last = queue[-1]
    rest = session.review_queue(limit=100, after=(last.score or 0, last.id))
    assert not {link.id for link in rest} & {link.id for link in queue}
    total = session.db.conn.execute("SELECT count(*) FROM suggested_links").fetchone()[0]
    assert len(queue) + len(rest) == total
    session.accept_link(queue[0].id)
    assert queue[0].id not in {link.id for link in session.review_queue()}


def test_a_manual_link_carries_the_linkers_score(session: Session, linked: dict[str, int]) -> None:
    db = session.db
    db.conn.execute("DELETE FROM suggestions")  # no suggestion to inherit a score from
    duplicate = session.link_spans(
        sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen"),
        sentence_at(db, "rundschau.txt", "Die Mulde trat"),
    )
    unrelated = session.link_spans(
        sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen"),
        sentence_at(db, "rundschau.txt", "Ein Sprecher der Polizei"),
        status="rejected",
    )
    assert duplicate.method == unrelated.method == "manual"
    assert isinstance(duplicate.score, float)
    assert isinstance(unrelated.score, float)
    assert 0.0 <= unrelated.score < duplicate.score <= 1.0


def test_a_manual_link_is_scored_outside_its_write_transaction(
    session: Session, linked: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = session.db
    db.conn.execute("DELETE FROM suggestions")
    a = sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen")
    b = sentence_at(db, "rundschau.txt", "Die Mulde trat")
    scored: list[bool] = []

    def spy(database: sqlite_utils.Database, first: Claim, second: Claim) -> float:
        # Inside, scoring a long document held the lock every other annotator's save needs.
        scored.append(database.conn.in_transaction)
        return real_score(database, first, second)

    real_score = decisions.claim_score
    monkeypatch.setattr(decisions, "claim_score", spy)
    link = session.link_spans(b, a)
    assert scored == [False]
    assert link.score == real_score(db, *sorted((a, b)))
    # Deciding the same pair again updates it: nothing to score.
    session.link_spans(a, b, status="rejected")
    assert scored == [False]


def test_review_pages_cover_ties_exactly_once_and_read_the_index(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    # Many suggestions share one score: paging must neither skip nor repeat any.
    db.conn.execute("UPDATE suggestions SET score = 0.5")
    seen: list[str] = []
    after: tuple[float, str] | None = None
    while page := session.review_queue(limit=3, after=after):
        seen += [link.id for link in page]
        after = (page[-1].score or 0.0, page[-1].id)
    total = db.conn.execute("SELECT count(*) FROM suggested_links").fetchone()[0]
    assert total > 6
    assert len(seen) == len(set(seen)) == total
    plan = " ".join(
        str(row[3])
        for row in db.conn.execute(
            f"EXPLAIN QUERY PLAN {SELECT_SUGGESTED} WHERE {OFFERED}{REVIEW_ORDER} LIMIT 5"
        )
    )
    assert "suggestions_review" in plan
    assert "TEMP B-TREE" not in plan


def test_live_suggestions_rank_the_duplicate_first(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen")
    b = sentence_at(db, "rundschau.txt", "Die Mulde trat")
    found = session.link_suggestions(
        a[0], a[1], a[2], [linked["rundschau.txt"], linked["kurier.txt"]], k=2
    )
    best = found[0]
    assert (best.doc_id, best.start, best.end) == b
    assert (
        best.quote
        == db.conn.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?", [b[1] + 1, b[2] - b[1], b[0]]
        ).fetchone()[0]
    )
    assert best.status == "suggested"
    assert best.link_id is not None
    assert len([s for s in found if s.doc_id == linked["kurier.txt"]]) <= 2
    # A span inside the sentence works too, before or without `claimdesk link`.
    partial = session.link_suggestions(a[0], a[1], a[1] + 40, [linked["rundschau.txt"]], k=1)
    assert len(partial) == 1


def test_live_suggestions_add_only_decided_links_outside_the_top_k(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen")
    others = [linked["rundschau.txt"], linked["kurier.txt"]]
    stored = (
        db.conn.execute(
            "SELECT count(*) FROM suggested_links WHERE a_doc = ? AND a_start = ?",
            [a[0], a[1]],
        ).fetchone()[0]
        + db.conn.execute(
            "SELECT count(*) FROM suggested_links WHERE b_doc = ? AND b_start = ?",
            [a[0], a[1]],
        ).fetchone()[0]
    )
    found = session.link_suggestions(a[0], a[1], a[2], others, k=1)
    assert stored > len(others), "the claim should have more stored suggestions than shown"
    assert len(found) == len(others)
    worst = db.conn.execute(
        "SELECT id FROM all_links WHERE (a_doc = ? AND a_start = ?) OR (b_doc = ? AND b_start = ?)"
        " ORDER BY score LIMIT 1",
        [a[0], a[1], a[0], a[1]],
    ).fetchone()[0]
    if worst not in {s.link_id for s in found}:
        session.reject_link(worst)
        again = session.link_suggestions(a[0], a[1], a[2], others, k=1)
        assert len(again) == len(others) + 1
        assert any(s.link_id == worst and s.status == "rejected" for s in again)


def test_a_document_sharing_nothing_with_the_claim_offers_no_match(
    session: Session, linked: dict[str, int]
) -> None:
    db = session.db
    a = sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen")
    unrelated = add_document(
        db,
        "Quarzuhren ticken leise. Zebras grasen gemächlich. Violinen klingen hell.",
        "fremd.txt",
        "Andere Zeitung",
    )
    found = session.link_suggestions(a[0], a[1], a[2], [unrelated, linked["rundschau.txt"]], k=3)
    assert found, "the related document still offers its matches"
    assert all(s.doc_id == linked["rundschau.txt"] for s in found)
    assert all(s.score > 0 for s in found)


@pytest.mark.parametrize(
    ("link_id", "key"),
    [
        ("s:1:2:3:4:5:6", (1, 2, 3, 4, 5, 6)),
        ("s:\u00b2:2:3:4:5:6", None),  # isdigit() but not a number int() reads
        ("s:\u0661:2:3:4:5:6", None),  # an Arabic-Indic digit: no id claimdesk writes
        ("s:1:2:3:4:5", None),
        ("9f2c", None),  # a decided link's uuid
    ],
)
def test_a_suggestion_id_is_read_only_in_the_form_the_store_writes(
    link_id: str, key: tuple[int, ...] | None
) -> None:
    assert decisions.suggestion_key(link_id) == key
