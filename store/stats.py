"""Corpus statistics for ``claimdesk stats``."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True, slots=True)
class CorpusStats:
    documents: int
    documents_by_outlet: list[tuple[str, int]]
    documents_by_language: list[tuple[str, int]]
    sentences: int
    spans: int
    spans_by_label_and_annotator: list[tuple[str, str, int]]
    links_by_status: list[tuple[str, int]]
    done_by_annotator: list[tuple[str, int]]


# Every suggestion row less those whose pair has a decision in ``links`` (either
# orientation): a decision's pairs are few and found by key, where counting the
# ``suggested_links`` view would probe ``links`` and ``documents`` for a million rows.
UNDECIDED_SUGGESTIONS = (
    "SELECT (SELECT count(*) FROM suggestions) - (SELECT count(*) FROM ("
    "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end FROM links"
    " UNION SELECT b_doc, b_start, b_end, a_doc, a_start, a_end FROM links) d"
    " JOIN suggestions g ON g.a_doc = d.a_doc AND g.a_start = d.a_start"
    " AND g.a_end = d.a_end AND g.b_doc = d.b_doc AND g.b_start = d.b_start"
    " AND g.b_end = d.b_end)"
)


def corpus_stats(db: sqlite_utils.Database) -> CorpusStats:
    def one(sql: str) -> int:
        return int(db.conn.execute(sql).fetchone()[0])

    return CorpusStats(
        documents=one("SELECT count(*) FROM documents"),
        documents_by_outlet=[
            (outlet or "(none)", n)
            for outlet, n in db.conn.execute(
                "SELECT outlet, count(*) FROM documents GROUP BY outlet ORDER BY outlet"
            )
        ],
        documents_by_language=[
            (language or "(unknown)", n)
            for language, n in db.conn.execute(
                "SELECT language, count(*) FROM documents GROUP BY language ORDER BY language"
            )
        ],
        sentences=one("SELECT count(*) FROM sentences"),
        spans=one("SELECT count(*) FROM spans WHERE deleted_at IS NULL"),
        spans_by_label_and_annotator=list(
            db.conn.execute(
                "SELECT label, annotator, count(*) FROM spans WHERE deleted_at IS NULL"
                " GROUP BY label, annotator ORDER BY label, annotator"
            )
        ),
        links_by_status=[
            (status, n)
            for status, n in db.conn.execute(
                # Undecided suggestions are counted in their own table (schema 10).
                f"SELECT s.status, count(l.id) + CASE s.status WHEN 'suggested' THEN"
                f" ({UNDECIDED_SUGGESTIONS}) ELSE 0 END"
                " FROM (SELECT 'suggested' AS status UNION ALL"
                " SELECT 'accepted' UNION ALL SELECT 'rejected') s"
                " LEFT JOIN links l ON l.status = s.status GROUP BY s.status"
                " ORDER BY CASE s.status WHEN 'suggested' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END"
            )
        ],
        done_by_annotator=list(
            db.conn.execute(
                "SELECT annotator, count(*) FROM document_status WHERE status = 'done'"
                " GROUP BY annotator ORDER BY annotator"
            )
        ),
    )
