"""The schema, as an ordered list of forward migrations tracked in ``PRAGMA user_version``.

Each migration runs inside one write transaction, so a database is never left
between two versions. Never edit a released migration: append a new one.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from store.errors import ClaimdeskError

if TYPE_CHECKING:
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]
WriteContext = Callable[[], contextlib.AbstractContextManager[Any]]

# A span's quote must be the document text at its offsets; substr() counts code
# points, so the store guards the invariant even against writes that bypass Python.
_QUOTE_GUARDS = """
CREATE TRIGGER spans_quote_insert BEFORE INSERT ON spans
WHEN (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM documents
      WHERE id = NEW.doc_id) IS NOT NEW.quote
BEGIN SELECT RAISE(ABORT, 'span quote does not match the document text at its offsets'); END;
CREATE TRIGGER spans_quote_update BEFORE UPDATE OF start, "end", quote, doc_id ON spans
WHEN (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM documents
      WHERE id = NEW.doc_id) IS NOT NEW.quote
BEGIN SELECT RAISE(ABORT, 'span quote does not match the document text at its offsets'); END;
CREATE TRIGGER links_quote_insert BEFORE INSERT ON links
WHEN (SELECT substr(text, NEW.a_start + 1, NEW.a_end - NEW.a_start) FROM documents
      WHERE id = NEW.a_doc) IS NOT NEW.a_quote
  OR (SELECT substr(text, NEW.b_start + 1, NEW.b_end - NEW.b_start) FROM documents
      WHERE id = NEW.b_doc) IS NOT NEW.b_quote
BEGIN SELECT RAISE(ABORT, 'link quote does not match the document text at its offsets'); END;
"""


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run several statements inside the current transaction.

    ``executescript`` would first COMMIT any open transaction, breaking the promise
    that a migration is all-or-nothing, so statements are split and run one by one.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:60]}")


def _v1_foundation(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source_name TEXT NOT NULL UNIQUE,
            source_path TEXT,
            outlet TEXT,
            title TEXT,
            published TEXT,
            url TEXT,
            language TEXT,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            colour TEXT NOT NULL,
            hotkey TEXT,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE spans (
            id TEXT PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            quote TEXT NOT NULL,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            annotator TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX spans_by_document ON spans(doc_id, start, "end");
        CREATE INDEX spans_by_annotator ON spans(annotator);
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL CHECK ("end" > start),
            UNIQUE (doc_id, start)
        );
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            a_doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            a_start INTEGER NOT NULL,
            a_end INTEGER NOT NULL,
            a_quote TEXT NOT NULL,
            a_span TEXT REFERENCES spans(id) ON DELETE SET NULL,
            b_doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            b_start INTEGER NOT NULL,
            b_end INTEGER NOT NULL,
            b_quote TEXT NOT NULL,
            b_span TEXT REFERENCES spans(id) ON DELETE SET NULL,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            score REAL,
            method TEXT NOT NULL DEFAULT 'manual',
            reason TEXT,
            annotator TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (a_doc <> b_doc),
            UNIQUE (a_doc, a_start, a_end, b_doc, b_start, b_end)
        );
        CREATE INDEX links_by_b ON links(b_doc, b_start);
        CREATE INDEX links_by_status ON links(status, score);
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            action_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('do', 'undo', 'redo')),
            ref_action TEXT,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            before TEXT,
            after TEXT,
            summary TEXT
        );
        CREATE INDEX changes_by_annotator ON changes(annotator, id);
        CREATE INDEX changes_by_action ON changes(action_id);
        """,
    )
    run_script(db, _QUOTE_GUARDS)


def _v2_search_and_status(db: sqlite_utils.Database) -> None:
    db.table("documents").enable_fts(
        ["title", "text"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )
    # enable_fts indexes existing rows only through its triggers; rebuild covers
    # documents imported under schema 1.
    db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    run_script(
        db,
        """
        CREATE TABLE document_status (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator)
        );
        """,
    )


# The review queue pages through suggestions best first; with millions of rows an
# index in exactly that order keeps a page a few milliseconds instead of a sort of
# every suggestion. A bulk load of suggestions drops and rebuilds it (see
# store.linking.suggest), so it is also re-created when found missing.
REVIEW_INDEX = "links_review"
CREATE_REVIEW_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {REVIEW_INDEX} ON links(status, coalesce(score, 0), id)"
)


def _v3_review_order(db: sqlite_utils.Database) -> None:
    db.execute("DROP INDEX links_by_status")
    db.execute(CREATE_REVIEW_INDEX)


