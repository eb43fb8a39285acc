"""Sentence pairs for training claim matchers: a folder with ``train.jsonl``,
``dev.jsonl`` and ``test.jsonl``, a pair a line as ``{"sentence1", "sentence2",
"label"}`` — the columns ``datasets.load_dataset("json", data_files=...)`` and
sentence-transformers' trainers take with no converter (a trainer feeds every
column to the model, so nothing else is written unless asked for).

| pair                                         | label | ``status`` (``--with-meta``) |
|----------------------------------------------|-------|------------------------------|
| an accepted link                             | 1     | ``accepted``                 |
| two claims of one fact cluster, in different | 1     | ``implied``                  |
| documents, that no link joins directly       |       |                              |
| a rejected link (hard negative; a near miss  | 0     | ``rejected`` (+ ``reason``)  |
| is a rejection with reason ``near-miss``)    |       |                              |

A pair is its two claims (document, start, end) in either order. One a decided link joins
is written once, as that link decides it: a cluster never adds it as implied too, and a
pair an annotator rejected is never an implied positive, even when the rejecting link lies
outside ``--doc`` (counted in the notes; written as both, the same two sentences went into
one split labelled 1 and 0).

Suggestions nobody decided are left out, and so are decided links with a side of
whitespace only (counted; stored before such links were refused). ``--with-meta`` adds both ends'
documents and offsets, the link id, status, reason and fact cluster.

The split is by connected group of decided links (accepted and rejected
together), hashed with SHA-256 into train 80 % / dev 10 % / test 10 %: every fact
cluster lies inside one group, so no fact, and no claim, appears in two splits,
and the same database always gives the same split. A split no group hashed to is
not written, and the notes say so: ``datasets`` refuses an empty file ("Instruction
"dev" corresponds to no data!"), both when it is named in ``data_files`` and when
``load_dataset(DIR)`` finds it, so every file in the folder loads as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import sqlite_utils

from store.export.common import (
    ClaimKey,
    ExportOptions,
    ExportStats,
    LinkEnd,
    ResolvedFilter,
    cluster_id,
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


Place = tuple[int, int, int]
"""A claim as the links table holds it: document id, start, end."""


def _at(a: LinkEnd, b: LinkEnd) -> frozenset[Place]:
    return frozenset(((a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end)))


def _rejected(db: sqlite_utils.Database) -> set[frozenset[Place]]:
    """Every rejected link's two claims, whatever ``--doc`` selects.

    Read raw, not through ``iter_links``: only the places are compared, and a link outside
    the selection must not stop the export with its quote check.
    """
    rows = db.conn.execute(
        "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end FROM links WHERE status = 'rejected'"
    )
    return {frozenset(((r[0], r[1], r[2]), (r[3], r[4], r[5]))) for r in rows}


def _pair(
    a: LinkEnd, b: LinkEnd, label: int, meta: dict[str, Any], with_meta: bool
) -> dict[str, Any]:
    record: dict[str, Any] = {"sentence1": a.text, "sentence2": b.text, "label": label}
    if with_meta:
        record |= {
            "a_doc": a.doc,
            "a_start": a.start,
            "a_end": a.end,
            "b_doc": b.doc,
            "b_start": b.start,
            "b_end": b.end,
            **meta,
        }
    return record


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, folder: Path, options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    decided = []
    blank = 0
    for checked in iter_links(db, statuses=DECIDED, doc_ids=flt.doc_ids):
        # Stored before import-links and link_spans refused them: a side of whitespace
        # only is no sentence, and ("\n\n", " ") was written as a positive pair.
        if not checked.a.text.strip() or not checked.b.text.strip():
            blank += 1
            continue
        decided.append(checked)
    groups = decision_groups((cl.a.key, cl.b.key) for cl in decided)
    accepted = [cl for cl in decided if cl.link.status == "accepted"]
    facts = decision_groups((cl.a.key, cl.b.key) for cl in accepted)
    ends: dict[ClaimKey, LinkEnd] = {}
    for checked in accepted:
        ends.setdefault(checked.a.key, checked.a)
        ends.setdefault(checked.b.key, checked.b)
    written = {frozenset((cl.a.key, cl.b.key)) for cl in decided}

    rows: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {n: [] for _, n in SPLITS}

    def add(a: LinkEnd, b: LinkEnd, label: int, meta: dict[str, Any]) -> None:
        order = (a.doc, a.start, a.end, b.doc, b.start, b.end, meta.get("link") or "")
        rows[split_of(groups[a.key])].append((order, _pair(a, b, label, meta, options.with_meta)))

    for checked in decided:
        link = checked.link
        is_positive = link.status == "accepted"
        meta = {
            "link": link.id,
            "status": link.status,
            "reason": link.reason,
            "fact": cluster_id(facts[checked.a.key]) if is_positive else None,
        }
        add(checked.a, checked.b, 1 if is_positive else 0, meta)

    members: dict[ClaimKey, list[ClaimKey]] = {}
    for key, root in facts.items():
        members.setdefault(root, []).append(key)
    refused = _rejected(db)
    implied = contradicted = 0
    for root, claims in members.items():
        for one, other in combinations(sorted(claims), 2):
            if one[0] == other[0]:
                continue
            if _at(ends[one], ends[other]) in refused:
                contradicted += 1
                continue
            if frozenset((one, other)) in written:
                continue
            meta = {"link": None, "status": "implied", "reason": None, "fact": cluster_id(root)}
            add(ends[one], ends[other], 1, meta)
            implied += 1

    group_count = len(set(groups.values()))
    for _, name in SPLITS:
        lines = [dumps(record) + "\n" for _, record in sorted(rows[name], key=lambda r: r[0])]
        if not lines:
            stats.notes.append(
                f"split {name} is empty ({group_count} link group(s) in all); {name}.jsonl"
                " not written"
            )
            continue
        (folder / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8", newline="\n")
        stats.records += len(lines)
    stats.links = len(decided)
    if blank:
        stats.notes.append(
            f"{blank} decided link(s) with a side of whitespace only left out (no sentence);"
            " no pair or implied pair comes from them"
        )
    if implied:
        stats.notes.append(f"{implied} positive pair(s) implied by fact clusters added")
    if contradicted:
        stats.notes.append(
            f"{contradicted} implied pair(s) left out: an annotator rejected them directly"
        )
    return stats
