"""Opening databases: pragmas, migrations from older schemas, refusing foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from store.db import connect, write
from store.documents import search_documents
from store.errors import ClaimdeskError
from store.migrations import (
    REVIEW_INDEX,
    SCHEMA_VERSION,
    migrate,
    missing_review_index,
    schema_version,
)
from store.session import Session
from tests.conftest import in_fresh_python


def test_file_database_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = connect(tmp_path / "c.db")
    try:
        conn = database.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert schema_version(database.conn) == SCHEMA_VERSION
    finally:
        database.close()


def make_schema_1_database(path: Path) -> None:
    """A database as claimdesk wrote it before schema 2 (no FTS, no per-annotator status)."""
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite_utils.Database(conn)

    def plain_write():  # type: ignore[no-untyped-def]
        return old.atomic()

    migrate(old, write=plain_write, target=1)
    conn.execute(
        "INSERT INTO documents (source_name, outlet, text, sha256, imported_at)"
        " VALUES ('alt.txt', 'Kurier', 'Die Brücke in Talbrück ist gesperrt.', 'x1', 't')"
    )
    conn.execute("INSERT INTO labels (name, colour, description) VALUES ('CLAIM', '#ffffff', '')")
    conn.execute(
        "INSERT INTO spans VALUES ('s1', 1, 4, 10, 'Brücke', 'CLAIM', 'ann', NULL, 't', 't', NULL)"
    )
    conn.close()


def test_opening_a_schema_1_database_migrates_it_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_1_database(path)
    database = connect(path)
    try:
        assert schema_version(database.conn) == SCHEMA_VERSION
        assert database.conn.execute("SELECT quote FROM spans").fetchone()[0] == "Brücke"
        # Documents stored before full-text search existed are searchable afterwards.
        assert search_documents(database, "brucke") == [1]
        assert "document_status" in database.table_names()
    finally:
        database.close()


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ClaimdeskError, match="newer"):
        connect(path)


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(ClaimdeskError, match="not a claimdesk database"):
        connect(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    conn.close()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not a database\n" * 100)
    with pytest.raises(ClaimdeskError, match="not an SQLite database file"):
        connect(path)


def _insert_then_fail(db: sqlite_utils.Database) -> None:
    with write(db):
        db.execute("INSERT INTO labels (name, colour) VALUES ('TEMP', '#000000')")
        raise RuntimeError("boom")


def test_failed_write_rolls_back_everything(db: sqlite_utils.Database) -> None:
    with pytest.raises(RuntimeError):
        _insert_then_fail(db)
    assert db.conn.execute("SELECT count(*) FROM labels WHERE name = 'TEMP'").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_search_ignores_fts_syntax_in_user_input(db: sqlite_utils.Database) -> None:
    from tests.conftest import add_document

    doc = add_document(db, 'Der "Notstand" gilt AND NOT bis Freitag (vorerst).')
    assert search_documents(db, 'notstand" AND (') == [doc]
    assert search_documents(db, "NOT AND") == [doc]
    assert search_documents(db, "***") == []


SESSION_OPENS = (
    "import sys\n"
    "from store.session import Session\n"
    "session = Session(sys.argv[1], 'ann')\n"
    "version = session.conn.execute('PRAGMA user_version').fetchone()[0]\n"
    "loaded = 'sqlite_utils' in sys.modules\n"
    "quote = [span.quote for span in session.spans(1)]\n"
    "triggers = session.conn.execute('PRAGMA recursive_triggers').fetchone()[0]\n"
    "print(version, loaded, quote, triggers)\n"
)


def test_a_session_migrates_an_old_database_and_opens_a_current_one_without_sqlite_utils(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    make_schema_1_database(path)
    # The old one needs migrating, which loads sqlite-utils...
    first = in_fresh_python(SESSION_OPENS.replace("sys.argv[1]", repr(str(path))))
    assert first == f"{SCHEMA_VERSION} True ['Brücke'] 1"
    # ...the same database, now current, opens and reads without it, with the pragmas
    # sqlite-utils would have set.
    again = in_fresh_python(SESSION_OPENS.replace("sys.argv[1]", repr(str(path))))
    assert again == f"{SCHEMA_VERSION} False ['Brücke'] 1"


def test_a_session_restores_a_missing_review_index(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"DROP INDEX {REVIEW_INDEX}")
    conn.close()
    with Session(path, "ann") as session:
        assert not missing_review_index(session.conn)
