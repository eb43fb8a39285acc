"""``claimdesk agree``: the table, the JSON, the filters and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.session import Session
from tests.conftest import add_document_to_file

TEXT = "Alpha beta gamma delta."


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "agree.db"
    doc = add_document_to_file(path, TEXT, "one.txt")
    add_document_to_file(path, "Another text entirely.", "two.txt")
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        alice.add_span(doc, 0, 10, "CLAIM")
        bob.add_span(doc, 0, 10, "CLAIM")
        bob.add_span(doc, 11, 16, "FIGURE")
    with Session(path, "gold") as gold:
        gold.add_span(doc, 0, 10, "CLAIM")
    return path


def test_table_is_plain_text_with_every_section(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "agree"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # no colour codes when not a terminal
    assert "annotators  alice bob" in out  # gold left out by default
    for heading in ("Spans per label", "Cohen's kappa", "Krippendorff's alpha", "Link decisions"):
        assert heading in out
    claim = next(line for line in out.splitlines() if line.startswith("CLAIM ") and "alice" in line)
    assert claim.split()[3:8] == ["1", "1", "1.000", "1.000", "1.000"]
    pair = next(line for line in out.splitlines() if line.startswith("alice") and "0.667" in line)
    assert pair.split() == ["alice", "bob", "1", "5", "0.800", "0.667"]


def test_json_and_filters(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--db", str(db_path), "agree", "--annotators", "alice", "gold", "--label", "CLAIM"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotators"] == ["alice", "gold"]
    assert data["labels"] == ["CLAIM"]
    assert data["pairs"][0]["kappa"] == pytest.approx(1.0)
    assert data["alpha"] == pytest.approx(1.0)
    # A document nobody annotated: nothing to compare, so every statistic is null, not 0.
    assert main(["--db", str(db_path), "agree", "--doc", "two.txt", "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert empty["documents"] == 0
    assert empty["pairs"][0]["kappa"] is None
    assert empty["alpha"] is None


def test_errors_are_one_line_with_exit_1(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "agree", "--label", "NOPE"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("claimdesk: unknown label 'NOPE'")
    assert main(["--db", str(db_path), "agree", "--annotators", "alice"]) == 1
    assert "at least two annotators" in capsys.readouterr().err
    assert main(["--db", str(db_path), "agree", "--doc", "missing.txt"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_a_mistyped_annotator_is_refused_not_reported_as_disagreeing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "alcie" got a row of zeros, which reads as an annotator who agreed with nobody.
    assert main(["--db", str(db_path), "agree", "--annotators", "alcie", "bob"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "claimdesk: annotator 'alcie' has no spans, finished documents or link decisions"
        " (annotators: alice, bob"
    )
    assert captured.err.count("\n") == 1


def test_gold_name_from_the_config_file_is_left_out(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('gold_name = "bob"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    assert main(["--db", str(db_path), "agree", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["annotators"] == ["alice", "gold"]
    assert main(["--db", str(db_path), "agree", "--gold-name", "gold", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["annotators"] == ["alice", "bob"]
