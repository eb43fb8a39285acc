"""The user's settings file: which keymap, which theme, who annotates, which label file.

| caller                  | uses                                          |
|-------------------------|-----------------------------------------------|
| ``tui.keymap``          | :func:`load_config` for the chosen keymap     |
| the app (theme change)  | :func:`save_theme`                            |
| the tests               | ``CLAIMDESK_CONFIG`` or patch :func:`config_path` |

The file is TOML at ``platformdirs.user_config_path("claimdesk") / "config.toml"``
unless ``$CLAIMDESK_CONFIG`` names another; a missing file means all defaults::

    keymap = "vim"               # default, vim, emacs, or a .toml path (relative to this file)
    theme = "textual-dark"
    annotator = "alice"
    label_file = "labels.toml"   # relative to this file
    gold_name = "gold"           # who curated spans are written as
    annotator_must_match_login = true   # --annotator may only be the login name
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from store.errors import ClaimdeskError, os_reason, quoted
from store.folder_sync import sync_folder
from store.settings_text import NotUtf8, settings_text

CONFIG_ENV = "CLAIMDESK_CONFIG"


class NotARegularFile(OSError):
    """A settings file that is a folder, FIFO or device: never opened."""


def read_settings_text(path: Path) -> str:
    """The UTF-8 text of the config or keymap file ``path``, which must be a regular file,
    without a leading byte-order mark (:mod:`store.settings_text`).

    A FIFO is refused before it is opened: reading one with no writer waited forever,
    before the screen opened and with nothing said. Raises FileNotFoundError when
    ``path`` does not exist, like ``read_text``, and NotUtf8 for text in another encoding.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        raise NotARegularFile("not a regular file (a folder, FIFO or device)")
    return settings_text(path.read_bytes())


def cannot_read_settings(error: OSError | NotUtf8) -> str:
    """Why a config or keymap file could not be read, for a message that names it.

    The OS's own text repeats the path; it is put in the words of the other "cannot
    read" lines.
    """
    if isinstance(error, NotUtf8):
        return str(error)
    return f"cannot read: {os_reason(error)}"


class ConfigError(ClaimdeskError):
    """The config file cannot be used; the message names the file (and line)."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"config {where}: {problem}")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings read from the config file; ``None`` means "not set, use the default"."""

    keymap: str | None = None
    theme: str | None = None
    annotator: str | None = None
    label_file: Path | None = None
    gold_name: str | None = None
    annotator_must_match_login: bool = False


# Settings that are true or false rather than strings.
_BOOL_FIELDS: dict[str, str] = {
    "annotator_must_match_login": "true or false: --annotator must be the login name",
}

_FIELDS: dict[str, str] = {
    "keymap": "a keymap name (default, vim, emacs) or a .toml path",
    "theme": "a Textual theme name",
    "annotator": "an annotator name",
    "label_file": "a path to a label TOML file",
    "gold_name": "the annotator name curated spans are written as",
}


def config_path() -> Path:
    """``$CLAIMDESK_CONFIG`` if set, else ``config.toml`` in the user config directory."""
    configured = os.environ.get(CONFIG_ENV)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_config_path("claimdesk", appauthor=False) / "config.toml"


def load_config() -> Config:
    """The settings in :func:`config_path`, all ``None`` when the file does not exist."""
    path = config_path()
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        return Config()
    except (OSError, NotUtf8) as error:
        raise ConfigError(path, None, cannot_read_settings(error)) from None
    data = _parse(path, text)
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, key)
        if key in _BOOL_FIELDS:
            if not isinstance(value, bool):
                raise ConfigError(path, line, f"{key} must be {_BOOL_FIELDS[key]}")
            values[key] = value
            continue
        if key not in _FIELDS:
            known = ", ".join([*_FIELDS, *_BOOL_FIELDS])
            raise ConfigError(path, line, f"unknown setting {quoted(key)} (known: {known})")
        if not isinstance(value, str) or not value.strip() or not value.isprintable():
            raise ConfigError(path, line, f"{key} must be {_FIELDS[key]} (a non-empty string)")
        values[key] = value.strip()
    label_file = values.pop("label_file", None)
    return Config(
        **values,
        label_file=(path.parent / Path(label_file).expanduser()) if label_file else None,
    )


def save_theme(name: str) -> None:
    """Remember ``name`` as the theme, changing only that line of the config file.

    Comments and other settings stay as written; the new file is written beside the
    old one and renamed over it, so a crash never leaves half a config behind. A
    symbolic link is kept and the file it leads to rewritten (see :func:`_write_atomically`).
    """
    if not name or not name.isprintable() or '"' in name or "\\" in name:
        raise ConfigError(config_path(), None, f"theme name {quoted(name)} cannot be saved")
    path = config_path()
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        text = ""
    except (OSError, NotUtf8) as error:
        raise ConfigError(path, None, cannot_read_settings(error)) from None
    _parse(path, text)
    new_line = f'theme = "{name}"'
    lines = text.splitlines(keepends=True)
    index = _top_level_line_index(lines, "theme")
    if index is not None:
        ending = "\n" if lines[index].endswith("\n") else ""
        lines[index] = new_line + ending
    else:
        at = _first_table_index(lines)
        if at > 0 and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\n"
        lines.insert(at, new_line + "\n")
    new_text = "".join(lines)
    _parse(path, new_text)  # never replace a good file with a broken one
    _write_atomically(path, new_text)


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = toml_error_position(error)
        raise ConfigError(path, line, f"not valid TOML: {message}") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively: the error escaped
        # as an "unexpected error" that named no file.
        raise ConfigError(path, None, NESTED_TOO_DEEPLY) from None


NESTED_TOO_DEEPLY = "not valid TOML: nested too deeply"


def toml_error_position(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line number and the bare message of a TOML error (Python 3.11 has no ``lineno``)."""
    match = re.search(r"\s*\(at line (\d+), column \d+\)$", str(error))
    if match is None:
        return None, str(error)
    return int(match.group(1)), str(error)[: match.start()]


def _line_of(text: str, key: str) -> int | None:
    index = _top_level_line_index(text.splitlines(keepends=True), key)
    return None if index is None else index + 1


def _top_level_line_index(lines: list[str], key: str) -> int | None:
    """The line that sets ``key`` before any ``[table]`` header, if there is one."""
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    for index, line in enumerate(lines):
        if line.lstrip().startswith("["):
            return None
        if pattern.match(line):
            return index
    return None


def _first_table_index(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.lstrip().startswith("["):
            return index
    return len(lines)


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file at ``path`` with ``text``: a temporary file beside it, synced,
    given the old file's mode and renamed over it, so a crash leaves one or the other.

    Through a symbolic link (a config kept with the user's dotfiles), the file it leads
    to is replaced and the link kept: renamed onto the link, the new file took the
    link's place and the dotfiles copy stayed behind, stale.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    linked = f"links to {target}, whose folder" if target != path else "its folder"
    try:
        if target == path:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not target.parent.is_dir():
            # Never made: a link into a folder that is gone is not ours to rebuild.
            raise ConfigError(path, None, f"{linked} does not exist; the link is kept")
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        kept = "; the link is kept" if target != path else ""
        raise ConfigError(
            path, None, f"{linked} cannot be written ({os_reason(error)}){kept}"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o777)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise ConfigError(target, None, f"cannot be written ({os_reason(error)})") from None
        raise
    sync_folder(target.parent)
