"""A deterministic tokenizer for CoNLL and ``--tokens``: no model, same tokens everywhere.

A token is a run of word characters (letters, digits, ``_``, and the combining
marks that follow them; ``.`` or ``,`` between two digits stays inside), or one
other visible character together with what attaches to it: combining marks,
variation selectors, emoji skin-tone modifiers and zero-width-joiner sequences; two
regional indicators are one flag. A zero-width joiner or non-joiner, a word joiner
(U+2060, U+FEFF) or a soft hyphen after a word's character belongs to the word, and
the word goes on after it (``Auf\u200clage``, ``ශ්\u200dරී`` and ``record\u2060numbers``
are one token each). So ``e`` + U+0301 stays one token, and a family emoji and 🇩🇪 stay
one token each.
Whitespace separates tokens and is never part of one. So do the other invisible format
characters (bidi marks and isolates, the zero-width space: see
:data:`store.combining.FORMAT_MARKS`), except that a bidi mark or isolate between two word
characters stays inside the word: ``שלום\u200f.`` is ``שלום`` and ``.``, and no token is
ever made of invisible characters alone. Leaving the marks out, rather than attaching
them, keeps every token's text the word a reader sees (a CoNLL line ``שלום\u200f`` is
another word to a model than ``שלום``) and keeps the spans marked in the reader, whose
word snapping leaves them out too, on token bounds; ``text[start:end]`` is still exactly
each token's text.
Offsets are code points into the document text, like every offset in claimdesk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from store.combining import (
    IGNORABLE_CLASS,
    INSIDE_WORD,
    JOINERS,
    attaches,
    is_default_ignorable,
)

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
# What never starts a token: whitespace and the characters that show nothing alone.
_SPACE_RUN = re.compile(f"[\\s{IGNORABLE_CLASS}]+")
_INSIDE_RUN = re.compile("[" + "".join(sorted(INSIDE_WORD)) + "]+")


def shows_anything(text: str) -> bool:
    """Whether ``text`` holds a character other than whitespace and invisible ones."""
    return any(not char.isspace() and not is_default_ignorable(char) for char in text)


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
                elif text[j] in INSIDE_WORD:
                    marks = _INSIDE_RUN.match(text, j, stop)
                    assert marks is not None
                    if marks.end() < stop and _is_word(text[marks.end()]):
                        j = marks.end()  # a bidi mark between two letters
                    else:
                        break  # at the word's edge the mark is no part of it
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
