"""A readable Markdown report: per fact cluster, each outlet's wording, its date,
and the numbers and months on which the versions disagree.

Article text is escaped (Markdown's inline syntax characters backslash-escaped,
line breaks folded), so nothing in an article can turn into Markdown or HTML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import IO

import sqlite_utils

from store.export.common import (
    ClaimKey,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    document_names,
    fact_clusters,
    iter_links,
)

# Characters that can start Markdown or HTML inside a line; every line of article
# text is written after a fixed prefix, so line-start syntax never applies.
_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+$")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "januar january jänner jan",
            "februar february feb",
            "märz maerz march mär mar",
            "april apr",
            "mai may",
            "juni june jun",
            "juli july jul",
            "august aug",
            "september sept sep",
            "oktober october okt oct",
            "november nov",
            "dezember december dez dec",
        ],
        start=1,
    )
    for name in names.split()
}
_WORD = re.compile(r"\w+")


def escape(text: str) -> str:
    return _SIGNIFICANT.sub(r"\\\1", " ".join(text.split()))


def numbers_in(text: str) -> set[str]:
    """Numbers as values: ``11.000``, ``11,000`` and ``11 000`` are all ``11000``."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        if _THOUSANDS.match(raw):
            found.add(re.sub(r"\D", "", raw))
        else:
            found.add(raw.replace(",", "."))
    return found


def months_in(text: str) -> set[str]:
    return {
        f"month {MONTHS[w]}"
        for w in (m.group(0).lower() for m in _WORD.finditer(text))
        if w in MONTHS
    }


def disagreements(wordings: list[tuple[str, str]]) -> list[str]:
    """Values that some members state and others do not, with who states them."""
    values: dict[str, set[str]] = defaultdict(set)
    for who, text in wordings:
        for value in numbers_in(text) | months_in(text):
            values[value].add(who)
    everyone = {who for who, _ in wordings}
    return [
        f"{value} ({', '.join(sorted(who))})"
        for value, who in sorted(values.items())
        if who != everyone
    ]


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    names = document_names(db)
    info = {
        str(name): (outlet, published)
        for name, outlet, published in db.conn.execute(
            "SELECT source_name, outlet, published FROM documents"
        )
    }
    clusters = fact_clusters(db)
    members: dict[str, dict[ClaimKey, str]] = defaultdict(dict)
    for checked in iter_links(db, statuses=("accepted",), doc_ids=flt.doc_ids, names=names):
        for end in (checked.a, checked.b):
            members[clusters[end.key]][end.key] = end.text
        stats.links += 1
    ordered = sorted(members.items(), key=lambda item: min(item[1]))
    out.write("# Facts reported across outlets\n\n")
    out.write(f"{len(ordered)} fact cluster(s) from {stats.links} accepted link(s).\n")
    for number, (cluster, claims) in enumerate(ordered, start=1):
        outlets = {info[key[0]][0] or key[0] for key in claims}
        out.write(
            f"\n## Fact {number} ({cluster}): {len(claims)} claims, {len(outlets)} outlet(s)\n\n"
        )
        wordings: list[tuple[str, str]] = []
        for key, text in sorted(claims.items()):
            outlet, published = info[key[0]]
            who = outlet or key[0]
            wordings.append((who, text))
            out.write(
                f"- **{escape(who)}**, {escape(published or 'undated')},"
                f" {escape(key[0])} {key[1]}–{key[2]}: {escape(text)}\n"
            )
        differences = disagreements(wordings)
        if differences:
            out.write("\nDisagree on: " + escape("; ".join(differences)) + "\n")
        stats.records += 1
    return stats
