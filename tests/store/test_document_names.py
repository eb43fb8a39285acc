"""Document names typed on the command line: names and prefixes first, ids only as #ID."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.document_names import AmbiguousName, resolve_document_id
from store.errors import NotFound
from store.session import Session
from tests.conftest import add_document

NAMES = ["000_flut.txt", "001_wahl.txt", "002_bahn.txt", "003_zoo.txt", "004_messe.txt"]


@pytest.fixture
def numbered_db(tmp_path: Path) -> Path:
    """Numbered articles imported in name order: id 4 is 003_…, not 004_…."""
    folder = tmp_path / "Kurier"
    folder.mkdir()
    for number, name in enumerate(NAMES):
        body = f"Artikel Nummer {number} über {name[4:-4]}. Die Stadt meldet {number}.700 Gäste."
        (folder / name).write_text(body + "\n", encoding="utf-8")
    (folder / "0045_extra.txt").write_text("Ein Nachtrag zur Messe.\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", "-q", str(folder)]) == 0
    return db


def ids_by_name(db: Path) -> dict[str, int]:
    with Session(db, "t") as session:
        return {d.source_name: d.id for d in session.documents()}


def test_bare_numbers_are_prefixes_not_ids(numbered_db: Path) -> None:
    ids = ids_by_name(numbered_db)
    assert ids["003_zoo.txt"] == 4  # the trap: id 4 is not the document named 004…
    with Session(numbered_db, "t") as session:
        assert resolve_document_id(session.db, "001") == ids["001_wahl.txt"]
        assert resolve_document_id(session.db, "004_") == ids["004_messe.txt"]
        assert resolve_document_id(session.db, "004_messe.txt") == ids["004_messe.txt"]


def test_ids_only_with_hash_or_id_prefix(numbered_db: Path) -> None:
    ids = ids_by_name(numbered_db)
    with Session(numbered_db, "t") as session:
        assert resolve_document_id(session.db, "#4") == ids["003_zoo.txt"]
        assert resolve_document_id(session.db, "id:4") == ids["003_zoo.txt"]
        assert resolve_document_id(session.db, "ID:6") == ids["004_messe.txt"]
        with pytest.raises(NotFound, match="no document with id 99"):
            resolve_document_id(session.db, "#99")
        with pytest.raises(NotFound, match=r"no document named '99' \(an id is written #99\)"):
            resolve_document_id(session.db, "99")


@pytest.mark.parametrize(
    "typed", ["#9223372036854775808", "id:" + "9" * 30, "#" + "9" * 5000, "#\u0663"]
)
def test_an_id_past_sqlites_integers_or_in_other_digits_is_not_found(
    numbered_db: Path, typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Past 2**63 - 1 SQLite raised OverflowError binding the id, and int() a ValueError
    # past 4,300 digits: both ended `read`, `export --doc` and `stories --move` with an
    # "unexpected error". "#٣" (an Arabic-Indic 3) opened document 3.
    with Session(numbered_db, "t") as session, pytest.raises(NotFound, match="no document"):
        resolve_document_id(session.db, typed)
    assert main(["--db", str(numbered_db), "export", "-f", "jsonl", "--doc", typed]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no document" in err
    assert "unexpected error" not in err


def test_exact_name_wins_over_a_longer_name_it_prefixes(numbered_db: Path, tmp_path: Path) -> None:
    extra = tmp_path / "more"
    extra.mkdir()
    record = {"id": "004", "text": "Ein Artikel, der nur 004 heißt."}
    (extra / "more.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["--db", str(numbered_db), "import", "-q", str(extra / "more.jsonl")]) == 0
    ids = ids_by_name(numbered_db)
    with Session(numbered_db, "t") as session:
        assert resolve_document_id(session.db, "004") == ids["004"]


def test_prefix_match_is_case_sensitive_and_literal(numbered_db: Path) -> None:
    with Session(numbered_db, "t") as session:
        with pytest.raises(NotFound):
            resolve_document_id(session.db, "00_")  # "_" is not a wildcard
        with pytest.raises(NotFound):
            resolve_document_id(session.db, "004_MESSE")


def test_ambiguous_prefix_lists_candidates(numbered_db: Path) -> None:
    with Session(numbered_db, "t") as session, pytest.raises(AmbiguousName) as info:
        resolve_document_id(session.db, "004")
    assert info.value.candidates == ["0045_extra.txt", "004_messe.txt"]
    with Session(numbered_db, "t") as session, pytest.raises(AmbiguousName) as many:
        resolve_document_id(session.db, "00")
    assert "6 documents start with it" in str(many.value)
    assert "and 1 more" in str(many.value)


def test_cli_ambiguity_is_one_line_and_non_zero(
    numbered_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(numbered_db), "read", "004"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "0045_extra.txt" in err
    assert "004_messe.txt" in err
    assert "Traceback" not in err


def test_export_and_link_use_the_same_resolver(
    numbered_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "one.jsonl"
    code = main(
        ["--db", str(numbered_db), "export", "--format", "jsonl", "--doc", "003", "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["source"] for r in records] == ["003_zoo.txt"]
    capsys.readouterr()
    assert main(["--db", str(numbered_db), "link", "-q", "--docs", "001", "002"]) == 0
    assert main(["--db", str(numbered_db), "link", "-q", "--docs", "004", "001"]) == 1
    assert "ambiguous" in capsys.readouterr().err


def test_bytes_that_are_not_utf8_pick_their_own_file_and_old_names_still_resolve(
    session: Session,
) -> None:
    typed_e9, typed_e8 = os.fsdecode(b"caf\xe9.txt"), os.fsdecode(b"caf\xe8.txt")
    db = session.db
    # Stored by an older claimdesk: U+FFFD for the byte 0xe9.
    before = add_document(db, "Ein alter Text.", name="caf\ufffd.txt")
    now = add_document(db, "Ein neuer Text.", name="caf\\xe8.txt")
    assert resolve_document_id(session, typed_e9) == before
    assert resolve_document_id(session, typed_e8) == now
    # The U+FFFD form is one for several file names: once a second file's document
    # holds it (under the outlet/name a clash gave it), the bytes typed pick neither.
    add_document(db, "Ein anderer alter Text.", name="outlet/caf\ufffd.txt")
    with pytest.raises(NotFound, match="ambiguous") as refused:
        resolve_document_id(session, typed_e9)
    assert "outlet/caf\ufffd.txt" in str(refused.value)
    assert "#ID" in str(refused.value)
    assert resolve_document_id(session, typed_e8) == now
    assert resolve_document_id(session, "caf\ufffd.txt") == before
