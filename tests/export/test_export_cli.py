"""``claimdesk export`` and ``claimdesk import-annotations``: output, messages, exit codes."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from claimdesk.cli import main
from tests.export.conftest import MORNING_POST, QUIET, TAGESBLATT
from tests.export.test_export_golden import GOLDEN


def test_export_to_stdout_is_the_golden_jsonl(
    fixed_db_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["export", "--db", str(fixed_db_path), "--format", "jsonl"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out == (GOLDEN / "jsonl.jsonl").read_bytes()
    assert b"exported 3 document(s), 9 span(s)" in captured.err


def test_export_to_file_with_filters(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figures.csv"
    code = main(
        [
            "export",
            "--db",
            str(fixed_db_path),
            "-f",
            "csv",
            "--out",
            str(out),
            "--label",
            "FIGURE",
            "--annotator",
            "alice",
            "--skip-empty",
        ]
    )
    assert code == 0
    rows = out.read_bytes().decode("utf-8").split("\r\n")
    assert rows[0] == "doc,outlet,start,end,label,annotator,text,note,story"
    assert rows[1].startswith("a-tagesblatt.txt,Tagesblatt,17,32,FIGURE,alice,11.000 Besucher,")
    assert rows[2].startswith("b-morning-post.md,Morning Post,18,33,FIGURE,alice,")
    assert rows[3:] == [""]
    assert f"to {out}" in capsys.readouterr().err


def test_an_annotator_with_no_work_is_refused_not_an_empty_export(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A mistyped --annotator exported every document without a span, with exit status 0.
    out = tmp_path / "spans.jsonl"
    args = ["export", "--db", str(fixed_db_path), "-f", "jsonl", "-o", str(out)]
    assert main([*args, "--annotator", "alcie"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimdesk: --annotator alcie: no spans or document status by this")
    assert "(annotators: alice" in err
    assert err.count("\n") == 1
    assert not out.exists()
    assert main([*args, "--annotator", "alice"]) == 0


def test_an_annotator_name_is_found_however_it_is_spelled(
    fixed_db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A decomposed "José" (as macOS file names and some keyboards give it) was stored as
    # typed by the reader and import-annotations, but looked up as typed by export:
    # `export --annotator José` found nothing while stats listed a name that looked alike.
    composed, decomposed = "Jos\u00e9", "Jose\u0301"
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(
        json.dumps({"text": QUIET, "label": [[0, 7, "CLAIM"]]}) + "\n", encoding="utf-8"
    )
    monkeypatch.setenv("CLAIMDESK_ANNOTATOR", f" {decomposed} ")
    assert main(["import-annotations", "--db", str(fixed_db_path), str(doccano)]) == 0
    conn = sqlite3.connect(fixed_db_path)
    stored = conn.execute('SELECT DISTINCT annotator FROM spans WHERE start = 0 AND "end" = 7')
    assert stored.fetchall() == [(composed,)]
    conn.close()
    capsys.readouterr()
    args = ["export", "--db", str(fixed_db_path), "-f", "csv", "--annotator", decomposed]
    assert main(args) == 0
    rows = capsys.readouterr().out.split("\r\n")
    assert rows[1:] == [f"c-quiet.txt,Quiet Times,0,7,CLAIM,{composed},Nothing,,", ""]


def test_re_importing_says_which_spans_were_deleted_since(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(
        json.dumps({"text": QUIET, "label": [[0, 7, "CLAIM"], [8, 11, "FIGURE"]]}) + "\n",
        encoding="utf-8",
    )
    args = ["import-annotations", "--db", str(fixed_db_path), str(doccano), "--annotator", "ann"]
    assert main(args) == 0
    conn = sqlite3.connect(fixed_db_path)
    conn.execute("UPDATE spans SET deleted_at = '2026-01-03' WHERE annotator = 'ann' AND start = 8")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(args) == 0
    assert capsys.readouterr().out == (
        "imported 0 span(s) from 1 record(s); 1 already present; 0 refused;"
        " 1 deleted in the database and left deleted\n"
    )


def test_brat_needs_a_folder(fixed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(fixed_db_path), "--format", "brat"]) == 1
    assert "give --out FOLDER" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error(fixed_db_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--db", str(fixed_db_path), "--format", "xml"])
    assert exit_info.value.code == 2


def test_missing_database_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.db"
    assert main(["export", "--db", str(missing), "--format", "jsonl"]) == 1
    assert "no such database" in capsys.readouterr().err
    assert not missing.exists()


def test_mismatch_exits_1_naming_the_span_and_writes_nothing(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(fixed_db_path)
    conn.execute("DROP TRIGGER spans_quote_update")
    conn.execute("UPDATE spans SET start = start + 1 WHERE id = 's04'")
    conn.commit()
    conn.close()
    out = tmp_path / "out.jsonl"
    assert main(["export", "--db", str(fixed_db_path), "-f", "jsonl", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimdesk: span s04 in a-tagesblatt.txt:")
    assert err.count("\n") == 1
    assert not out.exists()


def test_spacy_without_extra_exits_1(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    out = tmp_path / "train.spacy"
    assert main(["export", "--db", str(fixed_db_path), "-f", "spacy", "-o", str(out)]) == 1
    assert "pip install 'claimdesk[spacy]'" in capsys.readouterr().err
    assert not out.exists()


def _empty_copy(tmp_path: Path) -> Path:
    """A database with the fixed documents but no spans."""
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    path = tmp_path / "fresh.db"
    db = connect(path)
    with write(db):
        ensure_default_labels(db)
        for name, text in (
            ("a-tagesblatt.txt", TAGESBLATT),
            ("b-morning-post.md", MORNING_POST),
            ("c-quiet.txt", QUIET),
        ):
            insert_document(db, ParsedArticle(name, text))
    db.close()
    return path


def test_import_annotations_round_trip_through_the_cli(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "spans.jsonl"
    assert main(["export", "--db", str(fixed_db_path), "-f", "jsonl", "-o", str(exported)]) == 0
    fresh = _empty_copy(tmp_path)
    assert main(["import-annotations", "--db", str(fresh), str(exported)]) == 0
    assert "imported 9 span(s) from 3 record(s); 0 already present; 0 refused" in (
        capsys.readouterr().out
    )
    assert main(["import-annotations", "--db", str(fresh), str(exported)]) == 0
    assert "imported 0 span(s) from 3 record(s); 9 already present" in capsys.readouterr().out


def test_import_annotations_exit_1_lists_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = _empty_copy(tmp_path)
    doccano = tmp_path / "model.jsonl"
    records = [
        {"text": QUIET, "label": [[0, 7, "CLAIM"], [8, 10, "CLAIM"]]},
        {"text": "not stored", "label": [[0, 3, "CLAIM"]]},
    ]
    doccano.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code = main(
        ["import-annotations", "--db", str(fresh), str(doccano), "--annotator", "model:ner-3"]
    )
    assert code == 1
    captured = capsys.readouterr()
    refused = captured.err.splitlines()
    assert len(refused) == 2
    assert refused[0].startswith(f"claimdesk: refused {doccano}:2: span 'CLAIM' at 0:3")
    assert refused[1].startswith(
        f"claimdesk: nothing imported from {doccano}: 1 problem(s), the first on line 2;"
    )
    conn = sqlite3.connect(fresh)
    assert conn.execute("SELECT count(*) FROM spans").fetchone() == (0,)
    conn.close()
    doccano.write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    args = ["import-annotations", "--db", str(fresh), str(doccano), "--annotator", "model:ner-3"]
    assert main(args) == 0
    conn = sqlite3.connect(fresh)
    assert conn.execute("SELECT DISTINCT annotator FROM spans").fetchall() == [("model:ner-3",)]
    conn.close()


def test_import_annotations_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = _empty_copy(tmp_path)
    assert main(["import-annotations", "--db", str(fresh), str(tmp_path / "none.jsonl")]) == 1
    assert "none.jsonl: cannot read" in capsys.readouterr().err


def test_a_doccano_file_naming_annotators_says_its_spans_became_the_importers(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doccano = tmp_path / "round.jsonl"
    record = {
        "text": QUIET,
        "label": [[0, 7, "CLAIM"], [0, 7, "CLAIM"], [8, 10, "CLAIM"]],
        "meta": {"source": "c-quiet.txt", "annotators": ["alice", "bob\x1b[2J", "bob\x1b[2J"]},
    }
    doccano.write_text(json.dumps(record) + "\n", encoding="utf-8")
    fresh = _empty_copy(tmp_path)
    assert (
        main(["import-annotations", "--db", str(fresh), str(doccano), "--annotator", "carol"]) == 0
    )
    captured = capsys.readouterr()
    assert "imported 2 span(s) from 1 record(s); 0 already present; 0 refused;" in captured.out
    assert "1 repeated in the file" in captured.out
    # The escape in a name is not printable, so it is not a name and is not repeated raw.
    assert "\x1b" not in captured.err
    assert captured.err.splitlines() == [
        f"claimdesk: note: {doccano} names annotator(s) alice in meta.annotators; doccano"
        " spans carry no annotator, so every span was read as carol's (1 identical span(s)"
        " became one); import claimdesk's jsonl export to keep who marked what"
    ]
    # claimdesk's own doccano export carries the names, so its round trip says so too.
    exported = tmp_path / "doccano.jsonl"
    assert main(["export", "--db", str(fixed_db_path), "-f", "doccano", "-o", str(exported)]) == 0
    capsys.readouterr()
    again = _empty_copy(tmp_path / "again")
    assert (
        main(["import-annotations", "--db", str(again), str(exported), "--annotator", "carol"]) == 0
    )
    assert "names annotator(s)" in capsys.readouterr().err


def test_a_doccano_file_of_the_importers_own_spans_needs_no_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doccano = tmp_path / "own.jsonl"
    record = {"text": QUIET, "label": [[0, 7, "CLAIM"]], "meta": {"annotators": ["carol"]}}
    doccano.write_text(json.dumps(record) + "\n", encoding="utf-8")
    fresh = _empty_copy(tmp_path)
    assert (
        main(["import-annotations", "--db", str(fresh), str(doccano), "--annotator", "carol"]) == 0
    )
    assert capsys.readouterr().err == ""


def test_quiet_hides_the_summary_but_still_says_what_the_format_left_out(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # -q hid the note that CoNLL left three overlapping spans out: a script training on
    # the file was told nothing of the missing spans.
    out = tmp_path / "spans.conll"
    assert main(["export", "--db", str(fixed_db_path), "-f", "conll", "-q", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "claimdesk: note: 3 overlapping span(s) left out" in err
    assert "exported" not in err
