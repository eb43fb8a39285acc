"""claimdesk's own JSON Lines: one document a line in the spaCy/Prodigy span shape.

``{"text", "meta": {...}, "spans": [...], "links": [...]}`` with ``--tokens``
adding Prodigy's ``tokens`` list and ``token_start``/``token_end`` (both
inclusive token indexes) on each span, and the task keys Prodigy expects:
``_input_hash`` (of the text), ``_task_hash`` (of the text and spans) and
``answer: accept``. A span's ``start``/``end`` stay its exact offsets; one that
starts or ends inside a token names the tokens it touches, and the message counts
such spans per label (Prodigy's manual interfaces select whole tokens).
``--per-annotator`` writes a record per document and annotator (with ``--tokens``,
Prodigy's ``_annotator_id`` names who), the shape of a multi-user Prodigy session.
``import-annotations`` reads it back, and reads Prodigy's own output too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import IO, Any

import sqlite_utils

from store.combining import is_default_ignorable
from store.export.common import (
    ClaimKey,
    DocumentLinks,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    dumps,
    fact_clusters,
    iter_documents,
)
from store.export.tokens import Token, token_bounds, tokenize
from store.model import Document, Span


def document_meta(document: Document) -> dict[str, Any]:
    return {
        "source": document.source_name,
        "outlet": document.outlet,
        "title": document.title,
        "date": document.published,
        "url": document.url,
        "language": document.language,
        "sha256": document.sha256,
        "story": document.story,
    }


def span_record(span: Span) -> dict[str, Any]:
    return {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.quote,
        "annotator": span.annotator,
        "note": span.note,
    }


def _links_of(
    links: DocumentLinks,
    document: Document,
    clusters: dict[ClaimKey, str],
) -> list[dict[str, Any]]:
    records = []
    for checked in links.of(document):
        here, other = (
            (checked.a, checked.b) if checked.a.doc_id == document.id else (checked.b, checked.a)
        )
        records.append(
            {
                "id": checked.link.id,
                "status": checked.link.status,
                "score": checked.link.score,
                "start": here.start,
                "end": here.end,
                "text": here.text,
                "other": {
                    "doc": other.doc,
                    "start": other.start,
                    "end": other.end,
                    "text": other.text,
                },
                "cluster": clusters.get(here.key),
            }
        )
    return records


def prodigy_hash(*parts: str) -> int:
    """A stable signed 32-bit hash, the kind Prodigy stores in ``_input_hash``/``_task_hash``."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _groups(spans: list[Span], per_annotator: bool) -> list[tuple[str | None, list[Span]]]:
    """The document's records: all spans in one, or one per annotator (``--per-annotator``)."""
    if not per_annotator or not spans:
        return [(None, spans)]
    by_annotator: dict[str, list[Span]] = {}
    for span in spans:
        by_annotator.setdefault(span.annotator, []).append(span)
    return sorted(by_annotator.items())


