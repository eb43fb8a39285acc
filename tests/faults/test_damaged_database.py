"""Damaged, foreign, newer and missing databases: one line naming the file from every
command, never a traceback, nothing created or modified; ``claimdesk check`` finds them."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import store.check
from claimdesk.cli import main
from store.migrations import SCHEMA_VERSION
from tests.conftest import add_document_to_file

PAGE = 4096
COMMANDS = [["stats"], ["export", "-f", "jsonl"], ["agree"], ["check"], ["labels"]]


def _database(path: Path, documents: int = 30) -> Path:
    for number in range(documents):
        add_document_to_file(path, f"Satz {number} mit Inhalt. " * 300, name=f"d{number}.txt")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _one_line_naming(err: str, path: Path) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith(f"claimdesk: {path}")
    assert "Traceback" not in err


def test_damaged_pages_give_one_line_from_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _database(tmp_path / "d.db")
    data = bytearray(path.read_bytes())
    for page in range(3, 8):
        data[(page - 1) * PAGE : (page - 1) * PAGE + 100] = b"\xff" * 100
    path.write_bytes(bytes(data))
    for command in COMMANDS:
        code = main(["--db", str(path), *command])
        err = capsys.readouterr().err
        assert code == 1, command
        _one_line_naming(err, path)
        assert ".recover" in err
    assert main(["--db", str(path), "check"]) == 1
    assert "integrity" in capsys.readouterr().out


def test_check_lists_each_problem_of_a_damaged_page_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # SQLite reports several problems in one row, after "*** in database main ***", one a
    # line: printed whole, its line breaks came out as \x0a escapes on one line.
    path = _database(tmp_path / "f.db")
    data = bytearray(path.read_bytes())
    data[20000:20200] = bytes(b ^ 255 for b in data[20000:20200])
    path.write_bytes(bytes(data))
    assert main(["--db", str(path), "check"]) == 1
    out = capsys.readouterr().out
    integrity = next(line for line in out.splitlines() if line.startswith("integrity"))
    assert "problem(s): " in integrity
    assert "\\x0a" not in out
    assert "*** in database" not in out
    shown = integrity.split("problem(s): ")[1].split("; ")
    assert len(shown) == min(3, int(integrity.split()[1]))


def test_text_that_is_not_utf8_gives_one_line_and_check_finds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _database(tmp_path / "u.db", documents=2)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET title = CAST(X'41ff42' AS TEXT) WHERE id = 1")
    conn.execute("UPDATE documents SET outlet = CAST(X'ff' AS TEXT) WHERE id = 2")
    conn.commit()
    conn.close()
    for command in (["stats"], ["export", "-f", "jsonl"]):
        assert main(["--db", str(path), *command]) == 1
        err = capsys.readouterr().err
        _one_line_naming(err, path)
        assert "not UTF-8" in err
    assert main(["--db", str(path), "check"]) == 1
    out = capsys.readouterr().out
    assert "text encoding    2 problem(s): documents.outlet of row 2" in out or (
        "text encoding    2 problem(s): documents.title of row 1" in out
    )


def _database_at_schema(path: Path, version: int) -> Path:
    """A database of one document whose ``user_version`` says ``version``."""
    _database(path, documents=1)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return path


def test_a_newer_schema_is_named_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _database_at_schema(tmp_path / "new.db", SCHEMA_VERSION + 1)
    before = path.read_bytes()
    for command in [*COMMANDS, ["read"]]:
        assert main(["--db", str(path), *command]) == 1
        err = capsys.readouterr().err
        _one_line_naming(err, path)
        assert "is newer than this claimdesk knows" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("version", [-1, -(2**31)])
def test_a_negative_schema_is_named_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: int
) -> None:
    # Migrating from -1 ran MIGRATIONS[-1], failed on "table documents already exists"
    # and set the version to 0; check found no problem.
    path = _database_at_schema(tmp_path / "negative.db", version)
    before = path.read_bytes()
    for command in [*COMMANDS, ["read"], ["import", str(tmp_path / "missing.txt")]]:
        assert main(["--db", str(path), *command]) == 1, command
        err = capsys.readouterr().err
        _one_line_naming(err, path)
        assert f"database schema {version} is not one claimdesk writes" in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["negative.db"]


def test_someone_elses_sqlite_file_is_refused_without_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    conn.execute("INSERT INTO accounts (owner) VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    others = [["import", "--sample"], ["link"], ["read"], ["backup", str(tmp_path / "b")]]
    for command in [*COMMANDS, *others]:
        assert main(["--db", str(path), *command]) == 1, command
        err = capsys.readouterr().err
        _one_line_naming(err, path)
        assert "not a claimdesk database" in err
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_a_file_that_is_not_sqlite_is_refused_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database\n" * 50, encoding="utf-8")
    for command in [*COMMANDS, ["read"]]:
        assert main(["--db", str(path), *command]) == 1
        captured = capsys.readouterr()
        _one_line_naming(captured.err, path)
        # check said "integrity 1 problem(s): cannot read the schema" and advised a backup.
        assert captured.err.endswith(": not an SQLite database file; left unchanged\n")
        assert captured.out == ""
    assert path.read_text(encoding="utf-8") == "my notes, not a database\n" * 50


def test_check_names_an_empty_file_a_tableless_database_and_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # check took an empty file or a database without tables for a damaged claimdesk
    # database ("2 problem(s): no such table: spans ... restore a backup"), and a
    # folder for a missing file.
    empty = tmp_path / "empty.db"
    empty.touch()
    tableless = tmp_path / "tableless.db"
    sqlite3.connect(tableless).execute("VACUUM").connection.close()
    expected = {
        empty: "is an empty file, not a claimdesk database",
        tableless: "not a claimdesk database (it has no tables)",
        tmp_path: "is a folder, not a database file",
    }
    for path, reason in expected.items():
        before = path.read_bytes() if path.is_file() else None
        assert main(["--db", str(path), "check"]) == 1
        captured = capsys.readouterr()
        assert (captured.out, captured.err) == ("", f"claimdesk: {path}: {reason}\n")
        assert (path.read_bytes() if path.is_file() else None) == before


@pytest.mark.parametrize("command", [*COMMANDS[:4], ["read"]])
def test_read_only_commands_never_create_a_folder_or_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    path = tmp_path / "missing" / "dir" / "x.db"
    assert main(["--db", str(path), *command]) == 1
    _one_line_naming(capsys.readouterr().err, path)
    assert not (tmp_path / "missing").exists()


def test_read_naming_documents_in_a_mistyped_database_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.db"
    assert main(["--db", str(path), "read", "report.md"]) == 1
    _one_line_naming(capsys.readouterr().err, path)
    assert list(tmp_path.iterdir()) == []


def test_check_passes_a_sound_database_and_finds_broken_offsets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.db"
    add_document_to_file(path, "Die Stadt meldet 11.000 Besucher.")
    assert main(["--db", str(path), "--annotator", "alice", "export", "-f", "jsonl"]) == 0
    conn = sqlite3.connect(path)
    conn.execute(
        'INSERT INTO spans (id, doc_id, start, "end", quote, label, annotator, created_at,'
        " updated_at) VALUES ('s1', 1, 4, 9, 'Stadt', 'CLAIM', 'alice', 'now', 'now')"
    )
    conn.commit()
    capsys.readouterr()
    assert main(["--db", str(path), "check"]) == 0
    out = capsys.readouterr().out
    assert "span offsets     ok (1 checked)" in out
    assert out.endswith(f"{path}: no problems found\n")
    # The text changes under the span (as a hand edit or a bad tool would do it).
    conn.execute("UPDATE documents SET text = 'Das Land meldet 11.000 Besucher.'")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "check"]) == 1
    out, err = capsys.readouterr()
    assert "span offsets     1 problem(s): id s1" in out
    assert "sqlite3 DB '.recover'" in err


def test_check_names_documents_holding_characters_xml_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Import kept U+FFFE and U+FFFF before: such a database passed check, and its xmi
    # export died naming no document.
    path = tmp_path / "x.db"
    add_document_to_file(path, "Nichtzeichen hier.", name="ok.txt")
    add_document_to_file(path, "Nichtzeichen dort.", name="bad\u202e.txt")
    conn = sqlite3.connect(path)
    conn.execute(
        'INSERT INTO spans (id, doc_id, start, "end", quote, label, annotator, created_at,'
        " updated_at, note) VALUES ('s1', 2, 0, 5, 'Nicht', 'CLAIM', 'alice', 'now', 'now',"
        " 'see ' || char(65535))"
    )
    conn.execute(
        "UPDATE documents SET text = 'Nicht' || char(65534) || 'zeichen dort.' WHERE id = 2"
    )
    conn.execute("UPDATE documents SET title = 'Titel' || char(7) WHERE id = 1")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "check"]) == 1
    out, err = capsys.readouterr()
    assert (
        "xml characters   3 problem(s): document #1 ok.txt: title holds U+0007 at 5;"
        " document #2 bad\\u202e.txt: text holds U+FFFE at 5;"
        " span s1 of document #2 bad\\u202e.txt: note holds U+FFFF at 4"
    ) in out
    assert "U+FFFD" in out
    # No damage: restoring a backup would not help.
    assert err == f"claimdesk: {path}: 3 problem(s) found\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", [["stats"], ["check"], ["labels"], ["export", "-f", "jsonl"]])
def test_a_fifo_as_the_database_is_refused_not_waited_on(
    tmp_path: Path, command: list[str]
) -> None:
    # Reading the header of a FIFO without a writer waited for ever; run as a process so
    # the old behaviour fails by its timeout instead of hanging the suite.
    path = tmp_path / "claims.db"
    os.mkfifo(path)
    done = subprocess.run(
        [sys.executable, "-m", "claimdesk", "--db", str(path), *command],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"claimdesk: {path}: is a FIFO, device or socket, not a database file\n"


def test_check_reports_a_schema_holding_bytes_that_are_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The decoding error escaped the check as a damaged database, whose message told the
    # user to run the very check that had just failed.
    path = _database_at_schema(tmp_path / "bytes.db", SCHEMA_VERSION)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE stray (a)")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET name = CAST(X'7374FF' AS TEXT) WHERE name = 'stray'")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "check"]) == 1
    captured = capsys.readouterr()
    assert "cannot read the schema: text that is not UTF-8" in captured.out
    assert "run claimdesk check" not in captured.err
    assert captured.err.count("\n") == 1


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 command")
def test_the_recovery_the_message_gives_makes_a_database_check_passes(tmp_path: Path) -> None:
    # The message's recipe is run as a user would, with the sqlite3 this machine has:
    # `.recover` of Debian 12's 3.40.1 fails on every database and left NEW.db empty.
    path = tmp_path / "sound.db"
    add_document_to_file(path, "Die Stadt meldet 11.000 Besucher. Der Pegel sinkt.", "a.txt")
    version = subprocess.run(
        ["sqlite3", "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    recover = tuple(int(part) for part in version.split(".")[:2]) >= (3, 41)
    command = "'.recover'" if recover else ".dump"
    assert (".recover" if recover else ".dump") in store.check.RECOVERY_HINT
    new = tmp_path / "new.db"
    subprocess.run(f"sqlite3 {path} {command} | sqlite3 {new}", shell=True, check=True, timeout=60)
    assert main(["--db", str(new), "check"]) == 0


WRITING = [
    ["import", "NEW"],
    ["labels", "--load", "LABELS"],
    ["link"],
    ["import-annotations", "SPANS"],
    ["import-links", "LINKS"],
]


@pytest.mark.parametrize(
    "command", WRITING, ids=lambda c: c[0] + ("-load" if "--load" in c else "")
)
def test_bulk_writes_refuse_a_damaged_file_before_writing_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # Damage inside pages no write needs: import stored a document into the file every
    # reading command refused as damaged and failed only after, and labels --load
    # stored its label and said nothing.
    path = _database(tmp_path / "d.db")
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    for page in range(pages // 2, pages // 2 + 2):
        for offset in range((page - 1) * PAGE + 8, page * PAGE, 97):
            data[offset] = (offset * 31) % 256
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    (tmp_path / "NEW").write_text(
        "Der Bürgermeister sagte am Montag, 300 Menschen seien in Sicherheit.\n"
    )
    (tmp_path / "LABELS").write_text('[[label]]\nname = "ZZ"\ncolour = "#123456"\n')
    (tmp_path / "SPANS").write_text(
        '{"meta": {"source": "d1.txt"}, "spans": [{"start": 0, "end": 4, "label": "CLAIM"}]}\n'
    )
    (tmp_path / "LINKS").write_text(
        '{"a": {"doc": "d1.txt", "start": 0, "end": 20, "text": "Satz 1 mit Inhalt. S"},'
        ' "b": {"doc": "d2.txt", "start": 0, "end": 20, "text": "Satz 2 mit Inhalt. S"},'
        ' "status": "accepted"}\n'
    )
    argv = [str(tmp_path / part) if part.isupper() else part for part in command]
    code = main(["--db", str(path), *argv])
    err = capsys.readouterr().err
    assert code == 1
    _one_line_naming(err, path)
    assert "is damaged" in err
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["stats"],
        ["stats", "--json"],
        ["export", "-f", "jsonl"],
        ["agree"],
        ["labels"],
        ["stories"],
    ],
    ids=lambda command: "-".join(command),
)
def test_reading_commands_never_write_a_stray_log_into_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # A -wal that is not this file's (copied in, or left from before a backup was copied
    # over the file) was checkpointed into it when the command's connection closed: 30
    # documents truncated to the other file's few pages, and the -wal that moving aside
    # would have undone all of it was gone. check was mended first; stats, export, agree,
    # labels and stories, the commands a user runs before check, did it still.
    path = _database(tmp_path / "big.db")
    # Grouped already, as after any import: listing the stories then writes nothing.
    main(["--db", str(path), "stories", "--refresh"])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    other = tmp_path / "other.db"
    add_document_to_file(other, "Ein anderer Text.", name="x.txt")
    writer = sqlite3.connect(other)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE labels SET description = 'other' WHERE name = 'CLAIM'")
    writer.commit()
    shutil.copy(f"{other}-wal", f"{path}-wal")
    writer.close()
    before = path.read_bytes()
    main(["--db", str(path), *command])
    capsys.readouterr()
    assert path.read_bytes() == before
    assert Path(f"{path}-wal").exists()
    # Moved aside, the log leaves the file whole.
    Path(f"{path}-wal").rename(tmp_path / "stray-wal")
    Path(f"{path}-shm").unlink(missing_ok=True)
    assert main(["--db", str(path), "check"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_a_stray_log_of_an_older_schema_is_not_written_into_the_file_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The schema version read through the log was older, so stats opened the file
    # read-write to upgrade it, which copied the log in: the truncation again.
    path = _database(tmp_path / "big.db")
    kept = path.read_bytes()
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    writer.commit()
    shutil.copy(f"{path}-wal", tmp_path / "log")
    writer.close()
    path.write_bytes(kept)
    shutil.copy(tmp_path / "log", f"{path}-wal")
    Path(f"{path}-shm").unlink(missing_ok=True)
    for command in (["stats"], ["export", "-f", "jsonl"], ["agree"], ["labels"]):
        assert main(["--db", str(path), *command]) == 1
        err = capsys.readouterr().err
        assert "which a command that only reads does not do while a -wal lies beside" in err
        assert path.read_bytes() == kept, command
        assert Path(f"{path}-wal").read_bytes() == (tmp_path / "log").read_bytes()


def test_a_damaged_search_index_is_rebuilt_not_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The index holds nothing the documents do not; "restore a backup" for it threw away
    # every change since the backup.
    path = _database(tmp_path / "i.db", documents=5)
    conn = sqlite3.connect(path)
    conn.execute(
        "DELETE FROM documents_fts_data WHERE id IN"
        " (SELECT id FROM documents_fts_data ORDER BY id DESC LIMIT 3)"
    )
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "check"]) == 1
    captured = capsys.readouterr()
    assert "full-text index  1 problem(s)" in captured.out
    assert "rebuilt from the documents, losing nothing" in captured.out
    assert "restore a backup" not in captured.out + captured.err
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('rebuild')")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "check"]) == 0
