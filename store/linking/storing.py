"""Storing link suggestions: inserts, score updates and pruning, in short transactions.

| caller                                       | calls                     |
|----------------------------------------------|---------------------------|
| :func:`store.linking.suggest.link_documents` | :func:`store_suggestions` |

Suggestions live in the compact ``suggestions`` table (schema 10): a pair's offsets,
score and method, keyed by the pair; decisions live in ``links``. Re-running updates
the scores of suggestions, removes suggestions of the same scope that the run no
longer produces, and never writes to ``links``: a decided pair gets no suggestion
row. Writes go in bounded batches so other annotators on the same database keep
working. Each suggested sentence is checked against the stored text before anything
is written, so the offsets stored are those of the text the quotes are read from.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import sqlite_utils

from store.bulk import write_in_batches
from store.errors import ClaimdeskError
from store.linking.features import LinkCorpus
from store.linking.score import METHOD

if TYPE_CHECKING:
    from store.linking.suggest import LinkReport, Progress

STORE_CACHE_KIB = 128 * 1024
# About the rows one idle transaction of store.bulk writes (see _write_order).
ROWS_PER_CELL = 20_000
# (a_doc, a_start, a_end, b_doc, b_start, b_end), side a the smaller (doc, start, end).
PairKey = tuple[int, int, int, int, int, int]
# (first sentence index, second sentence index, score) per pair, as a list or an array.
Selected = Sequence[tuple[int, int, float]] | np.ndarray


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
    """Insert, update and prune the suggestions for ``scope`` (documents; None: all)."""
    # One array for every step: converting a million tuples costs ~0.5 s each time.
    table = _as_table(selected)
    existing = _existing_suggestions(db, scope)
    decided = _decided_pairs(db, scope)
    _check_quotes(db, corpus, table)
    updates: list[Row] = []
    stale: list[Row] = []
    if existing or decided:
        inserts, updates, stale = _changes(corpus, table, existing, decided, report, method)
    else:
        inserts = _new_rows(corpus, table, method)
    # A bigger page cache for this bulk write: the two indexes in score and side-b
    # order take rows in no particular order and outgrow the default 2 MB.
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


def _check_quotes(db: sqlite_utils.Database, corpus: LinkCorpus, selected: Selected) -> None:
    """Refuse to store unless each suggested sentence's quote is the stored text at its offsets.

    Readers take a suggestion's quotes from the text at its offsets (schema 10), so
    offsets computed on a text that changed while linking would quote the wrong
    words. Each sentence is checked once, against the text as stored now.
    """
    table = _as_table(selected)
    if not len(table):
        return
    used = np.unique(table[:, :2].astype(np.int64))
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


def _as_table(selected: Selected) -> np.ndarray:
    """``selected`` as a (n, 3) float array: first index, second index, score."""
    return np.asarray(selected, dtype=np.float64).reshape(-1, 3)


def _pair_rows(corpus: LinkCorpus, selected: Selected) -> np.ndarray:
    """One row per pair: (a_doc, a_start, a_end, b_doc, b_start, b_end), in key order.

    Each pair is stored with its smaller (doc, start, end) as side a; rows come out
    sorted, so a first run appends to the primary key instead of scattering into it.
    Built column-wise: a Python loop over a million pairs would cost seconds.
    Returns an int64 array of 7 columns, the last being the pair's index in ``selected``.
    """
    table = _as_table(selected)
    if not len(table):
        return np.zeros((0, 7), dtype=np.int64)
    first, second = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    position = np.array([(r.doc_id, r.start, r.end) for r in corpus.refs], dtype=np.int64).reshape(
        -1, 3
    )
    pa, pb = position[first], position[second]
    swap = (pa[:, 0] > pb[:, 0]) | (
        (pa[:, 0] == pb[:, 0])
        & ((pa[:, 1] > pb[:, 1]) | ((pa[:, 1] == pb[:, 1]) & (pa[:, 2] > pb[:, 2])))
    )
    a = np.where(swap[:, None], pb, pa)
    b = np.where(swap[:, None], pa, pb)
    rows = np.concatenate([a, b, np.arange(len(table), dtype=np.int64)[:, None]], axis=1)
    order = np.lexsort(rows[:, 5::-1].T)
    rows = rows[order]
    # The same pair twice (both orientations, or twice in ``selected``): keep its first.
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = np.any(rows[1:, :6] != rows[:-1, :6], axis=1)
    return rows[keep]


def _new_rows(corpus: LinkCorpus, selected: Selected, method: str) -> list[Row]:
    """Insert rows for a scope with no stored suggestions or decisions yet, in key order."""
    pairs = _pair_rows(corpus, selected)
    raw = _as_table(selected)[pairs[:, 6], 2]
    scores = np.floor(raw * 10_000 + 0.5) / 10_000  # round_score, column-wise
    order = _write_order(scores)
    return list(
        zip(
            *pairs[order, :6].T.tolist(),
            scores[order].tolist(),
            itertools.repeat(method),
            strict=False,
        )
    )


def _write_order(scores: np.ndarray) -> np.ndarray:
    """An insert order that keeps each transaction's writes to few pages of both B-trees.

    Rows arrive in key order, which appends to the table, but their scores are
    random, so every short transaction (store.bulk) dirtied nearly every page of the
    index in score order, and each commit wrote all of them to the log again. Cut
    into ``bands`` key ranges and ``bands`` score ranges, a run of rows from one cell
    touches about 1/bands of each tree; cells go band by band in key order.
    """
    count = len(scores)
    bands = max(1, round(math.sqrt(count / ROWS_PER_CELL)))
    if bands == 1:
        return np.arange(count)
    key_band = np.arange(count) * bands // count
    cuts = np.quantile(scores, np.linspace(0, 1, bands + 1)[1:-1])
    score_band = np.searchsorted(cuts, scores, side="right")
    return np.lexsort((np.arange(count), key_band, score_band))


def _changes(
    corpus: LinkCorpus,
    selected: Selected,
    existing: dict[PairKey, tuple[float, str]],
    decided: set[PairKey],
    report: LinkReport,
    method: str,
) -> tuple[list[Row], list[Row], list[Row]]:
    """Inserts, score updates and stale suggestion keys against what is stored.

    A pair with a decision in ``links`` gets no suggestion row: the decision stands.
    """
    inserts: list[Row] = []
    updates: list[Row] = []
    rows = _new_rows(corpus, selected, method)
    keys: list[PairKey] = [row[:6] for row in rows]  # type: ignore[misc]
    produced = set(keys)
    for row, key in zip(rows, keys, strict=True):
        if key in decided:
            report.kept_decisions += 1
            continue
        found = existing.get(key)
        if found is not None and found == row[6:]:
            report.unchanged += 1
        elif found is None:
            inserts.append(row)
        else:
            updates.append((row[6], method, *key))
    stale: list[Row] = [key for key in existing if key not in produced or key in decided]
    return inserts, updates, stale


def _write_batches(
    db: sqlite_utils.Database,
    inserts: list[Row],
    updates: list[Row],
    stale: list[Row],
    progress: Progress | None,
) -> None:
    pair = "a_doc = ? AND a_start = ? AND a_end = ? AND b_doc = ? AND b_start = ? AND b_end = ?"
    statements: list[tuple[str, Sequence[Row]]] = [
        (
            "INSERT INTO suggestions (a_doc, a_start, a_end, b_doc, b_start, b_end, score, method)"
            " VALUES (?,?,?,?,?,?,?,?)",
            inserts,
        ),
        (f"UPDATE suggestions SET score = ?, method = ? WHERE {pair}", updates),
        (f"DELETE FROM suggestions WHERE {pair}", stale),
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


def _in_scope(scope: Sequence[int] | None) -> tuple[str, list[object]]:
    if scope is None:
        return "", []
    return (
        " WHERE a_doc IN (SELECT value FROM json_each(?))"
        " AND b_doc IN (SELECT value FROM json_each(?))",
        [json.dumps(list(scope))] * 2,
    )


def _existing_suggestions(
    db: sqlite_utils.Database, scope: Sequence[int] | None
) -> dict[PairKey, tuple[float, str]]:
    where, params = _in_scope(scope)
    sql = "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, score, method FROM suggestions"
    # Slices, not unpacking: a million rows on a re-run.
    return {row[:6]: row[6:] for row in db.conn.execute(sql + where, params)}


def _decided_pairs(db: sqlite_utils.Database, scope: Sequence[int] | None) -> set[PairKey]:
    """Pairs with a row in ``links`` (a decision), either orientation, as suggestion keys."""
    where, params = _in_scope(scope)
    sql = "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end FROM links"
    decided: set[PairKey] = set()
    for ad, as_, ae, bd, bs, be in db.conn.execute(sql + where, params):
        first, second = (ad, as_, ae), (bd, bs, be)
        if first > second:
            first, second = second, first
        decided.add((*first, *second))
    return decided
