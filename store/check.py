"""``claimdesk check``: is the database sound, and are its offsets true?

Each check reads only; the full-text check is an FTS5 command spelled as an INSERT,
so it runs inside a transaction that is rolled back. A check that cannot run because
the file is damaged is itself reported as a problem, and the rest still run. A check
that cannot run because another process holds the lock is no problem of the file: the
whole check stops with :class:`DatabaseBusy`.

| check            | what it finds                                                |
|------------------|--------------------------------------------------------------|
| integrity        | ``PRAGMA integrity_check``: damaged pages, broken indexes     |
| foreign keys     | ``PRAGMA foreign_key_check``: spans of missing documents, ... |
| full-text index  | FTS5 ``integrity-check``: the search index against the text   |
| text encoding    | text cells that are not UTF-8 (they stop every reader)        |
| span offsets     | spans whose quote is not ``text[start:end]``                  |
| link offsets     | links whose either end's quote is not its document's text     |
| xml characters   | text, names and notes holding characters XML 1.0 forbids       |
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store.db import check_header_once, read_only_place, read_only_uri
from store.errors import ClaimdeskError, StoreUnwritable
from store.formats.normalize import XML_FORBIDDEN
from store.migrations import check_identity
from store.paths import refuse_non_database_file

FTS_TABLE = "documents_fts"
# The search index holds nothing the documents do not: "restore a backup" for it threw
# away every change since the backup.
FTS_HINT = (
    "the search index is rebuilt from the documents, losing nothing: with claimdesk closed,"
    f" sqlite3 DB \"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')\""
)
# sqlite3 3.40.1, Debian 12's, fails .recover on every database ("SQL logic error") and
# leaves NEW.db empty; .dump keeps the tables it can read there.
RECOVERY_HINT = (
    "restore a backup (deleting DB-wal and DB-shm beside it first, with claimdesk closed),"
    " or save what is readable with: sqlite3 DB '.recover' | sqlite3 NEW.db"
    " (sqlite3 3.41 or newer; with 3.40: sqlite3 DB .dump | sqlite3 NEW.db)"
)
# How long each check waits for a lock another process holds before giving up as busy.
LOCK_WAIT_S = 5.0


class DatabaseBusy(ClaimdeskError):
    """Another process held the database's lock for longer than a check waits: the
    file may be perfectly sound, so this is never reported as a problem found."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"{path}: the database is busy (another process is writing to it);"
            " run claimdesk check again when it is done"
        )


