"""Textual key names (as in the keymap files) spelled the way ``tmux send-keys`` wants."""

from __future__ import annotations

from tests.tui.xterm_keys import character_of

_NAMED = {
    "enter": "Enter",
    "escape": "Escape",
    "tab": "Tab",
    "shift+tab": "BTab",
    "space": "Space",
    "backspace": "BSpace",
    "delete": "DC",
    "insert": "IC",
    "home": "Home",
    "end": "End",
    "pageup": "PPage",
    "pagedown": "NPage",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
}
_MODIFIERS = {"ctrl": "C-", "alt": "M-", "shift": "S-"}


def tmux_key(key: str) -> str:
    """``ctrl+q`` → ``C-q``, ``alt+shift+f`` → ``M-F``, ``full_stop`` → ``.``."""
    if key in _NAMED:
        return _NAMED[key]
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    modifiers, _, base = key.rpartition("+")
    mods = modifiers.split("+") if modifiers else []
    if base in _NAMED:
        return "".join(_MODIFIERS[m] for m in mods) + _NAMED[base]
    character = character_of(base)
    if character is None:
        raise ValueError(f"no tmux spelling for {key!r}")
    if "shift" in mods and character.isalpha():
        mods.remove("shift")
        character = character.upper()
    return "".join(_MODIFIERS[m] for m in mods) + character


def first_key(keys: str) -> str:
    """The first of a keymap entry's comma-separated keys."""
    return keys.split(",")[0]
