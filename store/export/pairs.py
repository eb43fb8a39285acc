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

A model sees only the two texts, and news repeats wire copy: the same sentence stands in
several documents. So pairs are also settled by their two texts, compared as
:func:`same_text` gives them (spacing, case and Unicode composition aside, as a
tokenizer sees them), whatever documents they come from:

- the same two texts accepted in one place and rejected in another (``--doc`` or not)
  are left out, every record of them, implied ones too (no label is right for the
  sentences alone; counted, with the links);
- an implied positive whose two texts an annotator rejected anywhere, ``--doc`` or not,
  is left out, and counted with the implied pairs rejected directly;
- a pair of two copies of one sentence (the same text on both sides) is left out
  (counted): as a positive it teaches nothing, and as a negative it is wrong;
- the same two texts written more than once (with one label) are written once: a decided
  link's record before an implied one, then the first by document and offsets (counted).
  The record kept is one claim pair's own, so ``--with-meta`` offsets still give its text.

Suggestions nobody decided are left out, and so are decided links with a side of
whitespace or invisible characters only (counted; stored before such links were refused).
``--with-meta`` adds both ends' documents and offsets, the link id, status, reason and fact
cluster (an empty string where a pair has none, so that ``datasets`` types the column in
every split alike).

The split is by connected group of decided links (accepted and rejected together), every
claim also joined to the claims of the same text (:func:`same_text`), hashed (by its
smallest claim) with SHA-256 into train 80 % / dev 10 % / test 10 %: every fact cluster
lies inside one group, so no fact, no claim and no sentence appears in two splits
(grouped by places alone, a wire sentence linked in two documents went to train in one
and test in the other), and the same database always gives the same split. A split no
group hashed to is not written, and the notes say so: ``datasets`` refuses an empty
file ("Instruction "dev" corresponds to no data!"), both when it is named in
``data_files`` and when ``load_dataset(DIR)`` finds it, so every file in the folder
loads as it is.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import sqlite_utils

from store.export.common import (
    CheckedLink,
    ClaimKey,
    ExportOptions,
    ExportStats,
    LinkEnd,
    ResolvedFilter,
    cluster_id,
    dumps,
    iter_links,
)
from store.formats.normalize import shows_text

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


def same_text(text: str) -> str:
    """``text`` as a model compares it: the key by which copies count as one sentence.

    Wider than equality of the written strings on purpose. Wire copy reaches outlets with
    its spacing changed (line breaks, no-break spaces) and sometimes its case (a headline
    set in capitals); the tokenizers sentence-transformers models use split on whitespace
    and the common English ones lowercase, so such copies are one input to the model and
    would leak from train to test as surely as exact ones. Canonical composition (NFC)
    joins "é" and "e" + combining accent, one character written two ways. Compatibility
    folding (NFKC) is left out: it makes "10²" of "102". Invisible format characters
    (zero-width space, soft hyphen, word joiner: category Cf) go, as BERT-style tokenizers
    drop them: scraped copies carry them, and "The vo\u200bte passed." stood in test
    while "The vote passed." stood in train. Case is folded between two decompositions,
    Unicode's canonical caseless match: folding first made two spellings of one Greek
    letter two keys. Joining too much costs only a larger split group or one pair fewer;
    joining too little leaks.
    """
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", visible).casefold())
    return unicodedata.normalize("NFC", " ".join(folded.split()))


def _texts(a: str, b: str) -> frozenset[str]:
    return frozenset((same_text(a), same_text(b)))


def _with_copies_joined(decided: list[CheckedLink]) -> list[tuple[ClaimKey, ClaimKey]]:
    """The decided links' claim pairs, and each claim joined to the first claim of its text.

    A sentence copied into several documents is then one group, so every copy lands in one
    split: grouped by places alone, two copies linked to different sentences were two
    groups, and the same text could be trained on and tested on.
    """
    edges = [(cl.a.key, cl.b.key) for cl in decided]
    first: dict[str, ClaimKey] = {}
    for checked in decided:
        for end in (checked.a, checked.b):
            edges.append((first.setdefault(same_text(end.text), end.key), end.key))
    return edges


@dataclass(frozen=True)
class _Candidate:
    """A pair that may be written, before copies and contradictions are settled."""

    order: tuple[Any, ...]
    a: LinkEnd
    b: LinkEnd
    label: int
    implied: bool
    meta: dict[str, Any]


@dataclass
class _TextPair:
    """What may be written for one pair of texts: its decided links, and of the pairs fact
    clusters imply, the first and how many. A wire sentence accepted in 1,200 documents
    implies 720,000 pairs of a few texts; kept one by one they cost 1.1 GB."""

    decided: list[_Candidate] = field(default_factory=list)
    implied: _Candidate | None = None
    implied_count: int = 0


Place = tuple[int, int, int]
"""A claim as the links table holds it: document id, start, end."""


def _at(a: LinkEnd, b: LinkEnd) -> frozenset[Place]:
    return frozenset(((a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end)))


