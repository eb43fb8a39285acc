"""Load a keymap file (action id → keys), validate it against the action registry.

Textual silently ignores keymap entries whose id no binding carries, and a key a
terminal cannot send simply never fires, so every file is checked here and any
problem stops the start with ``FILE:LINE: problem``.

| step                 | function                                  |
|----------------------|-------------------------------------------|
| name or path → file  | :func:`keymap_file`                       |
| file → bindings      | :func:`_read_file` (follows ``extends``)  |
| clash check          | :func:`_check_clashes`                    |
| result for Textual   | :func:`load_keymap` → ``App.set_keymap``  |

File format (see ``keymaps/README.md``)::

    extends = "vim"                  # optional: start from another keymap
    [keys]
    "reader.cursor_down" = "j,down"  # Textual key names, comma-separated

A file with ``extends`` binds only what it changes; one without starts from the
registry's default keys (the shipped files bind every action, which a test checks).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual.binding import Binding

from store.errors import ClaimdeskError, os_reason, quoted
from store.paths import keymaps_path
from store.settings_text import NotUtf8
from tui import actions as actions_module
from tui.actions import ACTIONS, BY_ID, CONTEXTS, ActionSpec
from tui.config import (
    NESTED_TOO_DEEPLY,
    cannot_read_settings,
    config_path,
    load_config,
    read_settings_text,
    toml_error_position,
)
from tui.keynames import KeyNameError, canonical_key, is_typing_key

SHIPPED_KEYMAPS: tuple[str, ...] = ("default", "vim", "emacs")

# Contexts whose bindings are active at the same time, so one key may serve only one
# action across each group. App bindings are live on every screen, and a screen
# binding on the same key would silently shadow them (e.g. make quit unreachable in
# the reader), so they clash everywhere. The match panel (links) lives in the reader.
_SHARED_SCREENS = frozenset({"reader", "links"})
ACTIVE_TOGETHER: tuple[frozenset[str], ...] = (
    frozenset({"app"} | _SHARED_SCREENS),
    *(
        frozenset({"app", context})
        for context in CONTEXTS
        if context != "app" and context not in _SHARED_SCREENS
    ),
)

_TOP_LEVEL_KEYS = frozenset({"extends", "keys", "description"})


class KeymapError(ClaimdeskError):
    """A keymap file that cannot be used; the message is ``FILE:LINE: problem``."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"keymap {where}: {problem}")


@dataclass(frozen=True, slots=True)
class BoundKeys:
    """The keys of one action, and where they were set (for error messages)."""

    keys: tuple[str, ...]
    path: Path
    line: int
    depth: int
    """0 for the file loaded, 1 for the one it extends, and so on."""


def keymap_file(name_or_path: str | Path, *, relative_to: Path | None = None) -> Path:
    """The file for a shipped keymap name (``vim``) or a path to a TOML file."""
    text = str(name_or_path)
    if text in SHIPPED_KEYMAPS:
        return keymaps_path() / f"{text}.toml"
    path = Path(text).expanduser()
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    try:
        found = path.suffix == ".toml" or path.exists()
    except OSError as error:
        # exists() raises on a name too long or a folder without permission.
        raise KeymapError(text, None, f"cannot read: {os_reason(error)}") from None
    if not found:
        choices = ", ".join(SHIPPED_KEYMAPS)
        raise KeymapError(text, None, f"no such keymap: choose {choices}, or a .toml file")
    return path


def load_keymap(name_or_path: str | Path | None) -> dict[str, str]:
    """Action id → comma-separated Textual key names, ready for ``App.set_keymap()``.

    ``None`` uses the keymap chosen in the config file, else ``default``. Raises
    :class:`KeymapError` naming the file and line of the first problem found.
    """
    relative_to: Path | None = None
    if name_or_path is None:
        name_or_path = load_config().keymap or "default"
        relative_to = config_path().parent
    bindings = resolve_keymap(keymap_file(name_or_path, relative_to=relative_to))
    return {action_id: ",".join(bound.keys) for action_id, bound in bindings.items()}


def keymap_to_apply(keymap: dict[str, str]) -> dict[str, str]:
    """What to hand ``App.set_keymap``: nothing when ``keymap`` binds every action to the
    registry's own keys (the default keymap), else all of it.

    Textual re-applies the keymap to every binding of every node in the focus chain on
    each key press, at a cost that grows with the square of the bindings (about half of
    a cursor move's CPU with every action listed). Leaving out only the unchanged entries
    would also reorder the footer (Textual appends the rebound ones), so it is all or none.
    """
    for action_id, keys in keymap.items():
        spec = BY_ID.get(action_id)
        if spec is None or _keys_of(keys) != _keys_of(spec.keys):
            return dict(keymap)
    return {}


