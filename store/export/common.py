"""What every exporter shares: filters, streaming reads in a stable order, the
offset check, atomic output, and fact clusters over accepted links.

| caller                  | calls                                                        |
|-------------------------|--------------------------------------------------------------|
| ``claimdesk export``    | :func:`resolve_filter`, a writer, ``output.atomic_*``        |
| each writer             | :func:`iter_documents` → (document, its checked spans)        |
| links / pairs / markdown| :func:`iter_links`, :func:`fact_clusters` (from store.linking) |

Exports read inside one read transaction, so a database that annotators keep
writing to still exports as one consistent snapshot. Documents are streamed one at
a time and spans are fetched per document, so memory does not grow with the corpus.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from store.documents import find_document
from store.errors import ClaimdeskError, NotFound, QuoteMismatch
from store.export.output import STDOUT as STDOUT
from store.model import Document, Link, Span

MODEL_PREFIX = "model:"
"""Annotators named ``model:NAME`` are a model's pre-annotations, not a person's
(``import-annotations --annotator model:NAME``). Every export that tells the two apart
asks :func:`is_model`: Label Studio writes them as predictions, W3C as Software, CoNLL
and doccano ``--no-overlap`` leave them out of what they choose unless selected."""


def is_model(annotator: str) -> bool:
    """Whether ``annotator`` names a model (``model:NAME``), not a person."""
    return annotator.startswith(MODEL_PREFIX)


def without_unselected_models(spans: list[Span], flt: ResolvedFilter) -> tuple[list[Span], int]:
    """``spans`` without a model's, unless ``--annotator`` selected that model by name,
    and how many were left out.

    For exports whose output reads as gold with no annotator beside it (CoNLL, doccano
    ``--no-overlap``): a model's pre-annotations there would train on themselves.
    """
    kept = [s for s in spans if not is_model(s.annotator) or s.annotator in flt.annotators]
    return kept, len(spans) - len(kept)


def models_left_out_note(count: int) -> str:
    return (
        f"{count} span(s) by a model (annotator model:NAME) left out, as pre-annotations are"
        " not gold; --annotator model:NAME exports that model's spans"
    )


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which documents and spans an export covers (empty tuples: no restriction)."""

    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    status: str | None = None
    docs: tuple[str, ...] = ()
    since: str | None = None
    skip_empty: bool = False


@dataclass(frozen=True, slots=True)
class ResolvedFilter:
    """An :class:`ExportFilter` checked against the database: names turned into ids."""

    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    status: str | None = None
    doc_ids: tuple[int, ...] | None = None
    since: str | None = None
    skip_empty: bool = False


@dataclass(slots=True)
class ExportOptions:
    """Per-format switches; writers ignore the ones that do not concern them."""

    tokens: bool = False
    conll_label: str | None = None
    csv_safe: bool = False
    excel: bool = False
    ls_users: Path | None = None
    with_meta: bool = False
    align: str = "expand"
    gold: str = "gold"
    no_overlap: bool = False
    relations: bool = False
    per_annotator: bool = False


@dataclass(slots=True)
class ExportStats:
    """What a writer wrote, for the one-line summary on stderr."""

    documents: int = 0
    spans: int = 0
    links: int = 0
    records: int = 0
    notes: list[str] = field(default_factory=list)


def normalise_since(value: str) -> str:
    """An ISO date or time as the store writes timestamps, for string comparison."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ClaimdeskError(
            f"--since {value!r}: not an ISO date or time (e.g. 2026-11-21 or 2026-11-21T15:00)"
        ) from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def resolve_filter(db: sqlite_utils.Database, wanted: ExportFilter) -> ResolvedFilter:
    """Check label and document names; unknown ones are an error, not an empty export."""
    known = {row[0] for row in db.conn.execute("SELECT name FROM labels")}
    for label in wanted.labels:
        if label not in known:
            listing = ", ".join(sorted(known))
            raise ClaimdeskError(f"--label {label}: no such label (known: {listing})")
    for annotator in wanted.annotators:
        # A mistyped name exported every document without a span, with exit status 0.
        found = db.conn.execute(
            "SELECT 1 FROM spans WHERE annotator = ?"
            " UNION ALL SELECT 1 FROM document_status WHERE annotator = ? LIMIT 1",
            [annotator, annotator],
        ).fetchone()
        if found is None:
            names = db.conn.execute(
                "SELECT annotator FROM spans UNION SELECT annotator FROM document_status"
                " ORDER BY 1 LIMIT 21"
            ).fetchall()
            listing = ", ".join(str(row[0]) for row in names[:20]) + (
                ", …" if len(names) > 20 else ""
            )
            raise ClaimdeskError(
                f"--annotator {annotator}: no spans or document status by this annotator"
                f" (annotators: {listing or 'none'})"
            )
    doc_ids: tuple[int, ...] | None = None
    if wanted.docs:
        ids: set[int] = set()
        for name in wanted.docs:
            try:
                ids.add(find_document(db, name).id)
            except NotFound as error:
                raise ClaimdeskError(f"--doc {name}: {error}") from error
        doc_ids = tuple(sorted(ids))
    if wanted.status is not None and wanted.status not in ("done", "in_progress"):
        raise ClaimdeskError(f"--status {wanted.status}: use done or in_progress")
    since = None if wanted.since is None else normalise_since(wanted.since)
    return ResolvedFilter(
        labels=tuple(wanted.labels),
        annotators=tuple(wanted.annotators),
        status=wanted.status,
        doc_ids=doc_ids,
        since=since,
        skip_empty=wanted.skip_empty or since is not None,
    )


@contextlib.contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """Hold one read transaction so every query of an export sees the same data."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


