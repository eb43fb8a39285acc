"""Which characters belong to the character before them (combining marks and the like),
and which show nothing of their own (bidi marks, zero-width spaces and joiners).

Shared by the export tokenizer (``store.export.tokens``) and the reader's word motion
(``tui.widgets.navigation``), so a word is the same span of text in both. Kept apart
from ``store.export``, whose package imports sqlite-utils: the reader loads this
module before its first frame.
"""

from __future__ import annotations

import re
import unicodedata


def attaches(char: str) -> bool:
    """Characters that belong to the preceding character rather than standing alone."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag characters (flags of regions)
    )


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _inside_flag(text: str, offset: int) -> bool:
    """Whether ``offset`` falls between the two regional indicators of one flag (🇩🇪 is
    🇩 then 🇪). Indicators pair from the start of their run, so it is the parity of the
    run before ``offset`` that tells."""
    if not 0 < offset < len(text) or not _is_regional_indicator(text[offset]):
        return False
    run = 0
    while offset - run - 1 >= 0 and _is_regional_indicator(text[offset - run - 1]):
        run += 1
    return run % 2 == 1


ZWJ = "\u200d"
ZWSP = "\u200b"
JOINERS = frozenset("\u200c\u200d\u2060\ufeff\u00ad")
"""Zero-width non-joiner and joiner, word joiner (U+2060, and U+FEFF, its older spelling
inside a text) and soft hyphen: after a word's character they belong to the word, and the
word goes on after them. German typesetting breaks a ligature with a ZWNJ,
``Auf\u200clage``; Sinhala and Devanagari join a conjunct with a ZWJ, ``ශ්\u200dරී``; a
word joiner says "no break here", ``record\u2060numbers``; a soft hyphen marks where a
word may be hyphenated (import removes it; an older database may hold it)."""

FORMAT_MARKS = frozenset(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    + "".join(map(chr, range(0x2060, 0x2070)))
    + "\ufeff"
    + "".join(map(chr, range(0x1BCA0, 0x1BCA4)))
    + "".join(map(chr, range(0x1D173, 0x1D17B)))
)
"""The default-ignorable format characters (category Cf, and U+2065 reserved among them):
drawn as nothing, and part of no word's spelling. Bidi marks (LRM, RLM, ALM), embeddings,
overrides and isolates, the zero-width space, the joiners above, invisible operators and
the byte order mark. Real Hebrew and Arabic news carries RLM and LRM; scraped pages carry
ZWSP."""

INSIDE_WORD = FORMAT_MARKS - {ZWSP}
"""Format characters that stay inside a word when a word character follows them: a
bidi mark or isolate does not end the word it stands in (UAX #29 ignores them between
letters, and spaCy keeps ``ab\u200fcd`` one token). A zero-width space does: it is a
space, the one Thai, Khmer and Lao text puts between words."""


IGNORABLE_CLASS = "\u034f\ufe00-\ufe0f\U000e0000-\U000e0fff" + "".join(sorted(FORMAT_MARKS))
"""The inside of a regular-expression class of the characters that show nothing of their
own: the format characters, the combining grapheme joiner, variation selectors and tag
characters. A token never starts with one, so none is ever a token (or a CoNLL line) of
its own; after a visible character the last three still belong to it (see
:func:`attaches`)."""

_IGNORABLE = re.compile(f"[{IGNORABLE_CLASS}]")


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` is in :data:`IGNORABLE_CLASS`."""
    return _IGNORABLE.match(char) is not None


def _is_pictograph(char: str) -> bool:
    """Roughly Unicode's Extended_Pictographic, which ``unicodedata`` does not expose:
    the symbols a zero-width joiner glues into one emoji (👩‍👩‍👧, 🏳️‍🌈)."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2300 <= code <= 0x23FF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _inside_joined_emoji(text: str, offset: int) -> bool:
    """Whether ``offset`` falls at a zero-width joiner of an emoji sequence or right after
    one: 👩‍👩‍👧 is five code points, and a cursor step stopped at each."""
    if text[offset] == ZWJ:
        return True
    return text[offset - 1] == ZWJ and _is_pictograph(text[offset])


def splits_character(text: str, offset: int) -> bool:
    """Whether a cut at ``offset`` would split what the reader sees as one character: a
    letter from a mark attached to it, a flag's two regional indicators, or the parts of
    an emoji joined by zero-width joiners. Cursor steps and selection edges move on past
    such an offset."""
    return 0 < offset < len(text) and (
        attaches(text[offset]) or _inside_flag(text, offset) or _inside_joined_emoji(text, offset)
    )
