"""Schema 10: suggestions in their own compact table, decisions in ``links``.

A database that schema 9 left with suggested rows in ``links`` is migrated (rows
moved, decisions untouched); every reader sees a suggestion's quotes as the stored
text at its offsets; a decision on a suggestion undoes and redoes; ``claimdesk
check`` names a suggestion whose offsets run past its document.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from store.agreement_links import link_decisions
from store.changelog import UndoConflict
from store.check import check_database
from store.db import connect, write
from store.linking.decisions import get_link, review_queue, suggestion_id
from store.migrations import MIGRATIONS, _v10_compact_suggestions
from store.session import Session
from store.stats import corpus_stats
from tests.conftest import add_document
from tests.store.before_schema_10 import SCHEMA_10_UNDONE

TEXTS = (
    "Der Fluss trat über die Ufer. Hundert Häuser wurden geräumt. Es regnet weiter.",
    "Hundert Häuser mussten geräumt werden. Der Fluss trat über die Ufer. Sonne folgt.",
)


def _sentence(text: str, start: int) -> tuple[int, int]:
    end = text.index(".", start) + 1
    return start, end


def _schema_9_database(path: Path) -> dict[str, tuple[int, int, int]]:
    """Two documents and, as schema 9 stored them, two suggestions and one decision."""
    db = connect(path)
    ids = [add_document(db, text, f"d{n}.txt", f"outlet{n}") for n, text in enumerate(TEXTS)]
    db.close()
    sides = {
        "river_a": (ids[0], *_sentence(TEXTS[0], 0)),
        "houses_a": (ids[0], *_sentence(TEXTS[0], TEXTS[0].index("Hundert"))),
        "rain_a": (ids[0], *_sentence(TEXTS[0], TEXTS[0].index("Es regnet"))),
        "houses_b": (ids[1], *_sentence(TEXTS[1], 0)),
        "river_b": (ids[1], *_sentence(TEXTS[1], TEXTS[1].index("Der Fluss"))),
    }
    conn = sqlite3.connect(path)
    for statement in SCHEMA_10_UNDONE:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_v10_compact_suggestions)}")
    rows = [
        ("s1", sides["river_a"], sides["river_b"], "suggested", 0.9),
        ("s2", sides["rain_a"], sides["houses_b"], "suggested", 0.2),
        ("d1", sides["houses_a"], sides["houses_b"], "accepted", 0.8),
    ]
    for link_id, a, b, status, score in rows:
        conn.execute(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, score, method, annotator, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,'m',?,'t','t')",
            [
                link_id,
                *a,
                TEXTS[0][a[1] : a[2]],
                *b,
                TEXTS[1][b[1] : b[2]],
                status,
                score,
                None if status == "suggested" else "ann",
            ],
        )
    conn.commit()
    conn.close()
    return sides


def test_migration_moves_suggested_rows_and_keeps_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sides = _schema_9_database(path)
    db = connect(path)
    try:
        assert db.conn.execute("SELECT id, status FROM links").fetchall() == [("d1", "accepted")]
        assert db.conn.execute(
            "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, score FROM suggestions"
            " ORDER BY score DESC"
        ).fetchall() == [
            (*sides["river_a"], *sides["river_b"], 0.9),
            (*sides["rain_a"], *sides["houses_b"], 0.2),
        ]
        queue = review_queue(db)
        assert [link.score for link in queue] == [0.9, 0.2]
        first = queue[0]
        assert first.id == suggestion_id((*sides["river_a"], *sides["river_b"]))
        assert (first.a_quote, first.b_quote) == (
            "Der Fluss trat über die Ufer.",
            "Der Fluss trat über die Ufer.",
        )
        assert get_link(db, first.id) == first
    finally:
        db.close()
    report = check_database(path)
    assert report.problems == 0, [(r.name, r.examples) for r in report.results if r.problems]


def test_every_view_quotes_the_stored_text_at_the_offsets(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_9_database(path)
    db = connect(path)
    try:
        rows = db.conn.execute(
            "SELECT l.a_quote, substr(a.text, l.a_start + 1, l.a_end - l.a_start),"
            " l.b_quote, substr(b.text, l.b_start + 1, l.b_end - l.b_start)"
            " FROM all_links l JOIN documents a ON a.id = l.a_doc"
            " JOIN documents b ON b.id = l.b_doc"
        ).fetchall()
        assert len(rows) == 3
        assert all(aq == at and bq == bt for aq, at, bq, bt in rows)
    finally:
        db.close()


def test_deciding_a_suggestion_hides_it_and_undo_offers_it_again(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_9_database(path)
    with Session(path, "alice") as session:
        best = session.review_queue()[0]
        decided = session.accept_link(best.id)
        assert (decided.id, decided.status, decided.annotator) == (best.id, "accepted", "alice")
        assert decided.a_quote == best.a_quote
        assert best.id not in {link.id for link in session.review_queue()}
        # stats counts a decided suggestion once, as a decision (d1 was decided before).
        assert corpus_stats(session.db).links_by_status == [
            ("suggested", 1),
            ("accepted", 2),
            ("rejected", 0),
        ]
        # Decided once: the pair is not listed twice.
        assert session.db.conn.execute(
            "SELECT count(*) FROM all_links WHERE a_doc = ? AND a_start = ?",
            [best.a_doc, best.a_start],
        ).fetchone() == (1,)
        assert session.undo() == "accept link"
        assert get_link(session.db, best.id) == best
        assert session.review_queue()[0] == best
        assert session.redo() == "accept link"
        assert get_link(session.db, best.id).status == "accepted"
        rejected = session.reject_link(session.review_queue()[0].id, "other figures")
        assert (rejected.status, rejected.reason) == ("rejected", "other figures")
        assert session.review_queue() == []


def test_check_names_a_suggestion_past_its_documents_end(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sides = _schema_9_database(path)
    db = connect(path)
    with write(db):
        doc, _start, _end = sides["rain_a"]
        length = len(TEXTS[0])
        db.execute(
            "INSERT INTO suggestions VALUES (?, ?, ?, ?, 0, 5, 0.5, 'm')",
            [doc, length - 2, length + 40, sides["river_b"][0]],
        )
    db.close()
    report = check_database(path)
    failed = {r.name: r.examples for r in report.results if r.problems}
    assert failed == {"suggestion offsets": [f"document {doc}"]}


def test_a_decision_set_back_to_suggested_becomes_a_suggestion_again(tmp_path: Path) -> None:
    # As undoing an accept recorded before schema 10 does: an update of the links row.
    path = tmp_path / "old.db"
    sides = _schema_9_database(path)
    db = connect(path)
    try:
        with write(db):
            db.execute("UPDATE links SET status = 'suggested' WHERE id = 'd1'")
        assert db.conn.execute("SELECT count(*) FROM links").fetchone() == (0,)
        key = (*sides["houses_a"], *sides["houses_b"])
        assert [link.id for link in review_queue(db)][1] == suggestion_id(key)
        assert get_link(db, suggestion_id(key)).b_quote == "Hundert Häuser mussten geräumt werden."
    finally:
        db.close()


def test_a_suggestion_has_no_times_and_a_decision_on_it_has_both(tmp_path: Path) -> None:
    # The compact table keeps no times: every reader gets NULL (None), never the '' that
    # schema 10's view gave, which fails a date parser; deciding stamps both times.
    path = tmp_path / "old.db"
    _schema_9_database(path)
    with Session(path, "alice") as session:
        assert session.db.conn.execute(
            "SELECT count(*), count(created_at), count(updated_at) FROM all_links"
            " WHERE status = 'suggested'"
        ).fetchone() == (2, 0, 0)
        best = session.review_queue()[0]
        assert (best.created_at, best.updated_at) == (None, None)
        assert get_link(session.db, best.id) == best
        decided = session.accept_link(best.id)
        assert decided.created_at is not None
        assert datetime.fromisoformat(decided.created_at) <= datetime.fromisoformat(
            str(decided.updated_at)
        )


def _accepted_before_schema_10(path: Path, link_id: str, annotator: str) -> None:
    """Accept a suggested links row as claimdesk did at schema 9: update it, log the change."""
    before = {"annotator": None, "reason": None, "status": "suggested", "updated_at": "t"}
    after = {
        "annotator": annotator,
        "reason": None,
        "status": "accepted",
        "updated_at": "2024-05-01T10:00:00+00:00",
    }
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (
        MIGRATIONS.index(_v10_compact_suggestions),
    )
    conn.execute(
        "UPDATE links SET status = ?, annotator = ?, updated_at = ? WHERE id = ?",
        [after["status"], annotator, after["updated_at"], link_id],
    )
    conn.execute(
        "INSERT INTO changes (action_id, kind, at, annotator, table_name, row_id, before,"
        " after, summary) VALUES ('old-accept', 'do', ?, ?, 'links', ?, ?, ?, 'accept link')",
        [
            after["updated_at"],
            annotator,
            json.dumps({"id": link_id}),
            json.dumps(before, sort_keys=True),
            json.dumps(after, sort_keys=True),
        ],
    )
    conn.commit()
    conn.close()


def test_a_decision_from_before_schema_10_undoes_and_redoes(tmp_path: Path) -> None:
    # Undo sets the row back to suggested, which schema 10 turns into a suggestion and
    # deletes; redo used to find no row and raise UndoConflict though nobody else acted.
    path = tmp_path / "old.db"
    sides = _schema_9_database(path)
    _accepted_before_schema_10(path, "s1", "alice")
    key = suggestion_id((*sides["river_a"], *sides["river_b"]))
    with Session(path, "alice") as session:
        accepted = get_link(session.db, "s1")
        assert (accepted.status, accepted.annotator) == ("accepted", "alice")
        for _ in range(2):
            assert session.undo() == "accept link"
            assert session.db.conn.execute("SELECT id FROM links").fetchall() == [("d1",)]
            assert session.review_queue()[0].id == key
            assert session.redo() == "accept link"
            assert get_link(session.db, "s1") == accepted
            assert key not in {link.id for link in session.review_queue()}
        assert link_decisions(session.db) == {
            "alice": {(*sides["river_a"], *sides["river_b"]): "accepted"},
        }
    assert check_database(path).problems == 0


def test_redoing_a_decision_from_before_schema_10_refuses_when_another_decided(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    sides = _schema_9_database(path)
    _accepted_before_schema_10(path, "s1", "alice")
    key = suggestion_id((*sides["river_a"], *sides["river_b"]))
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        assert alice.undo() == "accept link"
        assert bob.reject_link(key, "other figures").status == "rejected"
        with pytest.raises(UndoConflict, match=r"^cannot redo: bob decided the link “Der Fluss"):
            alice.redo()
        assert get_link(alice.db, key).status == "rejected"
        assert alice.db.conn.execute("SELECT id FROM links ORDER BY id").fetchall() == [
            ("d1",),
            (key,),
        ]
