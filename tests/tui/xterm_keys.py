"""What an xterm-compatible terminal (xterm, tmux, an SSH client) sends for a key.

Written from the xterm control-sequence documentation, independently of Textual's
tables, so the tests can check that every shipped binding survives the round trip
terminal → Textual's parser → the key name in the keymap.
"""

from __future__ import annotations

import unicodedata

ESC = "\x1b"

_CURSOR = {"up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F"}
_TILDE = {"insert": 2, "delete": 3, "pageup": 5, "pagedown": 6}
_FUNCTION_SS3 = {"f1": "P", "f2": "Q", "f3": "R", "f4": "S"}
_FUNCTION_TILDE = {
    "f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24,
}  # fmt: skip
_PLAIN = {"enter": "\r", "tab": "\t", "escape": ESC, "space": " ", "backspace": "\x7f"}
_CTRL_SYMBOL = {
    "@": "\x00",
    "backslash": "\x1c",
    "right_square_bracket": "\x1d",
    "circumflex_accent": "\x1e",
    "underscore": "\x1f",
}
_SHORT_NAMES = {
    "slash": "/",
    "backslash": "\\",
    "at": "@",
    "minus": "-",
    "plus": "+",
    "underscore": "_",
}


def _spelled(character: str) -> str:
    name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    return {v: k for k, v in _SHORT_NAMES.items()}.get(character, name)


_BY_NAME = {_spelled(chr(code)): chr(code) for code in range(0x21, 0x7F)}


def character_of(name: str) -> str | None:
    """The printable character a key name stands for (``question_mark`` → ``?``)."""
    if len(name) == 1:
        return name
    return _BY_NAME.get(name)


def xterm_sequence(key: str) -> str:
    """The characters an xterm sends for ``key`` (a Textual key name)."""
    if key in _PLAIN:
        return _PLAIN[key]
    if key == "shift+tab":
        return f"{ESC}[Z"
    modifiers, _, base = key.rpartition("+")
    mods = set(modifiers.split("+")) if modifiers else set()
    code = 1 + (1 if "shift" in mods else 0) + (2 if "alt" in mods else 0)
    code += 4 if "ctrl" in mods else 0
    if base in _CURSOR:
        return f"{ESC}[1;{code}{_CURSOR[base]}" if mods else f"{ESC}[{_CURSOR[base]}"
    if base in _TILDE:
        return f"{ESC}[{_TILDE[base]};{code}~" if mods else f"{ESC}[{_TILDE[base]}~"
    if base in _FUNCTION_SS3 and not mods:
        return f"{ESC}O{_FUNCTION_SS3[base]}"
    if base in _FUNCTION_TILDE and not mods:
        return f"{ESC}[{_FUNCTION_TILDE[base]}~"
    if mods == {"ctrl"}:
        if len(base) == 1 and base.isalpha():
            return chr(ord(base) - ord("a") + 1)
        if base in _CTRL_SYMBOL:
            return _CTRL_SYMBOL[base]
    if mods == {"alt"} and len(base) == 1:
        return ESC + base
    if mods == {"alt", "shift"} and len(base) == 1:
        return ESC + base.upper()
    character = character_of(key)
    if not mods and character is not None:
        return character
    raise ValueError(f"no xterm sequence known for {key!r}")
