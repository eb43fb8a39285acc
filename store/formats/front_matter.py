"""Front matter at the top of Markdown files: YAML between ``---`` lines (Jekyll, Hugo,
Pandoc, Obsidian) or TOML between ``+++`` lines (Hugo).

Only top-level keys with text values matter for articles. YAML is read key by key
(:mod:`store.formats.yaml_values`), so one value YAML would reject does not cost the
others; TOML with the standard library's ``tomllib``, whole or not at all.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from store.errors import ImportRefused
from store.formats.fields import is_metadata_key
from store.formats.yaml_values import NotText, value_text

_KEY_VALUE = re.compile(
    r"""(?P<quote>["']?)(?P<key>[A-Za-z_][\w.-]*)(?P=quote)[ \t]*:[ \t]*(?P<value>.*)"""
)
_YAML_FENCE = "---"
_YAML_CLOSERS = frozenset({"---", "..."})
_TOML_FENCE = "+++"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What :func:`split_front_matter` finds at the top of a Markdown source."""

    pairs: list[tuple[str, str]]
    """Top-level keys with a text value, in the order of the file."""
    body: str
    """The source after the front matter; all of it when there is none."""
    note: str | None = None
    """The metadata keys whose values were left out, not being text (one line)."""


def split_front_matter(source: str, path: Path | str) -> FrontMatter:
    """Split ``source`` (``\\n`` line ends) into front-matter pairs and the rest.

    YAML front matter opens with a ``---`` line at the very top and closes with ``---`` or
    ``...``; if any line between is not YAML-like the block is left to markdown (where
    ``---`` is a thematic break). TOML front matter is a block between two ``+++`` lines;
    one that is not valid TOML refuses the file, as ``path``: markdown would have stored it
    as the article's first paragraph.
    """
    if source.startswith(_YAML_FENCE):
        fenced = _fenced(source, _YAML_FENCE, _YAML_CLOSERS, _yaml_like)
        if fenced is not None:
            return _from_yaml(*fenced)
    elif source.startswith(_TOML_FENCE):
        fenced = _fenced(source, _TOML_FENCE, frozenset({_TOML_FENCE}), lambda _line: True)
        if fenced is not None:
            return _from_toml(*fenced, path)
    return FrontMatter([], source)


def _fenced(
    source: str, fence: str, closers: frozenset[str], line_ok: Callable[[str], bool]
) -> tuple[list[str], str] | None:
    """The lines between an opening ``fence`` line and a closer, and the text after it;
    None if the block is never closed or holds a line that is not ``line_ok``."""
    first_line, newline, rest = source.partition("\n")
    if first_line.rstrip() != fence or not newline:
        return None
    lines: list[str] = []
    offset = 0
    while offset < len(rest):
        end = rest.find("\n", offset)
        line_end = len(rest) if end < 0 else end
        # Kept as they are: the blanks on a blank line count in a YAML block scalar.
        line = rest[offset:line_end]
        if line.rstrip() in closers:
            return lines, rest[line_end + 1 :]
        if not line_ok(line):
            return None
        lines.append(line)
        offset = line_end + 1
    return None


def _yaml_like(line: str) -> bool:
    """A blank, comment, indented, list or ``key:`` line."""
    return (
        not line.strip()
        or line.startswith(("#", " ", "\t", "- "))
        or line == "-"
        or _KEY_VALUE.fullmatch(line) is not None
    )


def _from_yaml(lines: Sequence[str], body: str) -> FrontMatter:
    pairs: list[tuple[str, str]] = []
    left_out: list[tuple[str, str]] = []
    for key, first, more in _yaml_entries(lines):
        try:
            value = value_text(first, more)
        except NotText as kind:
            left_out.append((key, str(kind)))
            continue
        if value is not None:
            pairs.append((key, value))
    return FrontMatter(pairs, body, _note(left_out))


def _yaml_entries(lines: Sequence[str]) -> Iterator[tuple[str, str, list[str]]]:
    """Each top-level ``key:`` line's key (quoted or not), the rest of the line, and the
    lines up to the next key: indented, blank and comment lines, and ``-`` items (a list
    may stand at the key's own indentation)."""
    key: str | None = None
    first = ""
    more: list[str] = []
    for line in lines:
        match = _KEY_VALUE.fullmatch(line)
        if match is None and key is not None and (not line or line[0] in " \t-#"):
            more.append(line)
            continue
        if key is not None:
            yield key, first, more
        key, first, more = (match["key"], match["value"], []) if match else (None, "", [])
    if key is not None:
        yield key, first, more


def _from_toml(lines: Sequence[str], body: str, path: Path | str) -> FrontMatter:
    try:
        # One line before, so that the positions tomllib names are lines of the file.
        table = tomllib.loads("\n" + "\n".join(lines))
    except tomllib.TOMLDecodeError as error:
        raise ImportRefused(path, f"front matter is not valid TOML: {error}") from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ImportRefused(path, "front matter is not valid TOML: nested too deeply") from None
    pairs: list[tuple[str, str]] = []
    left_out: list[tuple[str, str]] = []
    for key, value in table.items():
        if isinstance(value, str):
            pairs.append((key, value))
        elif isinstance(value, datetime.date | datetime.time):
            pairs.append((key, value.isoformat()))  # a TOML date is a value of its own
        else:
            left_out.append((key, _toml_kind(value)))
    return FrontMatter(pairs, body, _note(left_out))


def _toml_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "a table"


def _note(left_out: Sequence[tuple[str, str]]) -> str | None:
    """The note for metadata values left out; other keys' values never mattered."""
    named = [f"{key} ({kind})" for key, kind in left_out if is_metadata_key(key)]
    if not named:
        return None
    return "front matter values that are not text were left out: " + ", ".join(named)
