"""Documents stored before first-line titles get one when the database is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.db import connect
from store.formats.titles import FIRST_LINE_TITLE_CHARS
from tests.store.test_db import make_schema_1_database


def test_untitled_documents_get_their_first_line_as_title(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_1_database(path)
    long_line = "Sehr lange Zeile " * 40
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO documents (source_name, outlet, text, sha256, imported_at)"
        " VALUES ('dateline.txt', 'Kurier', ?, 'x2', 't')",
        [f"BERLIN\n{long_line}\n\nMehr."],
    )
    conn.execute(
        "INSERT INTO documents (source_name, outlet, title, text, sha256, imported_at)"
        " VALUES ('titled.txt', 'Kurier', 'Gegeben', 'Erste Zeile.', 'x3', 't')"
    )
    conn.commit()
    conn.close()
    database = connect(path)
    try:
        titles = dict(database.conn.execute("SELECT source_name, title FROM documents"))
        assert titles["alt.txt"] == "Die Brücke in Talbrück ist gesperrt."
        # A dateline is skipped, a long line cut at a word.
        assert titles["dateline.txt"].startswith("Sehr lange Zeile")
        assert len(titles["dateline.txt"]) <= FIRST_LINE_TITLE_CHARS
        assert titles["titled.txt"] == "Gegeben"
        # The full-text index follows the new titles (its update triggers).
        found = database.conn.execute(
            "SELECT d.source_name FROM documents_fts f JOIN documents d ON d.id = f.rowid"
            " WHERE documents_fts MATCH 'title:Sehr'"
        ).fetchall()
        assert found == [("dateline.txt",)]
    finally:
        database.close()