_DOC_COLUMNS = "id, source_name, outlet, title, published, url, language, text, sha256, imported_at"
_SPAN_COLUMNS = (
    'id, doc_id, start, "end", quote, label, annotator, note, created_at, updated_at, deleted_at'
)
_LINK_COLUMNS = ", ".join(Link.__slots__)


def _in(column: str, values: tuple[Any, ...]) -> tuple[str, list[Any]]:
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def document_query(flt: ResolvedFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if flt.doc_ids is not None:
        clause, values = _in("d.id", flt.doc_ids)
        where.append(clause)
        params += values
    if flt.status is not None:
        clause = "EXISTS (SELECT 1 FROM document_status st WHERE st.doc_id = d.id AND st.status = ?"
        params.append(flt.status)
        if flt.annotators:
            sub, values = _in("st.annotator", flt.annotators)
            clause += " AND " + sub
            params += values
        where.append(clause + ")")
    columns = ", ".join("d." + c.strip() for c in _DOC_COLUMNS.split(","))
    # Every export carries each document's story id (store.stories) with its metadata.
    story = "(SELECT ds.story_id FROM document_stories ds WHERE ds.doc_id = d.id)"
    sql = f"SELECT {columns}, {story} FROM documents d"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # source_name is UNIQUE, so this order is total and served by its index.
    return sql + " ORDER BY d.source_name", params


def _span_query(flt: ResolvedFilter) -> tuple[str, list[Any]]:
    sql = f"SELECT {_SPAN_COLUMNS} FROM spans WHERE doc_id = ? AND deleted_at IS NULL"
    params: list[Any] = []
    if flt.labels:
        clause, values = _in("label", flt.labels)
        sql += " AND " + clause
        params += values
    if flt.annotators:
        clause, values = _in("annotator", flt.annotators)
        sql += " AND " + clause
        params += values
    if flt.since is not None:
        sql += " AND updated_at >= ?"
        params.append(flt.since)
    return sql + ' ORDER BY start, "end", label, annotator, id', params


def check_span(document: Document, span: Span) -> None:
    """Stop the export when a span's quote is not the document text at its offsets."""
    if not 0 <= span.start < span.end <= len(document.text) or (
        document.text[span.start : span.end] != span.quote
    ):
        raise QuoteMismatch(
            f"span {span.id} in {document.source_name}: its text {span.quote[:40]!r} is not the"
            f" document text at {span.start}:{span.end}; export stopped, nothing written"
        )


def iter_documents(
    db: sqlite_utils.Database, flt: ResolvedFilter
) -> Iterator[tuple[Document, list[Span]]]:
    """Each selected document with its selected live spans, checked, in a stable order."""
    doc_sql, doc_params = document_query(flt)
    span_sql, span_params = _span_query(flt)
    # A separate cursor per query: the document cursor stays open while spans are read.
    for row in db.conn.execute(doc_sql, doc_params):
        document = Document(*row)
        spans = [Span(*r) for r in db.conn.execute(span_sql, [document.id, *span_params])]
        if flt.skip_empty and not spans:
            continue
        for span in spans:
            check_span(document, span)
        yield document, spans


def count_documents(db: sqlite_utils.Database, flt: ResolvedFilter) -> int:
    sql, params = document_query(flt)
    return int(db.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


# Links -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkEnd:
    """One side of a link with its document's name, checked against the text."""

    doc_id: int
    doc: str
    start: int
    end: int
    text: str
    span_id: str | None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.doc, self.start, self.end)


@dataclass(frozen=True, slots=True)
class CheckedLink:
    link: Link
    a: LinkEnd
    b: LinkEnd


def document_names(db: sqlite_utils.Database) -> dict[int, str]:
    # Names only (no text): small even for a large corpus.
    return {int(r[0]): str(r[1]) for r in db.conn.execute("SELECT id, source_name FROM documents")}


_LIVE_SPAN = "(SELECT s.id FROM spans s WHERE s.id = l.{side}_span AND s.deleted_at IS NULL)"


def _link_select(source: str) -> str:
    """The columns every link reader checks: the row, then each end's name and text."""
    return (
        f"SELECT {', '.join('l.' + c for c in Link.__slots__)},"
        " da.source_name, substr(da.text, l.a_start + 1, l.a_end - l.a_start), length(da.text),"
        " dbb.source_name, substr(dbb.text, l.b_start + 1, l.b_end - l.b_start), length(dbb.text),"
        # A deleted span keeps its row (soft delete), and links kept naming it: an id no
        # span export carries. Only a live span's id is written.
        f" {_LIVE_SPAN.format(side='a')}, {_LIVE_SPAN.format(side='b')}"
        f" FROM {source} l JOIN documents da ON da.id = l.a_doc"
        " JOIN documents dbb ON dbb.id = l.b_doc"
    )


_LINK_ORDER = "da.source_name, l.a_start, l.a_end, dbb.source_name, l.b_start, l.b_end, l.id"


def _checked_link(row: tuple[Any, ...]) -> CheckedLink:
    width = len(Link.__slots__)
    link = Link(*row[:width])
    a_name, a_text, a_len, b_name, b_text, b_len, a_span, b_span = row[width:]
    ends = []
    for side, name, text, length, span_id in (
        ("a", a_name, a_text, a_len, a_span),
        ("b", b_name, b_text, b_len, b_span),
    ):
        doc_id, start, end, quote = (
            getattr(link, f"{side}_doc"),
            getattr(link, f"{side}_start"),
            getattr(link, f"{side}_end"),
            getattr(link, f"{side}_quote"),
        )
        if not 0 <= start < end <= length or text != quote:
            raise QuoteMismatch(
                f"link {link.id}: its {side} text {quote[:40]!r} is not the text of"
                f" {name} at {start}:{end}; export stopped, nothing written"
            )
        ends.append(LinkEnd(doc_id, name, start, end, quote, span_id))
    return CheckedLink(link, ends[0], ends[1])


def iter_links(
    db: sqlite_utils.Database,
    *,
    statuses: tuple[str, ...] = ("suggested", "accepted", "rejected"),
    doc_ids: tuple[int, ...] | None = None,
    names: dict[int, str] | None = None,
) -> Iterator[CheckedLink]:
    """Links in a stable order (by the two ends' document names and offsets), each checked.

    The check reads the quoted stretch with ``substr`` in SQL and the document names
    come from the same query, so memory does not grow with the corpus. ``names`` is
    accepted for callers that pass :func:`document_names` and is not needed.

    One query over every link: SQLite materialises ``all_links`` (a UNION view) in full
    for each call, so a caller going document by document uses :class:`DocumentLinks`.
    """
    clause, params = _in("l.status", statuses)
    # all_links: decisions (links) and undecided suggestions (schema 10).
    sql = _link_select("all_links") + f" WHERE {clause}"
    if doc_ids is not None:
        a_in, a_params = _in("l.a_doc", doc_ids)
        b_in, b_params = _in("l.b_doc", doc_ids)
        sql += f" AND ({a_in} OR {b_in})"
        params += a_params + b_params
    for row in db.conn.execute(sql + f" ORDER BY {_LINK_ORDER}", params):
        yield _checked_link(row)


def _order_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """:data:`_LINK_ORDER` of a :func:`_link_select` row, compared as SQLite compares it
    (source names as code points, which is SQLite's BINARY order of their UTF-8)."""
    link = Link.__slots__
    width = len(link)
    return (
        row[width],
        row[link.index("a_start")],
        row[link.index("a_end")],
        row[width + 3],
        row[link.index("b_start")],
        row[link.index("b_end")],
        row[link.index("id")],
    )


# Where a _link_select row holds the second end's document name.
_B_NAME = len(Link.__slots__) + 3


class DocumentLinks:
    """Each document's links as ``iter_links(doc_ids=(id,))`` gives them, for exports that
    go document by document in source-name order, as :func:`iter_documents` does.

    ``iter_links`` per document took ~0.5 s each on 193,424 suggestions (12 minutes for
    1,028 articles): SQLite materialised the whole ``all_links`` view for every query.
    Here each source is read through its own index: decisions by ``a_doc`` (their
    UNIQUE index) and ``b_doc`` (``links_by_b``), suggestions by ``a_doc`` (their
    primary key). ``suggestions`` has no index by ``b_doc``, so the suggestions whose
    second end is the document come from one cursor over them sorted by that document's
    name (in SQLite's sorter, which spills to disk, so memory stays bounded), advanced
    alongside the documents. (It once held only their keys, each row then read again by
    its primary key: 193,000 point queries, a quarter of the export's time.)
    Reading ``suggested_links`` keeps that view's ids and its hiding of decided pairs.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        statuses: tuple[str, ...] = ("suggested", "accepted", "rejected"),
    ) -> None:
        self._conn = db.conn
        clause, self._status_params = _in("l.status", statuses)
        decisions = _link_select("links") + f" WHERE {clause} AND "
        self._decisions = (decisions + "l.a_doc = ?", decisions + "l.b_doc = ?")
        self._suggested = "suggested" in statuses
        suggestions = _link_select("suggested_links")
        self._suggested_as_a = suggestions + " WHERE l.a_doc = ?"
        self._as_b: Iterator[tuple[Any, ...]] = iter(())
        if self._suggested:
            self._as_b = iter(self._conn.execute(suggestions + " ORDER BY dbb.source_name"))
        self._next_b: tuple[Any, ...] | None = next(self._as_b, None)
        self._last: str | None = None

    def of(self, document: Document) -> list[CheckedLink]:
        """The links with an end in ``document``; documents must come in source-name order."""
        name = document.source_name
        if self._last is not None and name <= self._last:
            raise ValueError(f"DocumentLinks: {name!r} after {self._last!r}, not in name order")
        self._last = name
        rows: list[tuple[Any, ...]] = []
        for sql in self._decisions:
            rows += self._conn.execute(sql, [*self._status_params, document.id])
        if self._suggested:
            rows += self._conn.execute(self._suggested_as_a, [document.id])
            while self._next_b is not None and self._next_b[_B_NAME] <= name:
                if self._next_b[_B_NAME] == name:
                    rows.append(self._next_b)
                self._next_b = next(self._as_b, None)
        rows.sort(key=_order_key)
        return [_checked_link(row) for row in rows]


# Clusters --------------------------------------------------------------------

ClaimKey = tuple[str, int, int]


def cluster_id(root: ClaimKey) -> str:
    """A stable id for the fact cluster whose smallest claim is ``root``.

    Shared by every export and by :mod:`store.linking.clusters`, so a fact has the
    same id in ``jsonl``, ``links-jsonl``, brat, the report and the reader.
    """
    digest = hashlib.sha256(f"{root[0]}\x00{root[1]}\x00{root[2]}".encode()).hexdigest()
    return "fact-" + digest[:12]


def fact_clusters(db: sqlite_utils.Database) -> dict[ClaimKey, str]:
    """Every claim (document name, start, end) in an accepted link → its fact cluster id.

    The clusters themselves come from :func:`store.linking.clusters.clusters`, the
    one definition of a fact (connected components of accepted links).
    """
    # Imported here: store.linking.clusters imports cluster_id from this module.
    from store.linking.clusters import clusters

    if not db.conn.execute("SELECT 1 FROM links WHERE status = 'accepted' LIMIT 1").fetchone():
        # clusters() reads every document's name; a corpus without facts needs none.
        return {}

    return {
        (claim.source_name, claim.start, claim.end): cluster.id
        for cluster in clusters(db)
        for claim in cluster.claims
    }


def same_fact_pairs(claims: Sequence[tuple[str | None, int, int]]) -> list[tuple[int, int]]:
    """``SAME_FACT`` relations among one record's spans, as index pairs ``(first, other)``.

    ``claims`` holds each span's fact cluster (None if not linked) and offsets, in the
    record's order. Each fact's first span is tied to the first span of every other
    extent of that fact. A span on the same extent as one already seen (another
    label or annotator on the same words) is no other claim of the fact and gets no
    relation: brat and Label Studio tied a CLAIM to the EVENT on its own words.
    Shared by brat, Label Studio and doccano ``--relations``.
    """
    first_of: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    for index, (fact, start, end) in enumerate(claims):
        if fact is None or (start, end) in seen:
            continue
        seen.add((start, end))
        first = first_of.setdefault(fact, index)
        if first != index:
            pairs.append((first, index))
    return pairs


# Characters that str.splitlines() and JavaScript line readers treat as line ends,
# which JSON leaves unescaped; escaped so one record always stays one line.
_LINE_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def dumps(value: Any) -> str:
    """JSON as every export writes it: real characters, not ``\\u`` escapes (except
    the Unicode line separators); keys in the order given."""
    text = json.dumps(value, ensure_ascii=False)
    for separator, escaped in _LINE_SEPARATORS:
        if separator in text:  # rare; str.translate would cost more than the dump
            text = text.replace(separator, escaped)
    return text
