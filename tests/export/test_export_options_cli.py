"""The options this change adds, through the CLI: --label-config and --ls-users for
label-studio, and the pairs folder."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.export.output import MARKER


def test_label_config_is_written_with_the_export(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.xml"
    code = main(
        [
            "export",
            "--db",
            str(fixed_db_path),
            "--format",
            "label-studio",
            "--out",
            str(tmp_path / "ls.json"),
            "--label-config",
            str(config),
        ]
    )
    assert code == 0
    text = config.read_text(encoding="utf-8")
    assert '<Labels name="label" toName="text">' in text
    assert '<Label value="CLAIM"' in text
    assert "meta.annotator" in capsys.readouterr().err


def test_label_config_needs_label_studio(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["export", "--db", str(fixed_db_path), "--format", "csv", "--label-config", "x.xml"]
    )
    assert code == 1
    assert "--label-config goes with --format label-studio" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fmt", "option", "owner"),
    [
        ("markdown", ["--excel"], "csv"),
        ("csv", ["--conll-label", "CLAIM"], "conll"),
        ("doccano", ["--tokens"], "jsonl"),
        ("jsonl", ["--relations"], "doccano"),
        ("conll", ["--align", "expand"], "spacy"),
        ("label-studio", ["--gold", "gold"], "spacy"),
        ("csv", ["--with-meta"], "pairs"),
    ],
)
def test_an_option_of_another_format_is_refused_not_ignored(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    option: list[str],
    owner: str,
) -> None:
    out = tmp_path / "out"
    code = main(["export", "--db", str(fixed_db_path), "-f", fmt, "--out", str(out), *option])
    assert code == 1
    assert f"{option[0]} goes with --format {owner}" in capsys.readouterr().err
    assert not out.exists()


def _label_studio(database: Path, out: Path, config: Path, *options: str) -> int:
    command = ["export", "--db", str(database), "-f", "label-studio", "--out", str(out)]
    return main([*command, "--label-config", str(config), *options])


def test_an_existing_label_config_is_refused_before_the_tasks_are_written(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The config was checked only when its turn came: exit status 1, and the task file
    # already written.
    config = tmp_path / "config.xml"
    config.write_text("<View/>\n", encoding="utf-8")
    tasks = tmp_path / "tasks.json"
    assert _label_studio(fixed_db_path, tasks, config) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {config}: already exists; use --force to replace it\n"
    )
    assert not tasks.exists()
    assert config.read_text(encoding="utf-8") == "<View/>\n"


@pytest.mark.parametrize("failing", [1, 2])
def test_a_full_disk_leaves_neither_the_task_list_nor_the_label_config(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failing: int,
) -> None:
    # Written after the tasks, a config the disk had no room for left exit status 1 with
    # the task file in place. Now the first sync is the config's, the second the tasks'.
    real = os.fsync
    calls = 0

    def full_at_one_call(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", full_at_one_call)
    config, tasks = tmp_path / "config.xml", tmp_path / "tasks.json"
    assert _label_studio(fixed_db_path, tasks, config) == 1
    named = config if failing == 1 else tasks
    assert capsys.readouterr().err == (
        f"claimdesk: {named}: cannot write (the disk is full); nothing was written\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db") == []


@pytest.mark.parametrize("spelling", ["same", "dotted", "link"])
def test_a_label_config_naming_the_task_file_is_refused_even_with_force(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
) -> None:
    # The config replaced the task list it was written after, and the summary still said
    # the tasks were exported there.
    monkeypatch.chdir(tmp_path)
    tasks = tmp_path / "tasks.json"
    tasks.write_text("[]\n", encoding="utf-8")
    config = {"same": tasks, "dotted": Path("./tasks.json"), "link": tmp_path / "link.json"}
    if spelling == "link":
        config["link"].symlink_to(tasks)
    assert _label_studio(fixed_db_path, tasks, config[spelling], "--force") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.endswith(": is also --out; --label-config must name another file\n")
    assert tasks.read_text(encoding="utf-8") == "[]\n"


def test_bad_users_file_is_one_line(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.json"
    users.write_text("[1, 2]", encoding="utf-8")
    out = tmp_path / "ls.json"
    code = main(
        [
            "export",
            "--db",
            str(fixed_db_path),
            "-f",
            "label-studio",
            "-o",
            str(out),
            "--ls-users",
            str(users),
        ]
    )
    assert code == 1
    assert "must be a JSON object" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"alice": "\\ud800@example.org"}', "half of a UTF-16 surrogate pair"),
    ],
)
def test_a_users_file_json_cannot_hold_is_one_line(
    fixed_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    reason: str,
) -> None:
    # json.loads let both through: RecursionError at once, and the lone surrogate as a
    # UnicodeEncodeError while writing the export; each an "unexpected error".
    users = tmp_path / "users.json"
    users.write_text(content, encoding="utf-8")
    out = tmp_path / "ls.json"
    args = ["export", "--db", str(fixed_db_path), "-f", "label-studio", "-o", str(out)]
    assert main([*args, "--ls-users", str(users)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"claimdesk: {users}: --ls-users file is not JSON: ")
    assert reason in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_a_huge_name_in_the_users_file_is_quoted_short(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The name was echoed whole: a 10,000-character name gave a 10,000-character line.
    users = tmp_path / "users.json"
    users.write_text(f'{{"{"u" * 10_000}": null}}', encoding="utf-8")
    out = tmp_path / "ls.json"
    args = ["export", "--db", str(fixed_db_path), "-f", "label-studio", "-o", str(out)]
    assert main([*args, "--ls-users", str(users)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"claimdesk: {users}: --ls-users entry '{'u' * 37}…' must be a user id number"
        " or an e-mail address\n"
    )
    assert not out.exists()


def test_pairs_writes_the_split_files_that_have_pairs_from_the_cli(
    fixed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs"
    args = ["export", "--db", str(fixed_db_path), "-f", "pairs", "-o", str(out)]
    assert main(args) == 0
    # The fixture's two link groups both hash to train.
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == ["train.jsonl"]
    err = capsys.readouterr().err
    assert "3 record(s)" in err
    for split in ("dev", "test"):
        assert (
            f"claimdesk: note: split {split} is empty (2 link group(s) in all);"
            f" {split}.jsonl not written"
        ) in err
    # Exporting again replaces the earlier export's folder, with --force only.
    assert main(args) == 1
    assert "use --force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    assert main(["export", "--db", str(fixed_db_path), "-f", "pairs"]) == 1
    assert "writes a folder" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_as_users_file_is_refused_not_waited_on(fixed_db_path: Path, tmp_path: Path) -> None:
    # read_text() on a FIFO without a writer waited for ever; run as a process so the old
    # behaviour fails by its timeout instead of hanging the suite.
    users = tmp_path / "users.json"
    os.mkfifo(users)
    out = tmp_path / "ls.json"
    command = ["export", "-f", "label-studio", "-o", str(out), "--ls-users", str(users)]
    done = subprocess.run(
        [sys.executable, "-m", "claimdesk", "--db", str(fixed_db_path), *command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"claimdesk: {users}: --ls-users file: cannot read: not a regular file\n"
    assert not out.exists()
