"""Documents stored before an import derived more get it when the database is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.db import connect
from store.importer import import_paths
from store.migrations import MIGRATIONS, _v9_derived_again
from store.session import Session
from tests.store.before_schema_10 import SCHEMA_10_UNDONE

PAGE = (
    "Flut im Ilmenztal: Deich hält\n\n"
    "Der Pegel stieg am Dienstag auf 7,40 Meter.\n\n"
    "Mehr zum Thema\n\n"
    "Kreisklinik: Notaufnahme nach Cyberangriff wieder am Netz\n"
)
HEADLINE = "Kreisklinik: Notaufnahme nach Cyberangriff wieder am Netz"


def test_headlines_outlets_and_statuses_are_derived_for_stored_documents(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "flut.txt").write_text(PAGE, encoding="utf-8")
    (folder / "wire.jsonl").write_text(
        '{"id": "w1", "text": "Die Stadt rief den Notstand aus. Es regnet weiter.",'
        ' "url": "https://www.meridianpost.example/flut"}\n',
        encoding="utf-8",
    )
    path = tmp_path / "old.db"
    db = connect(path)
    import_paths(db, [folder])
    db.close()
    with Session(path, "ann") as session:
        doc = session.find_document("flut.txt").id
        session.add_span(doc, 30, 73, "CLAIM")

    # The database as an older claimdesk left it: the headline not flagged, the folder
    # as outlet, no status for the annotator's document.
    step = MIGRATIONS.index(_v9_derived_again)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sentences SET boilerplate = 0")
    conn.execute("UPDATE documents SET outlet = 'seeds'")
    conn.execute("DELETE FROM document_status")
    for statement in SCHEMA_10_UNDONE:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {step}")
    conn.commit()
    conn.close()

    database = connect(path)
    try:
        flagged = {
            text
            for (text,) in database.conn.execute(
                'SELECT substr(d.text, s.start + 1, s."end" - s.start) FROM sentences s'
                " JOIN documents d ON d.id = s.doc_id WHERE s.boilerplate = 1"
            )
        }
        assert flagged == {"Mehr zum Thema", HEADLINE}
        outlets = dict(database.conn.execute("SELECT source_name, outlet FROM documents"))
        # The folder name stays where no URL says otherwise.
        assert outlets["flut.txt"] == "seeds"
        assert [o for name, o in outlets.items() if name != "flut.txt"] == ["meridianpost.example"]
        statuses = database.conn.execute(
            "SELECT doc_id, annotator, status FROM document_status"
        ).fetchall()
        assert statuses == [(doc, "ann", "in_progress")]
    finally:
        database.close()
