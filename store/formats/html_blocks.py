"""Paragraphs from an element tree: block elements start paragraphs, the rest is inline.

Shared by the HTML fallback extractor and the rendering of trafilatura's XML result.
The walk is iterative (``lxml.etree.iterwalk``), so deep trees cannot exhaust Python's
recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
"""What HTML collapses to one space; NBSP and other Unicode spaces are content."""

Element = Any
"""An lxml element; lxml ships no type hints."""


def _never(_element: Element) -> bool:
    return False


class _Paragraphs:
    """Accumulates inline text and cuts it into paragraphs at block boundaries."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.pieces: list[str] = []
        self.preserve_depth = 0

    def add(self, text: str | None) -> None:
        if not text:
            return
        if not self.preserve_depth:
            text = _HTML_WHITESPACE.sub(" ", text)
            if not self.pieces or self.pieces[-1].endswith((" ", "\n")):
                text = text.lstrip(" ")
            if not text:
                return
        self.pieces.append(text)

    def line_break(self) -> None:
        if self.pieces:
            self.pieces[-1] = self.pieces[-1].rstrip(" ")
        self.pieces.append("\n")

    def flush(self) -> None:
        paragraph = "".join(self.pieces).rstrip(" \n").lstrip("\n")
        if paragraph:
            self.done.append(paragraph)
        self.pieces.clear()


def block_paragraphs(
    root: Element,
    *,
    blocks: frozenset[str],
    breaks: frozenset[str],
    preserve: frozenset[str] = frozenset(),
    skip: Callable[[Element], bool] = _never,
) -> list[str]:
    """Text of ``root`` as paragraphs.

    ``blocks`` are tags that start and end a paragraph, ``breaks`` become a line break,
    whitespace inside ``preserve`` tags is kept as is (elsewhere runs collapse to one
    space), and subtrees for which ``skip`` is true are left out, their tail text kept.
    """
    out = _Paragraphs()
    skipped: Element = None
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "start":
            if tag is None or (element is not root and skip(element)):
                # Comments, processing instructions and boilerplate: only the tail counts;
                # the "end" event of this element still comes, nothing in between.
                skipped = element
                walker.skip_subtree()
                continue
            if tag in blocks:
                out.flush()
            if tag in breaks:
                out.line_break()
            if tag in preserve:
                out.preserve_depth += 1
            out.add(element.text)
            continue
        if element is skipped:
            skipped = None
        else:
            if tag in preserve:
                out.preserve_depth -= 1
            if tag in blocks:
                out.flush()
        if element is not root:
            out.add(element.tail)
    out.flush()
    return out.done
