"""Recognising an annotation record made on a stored article's text before import
normalised it.

Pre-annotations are often made on the original file: a model run on a scraped page with
its soft hyphens and control characters, or on NFD text. Import stores the text
normalised (:func:`store.formats.normalize.normalize_text`), which changes its SHA-256
and moves every offset after the first change, so such a record found no document
("not in the database", though it is) or spans that no longer fit. Nothing maps the
original's offsets onto the stored text's, so its spans are refused, with the reason
and the way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.documents import text_sha256
from store.formats.normalize import normalize_text

if TYPE_CHECKING:
    import sqlite_utils


def normalised_forms(text: str) -> list[str]:
    """``text`` as import stores it now, and as it did before soft hyphens went, where
    that is not ``text`` itself."""
    forms = dict.fromkeys((normalize_text(text), normalize_text(text, soft_hyphens=True)))
    return [form for form in forms if form != text]


def stored_after_normalising(db: sqlite_utils.Database, text: str) -> tuple[int, str] | None:
    """(id, source name) of the document that holds ``text`` as import normalised it."""
    for form in normalised_forms(text):
        row = db.conn.execute(
            "SELECT id, source_name FROM documents WHERE sha256 = ?", [text_sha256(form)]
        ).fetchone()
        if row is not None:
            return int(row[0]), str(row[1])
    return None


def normalised_reason(doc_id: int, name: str) -> str:
    """Why a span on the original text of document ``doc_id`` is refused, and what to do."""
    return (
        f"the file has the text of document {name} as it was before import normalised it"
        " (soft hyphens, control characters, line ends, Unicode NFC); offsets must count the"
        f" stored text: export it (claimdesk export -f jsonl --doc id:{doc_id}) and annotate that"
    )
