"""A corpus moved to another database through claimdesk's own export keeps its metadata."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.paths import sample_corpus_path

_METADATA = "SELECT source_name, outlet, title, published, url, language, sha256 FROM documents"
_DECISIONS = (
    "SELECT da.source_name, a_start, a_end, db.source_name, b_start, b_end, status FROM links"
    " JOIN documents da ON da.id = a_doc JOIN documents db ON db.id = b_doc"
    " WHERE status != 'suggested'"
)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(sql).fetchall(), key=repr)
    finally:
        conn.close()


def _original(tmp_path: Path) -> Path:
    """The sample corpus, plus a second ``a.txt`` of another outlet (a name the clash made
    ``outlet/name``), which an export must give back as it was stored."""
    for outlet, text in (("Herald", "The mayor said 35 people died."), ("Wire", "Rain fell.")):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "a.txt").write_text(f"title: T {outlet}\n\n{text}\n")
    db = tmp_path / "old.db"
    paths = [str(sample_corpus_path()), str(tmp_path / "Herald"), str(tmp_path / "Wire")]
    assert main(["--db", str(db), "import", "-q", *paths]) == 0
    _decide(db, tmp_path / "decisions.jsonl")
    span = {"start": 0, "end": 9, "label": "CLAIM", "text": "The mayor", "annotator": "alice"}
    spans = tmp_path / "spans.jsonl"
    spans.write_text(json.dumps({"text": "", "meta": {"source": "a.txt"}, "spans": [span]}))
    assert main(["--db", str(db), "import-annotations", "-q", str(spans)]) == 0
    return db


def _decide(db: Path, path: Path) -> None:
    """An accepted and a rejected link between first sentences of sample documents."""
    first = _rows(
        db,
        'SELECT d.source_name, s.start, s."end", substr(d.text, s.start + 1, s."end" - s.start)'
        " FROM documents d JOIN sentences s ON s.doc_id = d.id"
        " WHERE s.start = 0 AND d.source_name NOT LIKE '%a.txt' ORDER BY d.source_name LIMIT 3",
    )
    sides = [
        {"doc": name, "start": start, "end": end, "text": text} for name, start, end, text in first
    ]
    records = [
        {"a": sides[0], "b": sides[1], "status": "accepted"},
        {"a": sides[0], "b": sides[2], "status": "rejected"},
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    assert main(["--db", str(db), "import-links", "-q", str(path)]) == 0


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_import_of_an_export_gives_back_every_documents_metadata_and_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    old = _original(tmp_path)
    decisions = _rows(old, _DECISIONS)
    assert decisions, "the sample corpus comes with decisions"
    assert ("Wire/a.txt",) in [row[:1] for row in _rows(old, _METADATA)]
    articles, links = tmp_path / f"export.{fmt}.jsonl", tmp_path / "links.jsonl"
    assert main(["--db", str(old), "export", "-q", "-f", fmt, "--out", str(articles)]) == 0
    assert main(["--db", str(old), "export", "-q", "-f", "links-jsonl", "--out", str(links)]) == 0
    capsys.readouterr()

    new = tmp_path / "new.db"
    assert main(["--db", str(new), "import", str(articles)]) == 0
    err = capsys.readouterr().err
    # Names were FILE:LINE, the outlet the export's folder for all, dates and URLs gone.
    assert _rows(new, _METADATA) == _rows(old, _METADATA)
    # The spans and links in the records are said once, not imported, not dropped unseen.
    notes = [line for line in err.splitlines() if "import leaves out" in line]
    assert len(notes) == 1, err
    assert "import-annotations" in notes[0]
    assert "import-links" in notes[0]
    assert _rows(new, "SELECT count(*) FROM links WHERE status != 'suggested'") == [(0,)]

    # import-links finds documents by name: it refused every line of the decisions.
    assert main(["--db", str(new), "import-links", str(links)]) == 0
    assert _rows(new, _DECISIONS) == decisions
