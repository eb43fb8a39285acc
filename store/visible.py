"""Making stored strings safe to print on a terminal: the one function every CLI
output of names, notes, labels and messages goes through.

Import strips control characters from what it stores, but a database written by an
older version, by hand, or by another tool may still hold some, and file names in
error messages come straight from the file system. A terminal acts on ESC (OSC 52
writes the clipboard, ``ESC[2J`` clears the screen), C1 controls (``\\x9b`` is CSI on
some terminals) and reorders text at bidi controls, so each of those is shown as
an escape (``\\x1b``, ``\\u202e``) instead of being sent.
"""

from __future__ import annotations

import re

# C0 and DEL and C1, bidi embeddings/overrides/isolates and marks, the Unicode line and
# paragraph separators, lone surrogates (a file name's bytes that are not UTF-8, which
# a UTF-8 stdout refuses to encode, failing the command after its work was done), and the
# invisible noncharacters U+FFFE and U+FFFF that an older database may hold.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ufffe\uffff]"
)
_INVISIBLE_EXCEPT_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control character shown as an escape instead of sent.

    ``keep_lines`` lets newline, carriage return and tab through, for multi-line
    reports and data (CSV rows) whose line structure is meant.
    """
    pattern = _INVISIBLE_EXCEPT_LINES if keep_lines else _INVISIBLE
    return pattern.sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible_json(text: str) -> str:
    """JSON text with every control character inside its strings written as ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls itself but sends DEL, C1 and bidi controls raw.
    Their ``\\u`` escapes decode to the same strings, so the output stays exact data for
    a pipe and is harmless on a terminal. Line breaks outside strings are layout.
    """
    return _INVISIBLE_EXCEPT_LINES.sub(_json_escape, text)
