"""What an HTML source holds, counted in linear time before any parser sees it.

libxml2 and trafilatura cost far more per element than per character: 100,000 one-letter
paragraphs (800 KB) took 33 s to import, and 100,000 attributes on one element (1 MB)
took 156 s, since the parser and the extractors compare every attribute with every
other. :func:`check_markup` refuses such pages by counting with regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from store.errors import ImportRefused
from store.formats.limits import MAX_HTML_ATTRIBUTES, MAX_HTML_ELEMENTS, MAX_TAG_ATTRIBUTES

# ASCII case only, as HTML's tag names: a Unicode-blind IGNORECASE also took "<ſcript"
# (long s), whose lower() is no key of _RAW_TEXT_CLOSE, and the import failed.
_TAG_CASE = re.IGNORECASE | re.ASCII
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b", _TAG_CASE)
_RAW_TEXT_CLOSE = {
    "script": re.compile(r"</script\s*>", _TAG_CASE),
    "style": re.compile(r"</style\s*>", _TAG_CASE),
}
_START_TAG = re.compile(r"<[A-Za-z][^<>]*")  # an unclosed tag at the end counts too
_NAME_OR_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?""")


def outside_raw_text(source: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each stretch of ``source`` outside ``<script>`` and ``<style>``.

    Their content is raw text (a ``<`` in a script is no tag), so counting skips it.
    """
    position = 0
    while True:
        opening = _RAW_TEXT_OPEN.search(source, position)
        yield position, opening.start() if opening is not None else len(source)
        if opening is None:
            return
        closing = _RAW_TEXT_CLOSE[opening.group(1).lower()].search(source, opening.end())
        position = closing.end() if closing is not None else len(source)


def check_markup(source: str, path: Path | str) -> None:
    """Refuse an HTML source with more elements or attributes than a news page has.

    Counting stops at the first limit passed, so a huge source costs no more than
    a page at the limit.
    """
    check_markup_pieces((source,), path)


def check_markup_pieces(sources: Iterable[str], path: Path | str) -> None:
    """:func:`check_markup` of HTML pieces that are parsed one by one but make one article
    together (a Markdown file's HTML blocks): the limits hold for all of them at once."""
    elements = 0
    attributes = 0
    for source in sources:
        # Each piece on its own: an unclosed <script> in one must not hide the next.
        for start, end in outside_raw_text(source):
            # The script or style element that ends the stretch counts as one.
            elements += 1 if end < len(source) else 0
            for tag in _START_TAG.finditer(source, start, end):
                elements += 1
                if elements > MAX_HTML_ELEMENTS:
                    raise ImportRefused(path, over_limit("elements", MAX_HTML_ELEMENTS))
                # The first match is the tag's own name.
                on_tag = len(_NAME_OR_ATTRIBUTE.findall(tag.group(), 1)) - 1
                if on_tag > MAX_TAG_ATTRIBUTES:
                    raise ImportRefused(
                        path,
                        f"an HTML element has {on_tag} attributes,"
                        f" over the limit of {MAX_TAG_ATTRIBUTES} for one element",
                    )
                attributes += on_tag
                if attributes > MAX_HTML_ATTRIBUTES:
                    raise ImportRefused(path, over_limit("attributes", MAX_HTML_ATTRIBUTES))


def over_limit(what: str, limit: int) -> str:
    """The reason for a page with more than ``limit`` of ``what``."""
    return f"HTML has more than {limit} {what}, the limit for one article"
