"""The review queue as an annotator walks it: a scope, other outlets only, best first.

:func:`store.linking.decisions.review_queue` pages through every undecided
suggestion; the review screen narrows that to the documents open in the reader and
to pairs from different outlets. Filtering those in Python read the whole queue
page by page: on 1,028 real articles of one outlet (197,349 suggestions, none across
outlets) opening the review screen read every row and never showed. Here the
filters are part of the query, the screen asks for a short list of the best items
and a capped count, and it asks from a worker thread.

| caller                 | calls (in a worker)                                      |
|------------------------|----------------------------------------------------------|
| ``tui.screens.review`` | :func:`review_items`, :func:`count_review`, :func:`any_links` |
|                        | inside :func:`snapshot`; then :func:`decided_since`       |

The screen keeps deciding while its worker reads, so the count the worker brings back
may or may not include the decisions made meanwhile. Subtracting all of them counted
those committed before the count query twice (a burst of 60 rejections left the
counter at 457 with 466 to go). The worker reads in one snapshot and notes the change
log's position there; :func:`decided_since` tells which decisions came after it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from store.linking.decisions import OFFERED, REVIEW_ORDER, SELECT_SUGGESTED
from store.model import Link

# A document's outlet as the screen names it: the source name stands in for none.
_OUTLET = "(SELECT coalesce(nullif(outlet, ''), source_name) FROM documents WHERE id = l.{side})"


@dataclass(frozen=True, slots=True)
class ReviewScope:
    """Which undecided suggestions an annotator is walking."""

    # Only pairs with a side in these documents; None: the whole corpus.
    touching: Sequence[int] | None = None
    # Pairs of two articles from one outlet (shared datelines, furniture) are left out.
    other_outlets: bool = True
    # Ids passed over on this visit.
    skipped: Collection[str] = field(default_factory=frozenset)


def _where(scope: ReviewScope) -> tuple[str, list[Any]]:
    sql = f" WHERE {OFFERED}"
    params: list[Any] = []
    if scope.touching is not None:
        sql += (
            " AND (l.a_doc IN (SELECT value FROM json_each(?))"
            " OR l.b_doc IN (SELECT value FROM json_each(?)))"
        )
        params += [json.dumps(list(scope.touching))] * 2
    if scope.other_outlets:
        sql += f" AND {_OUTLET.format(side='a_doc')} IS NOT {_OUTLET.format(side='b_doc')}"
    if scope.skipped:
        sql += " AND l.id NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(scope.skipped)))
    return sql, params


def review_items(db: sqlite_utils.Database, scope: ReviewScope, limit: int) -> list[Link]:
    """The best ``limit`` undecided suggestions in ``scope``, best first."""
    where, params = _where(scope)
    # The ordering of the suggestions_review index, so the corpus-wide queue reads it in order.
    sql = f"{SELECT_SUGGESTED}{where}{REVIEW_ORDER} LIMIT ?"
    return [Link(*row) for row in db.conn.execute(sql, [*params, limit])]


def count_review(db: sqlite_utils.Database, scope: ReviewScope, cap: int) -> int:
    """How many suggestions ``scope`` holds, counting no further than ``cap``."""
    where, params = _where(scope)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM suggested_links l{where} LIMIT ?)"
    return int(db.conn.execute(sql, [*params, cap]).fetchone()[0])


def any_links(db: sqlite_utils.Database, touching: Sequence[int] | None) -> bool:
    """Whether any suggestion or decision touches these documents (None: any at all).

    An empty queue means "all decided" only when there was something to decide; a
    corpus imported but never linked needs ``claimdesk link`` instead.
    """
    if touching is None:
        return bool(
            db.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM suggestions) OR EXISTS (SELECT 1 FROM links)"
            ).fetchone()[0]
        )
    ids = json.dumps(list(touching))
    sides = (
        " WHERE a_doc IN (SELECT value FROM json_each(?))"
        " OR b_doc IN (SELECT value FROM json_each(?))"
    )
    row = db.conn.execute(
        f"SELECT EXISTS (SELECT 1 FROM suggestions{sides}) OR EXISTS (SELECT 1 FROM links{sides})",
        [ids, ids, ids, ids],
    ).fetchone()
    return bool(row[0])


@contextlib.contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[int]:
    """One read transaction for the block; yields the change log's last id it sees.

    Every read in the block sees the database as of that id: the items and their
    count agree, and :func:`decided_since` can tell decisions made after it.
    """
    conn = db.conn
    conn.execute("BEGIN")
    try:
        yield int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def decided_since(db: sqlite_utils.Database, link_ids: Collection[str], position: int) -> int:
    """How many of ``link_ids`` were written after change ``position`` (a :func:`snapshot`'s).

    Changes are numbered in commit order, so these are the decisions a read at
    ``position`` still counted as undecided.
    """
    if not link_ids:
        return 0
    keys = [json.dumps({"id": link_id}, sort_keys=True) for link_id in link_ids]
    row = db.conn.execute(
        "SELECT count(DISTINCT row_id) FROM changes WHERE id > ? AND table_name = 'links'"
        " AND row_id IN (SELECT value FROM json_each(?))",
        [position, json.dumps(keys)],
    ).fetchone()
    return int(row[0])
