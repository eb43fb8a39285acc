"""A deterministic tokenizer for CoNLL and ``--tokens``: no model, same tokens everywhere.

A token is a run of word characters (letters, digits, ``_``, and the combining
marks that follow them; ``.`` or ``,`` between two digits stays inside), or one
other visible character together with what attaches to it: combining marks,
variation selectors, emoji skin-tone modifiers and zero-width-joiner sequences; two
regional indicators are one flag. A zero-width joiner or non-joiner after a word's
character belongs to the word, and the word goes on after it (``Auf\u200clage`` and
``ශ්\u200dරී`` are one token each). So ``e`` + U+0301 stays one token, and a family
emoji and 🇩🇪 stay one token each.
Whitespace separates tokens and is never part of one.
Offsets are code points into the document text, like every offset in claimdesk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from store.combining import JOINERS, attaches

ZWJ = "\u200d"


class Token(NamedTuple):
    start: int
    end: int
    text: str


def is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


_WORD_RUN = re.compile(r"\w+")
_SPACE_RUN = re.compile(r"\s+")


def tokenize(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    stop = len(text) if end is None else end
    i = start
    while i < stop:
        space = _SPACE_RUN.match(text, i, stop)
        if space:
            i = space.end()
            continue
        word = _WORD_RUN.match(text, i, stop)
        if word:
            # re's \w is isalnum() or "_", the same test as _is_word; runs are matched
            # in C, and only what joins two runs is looked at one character at a time.
            j = word.end()
            while j < stop:
                if attaches(text[j]) or text[j] in JOINERS:
                    j += 1
                elif (
                    text[j] in ".,"
                    and j + 1 < stop
                    and text[j - 1].isdigit()
                    and text[j + 1].isdigit()
                ):
                    j += 2  # 11.000 and 1,5 are one number
                else:
                    break
                more = _WORD_RUN.match(text, j, stop)
                if more:
                    j = more.end()
        else:
            j = i + 1
            if j < stop and is_regional_indicator(text[i]) and is_regional_indicator(text[j]):
                j += 1  # a flag is a pair of letters of this alphabet
            while j < stop:
                if attaches(text[j]):
                    j += 1
                elif text[j] == ZWJ and j + 1 < stop and not text[j + 1].isspace():
                    j += 2
                else:
                    break
        yield Token(i, j, text[i:j])
        i = j


def token_bounds(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """Indexes of the first and last token overlapping ``[start, end)``, or None."""
    first = last = None
    lo, hi = 0, len(tokens)
    while lo < hi:  # first token whose end is past ``start``
        mid = (lo + hi) // 2
        if tokens[mid].end <= start:
            lo = mid + 1
        else:
            hi = mid
    index = lo
    while index < len(tokens) and tokens[index].start < end:
        if first is None:
            first = index
        last = index
        index += 1
    if first is None or last is None:
        return None
    return first, last
