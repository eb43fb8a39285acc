"""The jsonl export reads each document's links through their indexes
(``DocumentLinks``) instead of one ``all_links`` query per document, which took 12
minutes on 1,028 articles; these tests hold it to the links that query gave."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlite_utils

from store.db import write
from store.export import jsonl
from store.export.common import (
    DocumentLinks,
    ExportOptions,
    ResolvedFilter,
    iter_documents,
    iter_links,
    read_snapshot,
)
from store.linking.suggest import link_documents
from store.session import Session
from tests.linking.corpus import add_flood_corpus


def _linked(db: sqlite_utils.Database) -> dict[str, tuple[int, int, int, int, int, int]]:
    """The flood corpus linked, with decisions of every kind; the pairs decided."""
    add_flood_corpus(db)
    link_documents(db)
    rows = db.conn.execute(
        "SELECT id, a_doc, a_start, a_end, b_doc, b_start, b_end FROM suggested_links"
        " ORDER BY score DESC, id"
    ).fetchall()
    assert len(rows) >= 4
    session = Session.for_db(db, "alice")
    session.accept_link(rows[0][0])
    session.reject_link(rows[1][0], "near-miss")
    # A decision stored the other way round from its suggestion hides it all the same.
    _, ad, as_, ae, bd, bs, be = rows[2]
    text = dict(db.conn.execute("SELECT id, text FROM documents").fetchall())
    with write(db):
        db.conn.execute(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, method, created_at, updated_at)"
            " VALUES ('reversed', ?, ?, ?, ?, ?, ?, ?, ?, 'rejected', 'manual', 't', 't')",
            [bd, bs, be, text[bd][bs:be], ad, as_, ae, text[ad][as_:ae]],
        )
    return {row[0]: row[1:] for row in rows[:3]}


def test_each_document_gets_the_links_one_query_per_document_gave(
    db: sqlite_utils.Database,
) -> None:
    decided = _linked(db)
    everything = ResolvedFilter()
    seen: set[str] = set()
    with read_snapshot(db):
        links = DocumentLinks(db)
        for document, _ in iter_documents(db, everything):
            expected = list(iter_links(db, doc_ids=(document.id,)))
            assert links.of(document) == expected
            seen.update(checked.link.status for checked in expected)
            suggested = {c.link.id for c in expected if c.link.status == "suggested"}
            # Decided pairs show as their decision, never also as a suggestion.
            assert not suggested & set(decided)
    assert seen == {"suggested", "accepted", "rejected"}


def test_statuses_and_skipped_documents_as_iter_links(db: sqlite_utils.Database) -> None:
    _linked(db)
    documents = [document for document, _ in iter_documents(db, ResolvedFilter())]
    for statuses in (("accepted",), ("suggested",), ("accepted", "rejected")):
        links = DocumentLinks(db, statuses=statuses)
        # Every other document: the suggestions of those left out are passed over.
        for document in documents[1::2]:
            expected = list(iter_links(db, statuses=statuses, doc_ids=(document.id,)))
            assert links.of(document) == expected


def test_documents_out_of_name_order_are_refused(db: sqlite_utils.Database) -> None:
    _linked(db)
    documents = [document for document, _ in iter_documents(db, ResolvedFilter())]
    links = DocumentLinks(db)
    links.of(documents[1])
    with pytest.raises(ValueError, match="not in name order"):
        links.of(documents[0])


def test_jsonl_records_carry_every_link_of_their_document(db: sqlite_utils.Database) -> None:
    decided = _linked(db)
    out = io.StringIO()
    jsonl.write(db, ResolvedFilter(), out, ExportOptions())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    names = dict(db.conn.execute("SELECT id, source_name FROM documents").fetchall())
    exported = [
        (record["meta"]["source"], link["id"], link["status"], link["start"], link["end"])
        for record in records
        for link in record["links"]
    ]
    expected = []
    for checked in iter_links(db):
        for here in (checked.a, checked.b):
            expected.append((here.doc, checked.link.id, checked.link.status, here.start, here.end))
    # Each link once from each of its two documents, in iter_links order per document.
    assert exported == sorted(expected, key=lambda entry: entry[0])
    assert {entry[2] for entry in exported} == {"suggested", "accepted", "rejected"}
    assert not {entry[1] for entry in exported if entry[2] == "suggested"} & set(decided)
    ids = {entry[1] for entry in exported}
    # The pair decided the other way round shows once, as that decision.
    assert "reversed" in ids
    assert list(decided)[2] not in ids
    assert set(names.values()) == {record["meta"]["source"] for record in records}


@pytest.mark.parametrize("fmt", ["links-jsonl", "brat"])
def test_a_link_never_names_a_deleted_span(
    db: sqlite_utils.Database, tmp_path: Path, fmt: str
) -> None:
    # A deleted span keeps its row, and the link exports kept its id: an id that no
    # span export carries, so a consumer joining links to spans found nothing.
    from store.export import export
    from tests.linking.test_links_import import _flood

    a, b, _c = _flood(db)
    session = Session.for_db(db, "alice")
    link = session.link_spans(a, b, create_span_label="CLAIM")
    assert link.a_span is not None
    assert link.b_span is not None
    gone, kept = link.a_span, link.b_span
    session.delete_span(gone)
    out = tmp_path / "out"
    export(db, fmt, out)
    if fmt == "links-jsonl":
        (record,) = [json.loads(line) for line in out.open(encoding="utf-8")]
        sides = [record["a"]["span"], record["b"]["span"]]
    else:
        rows = (out / "links.tsv").read_text(encoding="utf-8").splitlines()
        header, (row,) = rows[0].split("\t"), rows[1:]
        cells = dict(zip(header, row.split("\t"), strict=True))
        sides = [cells["a_span"] or None, cells["b_span"] or None]
    assert sorted(sides, key=str) == sorted([None, kept], key=str)
