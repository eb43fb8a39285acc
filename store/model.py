"""Plain records that the store hands to its callers (the CLI, the TUI, exporters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Ids and annotator names are shown in the reader, in reports and in every export: a
# name is a line, not a document (a 2,000,000-character id was accepted).
MAX_NAME_CHARS = 200
# A note is a remark on a span; ten thousand characters is several pages of it. The reader
# and the importer hold notes to the same cap, so what one database exports, another imports.
MAX_NOTE_CHARS = 10_000

DocumentStatus = Literal["todo", "in_progress", "done"]
LinkStatus = Literal["suggested", "accepted", "rejected"]
DOCUMENT_STATUSES: tuple[DocumentStatus, ...] = ("todo", "in_progress", "done")
LINK_STATUSES: tuple[LinkStatus, ...] = ("suggested", "accepted", "rejected")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document without its text: what lists and tables need."""

    id: int
    source_name: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    language: str | None
    sha256: str
    imported_at: str
    length: int


@dataclass(frozen=True, slots=True)
class Document:
    """A stored article; ``text`` is the normalised text all offsets refer to."""

    id: int
    source_name: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    language: str | None
    text: str
    sha256: str
    imported_at: str
    # The story in effect (store.stories), where the reader of the row asked for it.
    story: str | None = None


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    colour: str
    hotkey: str | None
    description: str
    position: int


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of a document: ``document.text[start:end] == quote``."""

    id: str
    doc_id: int
    start: int
    end: int
    quote: str
    label: str
    annotator: str
    note: str | None
    created_at: str
    updated_at: str
    deleted_at: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    id: int
    doc_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Link:
    """A claim in one document tied to a claim in another, suggested or decided."""

    id: str
    a_doc: int
    a_start: int
    a_end: int
    a_quote: str
    a_span: str | None
    b_doc: int
    b_start: int
    b_end: int
    b_quote: str
    b_span: str | None
    status: LinkStatus
    score: float | None
    method: str
    reason: str | None
    annotator: str | None
    created_at: str | None  # None for a suggestion: its table keeps no times
    updated_at: str | None
