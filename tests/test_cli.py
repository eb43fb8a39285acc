"""The console command: help, exit codes, seeding, import and stats end to end."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk import __version__
from claimdesk.cli import build_parser, main
from store.paths import sample_corpus_path
from tests.conftest import add_document_to_file

REPO = Path(__file__).resolve().parent.parent


def subcommand_names() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return sorted(actions[0].choices)  # type: ignore[arg-type]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"claimdesk {__version__}"


@pytest.mark.parametrize("command", subcommand_names())
def test_every_subcommand_has_help_and_common_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"claimdesk {command}" in out
    assert "--db PATH" in out
    assert "--annotator NAME" in out


@pytest.mark.parametrize("command", subcommand_names())
def test_every_subcommand_is_in_the_readme(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`claimdesk {re.escape(command)}\b", readme), command


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "--no-such-flag"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_import_then_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(sample_corpus_path())]) == 0
    out = capsys.readouterr().out
    added = int(re.search(r"imported (\d+) new", out).group(1))  # type: ignore[union-attr]
    assert added >= 14
    assert main(["stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == added
    assert len(stats["documents_by_outlet"]) >= 5
    assert stats["sentences"] > stats["documents"] * 5
    assert {status for status, _ in stats["links_by_status"]} == {
        "suggested",
        "accepted",
        "rejected",
    }
    # Importing again adds nothing: the same texts are recognised by their hash.
    assert main(["--db", str(db), "import", str(sample_corpus_path())]) == 0
    assert "imported 0 new" in capsys.readouterr().out


def test_refused_file_gives_one_line_and_exit_1_but_the_rest_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "batch" / "Kurier"
    folder.mkdir(parents=True)
    (folder / "gut.txt").write_text("title: Gut\n\nDer Pegel sinkt wieder.\n", encoding="utf-8")
    (folder / "kaputt.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(tmp_path / "batch")]) == 1
    captured = capsys.readouterr()
    refused = [line for line in captured.err.splitlines() if "refused" in line]
    assert len(refused) == 1
    assert "kaputt.txt" in refused[0]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT source_name, outlet, title FROM documents").fetchall() == [
        ("gut.txt", "Kurier", "Gut")
    ]
    conn.close()


def test_missing_path_and_unsupported_type_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    code = main(["--db", str(tmp_path / "c.db"), "import", str(tmp_path / "nope"), str(pdf)])
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert any("nope: no such file or folder" in line for line in err)
    assert any("a.pdf: unsupported file type" in line for line in err)


def test_unknown_document_name_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", "-q", str(sample_corpus_path())]) == 0
    assert main(["--db", str(db), "read", "no-such-article.txt"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "claimdesk: no document named 'no-such-article.txt'"


def test_first_run_seeds_the_default_database(isolated_user_dirs: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claimdesk", "stats", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] >= 14
    db = isolated_user_dirs / "data" / "claimdesk" / "claimdesk.db"
    assert db.exists()
    assert not (db.parent / "claimdesk.db.seeding").exists()


def test_a_first_export_seeds_the_default_as_a_first_stats_does(
    isolated_user_dirs: Path, tmp_path: Path
) -> None:
    # A trainer's first command, an export, said "no such database" of a file they had
    # never heard of, while a first stats seeded it.
    out = tmp_path / "first.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "claimdesk", "export", "-q", "-f", "jsonl", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 14
    assert (isolated_user_dirs / "data" / "claimdesk" / "claimdesk.db").exists()


@pytest.mark.parametrize("command", [["check"], ["backup", "copy.db"]])
def test_check_and_backup_never_start_the_default_and_say_how_it_starts(
    isolated_user_dirs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    default = isolated_user_dirs / "data" / "claimdesk" / "claimdesk.db"
    assert capsys.readouterr().err == (
        f"claimdesk: {default}: no database here yet; claimdesk starts it on first use"
        " (run claimdesk, or claimdesk import FILES)\n"
    )
    assert not (isolated_user_dirs / "data").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [["stats"], ["agree"], ["labels"], ["stories"], ["link"], ["check"], ["export", "-f", "jsonl"]],
)
def test_claimdesk_db_naming_a_missing_file_is_refused_like_db(
    tmp_path: Path,
    isolated_user_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    # A team's database, mistyped or not yet mounted, was created with its folders and
    # filled with the sample corpus: stats showed the sample's numbers, exit 0.
    missing = tmp_path / "team" / "team.db"
    monkeypatch.setenv("CLAIMDESK_DB", str(missing))
    assert main(command) == 1
    assert capsys.readouterr().err == f"claimdesk: {missing}: no such database\n"
    assert list(tmp_path.iterdir()) == []
    assert not (isolated_user_dirs / "data").exists()


def test_claimdesk_db_is_started_by_import_and_holds_only_what_was_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.db"
    monkeypatch.setenv("CLAIMDESK_DB", str(team))
    article = tmp_path / "report.txt"
    article.write_text("The city counted 11,000 visitors. The mayor calls it provisional.\n")
    assert main(["import", "-q", "--no-stories", str(article)]) == 0
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1


def test_the_reader_starts_claimdesk_db_empty_as_it_does_a_new_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launched: list[Path] = []

    def fake_run_tui(path: Path, annotator: str, **kwargs: object) -> int:
        launched.append(path)
        return 0

    monkeypatch.setattr("tui.launch.run_tui", fake_run_tui)
    team = tmp_path / "team.db"
    monkeypatch.setenv("CLAIMDESK_DB", str(team))
    assert main([]) == 0
    assert launched == [team]
    conn = sqlite3.connect(team)
    assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    conn.close()
    # Never a folder, as with --db, and never when documents are named.
    nowhere = tmp_path / "no-such-folder" / "team.db"
    monkeypatch.setenv("CLAIMDESK_DB", str(nowhere))
    assert main([]) == 1
    assert capsys.readouterr().err == f"claimdesk: {nowhere}: no such database\n"
    assert not nowhere.parent.exists()


@pytest.mark.parametrize("command", [["stats"], ["import", "--sample"]])
def test_a_blank_claimdesk_db_is_refused_not_a_file_named_blank(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMDESK_DB", " ")
    assert main(command) == 1
    assert capsys.readouterr().err == (
        "claimdesk: $CLAIMDESK_DB is blank (' '); unset it or set it to a database file\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_labels_load_from_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = tmp_path / "labels.toml"
    labels.write_text(
        '[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\nhotkey = "6"\n'
        'description = "Unconfirmed report"\n',
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "RUMOUR" in out
    assert "CLAIM" in out
    labels.write_text('[[label]]\nname = "bad name"\ncolour = "red"\n', encoding="utf-8")
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"claimdesk: {labels}: [[label]] #1: label name 'bad name'")


@pytest.mark.parametrize(
    ("encoding", "error"),
    [
        ("utf-8-sig", None),
        ("utf-16", "is UTF-16; save it as UTF-8"),
        ("utf-32", "is UTF-32; save it as UTF-8"),
        ("cp1252", "cannot read: not UTF-8 text (invalid start byte at byte 63)"),
    ],
    ids=["utf-8 with mark", "utf-16", "utf-32", "cp1252"],
)
def test_labels_load_skips_a_byte_order_mark_and_names_a_wide_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, error: str | None
) -> None:
    # Notepad's UTF-8 mark was "not valid TOML: Invalid statement (at line 1, column 1)",
    # and UTF-16 "not valid TOML: 'utf-8' codec can't decode byte 0xff in position 0".
    labels = tmp_path / "labels.toml"
    labels.write_text(
        '[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\ndescription = "Gerücht"\n',
        encoding=encoding,
    )
    code = main(["--db", str(tmp_path / "c.db"), "labels", "--load", str(labels)])
    captured = capsys.readouterr()
    if error is None:
        assert code == 0
        assert "Gerücht" in captured.out
    else:
        assert (code, captured.err) == (1, f"claimdesk: {labels}: {error}\n")


def test_labels_load_appends_new_labels_and_refuses_a_taken_hotkey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file's own order (1, 2, ...) was each label's place, so RUMOUR landed between
    # CLAIM and FIGURE; and a hotkey another label held was taken silently, leaving two
    # labels on key 1.
    db = tmp_path / "c.db"
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\n', encoding="utf-8")
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split() == ["RUMOUR", "#aa5500"]
    labels.write_text('[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\nhotkey = "1"\n')
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {labels}: hotkey '1' of RUMOUR is CLAIM's already;"
        " give one of them another key\n"
    )
    # Checked as a whole, a file may hand CLAIM's key to RUMOUR while moving CLAIM.
    labels.write_text(
        '[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\nhotkey = "1"\n'
        '[[label]]\nname = "CLAIM"\ncolour = "#4ea1ff"\nhotkey = "6"\n'
    )
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split()[:2] == ["6", "CLAIM"]
    assert listed[-1].split()[:2] == ["1", "RUMOUR"]


def test_labels_load_keeps_what_the_file_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file that only recoloured CLAIM took its hotkey 1 and its description away,
    # silently: every load wrote all four columns.
    db = tmp_path / "c.db"
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "CLAIM"\ncolour = "#ff0000"\n', encoding="utf-8")
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "1  CLAIM        #ff0000  A checkable statement of fact made in the article."
    )
    # Given, a key is set; given empty, the hotkey and description are cleared.
    labels.write_text('[[label]]\nname = "CLAIM"\nhotkey = ""\ndescription = ""\n')
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == ["CLAIM", "#ff0000"]
    # A new label still needs its colour.
    labels.write_text('[[label]]\nname = "RUMOUR"\nhotkey = "6"\n')
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {labels}: [[label]] #1: new label 'RUMOUR' needs a 'colour'\n"
    )


@pytest.mark.parametrize("gold_name", [None, "curated"])
def test_the_reader_refuses_to_annotate_under_the_gold_name(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gold_name: str | None,
) -> None:
    # Spans made by hand as "gold" mixed into the curated set, and curation then refused
    # everyone because "gold annotates too".
    config = tmp_path / "config.toml"
    config.write_text(f'gold_name = "{gold_name}"\n' if gold_name else "", encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    launched: list[str] = []

    def fake_run_tui(path: Path, annotator: str, **kwargs: object) -> int:
        launched.append(annotator)
        return 0

    monkeypatch.setattr("tui.launch.run_tui", fake_run_tui)
    db = tmp_path / "c.db"
    gold = gold_name or "gold"
    assert main(["--db", str(db), "--annotator", f" {gold} ", "read"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"claimdesk: annotator '{gold}' is the name curated spans are")
    assert launched == []
    assert not db.exists()
    other = "gold" if gold_name else "alice"
    assert main(["--db", str(db), "--annotator", other, "read"]) == 0
    assert launched == [other]


def test_plain_claimdesk_takes_a_keymap_and_other_commands_refuse_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # --keymap existed only on `read`: plain `claimdesk --keymap vim` was a usage error.
    launched: list[object] = []

    def fake_run_tui(path: Path, annotator: str, **kwargs: object) -> int:
        launched.append(kwargs.get("keymap"))
        return 0

    monkeypatch.setattr("tui.launch.run_tui", fake_run_tui)
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "--keymap", "vim"]) == 0
    assert main(["--db", str(db), "--keymap", "emacs", "read"]) == 0
    assert main(["--db", str(db), "read", "--keymap", "vim"]) == 0
    assert launched == ["vim", "emacs", "vim"]
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(db), "--keymap", "vim", "stats"])
    assert stopped.value.code == 2
    assert "--keymap goes with the reader" in capsys.readouterr().err
    # An unset "$KEYMAP" is bad usage, not the working folder read as a keymap file.
    for line in (["--keymap", ""], ["--keymap="], ["read", "--keymap", ""]):
        with pytest.raises(SystemExit) as stopped:
            main(["--db", str(db), *line])
        assert stopped.value.code == 2
        assert "argument --keymap: an empty" in capsys.readouterr().err
    assert launched == ["vim", "emacs", "vim"]


def test_config_file_gives_the_annotator_and_the_label_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'annotator = "carla"\nlabel_file = "{labels.name}"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    monkeypatch.delenv("CLAIMDESK_ANNOTATOR", raising=False)
    launched: dict[str, object] = {}

    def fake_run_tui(path: Path, annotator: str, **kwargs: object) -> int:
        launched.update(path=path, annotator=annotator, **kwargs)
        return 0

    monkeypatch.setattr("tui.launch.run_tui", fake_run_tui)
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "read"]) == 0
    assert launched["annotator"] == "carla"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT colour FROM labels WHERE name = 'RUMOUR'").fetchone() == (
        "#aa5500",
    )
    conn.close()
    # An explicit --annotator still wins over the config file.
    assert main(["--db", str(db), "read", "--annotator", "dana"]) == 0
    assert launched["annotator"] == "dana"


def test_a_configured_label_file_that_fails_says_the_config_named_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The README's example config names labels.toml; copied as it is, the reader said
    # only "labels.toml: cannot read: no such file", and nothing about where that came from.
    config = tmp_path / "config.toml"
    config.write_text('label_file = "labels.toml"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    monkeypatch.setattr("tui.launch.run_tui", lambda *a, **k: pytest.fail("reader opened"))
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "read"]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {tmp_path / 'labels.toml'}: cannot read: no such file"
        f" (label_file in config {config})\n"
    )


def test_the_reader_works_as_the_stored_form_of_the_annotator_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader stores its spans and undo history under this name as given: a decomposed
    # "José" was a different annotator from the "José" that imported spans are stored as.
    launched: dict[str, object] = {}

    def fake_run_tui(path: Path, annotator: str, **kwargs: object) -> int:
        launched.update(annotator=annotator)
        return 0

    monkeypatch.setattr("tui.launch.run_tui", fake_run_tui)
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "read", "--annotator", " Jose\u0301  Maria "]) == 0
    assert launched["annotator"] == "Jos\u00e9 Maria"


def test_an_unexpected_error_is_one_line_and_the_traceback_goes_to_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimdesk.commands import stats_cmd

    def broken(_args: object) -> int:
        raise RuntimeError("the\ndefect")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(stats_cmd, "run", broken)
    assert main(["--db", str(tmp_path / "x.db"), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith("claimdesk: unexpected error: RuntimeError: the defect")
    log = tmp_path / "state" / "claimdesk" / "log" / "errors.log"
    assert str(log) in err
    assert "Traceback" in log.read_text(encoding="utf-8")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_first_run_says_what_it_is_doing_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.commands import common
    from store import seed

    def fake_seed(path: Path) -> None:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")

    monkeypatch.setattr(seed, "ensure_seeded", fake_seed)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    # A hostile data directory name is shown escaped, like every message.
    path = tmp_path / "data\x1b[2J" / "claimdesk.db"
    common.seed_default_database(path)
    told = terminal.getvalue()
    assert told.startswith("claimdesk: first run: filling ")
    assert "sample corpus" in told
    assert "\x1b" not in told
    # Once only, and never on a pipe (``stats --json 2>&1`` stays JSON).
    common.seed_default_database(path)
    assert terminal.getvalue() == told
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    common.seed_default_database(tmp_path / "other" / "claimdesk.db")
    assert piped.getvalue() == ""


def test_two_first_runs_at_once_seed_the_default_database_once(tmp_path: Path) -> None:
    # The reader and `stats` in another terminal, both on a first run: the second deleted
    # the first's side file and seeded its own, and the first failed with "the database
    # file was replaced by another while it was open".
    import threading

    from store import seed

    path = tmp_path / "data" / "claimdesk.db"
    results: list[object] = []
    failures: list[BaseException] = []

    def first_run() -> None:
        try:
            results.append(seed.ensure_seeded(path))
        except BaseException as error:
            failures.append(error)

    runs = [threading.Thread(target=first_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=300)
    assert failures == []
    assert sorted(result is None for result in results) == [False, True]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 33
    finally:
        conn.close()
    assert not path.with_name(path.name + ".seeding").exists()


@pytest.mark.parametrize("value", ["0", "-5"])
def test_import_max_chars_below_one_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # It was taken: every article was then refused, each with its own line, exit 1.
    article = tmp_path / "a.txt"
    article.write_text("Die Stadt meldet 11.000 Besucher.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(tmp_path / "c.db"), "import", "--max-chars", value, str(article)])
    assert exited.value.code == 2
    assert f"argument --max-chars: {value} must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize("value", ["65", "1000", "99999999999999999999"])
def test_link_workers_above_the_maximum_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # 99999999999999999999 gave "unexpected error: OverflowError" from the process pool,
    # and 1000 was taken: 1,000 forked copies of the linker at once.
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(tmp_path / "c.db"), "link", "--workers", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --workers: {value} is more than 64 (this machine has" in err
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize("hotkey", ["q", "0", "²", " ", "\u0661"])
def test_labels_load_refuses_a_hotkey_the_reader_never_binds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hotkey: str
) -> None:
    # The reader applies labels with the number keys 1-9 only: "q" was stored and listed
    # as QQ's key, yet pressing it did nothing, and "0" or "²" counted as keyed, so the
    # label had no key at all.
    db = tmp_path / "c.db"
    add_document_to_file(db, "Die Stadt meldet 11.000 Besucher.")
    assert main(["--db", str(db), "labels"]) == 0
    before = capsys.readouterr().out
    labels = tmp_path / "labels.toml"
    labels.write_text(
        f'[[label]]\nname = "QQ"\ncolour = "#aa5500"\nhotkey = "{hotkey}"\n', encoding="utf-8"
    )
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {labels}: [[label]] #1: hotkey {hotkey!r} of QQ must be one of 1-9\n"
    )
    assert main(["--db", str(db), "labels"]) == 0
    assert capsys.readouterr().out == before


def test_a_stored_hotkey_outside_1_to_9_still_opens_and_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The check is on saving and loading only: a database an older claimdesk wrote with
    # such a key is read as it is, and other labels can still be loaded into it.
    db = tmp_path / "c.db"
    add_document_to_file(db, "Die Stadt meldet 11.000 Besucher.")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE labels SET hotkey = 'q' WHERE name = 'EVENT'")
    conn.commit()
    conn.close()
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "RUMOUR"\ncolour = "#aa5500"\nhotkey = "6"\n')
    assert main(["--db", str(db), "labels", "--load", str(labels)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in listed[-2:]] == [["q", "EVENT"], ["6", "RUMOUR"]]


def test_import_lists_the_first_50_refusals_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file of the wrong kind refused every record on its own line: 5,000 records, 5,000
    # lines. import-annotations listed 50; article import and import-links now do too.
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(f'{{"id": {i}, "text": 5}}\n' for i in range(120)), encoding="utf-8")
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(bad)]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 51
    assert all(line.startswith(f"claimdesk: refused {bad}:") for line in lines[:50])
    assert lines[50] == "claimdesk: … and 70 more refusal(s) not shown"
    assert "; 120 refused" in out
    article = tmp_path / "a.txt"
    article.write_text("The mayor said 4,000 people were evacuated.\n", encoding="utf-8")
    assert main(["--db", str(db), "import", "-q", str(article)]) == 0
    links = tmp_path / "links.jsonl"
    links.write_text("not json\n" * 60, encoding="utf-8")
    assert main(["--db", str(db), "import-links", str(links)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == "claimdesk: … and 10 more refusal(s) not shown"
    assert len(err.splitlines()) == 51
    assert "60 refused" in out


@pytest.mark.parametrize(
    "command",
    [["stories"], ["stories", "--all"], ["labels"], ["link"], ["stats"], ["agree"], ["check"]],
)
def test_a_mistyped_database_is_an_error_not_a_new_empty_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # stories, labels and link made an empty database at a mistyped --db, and exit 0.
    missing = tmp_path / "typo.db"
    assert main(["--db", str(missing), *command]) == 1
    assert capsys.readouterr().err == f"claimdesk: {missing}: no such database\n"
    assert list(tmp_path.iterdir()) == []


def test_loading_labels_may_start_a_database(tmp_path: Path) -> None:
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "CLAIM"\ncolour = "#aa5500"\nhotkey = "1"\n')
    new = tmp_path / "new.db"
    assert main(["--db", str(new), "labels", "--load", str(labels)]) == 0
    assert new.is_file()


@pytest.mark.parametrize(
    "argv",
    [
        ["import", ""],
        ["import", "ok.txt", " "],
        ["import-annotations", ""],
        ["import-links", ""],
        ["labels", "--load", ""],
        ["backup", ""],
        ["export", "-f", "xmi", "--out", ""],
        ["export", "-f", "jsonl", "--out", ""],
        ["export", "-f", "label-studio", "--out", "ls.json", "--label-config", ""],
        ["export", "-f", "label-studio", "--out", "ls.json", "--ls-users", ""],
        ["export", "-f", "jsonl", "--db", ""],
    ],
)
def test_an_empty_path_is_refused_not_read_as_the_working_folder(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``Path("")`` is ``.``: ``claimdesk import "$DIR"`` with DIR unset imported every
    article under the working folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.txt").write_text("The river rose by two metres on Monday.\n", encoding="utf-8")
    db = tmp_path / "e.db"
    add_document_to_file(db, "An article already stored.", "stored.txt")
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db), *argv])
    assert exited.value.code == 2
    assert "an empty path (an unset shell variable?)" in capsys.readouterr().err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT source_name FROM documents").fetchall() == [("stored.txt",)]
    assert not (tmp_path / "backup").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("e.db")) == ["ok.txt"]


@pytest.mark.parametrize(
    "argv",
    [
        ["import-annotations", "--format", "doccano", "--annotator", "", "dc.jsonl"],
        ["--annotator", " ", "import-annotations", "--format", "doccano", "dc.jsonl"],
        ["export", "-f", "jsonl", "--annotator", ""],
        ["agree", "--annotators", ""],
    ],
)
def test_an_empty_annotator_name_is_bad_usage_not_the_login_name(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --annotator "$MODEL" with MODEL unset read as no name: a model's pre-annotations went
    # in as the login user's own spans, which agree and the gold group count as a person's.
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "e.db"
    add_document_to_file(db, "The mayor said 3 died.", "a.txt")
    (tmp_path / "dc.jsonl").write_text(
        '{"text": "The mayor said 3 died.", "label": [[0, 9, "CLAIM"]]}\n', encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db), *argv])
    assert exited.value.code == 2
    assert "an empty name (an unset shell variable?)" in capsys.readouterr().err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (0,)


@pytest.mark.parametrize("command", [["import", "ok.txt"], ["labels", "--load", "l.toml"]])
def test_a_new_database_is_started_only_in_a_folder_that_exists(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    # An unmounted /mnt/team/claims.db got its folders made, and the import went into a
    # local database that the mount hid later.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.txt").write_text("Der Fluss stieg am Montag um zwei Meter.\n", encoding="utf-8")
    (tmp_path / "l.toml").write_text('[[label]]\nname = "ZZ"\ncolour = "#123456"\n')
    db = tmp_path / "mnt" / "team" / "claims.db"
    assert main(["--db", str(db), *command]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {db.parent}: no such folder for the database; claimdesk starts a new"
        " database only in a folder that exists\n"
    )
    assert not (tmp_path / "mnt").exists()


def test_an_empty_database_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["--db", "", "stats"])
    assert exited.value.code == 2
    assert "argument --db: an empty path" in capsys.readouterr().err


def test_unknown_label_keys_are_named_a_few_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = tmp_path / "keys.toml"
    keys = "".join(f"k{n} = 1\n" for n in range(5))
    labels.write_text(f'[[label]]\nname = "ZZ"\n{keys}', encoding="utf-8")
    assert main(["--db", str(tmp_path / "l.db"), "labels", "--load", str(labels)]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {labels}: [[label]] #1: unknown key(s) 'k0', 'k1', 'k2' and 2 more\n"
    )


@pytest.mark.parametrize(
    "field",
    [
        'name = "{long}"\ncolour = "#123456"',
        'name = "ZZ"\ncolour = "{long}"',
        # Each of these was echoed whole: a 10,000-character name gave a 10,050-character line.
        'name = "ZZ"\n' + "".join(f"{{long}}{n} = 1\n" for n in range(5)),
        'name = "{long}"\ncolour = "#123456"\n[[label]]\nname = "{long}"\ncolour = "#123456"',
        'name = "ZZ"\ncolour = "#123456"\nhotkey = "{long}"\n'
        '[[label]]\nname = "YY"\ncolour = "#123456"\nhotkey = "{long}"',
        'name = "{long}"',
    ],
    ids=["name", "colour", "unknown keys", "name twice", "hotkey twice", "new without colour"],
)
def test_a_huge_label_value_is_quoted_short_in_its_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    # A 100,000-character label name made its refusal a 100 KB "one line".
    labels = tmp_path / "big.toml"
    labels.write_text("[[label]]\n" + field.format(long="A" * 100_000) + "\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "l.db"), "labels", "--load", str(labels)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert len(err) < 300
    assert "AAAA…" in err


def test_an_annotator_variable_of_spaces_is_named_in_its_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "annotator name '' must be printable and not empty" named neither the variable nor
    # what was in it.
    db = tmp_path / "e.db"
    add_document_to_file(db, "The mayor said 3 died.", "a.txt")
    monkeypatch.setenv("CLAIMDESK_ANNOTATOR", "   ")
    assert main(["--db", str(db), "stats"]) == 1
    assert capsys.readouterr().err == (
        "claimdesk: $CLAIMDESK_ANNOTATOR holds only spaces; unset it or give a name\n"
    )


def test_the_console_command_ignores_ctrl_c_once_its_work_is_done(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A ctrl+c while Python joined threads and flushed at exit printed "Exception
    # ignored ..." lines after a finished job's summary, or turned its status into 130.
    import signal

    import claimdesk.cli

    monkeypatch.setattr(claimdesk.cli, "main", lambda: 3)
    before = signal.getsignal(signal.SIGINT)
    try:
        assert claimdesk.cli.console() == 3
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)

    def interrupted() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(claimdesk.cli, "main", interrupted)
    assert claimdesk.cli.console() == 130
    assert capsys.readouterr().err == "claimdesk: interrupted\n"
    assert signal.getsignal(signal.SIGINT) is before


def test_the_installed_command_runs_the_console_entry() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "claimdesk"]
    assert script.value == "claimdesk.cli:console"
    assert (REPO / "claimdesk" / "__main__.py").read_text().count("console()") == 1
