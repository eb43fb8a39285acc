"""Web addresses in article text: links, embedded posts, e-mail addresses.

Scraped news carries them inline: a "more at www.example.org" in a sentence, and
embedded social-media posts flattened into the paragraph, each ending with its
share link (``… #Vienna pic.example.com/AbC12 Die ÖBB war am Montag …``). Three
readers need the same notion of an address:

| reader                    | uses                                                  |
|---------------------------|-------------------------------------------------------|
| ``store.segment``         | :func:`link_then_sentence`: an embed's link ends a unit |
| ``store.boilerplate``     | :func:`ends_with_link`: a unit that is an embed or link line |
| ``store.linking.normalize`` | :func:`without_addresses`: an address is no evidence of a fact |

An address is recognised by its shape alone (a scheme, ``www.``, or a host name
with a path), never by a list of sites.
"""

from __future__ import annotations

import re

# "https://…", "www.…", "host.tld/path" (a path: "1./2. Weltkrieg" and "km/h" are no
# host), and e-mail addresses. Letter classes are spelled out instead of matched without
# case: with IGNORECASE "[a-z]" also takes "ſ", "İ" and the Kelvin sign.
# Each alternative starts only where a run of address characters starts: tried at every
# position inside a long word, "[\w.+-]+@" would rescan the word to its end each time,
# quadratic on a hostile 100,000-letter token.
_START = r"(?<![\w.+@/:-])"
_ADDRESS = (
    _START + r"(?:[A-Za-z][A-Za-z0-9+.-]{1,15}://|[Ww]{3}\.)[^\s<>\"'“”„»«]+"
    r"|" + _START + r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/[^\s<>\"'“”„»«]*"
    r"|" + _START + r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
)
WEB_ADDRESS = re.compile(_ADDRESS)
# Characters no address may hold at its end: closing punctuation of the sentence.
_TRAILING = ".,;:!?)]}"
# Hashtags and handles a post puts behind or around its link ("#AfD #Boateng").
_TAGS = r"(?:\s+[#@]\w+)*"
# A link with a path or scheme, its tags, then white space and a capitalised word: the
# page lost the line break between an embedded post and the article's next sentence.
_LINK_THEN_CAPITAL = re.compile(
    _START + r"(?:[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s<>\"'“”„»«]+"
    r"|(?:[Ww]{3}\.)?[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/[^\s<>\"'“”„»«]+)"
    + _TAGS
    + r"(?P<space>\s+)(?=[\"'„“«»]?[A-ZÄÖÜ])"
)
# A unit that ends with an address (and maybe tags): no sentence-final stop after it.
_ENDS_WITH_LINK = re.compile(r"(?:^|\s)(?:" + _ADDRESS + r")" + _TAGS + r"\s*$")


def might_hold_address(text: str) -> bool:
    """A cheap test that rules out most sentences before any regex runs."""
    return "/" in text or "@" in text or "www." in text or "WWW." in text


def link_then_sentence(line: str) -> list[int]:
    """Offsets in ``line`` where a unit ends after a link that runs into the next sentence.

    Only links with a scheme or a path: a bare host ("unter www.example.at
    Informationen abrufen") is cited inside sentences, where a German noun may follow.
    """
    if "/" not in line:
        return []
    ends = []
    for match in _LINK_THEN_CAPITAL.finditer(line):
        end = match.start("space")
        if line[end - 1] not in _TRAILING:
            ends.append(end)
    return ends


def ends_with_link(text: str) -> bool:
    """True when the unit's last word is an address (maybe followed by tags), not a stop.

    "Informationen unter www.example.at." ends as a sentence and is prose; an
    embedded post or a bare link line ends with its address.
    """
    stripped = text.rstrip()
    if not stripped or stripped[-1] in _TRAILING or not might_hold_address(stripped):
        return False
    return _ENDS_WITH_LINK.search(stripped) is not None


def without_addresses(text: str) -> str:
    """``text`` with every address replaced by a space (for matching, never for offsets)."""
    if not might_hold_address(text):
        return text
    return WEB_ADDRESS.sub(" ", text)
