"""The config file: where it is, strict reading, and saving the theme without damage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui import config as config_module
from tui.config import Config, ConfigError, config_path, load_config, save_theme


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(path))
    return path


def test_default_location_is_the_user_config_dir(isolated_user_dirs: Path) -> None:
    assert config_path() == isolated_user_dirs / "config" / "claimdesk" / "config.toml"


def test_env_var_points_elsewhere(config_file: Path) -> None:
    assert config_path() == config_file


def test_missing_file_means_defaults(config_file: Path) -> None:
    assert load_config() == Config()


def test_reads_every_setting(config_file: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text(
        '# mine\nkeymap = "vim"\ntheme = "nord"\nannotator = "bea"\nlabel_file = "labels.toml"\n'
    )
    assert load_config() == Config(
        keymap="vim",
        theme="nord",
        annotator="bea",
        label_file=config_file.parent / "labels.toml",
    )


def test_patching_config_path_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.toml"
    path.write_text('theme = "gruvbox"\n')
    monkeypatch.setattr(config_module, "config_path", lambda: path)
    assert load_config().theme == "gruvbox"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "nord"\nkeymap = "vim"\ncolour = "red"\n', ":3: unknown setting 'colour'"),
        ('theme = "nord"\nkeymap = 3\n', ":2: keymap must be"),
        ('annotator = ""\n', ":1: annotator must be"),
        ('theme = "nord\n', ":1: not valid TOML"),
        ('annotator = "a\\u0007b"\n', ":1: annotator must be"),
        # tomllib recurses into nested arrays: the RecursionError was an "unexpected error".
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", ": not valid TOML: nested too deeply"),
        # A 10,000-character setting name was echoed whole.
        pytest.param(
            "k" * 10_000 + " = 1\n", f":1: unknown setting '{'k' * 38}… (known:", id="huge-key"
        ),
    ],
)
def test_bad_config_names_file_and_line(config_file: Path, text: str, expected: str) -> None:
    config_file.parent.mkdir()
    config_file.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f"config {config_file}{expected}")


def test_save_theme_creates_the_file(config_file: Path) -> None:
    save_theme("nord")
    assert config_file.read_text() == 'theme = "nord"\n'
    assert load_config().theme == "nord"


def test_save_theme_changes_only_the_theme_line(config_file: Path) -> None:
    config_file.parent.mkdir()
    original = '# my settings\nkeymap = "vim"  # hjkl\ntheme = "nord"\nannotator = "bea"\n'
    config_file.write_text(original)
    save_theme("gruvbox")
    assert config_file.read_text() == original.replace('"nord"', '"gruvbox"')
    assert sorted(os.listdir(config_file.parent)) == ["config.toml"]  # no temp file left


def test_save_theme_adds_the_line_before_tables(config_file: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text('keymap = "vim"\n[extra]\ntheme = "not this one"\n')
    with pytest.raises(ConfigError):  # the [extra] table is not a known setting
        load_config()
    save_theme("nord")
    assert config_file.read_text() == (
        'keymap = "vim"\ntheme = "nord"\n[extra]\ntheme = "not this one"\n'
    )


def test_save_theme_leaves_a_broken_file_alone(config_file: Path) -> None:
    config_file.parent.mkdir()
    config_file.write_text("theme = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_theme("nord")
    assert config_file.read_text() == "theme = \n"


def test_save_theme_refuses_unquotable_names(config_file: Path) -> None:
    with pytest.raises(ConfigError):
        save_theme('a"b')
    assert not config_file.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_as_config_or_keymap_is_refused_not_waited_on(config_file: Path) -> None:
    # read_text() on a FIFO with no writer blocked for ever, before the screen opened and
    # with nothing said. Run in a daemon thread so the old behaviour fails, not hangs.
    import threading

    from tui.keymap import KeymapError, load_keymap

    config_file.parent.mkdir()
    os.mkfifo(config_file)
    raised: list[Exception] = []

    def attempt() -> None:
        for call in (load_config, lambda: load_keymap(str(config_file))):
            try:
                call()
            except (ConfigError, KeymapError) as error:
                raised.append(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading the FIFO blocked"
    assert [str(error) for error in raised] == [
        f"{kind} {config_file}: cannot read: not a regular file (a folder, FIFO or device)"
        for kind in ("config", "keymap")
    ]


def test_a_config_path_too_long_is_named_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / ("c" * 300 + ".toml")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(path))
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == f"config {path}: cannot read: file name too long"


def test_a_config_that_is_not_utf8_says_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'annotator = "J\xf6rg"\n')
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(path))
    with pytest.raises(ConfigError) as caught:
        load_config()
    problem = "not UTF-8 text (invalid start byte at byte 14)"
    assert str(caught.value) == f"config {path}: cannot read: {problem}"


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [("utf-8-sig", None), ("utf-16", "is UTF-16; save it as UTF-8")],
    ids=["utf-8 with mark", "utf-16"],
)
def test_a_config_with_a_byte_order_mark_is_read_and_utf16_is_named(
    config_file: Path, encoding: str, problem: str | None
) -> None:
    # Notepad's UTF-8 mark made the file "not valid TOML: Invalid statement".
    config_file.parent.mkdir()
    config_file.write_text('annotator = "bea"\ntheme = "nord"\n', encoding=encoding)
    if problem is None:
        assert load_config() == Config(annotator="bea", theme="nord")
        save_theme("gruvbox")
        assert load_config() == Config(annotator="bea", theme="gruvbox")
        return
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == f"config {config_file}: {problem}"