def missing_review_index(conn: sqlite3.Connection) -> bool:
    """True when a bulk load was interrupted between dropping and rebuilding the index."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [REVIEW_INDEX]
    ).fetchone()
    return found is None and schema_version(conn) >= 3


def _v4_change_os_account(db: sqlite_utils.Database) -> None:
    # The operating-system account beside the annotator name: on a server shared by
    # several Unix users, the log shows who was logged in, whatever --annotator said.
    db.execute("ALTER TABLE changes ADD COLUMN os_user TEXT")


def _v5_stories(db: sqlite_utils.Database) -> None:
    # See store.stories.storage: computed groups, the annotators' pins, story labels.
    run_script(
        db,
        """
        CREATE TABLE document_stories (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            computed TEXT NOT NULL,
            story_id TEXT NOT NULL
        );
        CREATE INDEX document_stories_by_story ON document_stories(story_id);
        CREATE TABLE story_pins (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL,
            annotator TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            computed_at TEXT NOT NULL
        );
        """,
    )


def _v6_boilerplate(db: sqlite_utils.Database) -> None:
    # Sentences that are not article prose (credits, stamps, repeated disclaimers):
    # kept in the text, never suggested for linking. Flagged by store.boilerplate.
    db.execute("ALTER TABLE sentences ADD COLUMN boilerplate INTEGER NOT NULL DEFAULT 0")
    from store.boilerplate import flag_all  # store.boilerplate imports store.db, which imports us

    flag_all(db)


def _v7_first_line_titles(db: sqlite_utils.Database) -> None:
    # Documents imported without a title get the one an import now gives them: the
    # first headline-like line (store.formats.titles), in batches to bound memory.
    from store.formats.titles import first_line_title

    ids = [row[0] for row in db.conn.execute("SELECT id FROM documents WHERE title IS NULL")]
    for first in range(0, len(ids), 500):
        batch = ids[first : first + 500]
        rows = db.conn.execute(
            "SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(batch)],
        ).fetchall()
        db.conn.executemany(
            "UPDATE documents SET title = ? WHERE id = ?",
            [(first_line_title(text), doc_id) for doc_id, text in rows],
        )


_LINK_QUOTE_MISMATCH = """
(SELECT substr(text, NEW.a_start + 1, NEW.a_end - NEW.a_start) FROM documents
 WHERE id = NEW.a_doc) IS NOT NEW.a_quote
OR (SELECT substr(text, NEW.b_start + 1, NEW.b_end - NEW.b_start) FROM documents
    WHERE id = NEW.b_doc) IS NOT NEW.b_quote
"""
_LINK_QUOTE_MESSAGE = "'link quote does not match the document text at its offsets'"
_LINK_LENGTH_MISMATCH = """
length(NEW.a_quote) IS NOT NEW.a_end - NEW.a_start
OR length(NEW.b_quote) IS NOT NEW.b_end - NEW.b_start
"""


def _v8_suggestion_quote_guard(db: sqlite_utils.Database) -> None:
    # The insert guard read both documents' text for every row: about half of storing
    # a million suggestions. The linker checks each suggested sentence against the
    # stored text itself (store.linking.storing), so a suggested row is only checked
    # for its quote's length here; a decided row (by hand, imported, undone) gets the
    # full check, and so does a suggestion when it is accepted or rejected, so no
    # decision ever rests on a quote that was not checked against the text.
    run_script(
        db,
        f"""
        DROP TRIGGER links_quote_insert;
        CREATE TRIGGER links_quote_insert BEFORE INSERT ON links
        WHEN CASE WHEN NEW.status = 'suggested' THEN {_LINK_LENGTH_MISMATCH}
                  ELSE {_LINK_QUOTE_MISMATCH} END
        BEGIN SELECT RAISE(ABORT, {_LINK_QUOTE_MESSAGE}); END;
        CREATE TRIGGER links_quote_update BEFORE UPDATE OF
            status, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end, b_quote ON links
        WHEN CASE WHEN NEW.status = 'suggested' THEN {_LINK_LENGTH_MISMATCH}
                  ELSE {_LINK_QUOTE_MISMATCH} END
        BEGIN SELECT RAISE(ABORT, {_LINK_QUOTE_MESSAGE}); END;
        """,
    )


def _v9_derived_again(db: sqlite_utils.Database) -> None:
    # What an import or a first span now derives, derived for documents stored before:
    # link-list headlines flagged as boilerplate, the URL's host as the outlet where
    # the folder's name stood in for one and says nothing about the site, and "in
    # progress" for a document an annotator has spans in but never set a status on.
    # Only adds flags and statuses; outlets change only where the folder was the source.
    from store.boilerplate import flag_all
    from store.clock import now
    from store.formats.titles import MAX_OUTLET_CHARS, bounded, fallback_outlet

    flag_all(db)
    rows = db.conn.execute(
        "SELECT id, source_path, outlet, url FROM documents"
        " WHERE url IS NOT NULL AND source_path IS NOT NULL"
    ).fetchall()
    changed = []
    for doc_id, source_path, outlet, url in rows:
        folder = PurePath(source_path).parent.name
        if outlet == (bounded(folder, MAX_OUTLET_CHARS) or None):
            derived = fallback_outlet(folder, url)
            if derived != outlet:
                changed.append((derived, doc_id))
    db.conn.executemany("UPDATE documents SET outlet = ? WHERE id = ?", changed)
    db.execute(
        "INSERT INTO document_status (doc_id, annotator, status, updated_at)"
        " SELECT DISTINCT doc_id, annotator, 'in_progress', ? FROM spans"
        " WHERE deleted_at IS NULL ON CONFLICT (doc_id, annotator) DO NOTHING",
        [now()],
    )


# Suggestions apart from decisions (schema 10): a million machine suggestions stored as
# rows of ``links`` (text ids, both quotes, timestamps, five indexes) took ~45 s and
# ~5 GB of disk writes to store for 10,000 articles. Here a suggestion is its two
# sentences' offsets, a score and the method, keyed by the pair; its quotes are read
# from the documents' text, so ``text[start:end] == quote`` holds by construction.
# ``links`` holds decisions (accepted, rejected, by hand or imported); accepting a
# suggestion inserts its decision there and leaves the suggestion row alone, and
# readers hide a suggestion whose pair has a row in ``links`` (either orientation).
# No foreign keys: checking both documents for every row cost a quarter of storing,
# documents are never deleted, and the readers join the documents anyway (a row
# whose document is missing is shown nowhere; ``claimdesk check`` names it).
_PAIR_IN_LINKS = """
EXISTS (SELECT 1 FROM links d WHERE d.a_doc = s.a_doc AND d.a_start = s.a_start
        AND d.a_end = s.a_end AND d.b_doc = s.b_doc AND d.b_start = s.b_start
        AND d.b_end = s.b_end)