def bound_keys(keymap: dict[str, str], action_id: str) -> tuple[str, ...]:
    """The canonical keys ``action_id`` is bound to under ``keymap`` (its registry keys
    when the keymap leaves it out)."""
    spellings = keymap.get(action_id) or BY_ID[action_id].keys
    return _keys_of(spellings)


def _keys_of(spellings: str) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys(canonical_key(key) for key in spellings.split(",")))
    except KeyNameError:
        return (spellings,)


def resolve_keymap(path: Path) -> dict[str, BoundKeys]:
    """Every action's keys after following ``extends``, checked for clashes."""
    bindings = _read_file(path.resolve(), chain=())
    _check_clashes(bindings)
    _check_text_boxes(bindings)
    return bindings


def _read_file(path: Path, chain: tuple[Path, ...]) -> dict[str, BoundKeys]:
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise KeymapError(chain[-1], None, f"extends cycle: {cycle}")
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        raise KeymapError(path, None, "no such file") from None
    except (OSError, NotUtf8) as error:
        raise KeymapError(path, None, cannot_read_settings(error)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = toml_error_position(error)
        raise KeymapError(path, line, f"not valid TOML: {message}") from None
    except RecursionError:
        raise KeymapError(path, None, NESTED_TOO_DEEPLY) from None

    for key in data:
        if key not in _TOP_LEVEL_KEYS:
            raise KeymapError(
                path,
                _line_of_top_level(text, key),
                f"unknown setting {quoted(key)} (expected extends and a [keys] table)",
            )
    table = data.get("keys", {})
    if not isinstance(table, dict):
        raise KeymapError(path, _line_of_top_level(text, "keys"), "'keys' must be a table")
    own = _parse_keys(path, text, table, depth=len(chain))

    extends = data.get("extends")
    if extends is None:
        missing = [spec for spec in ACTIONS if spec.id not in own]
        return {**_registry_defaults(missing, depth=len(chain) + 1), **own}
    line = _line_of_top_level(text, "extends")
    if not isinstance(extends, str) or not extends.strip():
        raise KeymapError(path, line, "extends must name a keymap (default, vim, emacs or a file)")
    try:
        base_path = keymap_file(extends, relative_to=path.parent).resolve()
    except KeymapError:
        raise KeymapError(
            path,
            line,
            f"extends {quoted(extends)}: no such keymap (default, vim, emacs or a .toml file)",
        ) from None
    try:
        found = base_path.exists()
    except OSError as error:
        # A name too long for the file system: an "unexpected error" that named no file.
        raise KeymapError(path, line, f"extends {quoted(extends)}: {os_reason(error)}") from None
    if not found:
        raise KeymapError(path, line, f"extends {quoted(extends)}: no such file {base_path}")
    base = _read_file(base_path, (*chain, path))
    return {**base, **own}


def _registry_defaults(specs: list[ActionSpec], *, depth: int) -> dict[str, BoundKeys]:
    """The registry's own keys for ``specs``: the base under a file without ``extends``."""
    registry = Path(actions_module.__file__ or "tui/actions.py")
    try:
        text = registry.read_text(encoding="utf-8")
    except OSError:
        text = ""
    bindings: dict[str, BoundKeys] = {}
    for spec in specs:
        line = _line_of_registry_entry(text, spec.id)
        keys = _canonical_keys(spec.keys, registry, line, f"default keys of {spec.id}")
        bindings[spec.id] = BoundKeys(keys, registry, line or 0, depth)
    return bindings


def _line_of_registry_entry(text: str, action_id: str) -> int | None:
    pattern = re.compile(rf"[\"']{re.escape(action_id)}[\"']")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return None


def _parse_keys(
    path: Path, text: str, table: dict[str, Any], *, depth: int
) -> dict[str, BoundKeys]:
    bindings: dict[str, BoundKeys] = {}
    for action_id, value in _flatten(table):
        line = _line_of_action(text, action_id)
        if action_id not in BY_ID:
            raise KeymapError(
                path, line, f"unknown action id {quoted(action_id)}{_suggest(action_id)}"
            )
        if action_id in bindings:
            # TOML takes "reader.up" in [keys] and up in [keys.reader] for two keys, which
            # keymaps/README calls one: the later won silently, the other's keys were lost.
            lines = _lines_of_action(text, action_id)
            where = f" (lines {lines[0]} and {lines[-1]})" if len(lines) > 1 else ""
            raise KeymapError(
                path, lines[-1] if lines else line, f"{action_id} is bound twice{where}"
            )
        if not isinstance(value, str):
            raise KeymapError(path, line, f'{action_id}: keys must be a string like "j,down"')
        keys = _canonical_keys(value, path, line, action_id)
        bindings[action_id] = BoundKeys(keys, path, line or 0, depth)
    return bindings


def _canonical_keys(spellings: str, path: Path, line: int | None, what: str) -> tuple[str, ...]:
    """``"j,down"`` as canonical key names, first spelling first, each once."""
    keys: list[str] = []
    for spelling in spellings.split(","):
        try:
            key = canonical_key(spelling)
        except KeyNameError as error:
            raise KeymapError(path, line, f"{what}: {error}") from None
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def _flatten(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Quoted ids (``"reader.up" = ...``), dotted keys and ``[keys.reader]`` all work."""
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{full}.")
        else:
            yield full, value


def _check_clashes(bindings: dict[str, BoundKeys]) -> None:
    for group in ACTIVE_TOGETHER:
        owner: dict[str, str] = {}
        for spec in ACTIONS:
            bound = bindings.get(spec.id)
            if spec.context not in group or bound is None:
                continue
            for key in bound.keys:
                other_id = owner.setdefault(key, spec.id)
                if other_id == spec.id:
                    continue
                other = bindings[other_id]
                # Report it where the user last wrote: the file nearest the one loaded.
                first, second, here, there = spec.id, other_id, bound, other
                if other.depth < bound.depth:
                    first, second, here, there = other_id, spec.id, other, bound
                contexts = "/".join(sorted(group - {"app"})) or "app"
                raise KeymapError(
                    here.path,
                    here.line,
                    f"key {key!r} is bound to both {first} and {second}"
                    f" ({there.path.name} line {there.line}), which are active together"
                    f" ({contexts} screens)",
                )


def _check_text_boxes(bindings: dict[str, BoundKeys]) -> None:
    """Keys that a text box would take from an action, or an action from a text box.

    Priority bindings (quit, command palette) fire even while the user types, so a
    plain character there could never be typed into a note or filter. The label
    picker keeps its query box focused, so a key that box binds never reaches a
    picker action (enter excepted: the box submits, and the picker chooses).
    """
    from textual.widgets import Input

    from tui.bindings import bindings_for

    priority_ids = {b.id for b in bindings_for("app") if b.priority}
    input_keys = {
        key.strip()
        for binding in Input.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    } - {"enter"}
    for spec in ACTIONS:
        bound = bindings.get(spec.id)
        if bound is None:
            continue
        for key in bound.keys:
            if spec.id in priority_ids and is_typing_key(key):
                raise KeymapError(
                    bound.path,
                    bound.line,
                    f"{spec.id}: {key!r} would be taken from every text box, since this"
                    " action works even while typing: use ctrl, alt or a function key",
                )
            if spec.context == "picker" and key in input_keys:
                raise KeymapError(
                    bound.path,
                    bound.line,
                    f"{spec.id}: {key!r} is used by the picker's search box, so it would"
                    " never reach the picker: choose another key",
                )


def _suggest(action_id: str) -> str:
    close = difflib.get_close_matches(action_id, list(BY_ID), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line_of_top_level(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    header = re.compile(rf"^\s*\[\s*{re.escape(key)}\s*\]")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line) or header.match(line):
            return number
    return None


_QUOTED_KEY = re.compile(r"""^\s*(?:"([^"\\]+)"|'([^']+)')\s*=""")


