"""A readable Markdown report: per fact cluster, each outlet's wording, its date, and
the numbers and months on which the versions disagree.

Clusters and disagreements come from :mod:`store.linking.clusters` (the reader's
cluster view shows the same). Every accepted link is checked against its
documents first. Article text is escaped (Markdown's inline syntax characters
backslash-escaped, line breaks folded), so nothing in an article can turn into
Markdown or HTML.
"""

from __future__ import annotations

import re
from typing import IO

import sqlite_utils

from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    iter_links,
)

# Characters that can start Markdown or HTML inside a line; every line of article
# text is written after a fixed prefix, so line-start syntax never applies.
_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>|~#&!{}])")


def escape(text: str) -> str:
    return _SIGNIFICANT.sub(r"\\\1", " ".join(text.split()))


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    from store.linking.clusters import cluster_disagreements, clusters

    stats = ExportStats()
    # Every accepted link is checked (iter_links raises on one that no longer fits its
    # text), but only the links of the clusters shown are counted: with --doc the report
    # said "from 122 accepted link(s)" above the one cluster of 7.
    for _ in iter_links(db, statuses=("accepted",)):
        pass
    published = {
        int(doc_id): date for doc_id, date in db.conn.execute("SELECT id, published FROM documents")
    }
    found = clusters(db)
    if flt.doc_ids is not None:
        wanted = set(flt.doc_ids)
        found = [c for c in found if any(claim.doc_id in wanted for claim in c.claims)]
    stats.links = sum(len(cluster.link_ids) for cluster in found)
    out.write("# Facts reported across outlets\n\n")
    out.write(f"{len(found)} fact cluster(s) from {stats.links} accepted link(s).\n")
    for number, cluster in enumerate(found, start=1):
        outlets = {claim.outlet or claim.source_name for claim in cluster.claims}
        out.write(
            f"\n## Fact {number} ({cluster.id}): {len(cluster.claims)} claims,"
            f" {len(outlets)} outlet(s)\n\n"
        )
        for claim in cluster.claims:
            out.write(
                f"- **{escape(claim.outlet or claim.source_name)}**,"
                f" {escape(published.get(claim.doc_id) or 'undated')},"
                f" {escape(claim.source_name)} {claim.start}–{claim.end}: {escape(claim.quote)}\n"
            )
        for disagreement in cluster_disagreements(cluster.claims):
            stated = "; ".join(
                f"{', '.join(values)} ({claim.outlet or claim.source_name})"
                for claim, values in disagreement.values
            )
            out.write(f"\nDisagree on {disagreement.kind}s: {escape(stated)}\n")
        stats.records += 1
    return stats
