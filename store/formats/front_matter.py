"""YAML-style front matter at the top of markdown files, read without a YAML library.

Only flat ``key: value`` lines matter for articles; lists, nested maps and block
scalars are recognised (so the block still counts as front matter) but ignored.
"""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(r"([A-Za-z_][\w.-]*)[ \t]*:[ \t]*(.*)")
_FENCE = "---"
_CLOSERS = frozenset({"---", "..."})


def split_front_matter(source: str) -> tuple[list[tuple[str, str]], str]:
    """Split ``source`` (``\\n`` line ends) into front-matter pairs and the rest.

    Front matter opens with a ``---`` line at the very top and closes with ``---`` or
    ``...``; if any line between is not YAML-like the block is left to markdown (where
    ``---`` is a thematic break).
    """
    if not source.startswith(_FENCE):
        return [], source
    first_line, newline, rest = source.partition("\n")
    if first_line.rstrip() != _FENCE or not newline:
        return [], source
    pairs: list[tuple[str, str]] = []
    offset = 0
    while offset < len(rest):
        end = rest.find("\n", offset)
        line_end = len(rest) if end < 0 else end
        line = rest[offset:line_end].rstrip()
        next_offset = line_end + 1
        if line in _CLOSERS:
            return pairs, rest[next_offset:]
        if not _yaml_like(line):
            return [], source
        match = _KEY_VALUE.fullmatch(line)
        if match is not None and match.group(2):
            value = _scalar(match.group(2))
            if value is not None:
                pairs.append((match.group(1), value))
        offset = next_offset
    return [], source  # never closed: not front matter


def _yaml_like(line: str) -> bool:
    """A blank, comment, indented, list or ``key:`` line."""
    return (
        not line.strip()
        or line.startswith(("#", " ", "\t", "- "))
        or line == "-"
        or _KEY_VALUE.fullmatch(line) is not None
    )


def _scalar(raw: str) -> str | None:
    """The plain string of a one-line YAML scalar; None for flow lists, maps, anchors etc."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value.startswith(("[", "{", "|", ">", "&", "*", "!")):
        return None
    # An unquoted value ends at a comment, which YAML requires to follow a space.
    return value.split(" #", 1)[0].rstrip() or None