@lru_cache(maxsize=8)
def _quoted_key_lines(text: str) -> dict[str, int]:
    """Each quoted key (``"reader.up" = ...``, how the shipped files write every id) and
    the line it is on, in one pass: a scan per action made loading a keymap ~50 ms."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        found = _QUOTED_KEY.match(line)
        if found:
            lines.setdefault(found.group(1) or found.group(2), number)
    return lines


def _line_of_action(text: str, action_id: str) -> int | None:
    """The line where ``action_id`` is written, in any of TOML's spellings of it."""
    quoted_line = _quoted_key_lines(text).get(action_id)
    if quoted_line is not None:
        # The usual spelling, found in one pass over the file for all actions; an action
        # also written in another spelling is refused with both lines (_lines_of_action).
        return quoted_line
    lines = _lines_of_action(text, action_id)
    return lines[0] if lines else None


def _lines_of_action(text: str, action_id: str) -> list[int]:
    """Every line where ``action_id`` is written: as ``"reader.up"``, as ``reader.up``
    (dotted) or as ``up`` in a ``[keys.reader]`` table."""
    parts = action_id.split(".")
    whole_id = "|".join(rf"{q}{re.escape(action_id)}{q}" for q in ('"', "'"))
    dotted = r"\s*\.\s*".join(
        rf"(?:{re.escape(p)}|\"{re.escape(p)}\"|'{re.escape(p)}')" for p in parts
    )
    whole = re.compile(rf"^\s*(?:{whole_id}|{dotted})\s*=")
    header = re.compile(rf"^\s*\[\s*keys\s*\.\s*[\"']?{re.escape(parts[0])}[\"']?\s*\]")
    leaf = re.compile(rf"^\s*[\"']?{re.escape(parts[-1])}[\"']?\s*=")
    found: list[int] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            inside = len(parts) == 2 and bool(header.match(line))
        elif whole.match(line) or (inside and leaf.match(line)):
            found.append(number)
    return found