def prodigy_tokens(text: str, words: list[Token]) -> tuple[list[dict[str, Any]], list[int]]:
    """``words`` as spaCy and Prodigy lay tokens out, and each word's index among them.

    ``ws`` is spaCy's ``whitespace_``: one U+0020 after the token and nothing else.
    Any other whitespace between two words (a line break, a tab, a second space, a
    no-break space) is a token of its own, as spaCy makes it, so that
    ``Doc(words=..., spaces=...)`` rebuilds the text and the offsets hold. ``ws`` had
    been true before any whitespace, and a consumer's rebuilt text lost every line
    break, moving the spans behind them.

    Invisible format characters between words (a bidi mark, an isolate, a zero-width
    space: no word holds them) must be in some token for the text to rebuild, but never
    in one of their own, an empty box in Prodigy. After a space they go with it, as one
    token (``" \u2066"``); otherwise the next word's token takes them (``\u200f.``),
    or, at the end of the text, the last one. The next rather than the previous: a span
    ends on a word before a mark far more often than it starts on the punctuation after.
    """
    laid: list[dict[str, Any]] = []
    index: list[int] = []

    def add(start: int, end: int) -> None:
        follows_space = end < len(text) and text[end] == " "
        laid.append(
            {
                "text": text[start:end],
                "start": start,
                "end": end,
                "id": len(laid),
                "ws": follows_space,
            }
        )

    def gap(start: int, end: int) -> int:
        """Lay out ``text[start:end]`` before a word or the end; where the word may start."""
        if not all(map(is_default_ignorable, text[start:end])):
            add(start, end)
            return end
        if laid and laid[-1]["ws"]:
            laid[-1]["ws"] = False
            add(start - 1, end)
            return end
        return start

    position = 0
    for word in words:
        start = gap(position, word.start) if position < word.start else word.start
        index.append(len(laid))
        add(start, word.end)
        position = word.end + (1 if laid[-1]["ws"] else 0)
    if position < len(text) and gap(position, len(text)) == position:
        if laid:
            last = laid[-1]
            last["end"] = len(text)
            last["text"] = text[last["start"] :]
        else:
            add(0, len(text))  # nothing visible at all: the text must still rebuild
    return laid, index


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    clusters = fact_clusters(db)
    off_bounds: Counter[str] = Counter()
    # Spans of whitespace alone touch no token (the note said they named the ones they touch).
    no_token: Counter[str] = Counter()
    # iter_documents goes in source-name order, the order DocumentLinks needs.
    document_links = DocumentLinks(db)
    for document, all_spans in iter_documents(db, flt):
        tokens = list(tokenize(document.text)) if options.tokens else []
        links = _links_of(document_links, document, clusters)
        for annotator, spans in _groups(all_spans, options.per_annotator):
            spans_out = [span_record(span) for span in spans]
            record: dict[str, Any] = {"text": document.text, "meta": document_meta(document)}
            if options.tokens:
                record["tokens"], index = prodigy_tokens(document.text, tokens)
                for entry, span in zip(spans_out, spans, strict=True):
                    bounds = token_bounds(tokens, span.start, span.end)
                    entry["token_start"] = index[bounds[0]] if bounds else None
                    entry["token_end"] = index[bounds[1]] if bounds else None
                    if bounds is None:
                        no_token[span.label] += 1
                    else:
                        # The bounds of the tokens written, which may hold a format mark.
                        first, last = (
                            record["tokens"][index[bounds[0]]],
                            record["tokens"][index[bounds[1]]],
                        )
                        if first["start"] != span.start or last["end"] != span.end:
                            off_bounds[span.label] += 1
                input_hash = prodigy_hash(document.text)
                record["_input_hash"] = input_hash
                record["_task_hash"] = prodigy_hash(
                    str(input_hash),
                    annotator or "",
                    *(f"{s.start}:{s.end}:{s.label}" for s in spans),
                )
                record["answer"] = "accept"
                if annotator is not None:
                    # Prodigy's key for who answered a task in a multi-user session.
                    record["_annotator_id"] = annotator
            record["spans"] = spans_out
            record["links"] = links
            out.write(dumps(record) + "\n")
            stats.records += 1
            stats.spans += len(spans)
        stats.documents += 1
        stats.links += len(links)
    if not options.per_annotator:
        stats.records = 0  # one record per document: the document count says it
    if off_bounds:
        counted = ", ".join(f"{label} {n}" for label, n in sorted(off_bounds.items()))
        stats.notes.append(
            f"{sum(off_bounds.values())} span(s) not on token bounds ({counted}): exact"
            " start/end kept, token_start/token_end name the tokens they touch"
        )
    if no_token:
        counted = ", ".join(f"{label} {n}" for label, n in sorted(no_token.items()))
        stats.notes.append(
            f"{sum(no_token.values())} span(s) cover only whitespace ({counted}): exact"
            " start/end kept, token_start/token_end null"
        )
    return stats
