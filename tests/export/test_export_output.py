"""Where exports land: never on a database, existing outputs only with --force, folders
replaced only when an export made them, atomic writes, full disks and long names."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from claimdesk.cli import main
from store.changelog import user_action
from store.db import connect, write
from store.documents import insert_document
from store.errors import ClaimdeskError
from store.export import export
from store.export import output as export_output
from store.export.output import MARKER, short_file_stem
from store.formats import ParsedArticle
from store.spans import create_span


def _hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_never_writes_onto_the_database_or_its_companions(
    fixed_db_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    # An open connection keeps the -wal and -shm in place, as an annotator's reader would.
    holder = sqlite3.connect(fixed_db_path)
    holder.execute("SELECT count(*) FROM documents").fetchone()
    target = fixed_db_path.with_name(fixed_db_path.name + suffix)
    target.touch()
    before = target.read_bytes()
    for force in ([], ["--force"]):
        args = ["--db", str(fixed_db_path), "export", "-f", "csv", "--out", str(target), *force]
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "is the database" in err
        assert err.count("\n") == 1
    assert target.read_bytes() == before
    assert holder.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    holder.close()


def test_export_refuses_the_database_through_a_symlink_and_a_hard_link(
    fixed_db_path: Path, tmp_path: Path
) -> None:
    db = connect(fixed_db_path)
    link = tmp_path / "alias.csv"
    link.symlink_to(fixed_db_path)
    hard = tmp_path / "hard.csv"
    os.link(fixed_db_path, hard)
    for target in (link, hard):
        with pytest.raises(ClaimdeskError, match="is the database"):
            export(db, "csv", target, force=True)
    db.close()
    assert sqlite3.connect(fixed_db_path).execute("SELECT count(*) FROM documents").fetchone()


def test_export_never_replaces_any_sqlite_file(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    other = tmp_path / "someone-else.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(ClaimdeskError, match="is an SQLite database"):
        export(fixed_db, "jsonl", other, force=True)
    assert other.read_bytes() == before


def test_an_existing_file_is_replaced_only_with_force(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notes.csv"
    out.write_text("my own notes\n", encoding="utf-8")
    base = ["--db", str(fixed_db_path), "export", "-f", "csv", "--out", str(out)]
    assert main(base) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {out}: already exists; use --force to replace it\n"
    )
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    assert main([*base, "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("doc,outlet,start")
    assert _hidden_leftovers(tmp_path) == []


def test_brat_onto_an_article_folder_deletes_nothing_even_with_force(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "annotation.conf"):
        (corpus / name).write_text(f"article {name}\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    base = ["--db", str(fixed_db_path), "export", "-f", "brat", "--out", str(corpus)]
    for force in ([], ["--force"]):
        assert main([*base, *force]) == 1
        assert "claimdesk did not write" in capsys.readouterr().err
        assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before
    assert _hidden_leftovers(tmp_path) == []


def test_brat_replaces_its_own_folder_with_force_but_not_files_added_to_it(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    target = tmp_path / "brat"
    export(fixed_db, "brat", target)
    listed = (target / MARKER).read_text(encoding="utf-8").splitlines()[1:]
    written = [p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()]
    assert sorted(listed) == sorted(name for name in written if name != MARKER)
    assert any("/" in name for name in listed)  # the per-annotator folders' files
    export(fixed_db, "brat", target, force=True)
    (target / "mine.txt").write_text("added by hand", encoding="utf-8")
    with pytest.raises(ClaimdeskError, match=r"did not write \(mine.txt\)"):
        export(fixed_db, "brat", target, force=True)
    assert (target / "mine.txt").read_text(encoding="utf-8") == "added by hand"


def test_an_empty_folder_takes_a_brat_export_without_force(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    export(fixed_db, "brat", tmp_path / "empty")
    assert (tmp_path / "empty" / "annotation.conf").is_file()


def test_a_full_disk_gives_one_line_and_keeps_the_previous_file(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "spans.jsonl"
    out.write_text("previous\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_output.os, "fsync", full)
    args = ["--db", str(fixed_db_path), "export", "-f", "jsonl", "--out", str(out), "--force"]
    assert main(args) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {out}: cannot write (the disk is full); nothing was written\n"
    )
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert _hidden_leftovers(tmp_path) == []
    brat = ["--db", str(fixed_db_path), "export", "-f", "brat", "--out", str(tmp_path / "b")]
    assert main(brat) == 1
    assert "cannot write (the disk is full)" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
    assert _hidden_leftovers(tmp_path) == []


def test_exports_follow_the_umask(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        export(fixed_db, "jsonl", tmp_path / "a.jsonl")
        export(fixed_db, "brat", tmp_path / "brat")
    finally:
        os.umask(old)
    assert (tmp_path / "a.jsonl").stat().st_mode & 0o777 == 0o664
    assert (tmp_path / "brat").stat().st_mode & 0o777 == 0o775
    below = list((tmp_path / "brat").rglob("*"))
    assert {p.stat().st_mode & 0o777 for p in below if p.is_file()} == {0o664}
    assert {p.stat().st_mode & 0o777 for p in below if p.is_dir()} == {0o775}


def test_very_long_source_names_get_short_stable_file_names(tmp_path: Path) -> None:
    db = connect(":memory:")
    long_names = ["ä" * 5000 + ".txt", "ä" * 5000 + "b.txt"]
    with write(db):
        docs = [
            insert_document(db, ParsedArticle(name, f"Text number {number}.", outlet="o"))
            for number, name in enumerate(long_names)
        ]
    with user_action(db, "alice", "long names") as action:
        for doc in docs:
            assert doc is not None
            create_span(action, doc, 0, 4, "CLAIM", annotator="alice")
    export(db, "brat", tmp_path / "brat")
    names = sorted(p.name for p in (tmp_path / "brat" / "alice").iterdir())
    assert len(names) == 4  # two .txt, two .ann
    assert all(len(name.encode("utf-8")) <= 255 for name in names)
    export(db, "brat", tmp_path / "again")
    assert sorted(p.name for p in (tmp_path / "again" / "alice").iterdir()) == names
    db.close()


def test_short_file_stem_is_deterministic_and_bounded() -> None:
    assert short_file_stem("plain") == "plain"
    long = "€" * 300
    assert short_file_stem(long) == short_file_stem(long)
    assert short_file_stem(long) != short_file_stem(long + "x")
    assert len(short_file_stem(long).encode("utf-8")) <= 200


def test_out_through_a_link_writes_the_linked_file_and_keeps_the_link(
    fixed_db_path: Path, tmp_path: Path
) -> None:
    # Renamed onto the link, the export replaced the link with a file and left the
    # linked file as it was (as root, --out /dev/stdout --force replaced /dev/stdout).
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    command = ["--db", str(fixed_db_path), "export", "-f", "csv", "--out", str(link)]
    assert main(command) == 1  # the linked file exists: --force, as for the file itself
    assert main([*command, "--force"]) == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("doc,")
    folder = tmp_path / "brat-real"
    folder.mkdir()
    folder_link = tmp_path / "brat-link"
    folder_link.symlink_to(folder)
    assert (
        main(["--db", str(fixed_db_path), "export", "-f", "brat", "--out", str(folder_link)]) == 0
    )
    assert folder_link.is_symlink()
    assert (folder / "annotation.conf").is_file()
    assert _hidden_leftovers(tmp_path) == []


def test_a_link_to_a_pipe_is_refused_as_a_pipe(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "out.csv"
    link.symlink_to(fifo)
    command = ["--db", str(fixed_db_path), "export", "-f", "csv", "--out", str(link), "--force"]
    assert main(command) == 1
    assert "is a device, FIFO or socket" in capsys.readouterr().err
    assert link.is_symlink()
    assert fifo.exists()


@pytest.mark.parametrize("mode", ["r+b", "ab"])
def test_an_export_whose_stdout_is_the_live_database_is_refused(
    fixed_db_path: Path, mode: str
) -> None:
    # `export 1<> live.db` or `>> live.db` opens the database without truncating it: the
    # export wrote its CSV into the live database, exit status 0.
    import subprocess
    import sys

    before = fixed_db_path.read_bytes()
    code = "from claimdesk.cli import main; raise SystemExit(main())"
    with fixed_db_path.open(mode) as stdout:
        done = subprocess.run(
            [sys.executable, "-c", code, "--db", str(fixed_db_path), "export", "-f", "csv"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == (
        f"claimdesk: stdout: is the database ({fixed_db_path}); nothing was done"
        " (redirect the output to another file)\n"
    )
    assert fixed_db_path.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    [["stats"], ["stories", "--json"], ["labels"], ["check"], ["agree"], ["backup", "BACKUP"]],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize("stream", ["stdout", "stderr"])
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_no_command_writes_its_output_into_the_database(
    fixed_db_path: Path, tmp_path: Path, command: list[str], stream: str, suffix: str
) -> None:
    # Only export had this check: `stats 1<> live.db` overwrote the database's header with
    # its report, exit status 0, and every later command refused the file.
    import subprocess
    import sys

    target = fixed_db_path.with_name(fixed_db_path.name + suffix)
    target.touch()
    before = fixed_db_path.read_bytes(), target.read_bytes()
    argv = [part.replace("BACKUP", str(tmp_path / "b.db")) for part in command]
    code = "from claimdesk.cli import main; raise SystemExit(main())"
    with target.open("r+b") as into:
        done = subprocess.run(
            [sys.executable, "-c", code, "--db", str(fixed_db_path), *argv],
            stdout=into if stream == "stdout" else subprocess.PIPE,
            stderr=into if stream == "stderr" else subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 1
    assert (fixed_db_path.read_bytes(), target.read_bytes()) == before
    if stream == "stdout":
        err = done.stderr.decode()
        assert err.startswith("claimdesk: stdout: is the database"), err
        assert err.endswith("nothing was done (redirect the output to another file)\n"), err
    assert not (tmp_path / "b.db").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "ALIAS", "stats"],
        ["--db=ALIAS", "stats", "--bogus"],
        ["--db", "DB", "--version"],
        ["--db", "DB", "stats", "--help"],
        ["--db", "DB", "nosuchcommand"],
    ],
    ids=["symlinked-db", "usage-error", "version", "help", "unknown-command"],
)
@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_the_guard_holds_through_a_symlink_and_before_the_arguments_are_parsed(
    fixed_db_path: Path, tmp_path: Path, argv: list[str], stream: str
) -> None:
    # Through --db alias.db the guard looked for alias.db-wal, not the live.db-wal SQLite
    # writes, and `stats 1<> live.db-wal` overwrote the live log. A usage error, --help
    # and --version printed before the guard ran, over the database's header.
    import subprocess
    import sys

    alias = tmp_path / "alias.db"
    alias.symlink_to(fixed_db_path)
    wal = fixed_db_path.with_name(fixed_db_path.name + "-wal")
    wal.write_bytes(b"")
    target = wal if argv[1] == "ALIAS" or argv[0] == "--db=ALIAS" else fixed_db_path
    line = [part.replace("ALIAS", str(alias)).replace("DB", str(fixed_db_path)) for part in argv]
    before = fixed_db_path.read_bytes(), wal.read_bytes()
    code = "from claimdesk.cli import main; raise SystemExit(main())"
    with target.open("r+b") as into:
        done = subprocess.run(
            [sys.executable, "-c", code, *line],
            stdout=into if stream == "stdout" else subprocess.PIPE,
            stderr=into if stream == "stderr" else subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 1, done
    assert (fixed_db_path.read_bytes(), wal.read_bytes()) == before


@pytest.mark.parametrize("argv", [["stats", "--d", "DB"], ["--d=DB", "stats"]])
def test_an_abbreviated_option_is_refused_not_taken_for_db(
    fixed_db_path: Path, argv: list[str]
) -> None:
    # argparse took `--d live.db` for --db, while the guard, reading the line before
    # argparse, saw no --db: `stats --d live.db 1<> live.db` overwrote the database.
    import subprocess
    import sys

    line = [part.replace("DB", str(fixed_db_path)) for part in argv]
    before = fixed_db_path.read_bytes()
    code = "from claimdesk.cli import main; raise SystemExit(main())"
    with fixed_db_path.open("r+b") as into:
        done = subprocess.run(
            [sys.executable, "-c", code, *line], stdout=into, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 2
    assert fixed_db_path.read_bytes() == before


@pytest.mark.parametrize("here", ["target", "target/sub"])
def test_a_folder_export_never_replaces_the_working_folder(
    fixed_db_path: Path,
    tmp_path: Path,
    here: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --out . built its temporary folder inside "." and then called it foreign; given
    # as $PWD it replaced the folder, leaving the shell in a deleted one.
    (tmp_path / here).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / here)
    out = "." if here == "target" else ".."
    for given in (out, str(tmp_path / "target")):
        for force in ([], ["--force"]):
            argv = ["--db", str(fixed_db_path), "export", "-f", "xmi", "--out", given, *force]
            assert main(argv) == 1
            assert "is the working folder or holds it" in capsys.readouterr().err
    left = sorted((tmp_path / "target").rglob("*"))
    assert [p.relative_to(tmp_path).as_posix() for p in [tmp_path / "target", *left]] == (
        ["target"] if here == "target" else ["target", "target/sub"]
    )


def test_a_folder_of_empty_folders_is_not_taken_for_an_earlier_export(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    (tmp_path / "out" / "keep").mkdir(parents=True)
    for force in (False, True):
        with pytest.raises(ClaimdeskError, match=r"did not write \(keep/\)"):
            export(fixed_db, "xmi", tmp_path / "out", force=force)
    assert (tmp_path / "out" / "keep").is_dir()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "spacy"])
def test_a_file_format_refuses_an_out_ending_in_a_separator(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # Path() drops a trailing "/": "--out NAME/" wrote a file called NAME, and
    # "--out f.csv/ --force" replaced the file f.csv.
    new = f"{tmp_path / 'new'}/"
    assert main(["--db", str(fixed_db_path), "export", "-f", fmt, "--out", new]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {new}: names a folder; give a file name for --out\n"
    )
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "f.csv"
    kept.write_text("my own notes\n", encoding="utf-8")
    for typed in (f"{kept}/", f"{kept}/."):
        command = ["--db", str(fixed_db_path), "export", "-f", fmt, "--out", typed, "--force"]
        assert main(command) == 1
        assert "names a folder; give a file name for --out" in capsys.readouterr().err
    assert kept.read_text(encoding="utf-8") == "my own notes\n"
    assert _hidden_leftovers(tmp_path) == []


def test_a_folder_format_takes_an_out_ending_in_a_separator(
    fixed_db_path: Path, tmp_path: Path
) -> None:
    out = f"{tmp_path / 'brat'}/"
    assert main(["--db", str(fixed_db_path), "export", "-f", "brat", "--out", out]) == 0
    assert (tmp_path / "brat" / "annotation.conf").is_file()


def test_a_label_config_ending_in_a_separator_is_refused_before_the_tasks(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = tmp_path / "tasks.json"
    config = f"{tmp_path / 'config.xml'}/"
    command = ["--db", str(fixed_db_path), "export", "-f", "label-studio", "--out", str(tasks)]
    assert main([*command, "--label-config", config, "--force"]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {config}: names a folder; give a file name for --label-config\n"
    )
    assert not tasks.exists()
    assert not (tmp_path / "config.xml").exists()
