"""Keeping trafilatura from decoding a page's character references a second time.

lxml decodes a page's references once, as a browser does; trafilatura then runs
``html.unescape`` over every metadata string (``Document.clean_and_trim``) and over its
plain-text result. A ``<title>Tom &amp;amp; Jerry</title>``, shown as "Tom &amp; Jerry",
was stored as "Tom & Jerry", and ``5 &amp;lt; 7`` as "5 < 7". That second decoding
cannot be undone afterwards ("&lt;" and "<" both end up "<"), so trafilatura is given
a copy of the page whose ampersands stand in as a character it leaves alone, and its
results get them back.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from html import unescape

from store.formats.html_blocks import Element

_STAND_INS = tuple(map(chr, range(0x1F700, 0x1F774)))
"""Alchemical symbols: printable (trafilatura drops what is not), neither word characters
nor spaces nor separators its title and site-name patterns look for, unchanged by NFC,
and next to never in a news page; the first one a page does not hold stands in."""

_RAW_TEXT_TAGS = frozenset({"script", "style"})
"""Their text is what the page's source says, undecoded: trafilatura's JSON-LD reader
decodes it once on purpose."""


class Ampersands:
    """The stand-in for ``&`` in one page given to trafilatura."""

    def __init__(self, stand_in: str) -> None:
        self.stand_in = stand_in

    @classmethod
    def for_page(cls, tree: Element) -> Ampersands | None:
        """The stand-in for ``tree``; None when no decoded text of it holds an ``&`` or
        the page holds every stand-in (then trafilatura reads the page as it is)."""
        if not any("&" in text for text in _decoded_strings(tree)):
            return None
        held = "".join(_all_strings(tree))
        # Script text is kept as written, and trafilatura's JSON-LD reader decodes it: a
        # headline "Cats &#x1F700; Dogs" there became "Cats & Dogs" on the way back.
        held += unescape(held)
        stand_in = next((char for char in _STAND_INS if char not in held), None)
        return None if stand_in is None else cls(stand_in)

    def masked(self, tree: Element) -> Element:
        """A copy of ``tree`` with the stand-in for every ``&`` its parser decoded."""
        copied = copy.deepcopy(tree)
        for element in copied.iter():
            if element.tag not in _RAW_TEXT_TAGS and element.text and "&" in element.text:
                element.text = element.text.replace("&", self.stand_in)
            if element.tail and "&" in element.tail:
                element.tail = element.tail.replace("&", self.stand_in)
            if element.tag == "meta":
                content = element.get("content")
                if content and "&" in content:
                    element.set("content", content.replace("&", self.stand_in))
        return copied

    def restored(self, value: str) -> str:
        """``value`` from trafilatura with its ampersands back."""
        return value.replace(self.stand_in, "&")


def _decoded_strings(tree: Element) -> Iterator[str]:
    """The strings :meth:`Ampersands.masked` changes: text and tails outside raw-text
    elements, and meta tags' content (where trafilatura reads titles and site names).
    Links are left as they are: trafilatura normalises a URL, which would
    percent-encode a stand-in (:func:`store.formats.html._url` undoes the second
    decoding of a URL instead)."""
    for element in tree.iter():
        if element.tag not in _RAW_TEXT_TAGS and element.text:
            yield element.text
        if element.tail:
            yield element.tail
        if element.tag == "meta":
            content = element.get("content")
            if content:
                yield content


def _all_strings(tree: Element) -> Iterator[str]:
    for element in tree.iter():
        if element.text:
            yield element.text
        if element.tail:
            yield element.tail
        yield from element.attrib.values()
