"""Where a sentence that reports several facts divides into clauses.

News sentences often carry two facts ("Die Brücke bleibt gesperrt; der Verkehr
wird über Bonn umgeleitet", "The bridge stays closed, while traffic is diverted
through Bonn") that another outlet reports in separate sentences. The whole
sentence then resembles each of the other outlet's sentences only in part. The
linker also compares the clauses (see :mod:`store.linking.units`), so a clause
can match a sentence, or another clause, on its own.

The split points are general rules of German and English punctuation and syntax,
not a parser: ``;``, ``:``, a spaced dash, a coordinating conjunction
(und/aber/sondern/denn/doch; and/but/while/whereas) and a relative clause (a comma
followed by der/die/das/welche/which/who/that ...). A piece with too few content
words is joined to its neighbour, so "Polizei und Feuerwehr" never becomes a
clause of its own. Offsets are code points into the text the sentence came from.
"""

from __future__ import annotations

import re

from store.linking.normalize import STOPWORDS, is_name

# A clause needs this many content words (not function words, names or figures):
# "Landrat Olaf Brenninger" before a relative clause names someone, it reports nothing.
MIN_CLAUSE_WORDS = 3
# More clauses than this are joined pairwise (smallest first): comparing clauses is
# quadratic in their number, and a sentence with five facts is rare.
MAX_CLAUSES = 4

_CONJUNCTIONS = "und|aber|sondern|denn|doch|jedoch|and|but|while|whereas|yet"
# der/die/das/dem/den after a comma are also articles ("..., die Anordnung ernst zu
# nehmen"); as relative pronouns they are followed by a lower-case word, as German
# nouns are capitalised ("..., die seit Montag Deiche sichern").
_ARTICLE_RELATIVES = r"(?:der|die|das|dem|den)\s+(?=[^\W\d_A-ZÄÖÜ])"
_RELATIVES = (
    "deren|dessen|denen|welche|welcher|welches|welchem|welchen|which|who|whom|whose|that|where|wo"
)
# A split point is the separator; the next clause starts after it. Conjunctions
# and relative pronouns stay in the clause they open (they are dropped as
# function words anyway). A dash between two numbers is a range, not a split.
# Every alternative starts with white space or ``;:,``: the lookahead in front lets
# the scan skip any other position in one test (3x faster, the same matches).
_SPLIT = re.compile(
    r"(?=[\s;:,])(?:"
    r"\s*;\s+"
    r"|\s*:\s+"
    r"|(?<![\d\s])\s+(?:--|[-–—])\s+(?!\d)"
    rf"|\s*,\s+(?=(?:{_CONJUNCTIONS}|{_RELATIVES})\b|{_ARTICLE_RELATIVES})"
    r"|\s+(?=(?:und|and|but|while|whereas)\s)"
    r")"
)
# Every match of _SPLIT holds one of these strings: ``;``, ``:``, a dash (``--``
# holds ``-``), a comma, or a word the last alternative looks ahead for ("whereas"
# holds none of the others). A sentence with none of them has no split point, and
# most sentences are such: a few substring tests in C rule them out without the
# regex scanning every white space (tests/linking/test_clause_precheck.py).
_SPLIT_MARKS = (";", ":", "-", "–", "—", ",", "und", "and", "but", "while", "whereas")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_TRIM = " \t\n\r,;:-–—"


def content_words(text: str, language: str = "de") -> int:
    """How many words of ``text`` carry content (not function words, names or figures)."""
    return sum(
        1 for w in _WORD.findall(text) if w.lower() not in STOPWORDS and not is_name(w, language)
    )


def may_split(sentence: str) -> bool:
    """False only when ``sentence`` has no split point (holds none of :data:`_SPLIT_MARKS`)."""
    # Spelled out: twice as fast as ``any()`` over the tuple.
    return (
        ";" in sentence
        or ":" in sentence
        or "-" in sentence
        or "–" in sentence
        or "—" in sentence
        or "," in sentence
        or "und" in sentence
        or "and" in sentence
        or "but" in sentence
        or "while" in sentence
        or "whereas" in sentence
    )


def clause_spans(text: str, start: int, end: int, language: str = "de") -> list[tuple[int, int]]:
    """The clauses of the sentence ``text[start:end]``, as ``(start, end)`` into ``text``.

    Empty when the sentence does not divide into at least two clauses of
    :data:`MIN_CLAUSE_WORDS` content words each. Each clause is trimmed of the
    white space and separators around it, so ``text[s:e]`` is the clause itself.
    """
    sentence = text[start:end]
    if not may_split(sentence):
        return []
    cuts = [0]
    for found in _SPLIT.finditer(sentence):
        if found.start() > cuts[-1]:
            cuts.append(found.start())
            cuts.append(found.end())
    if len(cuts) == 1:
        return []
    cuts.append(len(sentence))
    pieces = [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, 2)]
    pieces = [p for p in pieces if p[1] > p[0]]
    words = [content_words(sentence[a:b], language) for a, b in pieces]
    pieces, words = _join_short(pieces, words)
    while len(pieces) > MAX_CLAUSES:
        smallest = min(range(len(pieces)), key=lambda k: words[k])
        pieces, words = _join(pieces, words, smallest)
    if len(pieces) < 2:
        return []
    spans = []
    for a, b in pieces:
        piece = sentence[a:b]
        left = len(piece) - len(piece.lstrip(_TRIM))
        right = len(piece.rstrip(_TRIM))
        spans.append((start + a + left, start + a + right))
    return spans


def _join_short(
    pieces: list[tuple[int, int]], words: list[int]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Join every piece with too few content words to a neighbour."""
    while len(pieces) > 1:
        short = next((k for k, count in enumerate(words) if count < MIN_CLAUSE_WORDS), None)
        if short is None:
            break
        pieces, words = _join(pieces, words, short)
    return pieces, words


def _join(
    pieces: list[tuple[int, int]], words: list[int], index: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """Piece ``index`` joined to its smaller neighbour (the next one for the first)."""
    if index == 0:
        other = 1
    elif index == len(pieces) - 1:
        other = index - 1
    else:
        other = index - 1 if words[index - 1] <= words[index + 1] else index + 1
    low, high = min(index, other), max(index, other)
    merged = (pieces[low][0], pieces[high][1])
    return (
        [*pieces[:low], merged, *pieces[high + 1 :]],
        [*words[:low], words[low] + words[high], *words[high + 1 :]],
    )
