"""Link-decision agreement, replayed per annotator from the change log."""

from __future__ import annotations

import uuid

import pytest
import sqlite_utils

from store import changelog
from store.agreement import agreement
from store.agreement_links import link_decisions
from store.changelog import user_action
from store.clock import now
from tests.conftest import add_document

A_TEXT = "The council approved 40 new buses on Monday. Fares stay the same."
B_TEXT = "On Monday the council voted for 40 buses. Fares will not change."


def _create_link(
    db: sqlite_utils.Database, annotator: str, a: tuple[int, int, int], b: tuple[int, int, int]
) -> str:
    """A suggested link written the way the store logs rows (insert + change record)."""
    texts = {row[0]: row[1] for row in db.conn.execute("SELECT id, text FROM documents")}
    link_id = uuid.uuid4().hex
    row = {
        "a_doc": a[0],
        "a_start": a[1],
        "a_end": a[2],
        "a_quote": texts[a[0]][a[1] : a[2]],
        "b_doc": b[0],
        "b_start": b[1],
        "b_end": b[2],
        "b_quote": texts[b[0]][b[1] : b[2]],
        "status": "suggested",
        "method": "fuzzy",
        "annotator": None,
        "created_at": now(),
        "updated_at": now(),
    }
    with user_action(db, annotator, "suggest link") as action:
        names = ", ".join(["id", *row])
        marks = ", ".join("?" for _ in range(len(row) + 1))
        db.execute(f"INSERT INTO links ({names}) VALUES ({marks})", [link_id, *row.values()])
        action.record("links", {"id": link_id}, None, row)
    return link_id


def _decide(db: sqlite_utils.Database, annotator: str, link_id: str, status: str) -> None:
    with user_action(db, annotator, f"{status} link") as action:
        before = db.conn.execute(
            "SELECT status, annotator, updated_at FROM links WHERE id = ?", [link_id]
        ).fetchone()
        after = {"status": status, "annotator": annotator, "updated_at": now()}
        db.execute(
            "UPDATE links SET status = ?, annotator = ?, updated_at = ? WHERE id = ?",
            [status, annotator, after["updated_at"], link_id],
        )
        action.record(
            "links",
            {"id": link_id},
            dict(zip(["status", "annotator", "updated_at"], before, strict=True)),
            after,
        )


@pytest.fixture
def links(db: sqlite_utils.Database) -> list[str]:
    a = add_document(db, A_TEXT, name="a.txt", outlet="one")
    b = add_document(db, B_TEXT, name="b.txt", outlet="two")
    return [
        _create_link(db, "engine", (a, 0, 44), (b, 0, 41)),
        _create_link(db, "engine", (a, 45, 65), (b, 42, 64)),
        _create_link(db, "engine", (a, 21, 23), (b, 30, 32)),
    ]


def test_each_annotators_decision_survives_a_later_overwrite(
    db: sqlite_utils.Database, links: list[str]
) -> None:
    first, second, third = links
    _decide(db, "alice", first, "accepted")
    _decide(db, "bob", first, "rejected")  # the row now says rejected by bob
    _decide(db, "alice", second, "accepted")
    _decide(db, "bob", second, "accepted")
    _decide(db, "alice", third, "rejected")
    decided = link_decisions(db)
    assert sorted(decided) == ["alice", "bob"]  # the engine only suggested
    assert sorted(decided["alice"].values()) == ["accepted", "accepted", "rejected"]
    assert sorted(decided["bob"].values()) == ["accepted", "rejected"]
    report = agreement(db, annotators=["alice", "bob"])
    (pair,) = report.links
    assert (pair.both_decided, pair.agreed) == (2, 1)
    assert pair.observed == pytest.approx(0.5)
    # alice: acc acc, bob: rej acc -> pe = (2*1 + 0*1)/4 = 0.5, kappa = 0
    assert pair.kappa == pytest.approx(0.0)


def test_a_changed_mind_and_undo_count_as_the_latest_state(
    db: sqlite_utils.Database, links: list[str]
) -> None:
    first, second, _ = links
    _decide(db, "alice", first, "rejected")
    _decide(db, "alice", first, "accepted")
    _decide(db, "alice", second, "accepted")
    assert changelog.undo(db, "alice") == "accepted link"
    decided = link_decisions(db, ["alice"])["alice"]
    assert list(decided.values()) == ["accepted"]


def test_a_deleted_link_keeps_no_decision(db: sqlite_utils.Database, links: list[str]) -> None:
    first = links[0]
    _decide(db, "alice", first, "accepted")
    with user_action(db, "alice", "delete link") as action:
        db.execute("DELETE FROM links WHERE id = ?", [first])
        action.record("links", {"id": first}, {"status": "accepted"}, None)
    assert link_decisions(db) == {}


def test_decisions_made_through_the_linking_api(db: sqlite_utils.Database) -> None:
    from store.linking.decisions import link_spans, reject_link

    a = add_document(db, A_TEXT, name="a.txt", outlet="one")
    b = add_document(db, B_TEXT, name="b.txt", outlet="two")
    with user_action(db, "alice", "link") as action:
        first = link_spans(action, (a, 0, 44), (b, 0, 41))
    with user_action(db, "alice", "link") as action:
        link_spans(action, (a, 45, 65), (b, 42, 64), status="rejected")
    with user_action(db, "bob", "reject") as action:
        reject_link(action, first.id)
    with user_action(db, "bob", "link") as action:
        # The same pair named the other way round is the same link.
        link_spans(action, (b, 42, 64), (a, 45, 65), status="rejected")
    (pair,) = agreement(db, annotators=["alice", "bob"]).links
    assert (pair.both_decided, pair.agreed) == (2, 1)
