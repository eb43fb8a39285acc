"""Sentence pairs for training claim matchers: ``{"a", "b", "label", "a_doc", "b_doc",
"split", "status", "reason"}`` a line.

Accepted links are positives (``label`` 1); rejected links, whether rejected
suggestions or pairs marked as near misses, are negatives (``label`` 0).
Suggestions nobody decided are left out. The split is by connected group of
decided links (accepted and rejected together), hashed with SHA-256 into
train 80 % / dev 10 % / test 10 %: every fact cluster lies inside one group, so no
fact, and no claim, appears in two splits, and the same database always gives the
same split.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import IO

import sqlite_utils

from store.export.common import (
    ClaimKey,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    dumps,
    iter_links,
)

DECIDED = ("accepted", "rejected")
SPLITS = ((80, "train"), (90, "dev"), (100, "test"))


def decision_groups(edges: Iterable[tuple[ClaimKey, ClaimKey]]) -> dict[ClaimKey, ClaimKey]:
    """Claims joined by any decided link, each mapped to its group's smallest claim.

    Wider than a fact cluster (rejections join too), so that a negative pair never
    straddles two splits either.
    """
    parent: dict[ClaimKey, ClaimKey] = {}

    def find(node: ClaimKey) -> ClaimKey:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            # The smaller claim stays root, so a group's name does not depend on order.
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in parent}


def split_of(root: ClaimKey) -> str:
    digest = hashlib.sha256(f"{root[0]}\x00{root[1]}\x00{root[2]}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 100
    return next(name for limit, name in SPLITS if bucket < limit)


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    groups = decision_groups(
        (cl.a.key, cl.b.key) for cl in iter_links(db, statuses=DECIDED, doc_ids=flt.doc_ids)
    )
    for checked in iter_links(db, statuses=DECIDED, doc_ids=flt.doc_ids):
        record = {
            "a": checked.a.text,
            "b": checked.b.text,
            "label": 1 if checked.link.status == "accepted" else 0,
            "a_doc": checked.a.doc,
            "b_doc": checked.b.doc,
            "split": split_of(groups[checked.a.key]),
            "status": checked.link.status,
            "reason": checked.link.reason,
        }
        out.write(dumps(record) + "\n")
        stats.records += 1
        stats.links += 1
    return stats
