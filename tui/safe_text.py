"""The one way untrusted text (articles, titles, notes, names) reaches the screen.

:func:`visible` swaps every character a terminal would act on or hide (C0/C1
controls, DEL, bidi overrides, zero-width format characters) for a visible
one-cell symbol, one code point for one code point, so offsets into the stored
text stay offsets into what is drawn. :func:`safe_text` and :func:`safe_content`
wrap the result without ever parsing markup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rich.errors import MarkupError
from rich.style import Style
from rich.text import Text
from textual.content import Content

from tui.char_class import code_point_class

# Placeholders: C0 controls get their Unicode "control picture" (␀ … ␟), DEL gets ␡,
# everything else that would be invisible or would reorder text gets the middle dot.
_CONTROL_PICTURE_BASE = 0x2400
_OTHER_PLACEHOLDER = "·"
_REPLACEMENT = "\ufffd"
_NEWLINE_PICTURE = chr(_CONTROL_PICTURE_BASE + ord("\n"))

# Bidi embeddings, overrides and isolates, marks, and Arabic letter mark.
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}


def _placeholder(code: int) -> str | None:
    """The stand-in for one code point, or None when it is safe to show as is."""
    if code < 0x20:
        return chr(_CONTROL_PICTURE_BASE + code)
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0:
        return _REPLACEMENT
    if code in _BIDI:
        return _OTHER_PLACEHOLDER
    char = chr(code)
    category = unicodedata.category(char)
    # Cf: zero-width and format characters (ZWSP, ZWJ, soft hyphen, BOM …);
    # Cs: lone surrogates; Co/Cn: private use and unassigned, which terminals draw unpredictably.
    if category in {"Cf", "Cs", "Cn"}:
        return _OTHER_PLACEHOLDER
    if category in {"Zl", "Zp"}:
        return "↵"
    return None


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """A translation table for the Basic Multilingual Plane and the format blocks above it."""
    table: dict[int, str] = {}
    # Every code point that gets a placeholder is one Python calls unprintable (categories
    # C* and Z* but the space), so the C-level test skips the other ~55,000 quickly.
    for code in [code for code in range(0x10000) if not chr(code).isprintable()]:
        replacement = _placeholder(code)
        if replacement is not None:
            table[code] = replacement
    # Tag characters and variation selector supplement (E0000-E0FFF) are Cf/Mn.
    for code in range(0xE0000, 0xE0080):
        table[code] = _OTHER_PLACEHOLDER
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One character class matching every code point that needs a placeholder."""
    return re.compile("[" + code_point_class(_table()) + "]")


def _swap(match: re.Match[str]) -> str:
    return _table()[ord(match.group())]


def visible(text: str) -> str:
    """``text`` with unsafe characters replaced; always the same length as ``text``.

    Newlines are replaced too: callers that lay out paragraphs split on them first.
    A regular expression finds the few unsafe characters, which is much faster on
    long articles than translating every character.
    """
    if text.isprintable():  # nothing a placeholder is for (see _table): most text, at once
        return text
    if "\n" in text and text.replace("\n", " ").isprintable():
        # An article whose only unprintable characters are its line breaks: swapping
        # those needs neither the table nor the pattern (~50 ms to build).
        return text.replace("\n", _NEWLINE_PICTURE)
    return _pattern().sub(_swap, text)


# Characters that break or space a line: one space each in a one-line field.
_LINE_SPACES = str.maketrans(dict.fromkeys("\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))


def editable_line(text: str) -> str:
    """``text`` as a one-line input box may hold it: line breaks and tabs as spaces, and
    every other character :func:`visible` would swap left out but zero-width joiners and
    non-joiners.

    An input box sends its value to the terminal as it is, and what the user edits there
    is what gets stored, so a placeholder symbol would become part of the text. The
    joiners stay, as in the search boxes: a note's family emoji was stored as three
    people, and a Persian word lost its non-joiner.
    """
    if text.isprintable():
        return text
    return _pattern().sub(_kept_joiner, _without_escapes(text).translate(_LINE_SPACES))


def _kept_joiner(match: re.Match[str]) -> str:
    found = match.group()
    return found if found in "\u200c\u200d" else ""


def _without_escapes(text: str) -> str:
    """``text`` without terminal escape sequences, each removed whole as import does: only
    their ESC went, and a pasted ``ESC[31m`` left ``[31m`` in the note."""
    from store.formats.normalize import without_escape_sequences

    return without_escape_sequences(text)


# What a search or filter box leaves out: controls, bidi controls, lone surrogates and
# noncharacters. Zero-width joiners and non-joiners stay: Persian and Hindi words and
# emoji sequences hold them, and a query without them matched nothing in the text.
_FIELD_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def field_line(text: str) -> str:
    """``text`` as a search or filter box holds it: one line, nothing that would act on
    the terminal or reorder the row, every character of the text searched for kept."""
    if text.isprintable():
        return text
    return _FIELD_UNSAFE.sub("", _without_escapes(text).translate(_LINE_SPACES))


def visible_line(text: str) -> str:
    """Like :func:`visible`, for one-line fields (titles, notes shown in a bar)."""
    return visible(text)


def safe_text(text: str, style: Style | str = "") -> Text:
    """A Rich ``Text`` showing ``text`` literally: no markup, no control codes."""
    return Text(visible(text), style=style, end="", no_wrap=False)


def safe_content(text: str) -> Content:
    """A Textual ``Content`` showing ``text`` literally: no markup, no control codes."""
    return Content(visible(text))


def message_text(message: str, *, markup: bool) -> Text:
    """A confirmation as shown: ``markup`` only for the app's own messages; a message
    whose markup does not parse is shown literally rather than lost."""
    try:
        return Text.from_markup(message) if markup else safe_text(message)
    except MarkupError:
        return safe_text(message)
