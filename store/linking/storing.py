"""Storing link suggestions: inserts, score updates and pruning, in short transactions.

| caller                                       | calls                     |
|----------------------------------------------|---------------------------|
| :func:`store.linking.suggest.link_documents` | :func:`store_suggestions` |

Re-running updates the scores of suggestions, never touches accepted or rejected
rows, and removes suggestions of the same scope that the run no longer produces.
Writes go in bounded batches so other annotators on the same database keep working.
Each suggested sentence's quote is checked against the stored text before anything is
written: the database checks only a suggestion's quote length (schema 8).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import sqlite_utils

from store.bulk import write_in_batches
from store.clock import now
from store.errors import ClaimdeskError
from store.linking.features import LinkCorpus
from store.linking.score import METHOD, round_score

if TYPE_CHECKING:
    from store.linking.suggest import LinkReport, Progress

STORE_CACHE_KIB = 128 * 1024
Triple = tuple[int, int, int]
LinkKey = tuple[Triple, Triple]


def _key(first: Triple, second: Triple) -> LinkKey:
    return (first, second) if first <= second else (second, first)


def store_suggestions(
    db: sqlite_utils.Database,
    corpus: LinkCorpus,
    selected: Sequence[tuple[int, int, float]],
    *,
    scope: Sequence[int] | None,
    report: LinkReport,
    method: str = METHOD,
    progress: Progress | None = None,
) -> None:
    """Insert, update and prune suggested rows for ``scope`` (documents; None: all)."""
    existing = _existing_links(db, scope)
    _check_quotes(db, corpus, selected)
    stamp = now()
    updates: list[Row] = []
    stale: list[str] = []
    if existing:
        inserts, updates, stale = _changes(corpus, selected, existing, report, method, stamp)
    else:
        inserts = _new_rows(corpus, selected, method, stamp)
    # A bigger page cache for this bulk write: the link indexes outgrow the default 2 MB
    # (storing 10,000 articles' suggestions: 128 MB took ~15% less CPU than 64 MB;
    # 256 MB no less than 128 MB).
    previous = {
        pragma: db.conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        for pragma in ("cache_size", "synchronous", "wal_autocheckpoint")
    }
    db.conn.execute(f"PRAGMA cache_size = {-STORE_CACHE_KIB}")
    # Suggestions are machine output that a re-run restores, so this connection does
    # not wait for the disk at every batch: in WAL mode a crash still leaves the
    # database consistent, only the last batches may be lost on a power cut.
    # Annotators' connections keep synchronous=FULL. store.bulk checkpoints between
    # batches itself (PASSIVE), so no commit here also copies the log.
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        _write_batches(db, inserts, updates, stale, progress)
    finally:
        for pragma, value in previous.items():
            db.conn.execute(f"PRAGMA {pragma} = {int(value)}")
    report.inserted = len(inserts)
    report.updated = len(updates)
    report.removed = len(stale)


Row = Sequence[object]
# Documents whose text is read at once to check the quotes.
_TEXT_BATCH = 500


def _check_quotes(
    db: sqlite_utils.Database, corpus: LinkCorpus, selected: Sequence[tuple[int, int, float]]
) -> None:
    """Refuse to store unless each suggested sentence's quote is the stored text at its offsets.

    The database checks a suggested row's quote only for its length (migration 8):
    reading both documents' text for every one of a million rows was half of
    storing. Here each sentence is checked once, against the text as stored now, so
    ``text[start:end] == quote`` holds for every suggestion as for every other row.
    """
    if not selected:
        return
    used = np.unique(np.asarray(selected, dtype=np.float64)[:, :2].astype(np.int64))
    refs, quotes = corpus.refs, corpus.quotes
    by_document: dict[int, list[int]] = {}
    for index in used.tolist():
        by_document.setdefault(refs[index].doc_id, []).append(index)
    doc_ids = list(by_document)
    for first in range(0, len(doc_ids), _TEXT_BATCH):
        batch = doc_ids[first : first + _TEXT_BATCH]
        texts = dict(
            db.conn.execute(
                "SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(batch)],
            ).fetchall()
        )
        for doc_id in batch:
            text = texts.get(doc_id)
            for index in by_document[doc_id]:
                ref = refs[index]
                if text is None or text[ref.start : ref.end] != quotes[index]:
                    raise ClaimdeskError(
                        f"document {doc_id} changed while linking (its text at"
                        f" {ref.start}-{ref.end} is not the sentence linked);"
                        " nothing was stored, run link again"
                    )


def _new_rows(
    corpus: LinkCorpus, selected: Sequence[tuple[int, int, float]], method: str, stamp: str
) -> list[Row]:
    """Insert rows for a scope with no stored links yet, built column-wise.

    The first run on a large corpus stores hundreds of thousands of rows; numpy
    columns zipped into tuples cost a fraction of a Python loop over them.
    """
    if not selected:
        return []
    table = np.asarray(selected, dtype=np.float64)
    first, second = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    count = len(corpus)
    _, unique = np.unique(
        np.minimum(first, second) * count + np.maximum(first, second), return_index=True
    )
    unique.sort()
    first, second, raw = first[unique], second[unique], table[unique, 2]
    refs = corpus.refs
    position = np.array([(r.doc_id, r.start, r.end) for r in refs], dtype=np.int64).reshape(-1, 3)
    pa, pb = position[first], position[second]
    # Each link is stored with its smaller (doc, start, end) as side a.
    swap = (pa[:, 0] > pb[:, 0]) | (
        (pa[:, 0] == pb[:, 0])
        & ((pa[:, 1] > pb[:, 1]) | ((pa[:, 1] == pb[:, 1]) & (pa[:, 2] > pb[:, 2])))
    )
    a = np.where(swap, second, first)
    b = np.where(swap, first, second)
    quotes = np.asarray(corpus.quotes, dtype=object)
    scores = np.floor(raw * 10_000 + 0.5) / 10_000  # round_score, column-wise
    ids = _ordered_ids()
    return list(
        zip(
            [next(ids) for _ in range(len(a))],
            *position[a].T.tolist(),
            quotes[a].tolist(),
            *position[b].T.tolist(),
            quotes[b].tolist(),
            itertools.repeat("suggested"),
            scores.tolist(),
            itertools.repeat(method),
            itertools.repeat(stamp),
            itertools.repeat(stamp),
            strict=False,
        )
    )


def _changes(
    corpus: LinkCorpus,
    selected: Sequence[tuple[int, int, float]],
    existing: dict[LinkKey, tuple[str, str, float | None, str]],
    report: LinkReport,
    method: str,
    stamp: str,
) -> tuple[list[Row], list[Row], list[str]]:
    """Inserts, score updates and stale suggestion ids against the stored links."""
    ids = _ordered_ids()
    produced: set[LinkKey] = set()
    inserts: list[Row] = []
    updates: list[Row] = []
    refs, quotes = corpus.refs, corpus.quotes
    for first, second, raw_score in selected:
        score = round_score(raw_score)
        a, b = refs[first], refs[second]
        ta, tb = (a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end)
        qa, qb = quotes[first], quotes[second]
        if ta > tb:
            ta, tb, qa, qb = tb, ta, qb, qa
        key = (ta, tb)
        if key in produced:
            continue
        produced.add(key)
        found = existing.get(key)
        if found is None:
            inserts.append([next(ids), *ta, qa, *tb, qb, "suggested", score, method, stamp, stamp])
        elif found[1] != "suggested":
            report.kept_decisions += 1
        elif found[2] != score or found[3] != method:
            updates.append([score, method, stamp, found[0]])
        else:
            report.unchanged += 1
    stale = [
        link_id
        for key, (link_id, status, _score, _method) in existing.items()
        if status == "suggested" and key not in produced
    ]
    return inserts, updates, stale


def _ordered_ids() -> Iterator[str]:
    """Link ids that grow within a run (time prefix, random tail).

    Random UUIDs would scatter inserts across the primary-key index; increasing
    ids append to it, which keeps storing hundreds of thousands of suggestions fast.
    """
    start = time.time_ns()
    # One random tail a run keeps two runs started in the same nanosecond apart.
    tail = os.urandom(8).hex()
    for offset in itertools.count():
        yield f"{start + offset:016x}{tail}"


def _write_batches(
    db: sqlite_utils.Database,
    inserts: list[Row],
    updates: list[Row],
    stale: list[str],
    progress: Progress | None,
) -> None:
    statements: list[tuple[str, Sequence[Row]]] = [
        (
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, score, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            inserts,
        ),
        # The status guards keep a decision an annotator took meanwhile.
        (
            "UPDATE links SET score = ?, method = ?, updated_at = ?"
            " WHERE id = ? AND status = 'suggested'",
            updates,
        ),
        (
            "DELETE FROM links WHERE id = ? AND status = 'suggested'",
            [[link_id] for link_id in stale],
        ),
    ]
    total = sum(len(rows) for _sql, rows in statements)
    written = 0

    def done(count: int) -> None:
        nonlocal written
        written += count
        if progress is not None:
            progress(written, total, "storing")

    for sql, rows in statements:
        write_in_batches(db, sql, rows, done=done)


def _existing_links(
    db: sqlite_utils.Database, scope: Sequence[int] | None
) -> dict[LinkKey, tuple[str, str, float | None, str]]:
    sql = (
        "SELECT id, a_doc, a_start, a_end, b_doc, b_start, b_end, status, score, method FROM links"
    )
    params: list[object] = []
    if scope is not None:
        sql += (
            " WHERE a_doc IN (SELECT value FROM json_each(?))"
            " AND b_doc IN (SELECT value FROM json_each(?))"
        )
        params += [json.dumps(list(scope))] * 2
    found: dict[LinkKey, tuple[str, str, float | None, str]] = {}
    for link_id, ad, as_, ae, bd, bs, be, status, score, method in db.conn.execute(sql, params):
        key = _key((ad, as_, ae), (bd, bs, be))
        previous = found.get(key)
        # A decision outranks a suggestion for the same pair stored the other way round.
        if previous is None or previous[1] == "suggested":
            found[key] = (link_id, status, score, method)
    return found
