"""Control characters never enter the store, and whatever an older or hand-edited
database still holds reaches a terminal only as visible escapes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.changelog import user_action
from store.db import connect
from store.errors import ClaimdeskError
from store.labels import save_label, validate_label
from store.model import Label
from store.spans import create_span
from store.visible import visible
from tests.conftest import add_document

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
CLEAR = "\x1b[2J"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _corpus_with_hostile_names(folder: Path) -> Path:
    folder.mkdir()
    (folder / f"ok{OSC52}{CLEAR}.txt").write_text("Die Stadt meldet 11.000 Besucher.\n")
    (folder / f"empty{OSC52}{CLEAR}.txt").write_text("   \n")
    return folder


def test_file_names_with_escape_sequences_are_stored_clean_and_printed_visibly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus_with_hostile_names(tmp_path / "corpus")
    db_path = tmp_path / "c.db"
    assert main(["--db", str(db_path), "import", "-q", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\\x1b]52;c;aGVsbG8=\\x07" in err
    assert "\\x1b[2J" in err
    conn = sqlite3.connect(db_path)
    names = [row[0] for row in conn.execute("SELECT source_name FROM documents")]
    conn.close()
    assert names == ["ok.txt"]


def test_labels_notes_and_annotators_from_an_old_database_print_visibly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "old.db"
    db = connect(db_path)
    doc = add_document(db, "Die Stadt meldet 11.000 Besucher.")
    with user_action(db, "alice", "span") as action:
        create_span(action, doc, 0, 9, "CLAIM")
    # Written behind claimdesk's back, as an older version or another tool could have.
    db.execute("UPDATE spans SET annotator = ?, note = ?", [f"eve{OSC52}", f"see{CLEAR}\u202eevil"])
    db.execute("UPDATE labels SET description = ? WHERE name = 'CLAIM'", [f"claim{CLEAR}"])
    db.close()
    for command in (["labels"], ["stats"], ["agree"], ["export", "-f", "csv"]):
        monkeypatch.setattr("sys.stdout.isatty", lambda: True)
        main(["--db", str(db_path), *command])
        out, err = capsys.readouterr()
        assert not CONTROL.search(out + err), (command, out + err)
    assert main(["--db", str(db_path), "labels"]) == 0
    assert "claim\\x1b[2J" in capsys.readouterr().out


def test_a_stored_line_break_never_forges_report_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The reports were split at every line break before each line was escaped, so one in
    # a stored title printed a fake story line under the real one.
    db_path = tmp_path / "old.db"
    db = connect(db_path)
    first = add_document(db, "Die Stadt meldet 11.000 Besucher.", name="a.txt")
    second = add_document(db, "Die Stadt meldet 11.000 Besucher heute.", name="b.txt")
    for doc, who in ((first, "alice"), (second, "bob")):
        with user_action(db, who, "span") as action:
            create_span(action, doc, 0, 9, "CLAIM")
    db.close()
    assert main(["--db", str(db_path), "stories", "--refresh"]) == 0
    capsys.readouterr()
    db = connect(db_path)
    fake = "story-deadbeef00  FAKE STORY (99 document(s))"
    # Written behind claimdesk's back, as an older version or another tool could have.
    db.execute("UPDATE documents SET title = ?, outlet = ?", [f"Titel\n{fake}", "Out\nlet"])
    db.execute("UPDATE spans SET annotator = 'bo' || char(10) || 'b' WHERE annotator = 'bob'")
    db.close()
    for command in (["stories", "--all"], ["stats"], ["agree"]):
        assert main(["--db", str(db_path), *command]) == 0, command
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert not any(line.startswith(("story-deadbeef00", "let", "b ")) for line in lines), (
            command,
            out,
        )
        assert "\\x0a" in out, (command, out)
    # The table's columns line up around the escaped name.
    assert main(["--db", str(db_path), "agree"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "bo\\x0ab" in line]
    assert rows


def test_csv_into_a_pipe_stays_exact(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    db_path = tmp_path / "old.db"
    db = connect(db_path)
    doc = add_document(db, "Die Stadt meldet 11.000 Besucher.")
    with user_action(db, "alice", "span") as action:
        create_span(action, doc, 0, 9, "CLAIM")
    db.execute("UPDATE spans SET note = ?", [f"see{CLEAR}"])
    db.close()
    assert main(["--db", str(db_path), "export", "-f", "csv"]) == 0
    assert f"see{CLEAR}".encode() in capsysbinary.readouterr().out


def test_notes_and_imported_annotator_names_lose_their_controls() -> None:
    db = connect(":memory:")
    doc = add_document(db, "Die Stadt meldet 11.000 Besucher.")
    with user_action(db, "alice", "span") as action:
        span = create_span(
            action, doc, 0, 9, "CLAIM", note=f"a{OSC52}\nb{CLEAR}", annotator=f"bob{CLEAR}\n"
        )
    assert span.note == "a\nb"
    assert span.annotator == "bob"
    db.close()


@pytest.mark.parametrize("name", ["CLAIM\n", "CLAIM\r", "\nCLAIM", "CL\x1bAIM", "A" * 33])
def test_label_names_must_be_one_printable_line(name: str) -> None:
    with pytest.raises(ClaimdeskError, match="label name"):
        validate_label(Label(name, "#000000", None, "", 1))


@pytest.mark.parametrize("description", ["two\nlines", f"clear{CLEAR}", "x" * 301, "bidi\u202e"])
def test_label_descriptions_must_be_one_printable_line(description: str) -> None:
    db = connect(":memory:")
    with pytest.raises(ClaimdeskError, match="description"), user_action(db, "a", "x") as action:
        save_label(action, Label("NEW", "#000000", None, description, 9))
    db.close()


def test_a_label_file_with_a_line_break_in_a_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = tmp_path / "labels.toml"
    toml.write_text('[[label]]\nname = "CLAIM\\n"\ncolour = "#112233"\n', encoding="utf-8")
    assert main(["--db", str(tmp_path / "l.db"), "labels", "--load", str(toml)]) == 1
    err = capsys.readouterr().err
    assert "label name 'CLAIM\\n' must be" in err
    assert err.count("\n") == 1


def test_visible_escapes_every_control_and_keeps_text() -> None:
    assert visible(f"a{OSC52}b") == "a\\x1b]52;c;aGVsbG8=\\x07b"
    assert visible("x\u202ey\x9bz") == "x\\u202ey\\x9bz"
    assert visible("ä\tb\nc", keep_lines=True) == "ä\tb\nc"
    assert visible("ä\tb\nc") == "ä\\x09b\\x0ac"


def test_noncharacters_xml_cannot_hold_never_enter_the_store(tmp_path: Path) -> None:
    # U+FFFE and U+FFFF are legal in Python and in JSON but not in XML 1.0: the xmi export
    # of a whole corpus died on one text or note holding either.
    source = tmp_path / "a.jsonl"
    source.write_text(
        '{"id": "bad\\ufffe.txt", "title": "Titel \\uffff", "outlet": "Blatt\\ufffe",'
        ' "text": "Nicht\\ufffezeichen \\uffffhier. Die Stadt meldet 11.000 Besucher."}\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "n.db"
    assert main(["--db", str(db_path), "import", "-q", str(source)]) == 0
    db = connect(db_path)
    ((doc, name, title, outlet, text),) = db.conn.execute(
        "SELECT id, source_name, title, outlet, text FROM documents"
    )
    assert (name, title, outlet) == ("bad.txt", "Titel", "Blatt")
    assert text == "Nichtzeichen hier. Die Stadt meldet 11.000 Besucher."
    start = text.index("Stadt")
    with user_action(db, "alice", "span") as action:
        span = create_span(action, doc, start, start + 5, "CLAIM", note="see \ufffe\uffffthis")
    # Offsets are code points of the stored text, so the span still covers its word.
    assert (span.quote, span.note) == ("Stadt", "see this")
    db.close()


def test_visible_escapes_the_noncharacters_an_older_database_may_hold() -> None:
    assert visible("a\ufffeb\uffffc") == "a\\ufffeb\\uffffc"
