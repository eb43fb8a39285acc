"""Which key names a terminal can actually deliver to Textual, and how to spell them.

A binding only fires when its key equals the ``key`` of a Textual key event, and a
plain xterm (or tmux, or an SSH session) cannot send every name Textual knows:
``ctrl+i`` arrives as ``tab``, ``ctrl+shift+a`` as ``ctrl+a``, ``alt+<`` as ``<``.
This module lists the names that do arrive, so a keymap that binds one that never
fires is refused instead of silently doing nothing.

| caller            | uses                                             |
|-------------------|--------------------------------------------------|
| ``tui.keymap``    | :func:`canonical_key` for every key in a file    |
| the tests         | compare :data:`RECEIVABLE_NAMED_KEYS` to Textual |
"""

from __future__ import annotations

import difflib
import string
import unicodedata

from textual.keys import Keys

from store.errors import quoted

# Textual shortens a few Unicode character names (``textual.keys.KEY_NAME_REPLACEMENTS``).
_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}

# Names in Textual's ``Keys`` enum that no legacy terminal sequence produces.
_UNRECEIVABLE_ENUM = {
    "ctrl+h": "terminals send ctrl+h as backspace: write 'backspace'",
    "ctrl+i": "terminals send ctrl+i as tab: write 'tab'",
    "ctrl+m": "terminals send ctrl+m as enter: write 'enter'",
    "return": "the return key arrives as 'enter'",
    "ctrl-at": "write 'ctrl+@' (ctrl+space)",
}

# Sent only by terminals with xterm's modifyOtherKeys turned on, which tmux and most
# SSH set-ups do not do: a digit with ctrl arrives as the plain digit.
_MODIFY_OTHER_KEYS_ONLY = {f"ctrl+{d}" for d in string.digits} | {
    f"ctrl+shift+{d}" for d in string.digits
}

# Escape + b/f is what macOS Terminal sends for alt+arrow, so Textual reads it as a word
# motion whichever terminal sent it.
_ALT_REMAPPED = {"alt+b": "ctrl+left", "alt+f": "ctrl+right"}

# Spellings that look right but never arrive, with what to write instead.
_ALIASES = {
    "ctrl+space": "ctrl+@",
    "ctrl+left_square_bracket": "escape",
    "ctrl+slash": "ctrl+underscore",
    "esc": "escape",
    "return": "enter",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
}


def character_key(character: str) -> str:
    """The key name Textual gives a printable character (``"?"`` → ``"question_mark"``)."""
    if character.isalnum():
        return character
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return _NAME_REPLACEMENTS.get(name, name)


def _printable_ascii() -> list[str]:
    return [c for c in string.printable if c.isprintable() and not c.isspace()]


RECEIVABLE_NAMED_KEYS: frozenset[str] = frozenset(
    key.value
    for key in Keys
    if not key.value.startswith("<")
    and key.value not in _UNRECEIVABLE_ENUM
    and key.value not in _MODIFY_OTHER_KEYS_ONLY
)
"""Multi-character key names a legacy terminal can send (``ctrl+a``, ``shift+up``, ``f5``…)."""

CHARACTER_KEY_NAMES: frozenset[str] = frozenset(
    character_key(c) for c in _printable_ascii() if not c.isalnum()
)
"""The spelled-out names of printable ASCII symbols (``question_mark``, ``plus``…)."""


class KeyNameError(ValueError):
    """A key name Textual would never receive; the message says what to write instead."""


def canonical_key(spelling: str) -> str:
    """The name a key event will carry for ``spelling``, or :class:`KeyNameError`.

    Accepts single printable characters (``j``, ``J``, ``?``, ``ä``), Textual's names
    (``question_mark``, ``ctrl+f``, ``shift+home``) and ``alt+`` with a letter
    (``alt+f``, ``alt+F`` / ``alt+shift+f``).
    """
    key = spelling.strip()
    if not key:
        raise KeyNameError("empty key name")
    if len(key) == 1:
        if not key.isprintable() or key.isspace():
            raise KeyNameError(f"{quoted(key)} is not a printable key: use a name like 'space'")
        return character_key(key)
    if key in RECEIVABLE_NAMED_KEYS or key in CHARACTER_KEY_NAMES:
        return key
    modifiers, _, base = key.rpartition("+")
    if modifiers:
        alt = _alt_key(modifiers, base)
        if alt is not None:
            return alt
    raise KeyNameError(_why_not(key, modifiers, base))


def _alt_key(modifiers: str, base: str) -> str | None:
    """``alt+f`` / ``alt+shift+f`` / ``alt+F``: terminals send ESC before the letter."""
    if len(base) != 1 or not base.isalpha():
        return None
    if modifiers == "alt" and base.islower():
        return None if f"alt+{base}" in _ALT_REMAPPED else f"alt+{base}"
    if (modifiers == "alt" and base.isupper()) or (
        modifiers in ("alt+shift", "shift+alt") and base.islower()
    ):
        return f"alt+shift+{base.lower()}"
    return None


def _why_not(key: str, modifiers: str, base: str) -> str:
    if key in _ALT_REMAPPED:
        return f"{quoted(key)} arrives as {_ALT_REMAPPED[key]!r}: write {_ALT_REMAPPED[key]!r}"
    if key in _UNRECEIVABLE_ENUM:
        return f"{quoted(key)} never arrives: {_UNRECEIVABLE_ENUM[key]}"
    if key in _NAME_REPLACEMENTS or key == "minus_sign":
        short = _NAME_REPLACEMENTS.get(key, "minus")
        return f"Textual names this key {short!r}: write {short!r}"
    if key in _ALIASES:
        return f"{quoted(key)} never arrives as such: write {_ALIASES[key]!r}"
    if key in _MODIFY_OTHER_KEYS_ONLY:
        return f"{quoted(key)} arrives as the plain digit in most terminals: choose another key"
    mods = set(modifiers.split("+")) if modifiers else set()
    single = len(base) == 1
    if mods == {"shift"} and single and base.isalpha():
        return f"{quoted(key)} arrives as {base.upper()!r}: write {base.upper()!r}"
    if mods == {"ctrl", "shift"} and single and base.isalpha():
        return f"terminals send {quoted(key)} as 'ctrl+{base.lower()}': choose another key"
    if "alt" in mods and (mods - {"alt", "shift"} or not (single and base.isalpha())):
        return (
            f"terminals cannot send {quoted(key)} distinctly: alt works only with a letter"
            " (alt+f, alt+shift+f)"
        )
    if mods and single and base.isupper():
        return f"{quoted(key)}: write the letter in lower case after modifiers"
    if mods - {"ctrl", "shift", "alt"}:
        return f"{quoted(key)}: terminals send only ctrl, shift and alt modifiers"
    known = sorted(RECEIVABLE_NAMED_KEYS | CHARACTER_KEY_NAMES)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {quoted(key)}{hint}"


def is_typing_key(key: str) -> bool:
    """Whether ``key`` (a canonical name) types a character into a text box."""
    return len(key) == 1 or key in CHARACTER_KEY_NAMES or key == "space"


def displayed_character(key: str) -> str | None:
    """The character to show for the key name ``key`` where Textual shows the name itself.

    Textual's footer and help spell a key by its Unicode name only for the characters in
    its own table: a keymap binding ``€`` showed ``euro_sign``, which nobody types.
    """
    from textual.keys import format_key, key_to_character

    if len(key) < 2 or format_key(key) != key:
        return None
    character = key_to_character(key)
    if character is None or not character.isprintable() or character.isspace():
        return None
    return character
