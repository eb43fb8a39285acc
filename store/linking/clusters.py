"""Facts as clusters: connected components of claims joined by accepted links.

A cluster gathers every outlet's wording of one fact. Where its members state
different numbers or months (``300`` vs ``600``, ``Juni`` vs ``Juli``) the cluster
view flags it, and before a link merges two clusters :func:`merge_conflicts` lists
rejected decisions and new disagreements that the merge would bring together.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from store.export.common import cluster_id
from store.linking.decisions import SELECT_LINKS, get_link
from store.linking.normalize import guess_language, normalise
from store.linking.numbers import canonical, find_numbers, spell_out_digits
from store.model import Link

ClaimKey = tuple[int, int, int]

MONTH_NAMES = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}


@dataclass(frozen=True, slots=True)
class Claim:
    """One document's stretch of text that a link joins: (doc, start, end) and its quote."""

    doc_id: int
    start: int
    end: int
    quote: str
    source_name: str
    outlet: str | None

    @property
    def key(self) -> ClaimKey:
        return (self.doc_id, self.start, self.end)


@dataclass(slots=True)
class Cluster:
    """One fact: its claims in reading order of their documents, and the accepted links."""

    id: str
    claims: list[Claim] = field(default_factory=list)
    link_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Claims of one cluster that state different values of one kind (``number``/``month``)."""

    kind: str
    values: tuple[tuple[Claim, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class MergeCheck:
    """What accepting a link would bring together that annotators have kept apart."""

    merges: bool
    rejected: tuple[Link, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.disagreements


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[ClaimKey, ClaimKey] = {}

    def find(self, key: ClaimKey) -> ClaimKey:
        parent = self.parent.setdefault(key, key)
        if parent != key:
            parent = self.parent[key] = self.find(parent)
        return parent

    def union(self, first: ClaimKey, second: ClaimKey) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _accepted(db: sqlite_utils.Database) -> list[Link]:
    rows = db.conn.execute(f"{SELECT_LINKS} WHERE l.status = 'accepted' ORDER BY l.id")
    return [Link(*row) for row in rows]


def _components(links: Iterable[Link]) -> dict[ClaimKey, list[Link]]:
    forest = _UnionFind()
    for link in links:
        forest.union((link.a_doc, link.a_start, link.a_end), (link.b_doc, link.b_start, link.b_end))
    members: dict[ClaimKey, list[Link]] = defaultdict(list)
    for link in links:
        members[forest.find((link.a_doc, link.a_start, link.a_end))].append(link)
    return members


def _names(
    db: sqlite_utils.Database, doc_ids: Iterable[int] | None = None
) -> dict[int, tuple[str, str | None]]:
    sql = "SELECT id, source_name, outlet FROM documents"
    params: list[str] = []
    if doc_ids is not None:
        sql += " WHERE id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(doc_ids)))
    return {int(i): (str(n), o) for i, n, o in db.conn.execute(sql, params)}


_SIDE_LINKS = (
    f"{SELECT_LINKS} WHERE l.status = 'accepted'"
    " AND l.a_doc = ? AND l.a_start = ? AND l.a_end = ?"
    f" UNION ALL {SELECT_LINKS} WHERE l.status = 'accepted'"
    " AND l.b_doc = ? AND l.b_start = ? AND l.b_end = ?"
)


def _cluster_of(
    db: sqlite_utils.Database, claim: ClaimKey, *, exclude: str
) -> tuple[list[Link], set[ClaimKey]]:
    """The accepted links of ``claim``'s cluster and its claims, found from the claim.

    Walking out from one claim through the indexes on both ends reads only its cluster;
    the union of every accepted link (as :func:`clusters` makes) took 0.4 s per accept
    with 5,000 accepted links, and an accept asks for it on the key.
    """
    claims = {claim}
    frontier = [claim]
    found: dict[str, Link] = {}
    while frontier:
        key = frontier.pop()
        for row in db.conn.execute(_SIDE_LINKS, [*key, *key]):
            link = Link(*row)
            if link.id == exclude or link.id in found:
                continue
            found[link.id] = link
            for side in (
                (link.a_doc, link.a_start, link.a_end),
                (link.b_doc, link.b_start, link.b_end),
            ):
                if side not in claims:
                    claims.add(side)
                    frontier.append(side)
    return sorted(found.values(), key=lambda link: link.id), claims


def _build(links: list[Link], names: dict[int, tuple[str, str | None]]) -> Cluster:
    claims: dict[ClaimKey, Claim] = {}
    for link in links:
        for doc, start, end, quote in (
            (link.a_doc, link.a_start, link.a_end, link.a_quote),
            (link.b_doc, link.b_start, link.b_end, link.b_quote),
        ):
            name, outlet = names.get(doc, (str(doc), None))
            claims.setdefault((doc, start, end), Claim(doc, start, end, quote, name, outlet))
    ordered = sorted(claims.values(), key=lambda c: (c.source_name, c.start, c.end))
    ids = sorted(link.id for link in links)
    first = ordered[0]
    # The same id every export writes: derived from the cluster's smallest claim.
    return Cluster(
        id=cluster_id((first.source_name, first.start, first.end)), claims=ordered, link_ids=ids
    )


def clusters(db: sqlite_utils.Database) -> list[Cluster]:
    """All clusters of accepted links, largest first."""
    links = _accepted(db)
    members = _components(links)
    names = _names(db)
    found = [_build(group, names) for group in members.values()]
    found.sort(key=lambda c: (-len(c.claims), c.id))
    return found


def claim_values(claim: Claim) -> dict[str, tuple[str, ...]]:
    """The numbers and months a claim states, as display strings."""
    numbers, months = _quote_values(claim.quote)
    return {"number": numbers, "month": months}


# A quote's values never change, and the merge check of every accept and the clusters
# screen ask for the same claims again (0.6 ms each: a big cluster is seconds).
@functools.lru_cache(maxsize=65_536)
def _quote_values(quote: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    language = guess_language(quote)
    numbers = sorted({m.value for m in find_numbers(spell_out_digits(quote, language), language)})
    months = sorted(set(normalise(quote, language).months))
    names = MONTH_NAMES.get(language, MONTH_NAMES["en"]).split()
    return tuple(canonical(n) for n in numbers), tuple(names[m - 1] for m in months)


def cluster_disagreements(claims: Sequence[Claim]) -> list[Disagreement]:
    """Kinds of value on which some two claims disagree.

    Two documents disagree when each states a value the other does not: one that
    merely leaves out the date still agrees, ``300`` against ``600`` does not.
    Months compare by number, so ``Juni`` and ``June`` agree. A document's claims in
    one fact speak together: one outlet's long sentence linked to another's three
    short ones, each with one of its figures, was reported as figures that differ.
    """
    values = [(claim, claim_values(claim)) for claim in claims]
    found: list[Disagreement] = []
    for kind in ("number", "month"):
        stated = [
            (claim, found_values[kind]) for claim, found_values in values if found_values[kind]
        ]
        comparable = _by_document(kind, [claim for claim, _v in stated])
        clash = any(
            first - second and second - first
            for index, first in enumerate(comparable)
            for second in comparable[index + 1 :]
        )
        if clash:
            found.append(Disagreement(kind, tuple(stated)))
    return found


def _by_document(kind: str, claims: Sequence[Claim]) -> list[frozenset[str]]:
    """The ``kind`` values each document's claims state together, for documents that
    state any."""
    stated: dict[int, set[str]] = {}
    for claim in claims:
        found = claim_values(claim)[kind]
        if found:
            stated.setdefault(claim.doc_id, set()).update(_comparable(kind, found))
    return [frozenset(values) for values in stated.values()]


def _comparable(kind: str, values: tuple[str, ...]) -> list[str]:
    if kind != "month":
        return list(values)
    numbers = []
    for value in values:
        for names in MONTH_NAMES.values():
            listed = names.split()
            if value in listed:
                numbers.append(str(listed.index(value) + 1))
    return numbers


def merge_conflicts(db: sqlite_utils.Database, link_id: str) -> MergeCheck:
    """What accepting ``link_id`` would join: rejected pairs and new disagreements.

    ``merges`` is False when both claims already belong to one cluster (or the link
    joins two unlinked claims); ``rejected`` lists rejected links between the two
    sides' clusters, which the merge would contradict.
    """
    link = get_link(db, link_id)
    a_key: ClaimKey = (link.a_doc, link.a_start, link.a_end)
    b_key: ClaimKey = (link.b_doc, link.b_start, link.b_end)
    links_a, claims_a = _cluster_of(db, a_key, exclude=link_id)
    if b_key in claims_a:
        return MergeCheck(merges=False)
    links_b, _claims_b = _cluster_of(db, b_key, exclude=link_id)
    names = _names(db, {c[0] for c in claims_a | _claims_b})
    side_a = _build(links_a, names).claims if links_a else []
    side_b = _build(links_b, names).claims if links_b else []
    merges = bool(side_a) and bool(side_b)
    keys_a = {c.key for c in side_a} | {a_key}
    keys_b = {c.key for c in side_b} | {b_key}
    rejected = []
    for row in db.conn.execute(f"{SELECT_LINKS} WHERE l.status = 'rejected' ORDER BY l.id"):
        other = Link(*row)
        if other.id == link_id:
            continue
        first = (other.a_doc, other.a_start, other.a_end)
        second = (other.b_doc, other.b_start, other.b_end)
        if (first in keys_a and second in keys_b) or (first in keys_b and second in keys_a):
            rejected.append(other)
    claim_a = Claim(
        link.a_doc,
        link.a_start,
        link.a_end,
        link.a_quote,
        *names.get(link.a_doc, (str(link.a_doc), None)),
    )
    claim_b = Claim(
        link.b_doc,
        link.b_start,
        link.b_end,
        link.b_quote,
        *names.get(link.b_doc, (str(link.b_doc), None)),
    )
    joined_a, joined_b = side_a or [claim_a], side_b or [claim_b]
    merged = {c.key: c for c in [*joined_a, *joined_b]}
    # New is a clash of values that neither side had among its own claims. Compared by
    # kind alone, a side that already disagreed on numbers (300 vs 600) hid a merge with
    # a side that says 900.
    new = tuple(
        d
        for d in cluster_disagreements(list(merged.values()))
        if _clashes(d.kind, joined_a, joined_b)
        - _clashes(d.kind, joined_a)
        - _clashes(d.kind, joined_b)
    )
    return MergeCheck(merges=merges, rejected=tuple(rejected), disagreements=new)


Clash = frozenset[frozenset[str]]


def _clashes(
    kind: str, first: Sequence[Claim], second: Sequence[Claim] | None = None
) -> set[Clash]:
    """The pairs of ``kind`` values on which a claim of ``first`` and one of ``second``
    (default: another of ``first``) disagree, by the rule of :func:`cluster_disagreements`."""

    ones = _by_document(kind, first)
    others = ones if second is None else _by_document(kind, second)
    return {frozenset((a, b)) for a in ones for b in others if a - b and b - a}