def _rejected(db: sqlite_utils.Database) -> tuple[set[frozenset[Place]], set[frozenset[str]]]:
    """Every rejected link's two claims and two texts, whatever ``--doc`` selects.

    Read raw, not through ``iter_links``: a link outside the selection must not stop the
    export with its quote check, so its texts are its stored quotes.
    """
    rows = db.conn.execute(
        "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, a_quote, b_quote FROM links"
        " WHERE status = 'rejected'"
    )
    places: set[frozenset[Place]] = set()
    texts: set[frozenset[str]] = set()
    for r in rows:
        places.add(frozenset(((r[0], r[1], r[2]), (r[3], r[4], r[5]))))
        texts.add(_texts(r[6] or "", r[7] or ""))
    return places, texts


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
            # "" where a pair has none: ``datasets`` types a column of nulls only as null,
            # and a folder whose train split had no reason (no near miss) and whose test
            # split had one was refused whole ("Couldn't cast array of type string to null").
            **{key: "" if value is None else value for key, value in meta.items()},
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
        if not shows_text(checked.a.text) or not shows_text(checked.b.text):
            blank += 1
            continue
        decided.append(checked)
    groups = decision_groups(_with_copies_joined(decided))
    accepted = [cl for cl in decided if cl.link.status == "accepted"]
    facts = decision_groups((cl.a.key, cl.b.key) for cl in accepted)
    ends: dict[ClaimKey, LinkEnd] = {}
    for checked in accepted:
        ends.setdefault(checked.a.key, checked.a)
        ends.setdefault(checked.b.key, checked.b)
    written = {frozenset((cl.a.key, cl.b.key)) for cl in decided}

    # Every pair that could be written, by its two texts: the model sees nothing else.
    found: dict[frozenset[str], _TextPair] = {}
    keys: dict[str, str] = {}

    def key_of(text: str) -> str:
        if text not in keys:
            keys[text] = same_text(text)
        return keys[text]

    def add(a: LinkEnd, b: LinkEnd, label: int, meta: dict[str, Any]) -> None:
        order = (a.doc, a.start, a.end, b.doc, b.start, b.end, meta.get("link") or "")
        pair = found.setdefault(frozenset((key_of(a.text), key_of(b.text))), _TextPair())
        if meta["status"] != "implied":
            pair.decided.append(_Candidate(order, a, b, label, False, meta))
            return
        pair.implied_count += 1
        if pair.implied is None or order < pair.implied.order:
            pair.implied = _Candidate(order, a, b, label, True, meta)

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
    refused, refused_texts = _rejected(db)
    contradicted = 0
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

    rows: dict[str, list[_Candidate]] = {n: [] for _, n in SPLITS}
    implied = conflicting = conflicting_links = repeated = identical = 0
    for texts, pair in found.items():
        candidates = pair.decided
        if len(texts) == 1:
            # Two copies of one sentence: nothing for a model to learn as a positive, and
            # as a negative (a rejected copy) it is wrong on its face.
            identical += len(candidates) + pair.implied_count
            continue
        labels = {c.label for c in candidates}
        if 1 in labels and texts in refused_texts:
            # Rejected outside ``--doc`` too: a subset export (a held-out test set) wrote
            # as a positive what the whole database holds as a contradiction.
            labels.add(0)
        if labels == {0, 1}:
            # Annotators gave the same two texts both labels (in different documents, where
            # the context differed): no label is right for the sentences alone, and
            # writing either teaches the model one side of a disagreement as fact.
            conflicting += 1
            conflicting_links += len(candidates)
            contradicted += pair.implied_count
            continue
        implied_count = pair.implied_count
        if 0 in labels or texts in refused_texts:
            contradicted += implied_count
            implied_count = 0
        # A decision before an implied positive, then the first place: the same choice
        # every time, and --with-meta names the link that decided it.
        if candidates:
            keep = min(candidates, key=lambda c: c.order)
        elif implied_count and pair.implied is not None:
            keep = pair.implied
        else:
            continue
        repeated += len(candidates) + implied_count - 1
        implied += keep.implied
        rows[split_of(groups[keep.a.key])].append(keep)

    group_count = len(set(groups.values()))
    for _, name in SPLITS:
        lines = [
            dumps(_pair(c.a, c.b, c.label, c.meta, options.with_meta)) + "\n"
            for c in sorted(rows[name], key=lambda c: c.order)
        ]
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
            f"{blank} decided link(s) with a side of whitespace or invisible characters only left"
            " out (no sentence);"
            " no pair or implied pair comes from them"
        )
    if implied:
        stats.notes.append(f"{implied} positive pair(s) implied by fact clusters added")
    if contradicted:
        stats.notes.append(
            f"{contradicted} implied pair(s) left out: an annotator rejected them directly"
        )
    if conflicting:
        stats.notes.append(
            f"{conflicting} sentence pair(s) left out: the same two texts accepted and rejected"
            f" ({conflicting_links} link(s))"
        )
    if identical:
        stats.notes.append(
            f"{identical} pair(s) of two copies of one sentence left out: the same text twice"
        )
    if repeated:
        stats.notes.append(
            f"{repeated} repeated sentence pair(s) left out: the same two texts already written"
            " (a sentence copied into several documents)"
        )
    return stats
