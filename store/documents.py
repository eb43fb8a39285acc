"""Where documents are stored, found, searched, and given a per-annotator status."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from store.changelog import Action
from store.clock import now
from store.errors import ClaimdeskError, NotFound
from store.formats import ParsedArticle
from store.formats.metadata import clean_value, storable
from store.model import DOCUMENT_STATUSES, Document, DocumentInfo, DocumentStatus

if TYPE_CHECKING:
    import sqlite_utils

    from store.connected import Connected

_INFO_COLUMNS = (
    "id, source_name, outlet, title, published, url, language, sha256, imported_at, length(text)"
)
_DOC_COLUMNS = "id, source_name, outlet, title, published, url, language, text, sha256, imported_at"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_name_candidates(article: ParsedArticle) -> Iterator[str]:
    yield article.source_name
    if article.outlet:
        yield f"{article.outlet}/{article.source_name}"
    for number in range(2, 10_000):
        yield f"{article.source_name}~{number}"


def _unique_source_name(db: sqlite_utils.Database, article: ParsedArticle) -> str:
    """The article's file name, or, when another text holds it, a qualified variant."""
    for name in _source_name_candidates(article):
        if not db.conn.execute("SELECT 1 FROM documents WHERE source_name = ?", [name]).fetchone():
            return name
    raise ClaimdeskError(f"{article.source_name}: too many documents share this name")


def insert_document(
    db: sqlite_utils.Database, article: ParsedArticle, *, source_path: str | None = None
) -> int | None:
    """Store one parsed article; None when the same text is already stored, or the same
    Markdown file as an earlier claimdesk read it (:func:`stored_scripts_read_before_as`,
    :func:`stored_without_html_as`).

    Runs inside the caller's transaction (the importer batches many). Names and
    metadata pass through the importer's one-line cleaner here, whatever built the
    article, so no control character (a file name's OSC 52, say) is ever stored.
    """
    article = dataclasses.replace(
        article,
        source_name=clean_value(article.source_name) or "document",
        title=clean_value(article.title),
        outlet=clean_value(article.outlet),
        url=clean_value(article.url),
    )
    digest = text_sha256(article.text)
    if (
        _stored_whole(db, article)
        or _stored_scripts_read_before(db, article) is not None
        or _stored_without_html(db, article) is not None
    ):
        return None
    cursor = db.conn.execute(
        "INSERT INTO documents (source_name, source_path, outlet, title, published, url,"
        " language, text, sha256, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            _unique_source_name(db, article),
            None if source_path is None else storable(source_path),
            article.outlet,
            article.title,
            article.published,
            article.url,
            article.language,
            article.text,
            digest,
            now(),
        ],
    )
    return int(cursor.lastrowid or 0)


def stored_without_html_as(db: Connected, article: ParsedArticle) -> str | None:
    """The source name of the document an earlier claimdesk stored for ``article``'s
    Markdown file without the text of its HTML blocks, unless one holds it whole."""
    return None if _stored_whole(db, article) else _stored_without_html(db, article)


def stored_scripts_read_before_as(db: Connected, article: ParsedArticle) -> str | None:
    """The source name of the document an earlier claimdesk stored for ``article``'s
    Markdown file with the content of its inline scripts and styles as text, unless one
    holds it as read now."""
    return None if _stored_whole(db, article) else _stored_scripts_read_before(db, article)


def _stored_scripts_read_before(db: Connected, article: ParsedArticle) -> str | None:
    # Unlike a text without its HTML blocks, this one is the whole article and more, so
    # any document holding it is this file's: the earlier claimdesk took it for the same
    # article under any name or outlet, and so does this one.
    holding = _documents_holding(db, article.stored_scripts_read_before)
    return next((str(name) for name, _outlet in holding), None)


def _documents_holding(db: Connected, texts: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    """(source name, outlet) of the documents whose text is one of ``texts``, oldest first."""
    if not texts:
        return iter(())
    hashes = [text_sha256(text) for text in texts]
    marks = ", ".join("?" * len(hashes))
    return iter(
        db.conn.execute(
            f"SELECT source_name, outlet FROM documents WHERE sha256 IN ({marks}) ORDER BY id",
            hashes,
        )
    )


def _stored_whole(db: Connected, article: ParsedArticle) -> bool:
    # An article stored before soft hyphens were dropped is found by its text as then.
    hashes = [text_sha256(article.text), text_sha256(article.stored_before or article.text)]
    return bool(
        db.conn.execute("SELECT 1 FROM documents WHERE sha256 IN (?, ?)", hashes).fetchone()
    )


def _stored_without_html(db: Connected, article: ParsedArticle) -> str | None:
    """The name of a document holding one of :attr:`ParsedArticle.stored_without_html`
    under a name the file's article gets. Without its HTML blocks, an article can be as
    short as its title, which another file's document may hold."""
    rows = _documents_holding(db, article.stored_without_html)
    # Of the same outlet too: an update to another folder's story.md, its new paragraph an
    # HTML block, was taken for that story's old copy and never imported.
    outlet = clean_value(article.outlet)
    return next(
        (
            str(name)
            for name, stored_outlet in rows
            if stored_outlet == outlet and _named_for(str(name), article)
        ),
        None,
    )


def _named_for(name: str, article: ParsedArticle) -> bool:
    """Whether a document called ``name`` may have been stored from ``article``'s file:
    under its name, or a name :func:`_unique_source_name` gives it on a clash."""
    own = clean_value(article.source_name) or "document"
    outlet = clean_value(article.outlet)
    clash, tilde, number = name.rpartition("~")
    return (
        name == own
        or (outlet is not None and name == f"{outlet}/{own}")
        or (bool(tilde) and clash == own and number.isdigit())
    )


def get_document(db: Connected, doc_id: int) -> Document:
    row = db.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id]).fetchone()
    if row is None:
        raise NotFound(f"document {doc_id} does not exist")
    return Document(*row)