def is_busy(error: BaseException) -> bool:
    """Whether SQLite refused for a lock held elsewhere (SQLITE_BUSY or SQLITE_LOCKED)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    lowered = str(error).lower()
    return "database is locked" in lowered or "database table is locked" in lowered


class DamagedDatabase(ClaimdeskError):
    """A database that opened but could not be read: one line naming the file (the
    reader shows it as that line when it stops on it: ``tui.app.DamagedInReader``)."""

    def __init__(self, path: Path | str, error: Exception) -> None:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if isinstance(error, UnicodeDecodeError) or "decode" in reason.lower():
            what = "holds text that is not UTF-8"
        else:
            what = f"is damaged ({reason})"
        super().__init__(
            f"{path}: database {what}; run claimdesk check --db {path}, then {RECOVERY_HINT}"
        )


def refuse_damaged(conn: sqlite3.Connection, path: Path | str) -> None:
    """Raise :class:`DamagedDatabase` when SQLite's ``quick_check`` finds damaged pages.

    For the commands that write in bulk (import, import-annotations, import-links,
    labels --load, link), before they write: they touch only the pages they need, so an
    import stored a document in a file every reading command refused as damaged, and
    only then failed on it. ``quick_check`` reads every page but skips the index
    comparisons of ``integrity_check``: 0.1 s on a 22 MB database of 1,028 articles.
    """
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as error:
        if is_busy(error):
            raise
        raise DamagedDatabase(path, error) from None
    if rows != ["ok"]:
        found = _problem_lines(rows) or rows or ["no answer"]
        raise DamagedDatabase(path, sqlite3.DatabaseError(found[0]))


_SPAN_MISMATCH = (
    "SELECT s.id FROM spans s LEFT JOIN documents d ON d.id = s.doc_id"
    ' WHERE substr(d.text, s.start + 1, s."end" - s.start) IS NOT s.quote'
    ' OR s.start < 0 OR s."end" <= s.start OR s."end" > length(d.text)'
)
_LINK_MISMATCH = (
    "SELECT l.id FROM links l LEFT JOIN documents a ON a.id = l.a_doc"
    " LEFT JOIN documents b ON b.id = l.b_doc"
    " WHERE substr(a.text, l.a_start + 1, l.a_end - l.a_start) IS NOT l.a_quote"
    " OR substr(b.text, l.b_start + 1, l.b_end - l.b_start) IS NOT l.b_quote"
)

# A suggestion's quotes are read from the text (schema 10), so they always match it;
# what can be wrong is a document missing or shorter than a suggestion's offsets.
# Checked per document (its furthest end), not per row: a million rows would read
# each document's text thousands of times.
_SUGGESTION_MISMATCH = (
    "SELECT 'document ' || m.doc FROM (SELECT a_doc AS doc, max(a_end) AS reach"
    " FROM suggestions GROUP BY a_doc UNION ALL SELECT b_doc, max(b_end) FROM suggestions"
    " GROUP BY b_doc) m LEFT JOIN documents d ON d.id = m.doc"
    " WHERE d.id IS NULL OR m.reach > length(d.text)"
)


@dataclass(slots=True)
class CheckResult:
    name: str
    problems: int = 0
    examples: list[str] = field(default_factory=list)
    checked: str = ""
    hint: str = ""
    """What to do about problems that are no damage; empty means restore or recover."""


@dataclass(slots=True)
class CheckReport:
    path: Path
    results: list[CheckResult] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(result.problems for result in self.results)


def _problem_lines(rows: list[str]) -> list[str]:
    """The problems in the rows of ``integrity_check`` or ``quick_check``.

    One row can hold several problems, one a line, after a "*** in database main ***"
    heading: each line is a problem of its own (printed on one line, its line breaks
    were shown as \x0a escapes).
    """
    return [
        line.strip()
        for row in rows
        if row != "ok"
        for line in row.splitlines()
        if line.strip() and not line.startswith("*** in database ")
    ]


def _integrity(conn: sqlite3.Connection) -> CheckResult:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(100)")]
    bad = _problem_lines(rows)
    return CheckResult("integrity", len(bad), bad[:3])


def _foreign_keys(conn: sqlite3.Connection) -> CheckResult:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    return CheckResult(
        "foreign keys", len(rows), [f"{r[0]} row {r[1]} → missing {r[2]}" for r in rows[:3]]
    )


def _full_text(conn: sqlite3.Connection) -> CheckResult:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [FTS_TABLE]
    ).fetchone()
    if not exists:
        return CheckResult("full-text index", checked="none in this schema")
    try:
        # The write lock first, through the busy handler: a deferred transaction whose
        # read came before another writer's commit cannot wait for the lock, and the
        # check said "busy" at once while a writer was finishing.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as error:
        if "readonly" in str(error).lower():
            # FTS5 checks itself only through a write statement, which a read-only file
            # refuses: not a problem of the index.
            return CheckResult("full-text index", checked="not checked: read-only here")
        if is_busy(error):
            # The write statement waits for any other writer: a lock, not damage.
            raise
        return CheckResult("full-text index", 1, [_reason(error)], hint=FTS_HINT)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    return CheckResult("full-text index")


def _text_encoding(conn: sqlite3.Connection) -> CheckResult:
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE ?",
            [f"{FTS_TABLE}%"],
        )
    ]
    result = CheckResult("text encoding")
    cells = 0
    conn.text_factory = bytes
    try:
        for table in tables:
            # A WITHOUT ROWID table (suggestions) names its rows by position.
            key = "rowid" if _has_rowid(conn, table) else "NULL"
            cursor = conn.execute(f'SELECT {key}, * FROM "{table}"')
            columns = [d[0] for d in cursor.description][1:]
            for row in cursor:
                for column, value in zip(columns, row[1:], strict=True):
                    if not isinstance(value, bytes):
                        continue
                    cells += 1
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        result.problems += 1
                        if len(result.examples) < 3:
                            result.examples.append(f"{table}.{column} of row {row[0]}")
    finally:
        conn.text_factory = str
    result.checked = f"{cells:,} text cells"
    return result


# XML_FORBIDDEN as a GLOB class, so SQLite picks the few cells out; NUL ends a GLOB pattern.
_XML_FORBIDDEN_GLOB = "*[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"
_DOCUMENT_FIELDS = ("text", "source_name", "title", "outlet", "url", "language")
_SPAN_FIELDS = ("note", "annotator")
XML_HINT = "the xmi export writes each as U+FFFD; import now removes them"


def _holds_forbidden(column: str) -> str:
    return f"({column} GLOB :glob OR instr({column}, char(0)) > 0)"


def _note_forbidden(
    result: CheckResult, fields: tuple[str, ...], values: tuple[object, ...], where: str
) -> None:
    """Count each of ``values`` (the cells of ``fields``) holding what XML cannot."""
    for column, value in zip(fields, values, strict=True):
        found = XML_FORBIDDEN.search(str(value)) if value is not None else None
        if found is not None:
            result.problems += 1
            if len(result.examples) < 3:
                where_in = f"U+{ord(found.group()):04X} at {found.start()}"
                result.examples.append(f"{where}: {column} holds {where_in}")


def _xml_characters(conn: sqlite3.Connection) -> CheckResult:
    """Cells the xmi export (and any XML reader) cannot take as they are, by document."""
    result = CheckResult("xml characters", hint=XML_HINT)
    params = {"glob": _XML_FORBIDDEN_GLOB}
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    try:
        for row in conn.execute(
            f"SELECT id, source_name, {', '.join(_DOCUMENT_FIELDS)} FROM documents WHERE "
            + " OR ".join(_holds_forbidden(c) for c in _DOCUMENT_FIELDS)
            + " ORDER BY id",
            params,
        ):
            _note_forbidden(result, _DOCUMENT_FIELDS, row[2:], f"document #{row[0]} {row[1]}")
        for row in conn.execute(
            f"SELECT s.id, d.id, d.source_name, {', '.join('s.' + c for c in _SPAN_FIELDS)}"
            " FROM spans s LEFT JOIN documents d ON d.id = s.doc_id WHERE "
            + " OR ".join(_holds_forbidden("s." + c) for c in _SPAN_FIELDS)
            + " ORDER BY s.doc_id, s.id",
            params,
        ):
            where = f"span {row[0]} of document #{row[1]} {row[2]}"
            _note_forbidden(result, _SPAN_FIELDS, row[3:], where)
    finally:
        conn.text_factory = str
    documents = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    spans = int(conn.execute("SELECT count(*) FROM spans").fetchone()[0])
    result.checked = f"{documents:,} documents, {spans:,} spans"
    return result


def _suggestion_offsets(conn: sqlite3.Connection) -> CheckResult:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'suggestions'"
    ).fetchone()
    if not exists:
        return CheckResult("suggestion offsets", checked="none in this schema")
    run = _offsets("suggestion offsets", _SUGGESTION_MISMATCH, "SELECT count(*) FROM suggestions")
    return run(conn)


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT wr FROM pragma_table_list WHERE name = ?", [table]).fetchone()
    return row is None or not row[0]


def _offsets(name: str, sql: str, count_sql: str) -> Callable[[sqlite3.Connection], CheckResult]:
    def run(conn: sqlite3.Connection) -> CheckResult:
        conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
        try:
            bad = [str(row[0]) for row in conn.execute(sql)]
        finally:
            conn.text_factory = str
        total = int(conn.execute(count_sql).fetchone()[0])
        shown = [b if b.startswith("document ") else f"id {b}" for b in bad[:3]]
        return CheckResult(name, len(bad), shown, f"{total:,} checked")

    return run


CHECKS: list[tuple[str, Callable[[sqlite3.Connection], CheckResult]]] = [
    ("integrity", _integrity),
    ("foreign keys", _foreign_keys),
    ("full-text index", _full_text),
    ("text encoding", _text_encoding),
    ("span offsets", _offsets("span offsets", _SPAN_MISMATCH, "SELECT count(*) FROM spans")),
    ("link offsets", _offsets("link offsets", _LINK_MISMATCH, "SELECT count(*) FROM links")),
    ("suggestion offsets", _suggestion_offsets),
    ("xml characters", _xml_characters),
]


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"text that is not UTF-8 ({error.reason} at byte {error.start})"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _full_text_checked(path: Path, report: CheckReport, writable: bool, wait: float) -> CheckResult:
    """The full-text check, through a write statement on a connection of its own, opened
    only where the file can be written and the checks before found its pages sound."""
    if not writable:
        return CheckResult("full-text index", checked="not checked: read-only here")
    if any(result.problems for result in report.results):
        return CheckResult("full-text index", checked="not checked: the file has problems above")
    conn = sqlite3.connect(path, isolation_level=None, timeout=wait)
    try:
        return _full_text(conn)
    finally:
        conn.close()


def check_database(path: Path, *, timeout: float | None = None) -> CheckReport:
    """Run every check on the database at ``path`` without changing it.

    Each statement waits up to ``timeout`` seconds (:data:`LOCK_WAIT_S`) for a lock
    another process holds; :class:`DatabaseBusy` when one is held longer.
    """
    wait = LOCK_WAIT_S if timeout is None else timeout
    refuse_non_database_file(path)
    if path.stat().st_size == 0:
        # SQLite opens an empty file as an empty database: every check then "failed" on a
        # missing table and the advice was to restore a backup, of a file never written.
        raise ClaimdeskError(f"{path}: is an empty file, not a claimdesk database")
    # A text file named .db is refused as every other command refuses it, not reported as
    # an unreadable schema with the advice to restore a backup.
    check_header_once(path)
    # Read-only everywhere: a read-write connection checkpoints the -wal into the file when
    # it closes, and a -wal that is not this file's (left from before a backup was copied
    # over it, or copied in by mistake) truncated 7 MB of articles to 446 KB, while moving
    # that -wal aside would have saved them. Only the full-text check needs a write, and it
    # gets its own connection once the rest found the file sound (_full_text_checked).
    writable = not read_only_place(str(path))
    uri = f"{path.resolve().as_uri()}?mode=ro" if writable else read_only_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=wait)
    except sqlite3.Error as error:
        raise ClaimdeskError(f"{path}: cannot open ({error})") from error
    report = CheckReport(path)
    try:
        try:
            check_identity(conn)
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
                raise ClaimdeskError(f"{path}: not a claimdesk database (it has no tables)")
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            if is_busy(error):
                raise DatabaseBusy(path) from error
            reason = str(error).lower()
            if not writable and ("unable to open" in reason or "readonly" in reason):
                # A -wal without a -shm this process can use, in a place it cannot write:
                # SQLite cannot make the index the log needs. Not damage; the advice to
                # restore (deleting the -wal first) threw the commits in the log away.
                raise StoreUnwritable(
                    f"{path}: cannot be read here: its -wal needs a -shm beside it that this"
                    " user can write, and none can be made in a read-only place; nothing was"
                    " checked (copy the database with its -wal to a place that can be"
                    " written, and check it there)"
                ) from error
            # Bytes that are not UTF-8 in the schema escaped as a damaged database, whose
            # message told the user to run the very check that had failed.
            report.results.append(
                CheckResult("integrity", 1, [f"cannot read the schema: {_reason(error)}"])
            )
            return report
        for name, run in CHECKS:
            try:
                if run is _full_text:
                    report.results.append(_full_text_checked(path, report, writable, wait))
                else:
                    report.results.append(run(conn))
            except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
                if is_busy(error):
                    raise DatabaseBusy(path) from error
                report.results.append(CheckResult(name, 1, [f"could not run: {_reason(error)}"]))
    finally:
        conn.close()
    return report
