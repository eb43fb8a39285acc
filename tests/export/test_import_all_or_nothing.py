"""import-annotations keeps who did what, takes a file whole or not at all, says when a
--format does not fit, and tells the truth about what a full disk let through."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from claimdesk.cli import main
from store.annotations_import import import_annotations
from store.db import connect, write
from store.documents import insert_document
from store.errors import ClaimdeskError
from store.formats import ParsedArticle
from store.importer import import_paths
from store.labels import ensure_default_labels

TEXT = " ".join(f"w{n:03d}" for n in range(700))


def _db(path: Path | str = ":memory:") -> sqlite_utils.Database:
    db = connect(path)
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("a.txt", TEXT))
    return db


def _span(number: int, annotator: str | None) -> dict[str, object]:
    start = number * 5
    span: dict[str, object] = {
        "id": f"s{number}",
        "start": start,
        "end": start + 4,
        "label": "CLAIM",
        "text": TEXT[start : start + 4],
    }
    if annotator is not None:
        span["annotator"] = annotator
    return span


def _jsonl(path: Path, spans: list[dict[str, object]], per_line: int = 1) -> Path:
    lines = [
        json.dumps({"text": TEXT, "meta": {"source": "a.txt"}, "spans": spans[i : i + per_line]})
        for i in range(0, len(spans), per_line)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _annotators(db: sqlite_utils.Database) -> dict[str, str]:
    return dict(db.conn.execute("SELECT id, annotator FROM spans").fetchall())


def test_each_span_keeps_its_annotator_and_annotator_only_fills_gaps(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    _db(db_path).close()
    path = _jsonl(tmp_path / "people.jsonl", [_span(0, "ana"), _span(1, "ben"), _span(2, None)])
    args = ["--db", str(db_path), "--annotator", "me", "import-annotations", str(path)]
    assert main(args) == 0
    db = connect(db_path)
    assert _annotators(db) == {"s0": "ana", "s1": "ben", "s2": "me"}
    db.close()


def test_a_bad_byte_after_500_spans_imports_nothing_and_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "t.db"
    _db(db_path).close()
    path = _jsonl(tmp_path / "big.jsonl", [_span(n, "ana") for n in range(600)])
    lines = path.read_bytes().split(b"\n")
    lines[500] = lines[500].replace(b"w", b"\xff", 1)
    path.write_bytes(b"\n".join(lines))
    assert main(["--db", str(db_path), "import-annotations", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:501: not UTF-8 text" in err
    assert "nothing imported from" in err
    assert "the first on line 501; 599 valid span(s) were read" in err
    db = connect(db_path)
    assert _annotators(db) == {}
    db.close()


def test_a_bad_line_after_500_spans_imports_nothing(tmp_path: Path) -> None:
    db = _db()
    path = _jsonl(tmp_path / "big.jsonl", [_span(n, "ana") for n in range(600)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    report = import_annotations(db, path, importer="me", batch_size=100)
    assert (report.added, report.valid, report.first_refused_line) == (0, 600, 601)
    assert _annotators(db) == {}
    db.close()


def test_a_jsonl_file_read_as_doccano_is_an_error_naming_what_was_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "t.db"
    _db(db_path).close()
    path = _jsonl(tmp_path / "prodigy.jsonl", [_span(0, "ana")])
    args = ["--db", str(db_path), "import-annotations", "--format", "doccano", str(path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert (
        "--format doccano expects 'label' or 'labels' or 'entities' in each record;"
        " this record is claimdesk/Prodigy jsonl ('spans')"
    ) in err


def test_a_full_disk_part_way_says_how_many_spans_are_stored(tmp_path: Path) -> None:
    db = _db(tmp_path / "t.db")
    path = _jsonl(tmp_path / "big.jsonl", [_span(n, "ana") for n in range(600)], per_line=50)
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages + 12}")
    with pytest.raises(ClaimdeskError) as caught:
        import_annotations(db, path, importer="me", batch_size=50)
    stored = db.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    assert 0 < stored < 600
    message = str(caught.value)
    assert "full" in message
    assert f"{stored} span(s) of {path} were imported before it" in message
    assert "\n" not in message
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    import_annotations(db, path, importer="me")
    assert db.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 600
    db.close()


def test_a_full_disk_during_article_import_says_how_many_documents_are_stored(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(300):
        (corpus / f"a{number:03d}.txt").write_text(
            f"Artikel {number}. " + "Die Stadt meldet viele Besucher. " * 20, encoding="utf-8"
        )
    db = connect(tmp_path / "t.db")
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages + 60}")
    with pytest.raises(ClaimdeskError) as caught:
        import_paths(db, [corpus], batch_size=20)
    stored = db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < stored < 300
    assert f"{stored} document(s) were imported before it" in str(caught.value)
    assert "nothing was changed" not in str(caught.value)
    db.close()


def _ctrl_c_at_call(number: int, real: Callable[..., object]) -> Callable[..., object]:
    """``real``, except that its ``number``-th call is a ctrl+c."""
    calls = 0

    def wrapped(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == number:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    return wrapped


def test_an_interrupted_import_says_how_many_spans_are_stored_and_a_rerun_completes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.annotations_import as annotations_import
    from store.spans import create_span

    db_path = tmp_path / "t.db"
    _db(db_path).close()
    path = _jsonl(tmp_path / "big.jsonl", [_span(n, "ana") for n in range(600)])
    real = create_span
    # In the second batch of 500.
    monkeypatch.setattr(annotations_import, "create_span", _ctrl_c_at_call(550, real))
    assert main(["--db", str(db_path), "import-annotations", str(path)]) == 130
    err = capsys.readouterr().err
    db = connect(db_path)
    stored = db.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    db.close()
    # The first batch stays, the interrupted one is rolled back, and the message says so.
    assert stored == annotations_import.BATCH_SIZE
    assert f"interrupted; {stored} span(s) of {path} were imported before it" in err
    assert err.count("\n") == 1
    monkeypatch.setattr(annotations_import, "create_span", real)
    assert main(["--db", str(db_path), "import-annotations", str(path)]) == 0
    assert f"imported {600 - stored} span(s)" in capsys.readouterr().out


def test_one_id_for_two_spans_of_a_file_is_refused_and_a_repeated_span_is_counted(
    tmp_path: Path,
) -> None:
    db = _db()
    same = _jsonl(tmp_path / "same.jsonl", [_span(0, "ana"), _span(0, "ana"), _span(1, "ana")])
    report = import_annotations(db, same, importer="me")
    assert (report.added, report.repeated, report.present, report.refused) == (2, 1, 0, [])
    other = _span(2, "ana") | {"id": "s9"}
    clash = _jsonl(tmp_path / "clash.jsonl", [_span(9, "ana"), other])
    report = import_annotations(db, clash, importer="me")
    assert report.added == 0
    assert report.refused == [f"{clash}:2: span id s9 is used by another span in this file"]
    assert set(_annotators(db)) == {"s0", "s1"}
    db.close()


def test_a_binary_file_is_refused_in_one_line_and_many_bad_lines_are_summed_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "t.db"
    _db(db_path).close()
    binary = tmp_path / "copy.db"
    binary.write_bytes(db_path.read_bytes())
    assert main(["--db", str(db_path), "import-annotations", str(binary)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{binary}: cannot read annotations: a binary file (NUL byte on line 1)" in err
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("{broken\n" * 200, encoding="utf-8")
    assert main(["--db", str(db_path), "import-annotations", str(garbage)]) == 1
    err = capsys.readouterr().err
    assert err.count(f"refused {garbage}:") == 50
    assert "… and 150 more refusal(s) not shown" in err
    assert "200 problem(s), the first on line 1" in err


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    db = _db()
    path = _jsonl(tmp_path / "bom.jsonl", [_span(0, "ana")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = import_annotations(db, path, importer="me")
    assert (report.added, report.refused) == (1, [])
    db.close()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "x1\x1b[2J"}, "needs an id of printable text, at most 200 characters"),
        ({"id": "x" * 201}, "needs an id of printable text, at most 200 characters"),
        ({"annotator": "a" * 201}, "is not a printable name of at most 200 characters"),
        ({"note": 7}, "a note is text of at most 10000 characters"),
        ({"note": "n" * 10_001}, "a note is text of at most 10000 characters"),
    ],
)
def test_hostile_span_fields_are_refused(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    db = _db()
    path = _jsonl(tmp_path / "hostile.jsonl", [_span(0, "ana"), _span(1, "ana") | change])
    report = import_annotations(db, path, importer="me")
    assert report.added == 0
    assert len(report.refused) == 1
    assert report.refused[0].startswith(f"{path}:2: span ")
    assert report.refused[0].endswith(reason)
    assert _annotators(db) == {}
    db.close()


def test_a_prodigy_answer_that_is_not_one_of_its_three_is_refused(tmp_path: Path) -> None:
    db = _db()
    path = tmp_path / "answers.jsonl"
    records = [
        {"text": TEXT, "meta": {"source": "a.txt"}, "spans": [_span(n, "ana")], "answer": answer}
        for n, answer in enumerate(["accept", "reject", {"x": 1}])
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = import_annotations(db, path, importer="me")
    assert report.refused == [f'{path}:3: answer {{"x": 1}} is not one of accept, reject, ignore']
    assert _annotators(db) == {}
    db.close()


def test_an_interrupted_article_import_says_how_many_documents_are_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.importer as importer
    from store.documents import insert_document as real

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(60):
        (corpus / f"a{number:03d}.txt").write_text(f"Artikel {number}. Die Stadt meldet es.")
    # In the third batch of 20.
    monkeypatch.setattr(importer, "insert_document", _ctrl_c_at_call(45, real))
    db = connect(tmp_path / "t.db")
    with pytest.raises(KeyboardInterrupt) as caught:
        import_paths(db, [corpus], batch_size=20)
    stored = db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    # Two whole batches at least (a slow machine may commit part of the third), never
    # the interrupted transaction.
    assert 40 <= stored < 45
    assert str(caught.value) == (
        f"{stored} document(s) were imported before it; importing again adds the rest"
    )
    monkeypatch.setattr(importer, "insert_document", real)
    assert import_paths(db, [corpus]).added == 60 - stored
    db.close()


def test_importing_again_flags_the_repeated_lines_an_interrupted_import_left_unflagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.importer as importer
    from store.boilerplate import mark_repeated as real

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    disclaimer = "Alle Angaben ohne Gewähr, die Redaktion haftet nicht für Inhalte."
    for number in range(6):
        (corpus / f"a{number}.txt").write_text(
            f"Bericht {number}\n\nDie Stadt meldet {number} neue Fälle. {disclaimer}"
        )
    # Every document is stored; the ctrl+c comes while repeated lines are counted.
    monkeypatch.setattr(importer, "mark_repeated", _ctrl_c_at_call(1, real))
    db = connect(tmp_path / "t.db")
    with pytest.raises(KeyboardInterrupt) as caught:
        import_paths(db, [corpus])
    assert str(caught.value).startswith("6 document(s) were imported before it")
    flagged = 'SELECT count(*) FROM sentences WHERE boilerplate = 1 AND "end" - start = ?'
    assert db.conn.execute(flagged, [len(disclaimer)]).fetchone() == (0,)
    monkeypatch.setattr(importer, "mark_repeated", real)
    again = import_paths(db, [corpus])
    # Nothing new is added, yet the documents found already stored are counted again.
    assert (again.added, again.duplicates) == (0, 6)
    assert db.conn.execute(flagged, [len(disclaimer)]).fetchone() == (6,)
    db.close()
