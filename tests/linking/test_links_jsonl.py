"""The links-jsonl export contract, end to end through ``claimdesk link`` and ``export``."""

from __future__ import annotations

import io
import json
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.cli import main
from store.changelog import user_action
from store.db import connect, write
from store.errors import QuoteMismatch
from store.export.links_jsonl import write_links_jsonl
from store.labels import ensure_default_labels
from store.linking.decisions import accept_link
from store.linking.suggest import LinkSettings, link_documents
from store.session import Session
from tests.conftest import add_document
from tests.linking.corpus import add_flood_corpus, sentence_at
from tests.links_contract import END_FIELDS, RECORD_FIELDS


def _records(db: sqlite_utils.Database) -> list[dict[str, object]]:
    out = io.StringIO()
    count = write_links_jsonl(db, out)
    lines = out.getvalue().splitlines()
    assert count == len(lines)
    return [json.loads(line) for line in lines]


def test_every_link_exported_with_the_contract_fields(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    # Without story partners, so that one pair below is one the linker never paired.
    link_documents(db, settings=LinkSettings(document_partners=0))
    session = Session.for_db(db, "alice")
    a = sentence_at(db, "tagesblatt.txt", "Der Schaden wird")
    b = sentence_at(db, "kurier.txt", "Der Schaden beläuft")
    accepted = session.link_spans(a, b)
    # A link drawn by hand between sentences the linker never paired still has a score.
    manual = session.link_spans(
        sentence_at(db, "tagesblatt.txt", "Der Schaden wird"),
        sentence_at(db, "rundschau.txt", "Die Mulde trat"),
        status="rejected",
    )
    assert manual.method == "manual"
    records = _records(db)
    assert len(records) == db.conn.execute("SELECT count(*) FROM all_links").fetchone()[0]
    texts = dict(db.conn.execute("SELECT source_name, text FROM documents").fetchall())
    for record in records:
        assert set(record) == RECORD_FIELDS
        for side in ("a", "b"):
            end = record[side]
            assert isinstance(end, dict)
            assert set(end) == END_FIELDS
            assert texts[end["doc"]][end["start"] : end["end"]] == end["text"]
        assert record["status"] in ("suggested", "accepted", "rejected")
        assert isinstance(record["score"], float)
        assert 0.0 <= record["score"] <= 1.0
        assert (record["cluster"] is None) == (record["status"] != "accepted")
    accepted_lines = [r for r in records if r["status"] == "accepted"]
    assert len(accepted_lines) == 1
    assert accepted_lines[0]["a"]["doc"] in ("tagesblatt.txt", "kurier.txt")  # type: ignore[index]
    assert accepted.status == "accepted"
    (manual_line,) = [r for r in records if r["id"] == manual.id]
    assert (manual_line["method"], manual_line["annotator"]) == ("manual", "alice")
    # Deterministic: the same database gives the same bytes.
    assert _records(db) == records


def test_a_tampered_quote_stops_the_export_naming_the_link(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    link_documents(db)
    link_id = db.conn.execute("SELECT id FROM suggested_links LIMIT 1").fetchone()[0]
    with user_action(db, "ann") as action:
        accept_link(action, link_id)
    # Bypass the guards the way a damaged file or a foreign writer could.
    db.conn.execute("DROP TRIGGER links_quote_update")
    db.conn.execute("UPDATE links SET a_quote = 'falsch' WHERE id = ?", [link_id])
    with pytest.raises(QuoteMismatch, match=link_id):
        write_links_jsonl(db, io.StringIO())


TEXT = st.text(
    # Stored text is normalised: no surrogates and no control characters.
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TEXT, min_size=1, max_size=4), min_size=2, max_size=3))
def test_exported_text_is_always_the_document_text_at_its_offsets(
    articles: list[list[str]],
) -> None:
    database = connect(":memory:")
    try:
        with write(database):
            ensure_default_labels(database)
        shared = "Gemeinsam 11.000 Menschen in Kressbrunn evakuiert."
        for number, sentences in enumerate(articles):
            text = "\n".join([f"Artikel {number}", *sentences, shared, *reversed(sentences)])
            add_document(database, text, f"doc{number}.txt", f"outlet{number}")
        link_documents(database, settings=LinkSettings(floor=0.0))
        records = _records(database)
        assert records, "the shared sentence must be suggested"
        texts = dict(database.conn.execute("SELECT source_name, text FROM documents").fetchall())
        for record in records:
            for side in ("a", "b"):
                end = record[side]
                assert isinstance(end, dict)
                assert texts[end["doc"]][end["start"] : end["end"]] == end["text"]
    finally:
        database.close()


def _flood_file(path: Path) -> Path:
    database = connect(path)
    with write(database):
        ensure_default_labels(database)
    add_flood_corpus(database)
    database.close()
    return path


def test_link_and_export_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _flood_file(tmp_path / "cli.db")
    assert main(["--db", str(path), "link", "--top", "2", "-q"]) == 0
    assert (
        main(
            [
                "--db",
                str(path),
                "link",
                "--different-outlets",
                "--docs",
                "tagesblatt.txt",
                "rundschau.txt",
            ]
        )
        == 0
    )
    assert "suggestion" in capsys.readouterr().out
    target = tmp_path / "links.jsonl"
    assert main(["--db", str(path), "export", "--format", "links-jsonl", "-o", str(target)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines
    assert all(json.loads(line)["status"] == "suggested" for line in lines)
    assert main(["--db", str(path), "link", "--docs", "no-such-doc"]) == 1
    assert "no-such-doc" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(path), "link", "--threshold", "2"])
    assert usage.value.code == 2


def test_link_bounds_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _flood_file(tmp_path / "bounds.db")

    def stored() -> list[tuple[int, int, int, int]]:
        with closing(connect(path)) as db:
            return db.conn.execute(
                "SELECT a_doc, a_start, b_doc, b_start FROM all_links"
            ).fetchall()

    assert main(["--db", str(path), "link", "--document-partners", "0", "-q"]) == 0
    wide = stored()
    args = ["--max-per-sentence", "1", "--candidates", "3", "--workers", "1", "-q"]
    args += ["--document-partners", "0"]
    assert main(["--db", str(path), "link", *args]) == 0
    narrow = stored()
    sentences = {
        (d, s)
        for a_doc, a_start, b_doc, b_start in narrow
        for d, s in ((a_doc, a_start), (b_doc, b_start))
    }
    assert 0 < len(narrow) < len(wide)
    # Each kept pair is some sentence's single best: at most one pair per sentence.
    assert len(narrow) <= len(sentences)
    with pytest.raises(SystemExit):
        main(["--db", str(path), "link", "--max-per-sentence", "0"])
    assert "--max-per-sentence" in capsys.readouterr().err
