"""A small fixed database for the export tests: three articles, spans by people and a
model, a deleted span, a note, overlaps, a multi-line span, emoji and a combining
accent, and accepted, rejected and suggested links. Time is frozen and span ids are
fixed, so every export of it is byte-for-byte predictable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from store import changelog, clock, documents, spans
from store.changelog import user_action
from store.db import connect, write
from store.documents import insert_document
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.spans import create_span, delete_span, set_span_note

FROZEN = "2026-01-02T03:04:05.000Z"

TAGESBLATT = (
    "Die Stadt meldet 11.000 Besucher am 3. Juni.\n"
    "Der Bürgermeister sagte: „Wir sind zufrieden.“ 😀 Mehr folgt."
)
MORNING_POST = (
    "The city reported 12,000 visitors in July.\n"
    "The mayor said he was pleased. Cafe\u0301 owners 👩\u200d👩\u200d👧 agreed."
)
QUIET = "Nothing to see here.\nA second line."


def _at(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def freeze_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = lambda: FROZEN  # noqa: E731
    for module in (clock, spans, documents, changelog):
        monkeypatch.setattr(module, "now", stamp)


# Sentence offsets written out rather than computed, so that improving the
# segmenter does not change these golden files.
SENTENCES = {
    TAGESBLATT: [(0, 44), (45, 105)],
    MORNING_POST: [(0, 42), (43, 73), (74, 100)],
    QUIET: [(0, 20), (21, 35)],
}


def _document(db: sqlite_utils.Database, name: str, text: str, **meta: str) -> int:
    with write(db):
        doc_id = insert_document(db, ParsedArticle(name, text, **meta))
        assert doc_id is not None
        db.conn.executemany(
            'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
            [(doc_id, s, e) for s, e in SENTENCES[text]],
        )
    return doc_id


def _link(
    db: sqlite_utils.Database,
    link_id: str,
    a: tuple[int, str, str],
    b: tuple[int, str, str],
    status: str,
    reason: str | None = None,
) -> None:
    a_doc, a_text, a_quote = a
    b_doc, b_text, b_quote = b
    a_start, a_end = _at(a_text, a_quote)
    b_start, b_end = _at(b_text, b_quote)
    with write(db):
        db.execute(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, score, method, reason, annotator, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                link_id,
                a_doc,
                a_start,
                a_end,
                a_quote,
                b_doc,
                b_start,
                b_end,
                b_quote,
                status,
                0.75,
                "fuzzy",
                reason,
                "alice",
                FROZEN,
                FROZEN,
            ],
        )


def build_fixed_db(db: sqlite_utils.Database) -> None:
    with write(db):
        ensure_default_labels(db)
    d1 = _document(
        db,
        "a-tagesblatt.txt",
        TAGESBLATT,
        outlet="Tagesblatt",
        title="Besucherrekord",
        published="2026-06-04",
        language="de",
        url="https://tagesblatt.example/besucher",
    )
    d2 = _document(
        db,
        "b-morning-post.md",
        MORNING_POST,
        outlet="Morning Post",
        title="Visitors",
        published="2026-07-02",
        language="en",
    )
    _document(db, "c-quiet.txt", QUIET, outlet="Quiet Times", language="en")
    plan = [
        ("s01", d1, TAGESBLATT, "Die Stadt meldet 11.000 Besucher am 3. Juni.", "CLAIM", "alice"),
        ("s02", d1, TAGESBLATT, "11.000 Besucher", "FIGURE", "alice"),
        ("s03", d1, TAGESBLATT, "3. Juni.\nDer Bürgermeister", "EVENT", "bob"),
        ("s04", d1, TAGESBLATT, "„Wir sind zufrieden.“ 😀", "QUOTE", "bob"),
        ("s05", d1, TAGESBLATT, "11.000", "FIGURE", "model:ner"),
        ("s06", d2, MORNING_POST, "The city reported 12,000 visitors in July.", "CLAIM", "alice"),
        ("s07", d2, MORNING_POST, "12,000 visitors", "FIGURE", "alice"),
        ("s08", d2, MORNING_POST, "Cafe\u0301 owners 👩\u200d👩\u200d👧", "SOURCE", "model:ner"),
        ("s09", d2, MORNING_POST, "mayor", "SOURCE", "bob"),
    ]
    with user_action(db, "alice", "fixture spans") as action:
        for span_id, doc_id, text, quote, label, annotator in plan:
            start, end = _at(text, quote)
            create_span(
                action, doc_id, start, end, label, quote=quote, span_id=span_id, annotator=annotator
            )
        set_span_note(action, "s02", "=1+1 looks odd\nsecond line")
        start, end = _at(MORNING_POST, "pleased")
        create_span(action, d2, start, end, "CLAIM", span_id="s10", annotator="bob")
        delete_span(action, "s10")
    _link(
        db,
        "l1",
        (d1, TAGESBLATT, "Die Stadt meldet 11.000 Besucher am 3. Juni."),
        (d2, MORNING_POST, "The city reported 12,000 visitors in July."),
        "accepted",
    )
    _link(
        db,
        "l2",
        (d1, TAGESBLATT, "11.000 Besucher"),
        (d2, MORNING_POST, "The city reported 12,000 visitors in July."),
        "accepted",
    )
    _link(
        db,
        "l3",
        (d1, TAGESBLATT, "Der Bürgermeister sagte: „Wir sind zufrieden.“"),
        (d2, MORNING_POST, "The mayor said he was pleased."),
        "rejected",
        "near-miss",
    )
    _link(db, "l4", (d1, TAGESBLATT, "😀 Mehr folgt."), (d2, MORNING_POST, "agreed."), "suggested")


@pytest.fixture
def fixed_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite_utils.Database]:
    freeze_clock(monkeypatch)
    database = connect(":memory:")
    build_fixed_db(database)
    yield database
    database.close()


@pytest.fixture
def fixed_db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The same database in a file, for the CLI."""
    freeze_clock(monkeypatch)
    path = tmp_path / "fixed.db"
    database = connect(path)
    build_fixed_db(database)
    database.close()
    return path


MODEL_TEXT = "Die Stadt meldet 11.000 Besucher am 3. Juni."


def person_and_model_db() -> sqlite_utils.Database:
    """alice marks 11.000 as FIGURE; model:ner pre-annotates CLAIM on the same words
    (CLAIM is listed first in the label set, so label order alone would pick it) and
    SOURCE on "Die Stadt"."""
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        doc_id = insert_document(db, ParsedArticle("d1.txt", MODEL_TEXT, language="de"))
        assert doc_id is not None
    figure = MODEL_TEXT.index("11.000")
    with user_action(db, "alice", "spans") as action:
        create_span(action, doc_id, figure, figure + 6, "FIGURE", span_id="a1")
    with user_action(db, "model:ner", "pre-annotations") as action:
        create_span(action, doc_id, figure, figure + 6, "CLAIM", span_id="m1")
        create_span(action, doc_id, 0, 9, "SOURCE", span_id="m2")
    return db