OR EXISTS (SELECT 1 FROM links d WHERE d.b_doc = s.a_doc AND d.b_start = s.a_start
        AND d.b_end = s.a_end AND d.a_doc = s.b_doc AND d.a_start = s.b_start
        AND d.a_end = s.b_end)
"""
SUGGESTION_ID_PREFIX = "s:"
# A links row's two sides as a suggestion's key columns, the smaller (doc, start, end) first.
_SMALLER_SIDE_FIRST = ", ".join(
    f"CASE WHEN ({{row}}.a_doc, {{row}}.a_start, {{row}}.a_end)"
    f" <= ({{row}}.b_doc, {{row}}.b_start, {{row}}.b_end)"
    f" THEN {{row}}.{first}_{part} ELSE {{row}}.{second}_{part} END"
    for first, second in (("a", "b"), ("b", "a"))
    for part in ("doc", "start", "end")
)
_LINKS_COLUMNS = (
    "id, a_doc, a_start, a_end, a_quote, a_span, b_doc, b_start, b_end, b_quote, b_span,"
    " status, score, method, reason, annotator, created_at, updated_at"
)


def _suggestion_views(times: str) -> str:
    """The views that show the compact suggestions as links rows; ``times`` is the SQL of
    their created_at and updated_at ('' in schema 10, NULL from schema 11)."""
    return f"""
        CREATE VIEW suggested_links AS
            SELECT '{SUGGESTION_ID_PREFIX}' || s.a_doc || ':' || s.a_start || ':' || s.a_end
                   || ':' || s.b_doc || ':' || s.b_start || ':' || s.b_end AS id,
                s.a_doc AS a_doc, s.a_start AS a_start, s.a_end AS a_end,
                substr(da.text, s.a_start + 1, s.a_end - s.a_start) AS a_quote, NULL AS a_span,
                s.b_doc AS b_doc, s.b_start AS b_start, s.b_end AS b_end,
                substr(dbb.text, s.b_start + 1, s.b_end - s.b_start) AS b_quote, NULL AS b_span,
                'suggested' AS status, s.score AS score, s.method AS method, NULL AS reason,
                NULL AS annotator, {times} AS created_at, {times} AS updated_at
            FROM suggestions s JOIN documents da ON da.id = s.a_doc
                JOIN documents dbb ON dbb.id = s.b_doc
            WHERE NOT ({_PAIR_IN_LINKS});
        CREATE VIEW all_links AS
            SELECT {_LINKS_COLUMNS} FROM links
            UNION ALL SELECT {_LINKS_COLUMNS} FROM suggested_links;
    """


def _v10_compact_suggestions(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        f"""
        CREATE TABLE suggestions (
            a_doc INTEGER NOT NULL,
            a_start INTEGER NOT NULL CHECK (a_start >= 0),
            a_end INTEGER NOT NULL CHECK (a_end > a_start),
            b_doc INTEGER NOT NULL,
            b_start INTEGER NOT NULL CHECK (b_start >= 0),
            b_end INTEGER NOT NULL CHECK (b_end > b_start),
            score REAL NOT NULL,
            method TEXT NOT NULL,
            CHECK (a_doc <> b_doc),
            PRIMARY KEY (a_doc, a_start, a_end, b_doc, b_start, b_end)
        ) WITHOUT ROWID;
        INSERT INTO suggestions
            SELECT {_SMALLER_SIDE_FIRST.format(row="l")}, coalesce(l.score, 0), l.method
            FROM links l WHERE l.status = 'suggested'
            ORDER BY 1, 2, 3, 4, 5, 6
            ON CONFLICT DO NOTHING;
        DELETE FROM links WHERE status = 'suggested';
        -- Undoing an accept or reject recorded before schema 10 sets a links row back
        -- to suggested: it becomes a suggestion again, so links keeps decisions only.
        CREATE TRIGGER links_undecided AFTER UPDATE OF status ON links
        WHEN NEW.status = 'suggested'
        BEGIN
            INSERT INTO suggestions
                SELECT {_SMALLER_SIDE_FIRST.format(row="NEW")}, coalesce(NEW.score, 0), NEW.method
                WHERE true ON CONFLICT DO NOTHING;
            DELETE FROM links WHERE id = NEW.id;
        END;
        CREATE INDEX suggestions_review ON suggestions(score);
        {_suggestion_views(times="''")}
        """,
    )


def _v11_suggestion_times_null(db: sqlite_utils.Database) -> None:
    """A suggestion's times are unknown (the compact table keeps none): NULL, not ''.

    Schema 10's view gave '' where a timestamp belongs, which fails every date parser.
    """
    run_script(
        db,
        f"""
        DROP VIEW all_links;
        DROP VIEW suggested_links;
        {_suggestion_views(times="NULL")}
        """,
    )


def _v12_curation_rejections(db: sqlite_utils.Database) -> None:
    # A region a curator settled as "nothing to mark" leaves gold without a span there
    # to show it; kept only on screen, the rejection was lost when the screen closed.
    run_script(
        db,
        """
        CREATE TABLE curation_rejections (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            annotator TEXT NOT NULL,
            curator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, start, "end", annotator)
        );
        """,
    )


MIGRATIONS: list[Migration] = [
    _v1_foundation,
    _v2_search_and_status,
    _v3_review_order,
    _v4_change_os_account,
    _v5_stories,
    _v6_boilerplate,
    _v7_first_line_titles,
    _v8_suggestion_quote_guard,
    _v9_derived_again,
    _v10_compact_suggestions,
    _v11_suggestion_times_null,
    _v12_curation_rejections,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _file_of(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else ":memory:"


def check_identity(conn: sqlite3.Connection, version: int | None = None) -> None:
    """Refuse a database this claimdesk must not touch, using reads only.

    Runs before any statement that could write (``PRAGMA journal_mode = WAL``,
    migrations), so someone else's SQLite file is refused exactly as it was found.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0]) if version is None else version
    if current < 0:
        # No claimdesk ever wrote one; migrating ran MIGRATIONS[-1] (Python counts from the
        # end), failed half-way and set the version to 0 on the way.
        raise ClaimdeskError(
            f"{_file_of(conn)}: database schema {current} is not one claimdesk writes (the"
            " file is damaged or another program's); left unchanged"
        )
    if current > SCHEMA_VERSION:
        raise ClaimdeskError(
            f"{_file_of(conn)}: database schema {current} is newer than this claimdesk knows"
            f" ({SCHEMA_VERSION}); upgrade claimdesk"
        )
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if current == 0 and tables and "documents" not in tables:
        raise ClaimdeskError(
            f"{_file_of(conn)}: not a claimdesk database (it has other tables); left unchanged"
        )


def migrate(db: sqlite_utils.Database, *, write: WriteContext, target: int | None = None) -> int:
    """Bring the database forward to ``target`` (default: the newest schema)."""
    goal = SCHEMA_VERSION if target is None else target
    current = schema_version(db.conn)
    check_identity(db.conn, current)
    while current < goal:
        with write():
            # Re-read inside the lock: another process may have migrated meanwhile.
            current = schema_version(db.conn)
            check_identity(db.conn, current)
            if current >= goal:
                break
            MIGRATIONS[current](db)
            current += 1
            db.execute(f"PRAGMA user_version = {current}")
    return current