def find_document(db: Connected, name: str) -> Document:
    """The document a typed name picks: ``#ID``/``id:ID``, exact source name, unique prefix."""
    from store.document_names import resolve_document_id

    return get_document(db, resolve_document_id(db, name))


def list_documents(db: Connected) -> list[DocumentInfo]:
    rows = db.conn.execute(
        f"SELECT {_INFO_COLUMNS} FROM documents ORDER BY published, outlet, source_name"
    )
    return [DocumentInfo(*row) for row in rows]


def document_overview(db: sqlite_utils.Database, annotator: str) -> list[dict[str, Any]]:
    """One row per document for the library table: span counts, status, who annotated."""
    return list(
        db.query(
            """
            SELECT d.id, d.source_name, d.outlet, d.title, d.published, d.language,
                   length(d.text) AS length,
                   (SELECT count(*) FROM spans s WHERE s.doc_id = d.id
                      AND s.deleted_at IS NULL) AS spans,
                   coalesce((SELECT status FROM document_status st WHERE st.doc_id = d.id
                      AND st.annotator = :annotator), 'todo') AS status,
                   (SELECT group_concat(annotator, ', ') FROM (SELECT DISTINCT annotator
                      FROM spans s WHERE s.doc_id = d.id AND s.deleted_at IS NULL
                      ORDER BY annotator)) AS annotators
            FROM documents d
            ORDER BY d.published, d.outlet, d.source_name
            """,
            {"annotator": annotator},
        )
    )


_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_documents(db: Connected, query: str, *, limit: int = 200) -> list[int]:
    """Ids of documents whose title or text match every word of ``query``, best first.

    The user's words are quoted for FTS5, so operators and punctuation in a search
    box can never produce a syntax error.
    """
    words = _FTS_TOKEN.findall(query)
    if not words:
        return []
    match = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    rows = db.conn.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
        [match, limit],
    )
    return [int(r[0]) for r in rows]


def get_status(db: Connected, doc_id: int, annotator: str) -> DocumentStatus:
    row = db.conn.execute(
        "SELECT status FROM document_status WHERE doc_id = ? AND annotator = ?",
        [doc_id, annotator],
    ).fetchone()
    return "todo" if row is None else row[0]


def mark_started(action: Action, doc_id: int) -> None:
    """A document the acting annotator makes a span on is in progress, unless it is done.

    Part of the span's action, so undoing the span undoes this too; "done" (what
    agreement, stats, curation and ``export --status done`` read) is never changed.
    """
    if get_status(action.db, doc_id, action.annotator) == "todo":
        set_status(action, doc_id, "in_progress")


def set_status(
    action: Action, doc_id: int, status: DocumentStatus, *, annotator: str | None = None
) -> None:
    """Set ``annotator``'s status of the document (default: the acting annotator's).

    A curator marks the gold annotator's status, in an action of the curator's own.
    """
    if status not in DOCUMENT_STATUSES:
        raise ClaimdeskError(
            f"unknown status {status!r}; use one of {', '.join(DOCUMENT_STATUSES)}"
        )
    db = action.db
    get_document(db, doc_id)
    who = action.annotator if annotator is None else annotator
    key = {"doc_id": doc_id, "annotator": who}
    row = db.conn.execute(
        "SELECT status, updated_at FROM document_status WHERE doc_id = ? AND annotator = ?",
        [doc_id, who],
    ).fetchone()
    stamp = now()
    if row is None:
        db.execute(
            "INSERT INTO document_status (doc_id, annotator, status, updated_at) VALUES (?,?,?,?)",
            [doc_id, who, status, stamp],
        )
        action.record("document_status", key, None, {"status": status, "updated_at": stamp})
    elif row[0] != status:
        db.execute(
            "UPDATE document_status SET status = ?, updated_at = ?"
            " WHERE doc_id = ? AND annotator = ?",
            [status, stamp, doc_id, who],
        )
        action.record(
            "document_status",
            key,
            {"status": row[0], "updated_at": row[1]},
            {"status": status, "updated_at": stamp},
        )
