"""Spans: the quote invariant, on every write path, as a property."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from store.changelog import user_action
from store.db import connect
from store.errors import NoteTooLong, NotFound, QuoteMismatch
from store.model import MAX_NOTE_CHARS
from store.session import Session
from store.spans import create_span, spans_at, spans_for_document
from tests.conftest import add_document

TEXT = "Am 11. März wurden 11.000 Menschen evakuiert. 👩‍👩‍👧 Familien warteten.\nZweiter Absatz."


def test_span_quote_is_the_text_at_its_offsets(session: Session, db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    span = session.add_span(doc, 19, 25, "FIGURE")
    assert span.quote == "11.000" == TEXT[19:25]
    stored = spans_for_document(db, doc)
    assert [(s.start, s.end, s.quote, s.label, s.annotator) for s in stored] == [
        (19, 25, "11.000", "FIGURE", "alice")
    ]


def test_offsets_count_code_points_not_bytes_or_utf16_units(
    session: Session, db: sqlite_utils.Database
) -> None:
    doc = add_document(db, TEXT)
    start = TEXT.index("👩")
    end = start + len("👩‍👩‍👧")
    span = session.add_span(doc, start, end, "CLAIM")
    assert span.quote == "👩‍👩‍👧"
    # SQLite's own substr() must agree, or the trigger would have refused the row.
    row = db.conn.execute(
        'SELECT substr(d.text, s.start + 1, s."end" - s.start) FROM spans s'
        " JOIN documents d ON d.id = s.doc_id WHERE s.id = ?",
        [span.id],
    ).fetchone()
    assert row[0] == span.quote


def test_wrong_quote_is_refused_and_nothing_written(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    with pytest.raises(QuoteMismatch), user_action(db, "alice") as action:
        create_span(action, doc, 0, 2, "CLAIM", quote="Im")
    assert spans_for_document(db, doc) == []
    assert db.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 0


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)])
def test_offsets_outside_the_document_are_refused(
    session: Session, db: sqlite_utils.Database, start: int, end: int
) -> None:
    doc = add_document(db, TEXT)
    with pytest.raises(QuoteMismatch):
        session.add_span(doc, start, end, "CLAIM")


def test_unknown_label_and_document_are_refused(
    session: Session, db: sqlite_utils.Database
) -> None:
    doc = add_document(db, TEXT)
    with pytest.raises(NotFound):
        session.add_span(doc, 0, 2, "NO_SUCH_LABEL")
    with pytest.raises(NotFound):
        session.add_span(doc + 99, 0, 2, "CLAIM")


def test_a_note_longer_than_the_importer_accepts_is_refused_and_nothing_written(
    session: Session, db: sqlite_utils.Database
) -> None:
    # Stored in full, a 200,000-character note made the database's export refused whole
    # by import-annotations elsewhere.
    doc = add_document(db, TEXT)
    span = session.add_span(doc, 19, 25, "FIGURE", note="first")
    with pytest.raises(NoteTooLong, match="at most 10,000 characters"):
        session.set_note(span.id, "x" * 200_000)
    with pytest.raises(NoteTooLong):
        session.add_span(doc, 0, 2, "CLAIM", note="y" * (MAX_NOTE_CHARS + 1))
    assert [(s.id, s.note) for s in spans_for_document(db, doc)] == [(span.id, "first")]
    # The cap itself is fine; surrounding blanks the store strips do not count.
    assert session.set_note(span.id, " " + "z" * MAX_NOTE_CHARS + "\n").note == "z" * MAX_NOTE_CHARS


def test_database_trigger_guards_writes_that_bypass_python(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    with pytest.raises(sqlite3.IntegrityError, match="quote"):
        db.conn.execute(
            "INSERT INTO spans VALUES ('x', ?, 0, 2, 'Im', 'CLAIM', 'a', NULL, 't', 't', NULL)",
            [doc],
        )
    ok = "INSERT INTO spans VALUES ('y', ?, 0, 2, 'Am', 'CLAIM', 'a', NULL, 't', 't', NULL)"
    db.conn.execute(ok, [doc])
    with pytest.raises(sqlite3.IntegrityError, match="quote"):
        db.conn.execute("UPDATE spans SET \"end\" = 3 WHERE id = 'y'")


def test_spans_at_returns_innermost_first(session: Session, db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    outer = session.add_span(doc, 0, 45, "CLAIM")
    inner = session.add_span(doc, 19, 25, "FIGURE")
    assert [s.id for s in spans_at(db, doc, 20)] == [inner.id, outer.id]
    assert [s.id for s in spans_at(db, doc, 2)] == [outer.id]
    assert spans_at(db, doc, 60) == []


unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"))
    | st.sampled_from("\n\t é👍🏽\u0301\u200d"),
    min_size=1,
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(text=unicode_text, data=st.data())
def test_every_stored_span_satisfies_the_quote_property(text: str, data: st.DataObject) -> None:
    database = connect(":memory:")
    try:
        doc = add_document(database, text)
        session = Session.for_db(database, "prop")
        for _ in range(data.draw(st.integers(1, 5))):
            start = data.draw(st.integers(0, len(text) - 1))
            end = data.draw(st.integers(start + 1, len(text)))
            session.add_span(doc, start, end, "CLAIM")
        rows = database.conn.execute(
            'SELECT s.start, s."end", s.quote, d.text FROM spans s'
            " JOIN documents d ON d.id = s.doc_id"
        ).fetchall()
        assert rows
        for start, end, quote, stored_text in rows:
            assert stored_text[start:end] == quote
    finally:
        database.close()
