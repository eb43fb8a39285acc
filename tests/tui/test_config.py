"""The config file: where it is, strict reading, and saving the theme without damage."""

from __future__ import annotations

import os
import subprocess
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
            "k" * 10_000 + " = 1\n", f":1: unknown setting '{'k' * 37}…' (known:", id="huge-key"
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


def _dotfiles_link(config_file: Path, dotfiles: Path) -> Path:
    """``config_file`` as a symbolic link to ``dotfiles/claimdesk.toml``; that file."""
    config_file.parent.mkdir()
    target = dotfiles / "claimdesk.toml"
    config_file.symlink_to(os.path.relpath(target, config_file.parent))
    return target


def test_save_theme_through_a_link_rewrites_the_linked_file_and_keeps_the_link(
    config_file: Path, tmp_path: Path
) -> None:
    # The temporary file was renamed onto the link: the config became a regular file
    # and the dotfiles copy stayed behind with the old theme.
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = _dotfiles_link(config_file, dotfiles)
    target.write_text('# mine\ntheme = "nord"\nkeymap = "vim"\n')
    target.chmod(0o640)
    save_theme("gruvbox")
    assert config_file.is_symlink()
    assert config_file.resolve() == target.resolve()
    assert target.read_text() == '# mine\ntheme = "gruvbox"\nkeymap = "vim"\n'
    assert target.stat().st_mode & 0o777 == 0o640
    assert load_config().theme == "gruvbox"
    assert sorted(os.listdir(dotfiles)) == ["claimdesk.toml"]  # no temporary left
    assert sorted(os.listdir(config_file.parent)) == ["config.toml"]


def test_save_theme_through_a_link_to_a_file_not_yet_made_makes_it(
    config_file: Path, tmp_path: Path
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = _dotfiles_link(config_file, dotfiles)
    save_theme("nord")
    assert config_file.is_symlink()
    assert target.read_text() == 'theme = "nord"\n'


def test_a_link_into_a_missing_folder_is_kept_and_the_theme_not_remembered(
    config_file: Path, tmp_path: Path
) -> None:
    target = _dotfiles_link(config_file, tmp_path / "gone")
    with pytest.raises(ConfigError) as caught:
        save_theme("nord")
    assert str(caught.value) == (
        f"config {config_file}: links to {target}, whose folder does not exist; the link is kept"
    )
    assert config_file.is_symlink()
    assert not target.parent.exists()


def test_a_link_into_a_folder_that_cannot_be_written_is_kept(
    config_file: Path, tmpfs_mount: Path
) -> None:
    # The link was replaced by a regular file in the config folder, which the dotfiles
    # no longer governed.
    target = _dotfiles_link(config_file, tmpfs_mount)
    target.write_text('theme = "nord"\n')
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs_mount)], check=True)
    with pytest.raises(ConfigError) as caught:
        save_theme("gruvbox")
    assert str(caught.value) == (
        f"config {config_file}: links to {target}, whose folder cannot be written"
        " (read-only file system); the link is kept"
    )
    assert config_file.is_symlink()
    assert target.read_text() == 'theme = "nord"\n'
    assert sorted(os.listdir(config_file.parent)) == ["config.toml"]


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
