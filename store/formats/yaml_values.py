"""The text of one value in YAML front matter, read as YAML reads it.

Front matter gives articles one-line metadata (title, outlet, date), so only values that
are text matter: plain ones (up to a ``#`` comment, over several lines too), single-quoted
ones (``''`` is one quote), double-quoted ones with YAML's escapes (``\\"``, ``\\u00e9``,
``\\x41``, a line end escaped), block scalars (``|``, ``>-``) and anchors or tags before
any of them. Lists, maps and aliases are not text: :class:`NotText` says which. The value
is cleaned to one line afterwards (every run of spaces and line breaks becomes one space),
so block scalars are not folded or chomped here and quoted ones fold only as far as that
cleaning cannot undo. Read line by line, in linear time; an alias is never followed, so a
YAML bomb costs nothing. A plain value YAML would reject for a ``: `` or a leading ``@``
(``title: Breaking: 3 dead``) is taken as written, as it always was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PROPERTIES = re.compile(r"(?:[&!][^ \t]*(?:[ \t]+|$))+")
"""Anchors (``&a``) and tags (``!!str``) before a value; they do not change its text."""
_COMMENT = re.compile(r"[ \t]#")
_TRAILING_COMMENT = re.compile(r"[ \t]*#")  # PyYAML takes "x"#c too
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][+-]?|[+-][1-9]?)?[ \t]*(?:#.*)?")
_INDENT_INDICATOR = re.compile(r"[1-9]")
_NULLS = frozenset({"~", "null", "Null", "NULL"})
_BLANK = " \t"

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class NotText(ValueError):
    """A value that is no text: its message says what it is (``a list``, ``an alias``)."""


def value_text(first: str, more: Sequence[str]) -> str | None:
    """The text of the value that starts with ``first`` (the rest of its ``key:`` line)
    and goes on over ``more`` (the entry's following lines, indented or blank); None for
    an empty or null value. Raises :class:`NotText` for any other kind of value."""
    text = _without_properties(first.strip(_BLANK))
    if not text or text.startswith("#"):
        return _value_on_next_lines(more)
    kind = text[0]
    if kind == "*":
        raise NotText("an alias")
    if kind == "[":
        raise NotText("a list")
    if kind == "{":
        raise NotText("a map")
    if kind in "|>":
        return _block(text, more)
    if kind in "\"'":
        return _quoted(text, more)
    return _plain(text, more)


def _without_properties(text: str) -> str:
    found = _PROPERTIES.match(text)
    return text[found.end() :] if found else text


def _value_on_next_lines(more: Sequence[str]) -> str | None:
    """A value that starts on the line after its key (``title:`` then an indented line)."""
    for index, line in enumerate(more):
        stripped = line.strip(_BLANK)
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "-" or stripped.startswith(("- ", "-\t")):
            raise NotText("a list")
        if not line.startswith(tuple(_BLANK)):
            return None  # a line at the key's own indentation is no value of it
        before_comment = _cut_comment(stripped)[0]
        if stripped[0] not in "\"'[{|>*&!" and (
            ": " in before_comment or before_comment.endswith(":")
        ):
            raise NotText("a map")
        return value_text(stripped, more[index + 1 :])
    return None


def _cut_comment(text: str) -> tuple[str, bool]:
    """``text`` before a comment (a ``#`` after a space), and whether there was one."""
    found = _COMMENT.search(text)
    if found is None:
        return text.rstrip(_BLANK), False
    return text[: found.start()].rstrip(_BLANK), True


def _plain(text: str, more: Sequence[str]) -> str | None:
    first, commented = _cut_comment(text)
    parts = [first]
    if not commented:
        for line in more:
            stripped = line.strip(_BLANK)
            if stripped and not line.startswith(tuple(_BLANK)):
                break
            if stripped.startswith("#"):
                break
            part, commented = _cut_comment(stripped)
            parts.append(part)
            if commented:
                break
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) == 1 and parts[0] in _NULLS:
        return None
    return _folded(parts)


def _folded(lines: Sequence[str]) -> str:
    """Lines of a plain value joined as YAML folds them: one line break is a space, and
    each empty line a line break."""
    out: list[str] = []
    empty = 0
    for index, line in enumerate(lines):
        if not line:
            empty += 1
            continue
        if index:
            out.append("\n" * empty if empty else " ")
        empty = 0
        out.append(line)
    return "".join(out)


def _block(text: str, more: Sequence[str]) -> str:
    """A literal (``|``) or folded (``>``) block scalar's lines, joined by line breaks."""
    if _BLOCK_HEADER.fullmatch(text) is None:
        raise NotText("not valid YAML")
    indicator = _INDENT_INDICATOR.search(text.partition("#")[0])
    indent = int(indicator.group()) if indicator else None
    lines: list[str] = []
    blank_width = 0
    for line in more:
        width = len(line) - len(line.lstrip(" "))
        if not line.strip(" "):
            lines.append("")
            blank_width = max(blank_width, width)
            continue
        if indent is None:
            # Blank lines before the first text count: one less indented ends the value.
            indent = max(width, blank_width)
        if width < indent or indent == 0:
            break  # less indented: the value has ended
        lines.append(line[indent:])
    return "\n".join(lines).strip("\n")


def _quoted(text: str, more: Sequence[str]) -> str:
    """A single- or double-quoted value, which may go on over ``more``."""
    quote = text[0]
    source = "\n".join([text, *more])
    out: list[str] = []
    white: list[str] = []  # blanks that a line break would drop
    position = 1
    while position < len(source):
        char = source[position]
        if char == quote and not (quote == "'" and source.startswith("''", position)):
            _check_after_quote(source, position + 1)
            out.extend(white)
            return "".join(out)
        if char in _BLANK:
            white.append(char)
            position += 1
            continue
        if char == "\n":
            white.clear()
            position = _fold_line_break(source, position, out, escaped=False)
            continue
        out.extend(white)
        white.clear()
        if char == "'" and quote == "'":
            out.append("'")
            position += 2
        elif char == "\\" and quote == '"':
            position = _escape(source, position, out)
        else:
            out.append(char)
            position += 1
    raise NotText("a quote that is never closed")


def _check_after_quote(source: str, position: int) -> None:
    """Only blanks and a comment may follow a closing quote on its line."""
    rest = source[position:].partition("\n")[0]
    if rest.strip(_BLANK) and _TRAILING_COMMENT.match(rest) is None:
        raise NotText("not valid YAML (text after the closing quote)")


def _fold_line_break(source: str, position: int, out: list[str], *, escaped: bool) -> int:
    """Past the line break at ``position`` and the blank lines after it: one break is a
    space (none if ``escaped``), each blank line after it a line break."""
    empty = 0
    position += 1
    while True:
        while position < len(source) and source[position] in _BLANK:
            position += 1
        if position < len(source) and source[position] == "\n":
            empty += 1
            position += 1
            continue
        break
    out.append("\n" * empty if empty else ("" if escaped else " "))
    return position


def _escape(source: str, position: int, out: list[str]) -> int:
    """Decode the escape at ``position`` (a backslash) into ``out``; the position after."""
    code = source[position + 1 : position + 2]
    if code == "\n":
        return _fold_line_break(source, position + 1, out, escaped=True)
    if code in _ESCAPES:
        out.append(_ESCAPES[code])
        return position + 2
    digits = _HEX_ESCAPES.get(code)
    if digits is None:
        raise NotText("not valid YAML (an unknown escape)")
    start = position + 2
    hex_digits = source[start : start + digits]
    if len(hex_digits) != digits or not all(c in "0123456789abcdefABCDEF" for c in hex_digits):
        raise NotText("not valid YAML (an unknown escape)")
    value = int(hex_digits, 16)
    if value > 0x10FFFF:
        raise NotText("not valid YAML (an unknown escape)")
    if 0xDC00 <= value <= 0xDFFF and out and "\ud800" <= out[-1] <= "\udbff":
        # The second half of a UTF-16 pair, as JSON writes characters outside the BMP.
        high = ord(out.pop())
        value = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)
    out.append(chr(value))
    return start + digits
