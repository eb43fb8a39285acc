"""Which characters belong to the character before them (combining marks and the like).

Shared by the export tokenizer (``store.export.tokens``) and the reader's word motion
(``tui.widgets.navigation``), so a word is the same span of text in both. Kept apart
from ``store.export``, whose package imports sqlite-utils: the reader loads this
module before its first frame.
"""

from __future__ import annotations

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
JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: inside a word they belong to it (German typesetting
breaks a ligature with a ZWNJ, ``Auf\u200clage``; Sinhala and Devanagari join a conjunct
with a ZWJ, ``ශ්\u200dරී``), and a token of the joiner alone is nothing a reader sees."""


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
