"""Numbers as values: ``11.000`` = ``11 000`` = ``11,000`` = ``elftausend``.

Matching and the cluster view need the value a number stands for, not its
characters: outlets write thousands and decimals differently, spell small numbers
out, and scale them with words (``1,5 Millionen`` = ``1.5 million``). Number words
go through text2num's ``alpha2digit`` for German and English.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from text_to_num import alpha2digit

# Thousands separators seen in news: dot, comma, apostrophe (Swiss), ordinary space,
# no-break space, narrow no-break space and thin space.
_GROUP_SEPARATORS = ".,'\u2019 \u00a0\u202f\u2009"
_NUMBER = re.compile(
    r"(?:(?P<currency>[$€£¥]\s?)|(?<![\w.,]))"
    r"(?P<number>\d{1,3}(?:[.,'\u2019\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d+)?(?![\d])"
    r"|\d+(?:[.,]\d+)?)"
    # Never read "1.5m" as "1" followed by something else.
    r"(?![.,]\d+[^\W\d_])"
    # Scales written onto the number, as British and business news do: £3.2bn, €1.5m.
    r"(?:(?P<attached>bn|tn|mn|m|k)(?![\w])|(?![\w])"
    r"(?:[\s\u00a0\u202f\u2009]*(?P<scale>"
    r"[Mm]illionen|[Mm]illion(?:s)?|[Mm]io\.?|[Mm]illiarden|[Mm]illiarde|[Mm]rd\.?"
    r"|[Bb]illion(?:en|s)?|bn|[Tt]ausend|[Tt]housand|[Tt]sd\.?|[Hh]undert|[Hh]undred"
    r")(?![\w]))?)"
)
# Plural scale words are a vague amount, not a number ("thousands of people").
_VAGUE = r"[Hh]undreds|[Tt]housands|[Mm]illions|[Bb]illions|[Dd]ozens"
_HIDE_FROM_TEXT2NUM = re.compile(rf"(?P<vague>\b(?:{_VAGUE})\b)|{_NUMBER.pattern}")
_HIDDEN = re.compile("\ue002(.)\ue003")
# "m" and "k" on a bare number are as often metres or a 5k run; after a currency
# sign they are million and thousand.
_ATTACHED = {"bn": 10**9, "tn": 10**12, "mn": 10**6, "m": 10**6, "k": 10**3}
_ATTACHED_NEEDS_CURRENCY = frozenset({"mn", "m", "k"})
_DIGIT = re.compile(r"\d")
_SCALES_COMMON = {
    "million": 10**6,
    "millions": 10**6,
    "millionen": 10**6,
    "mio": 10**6,
    "milliarde": 10**9,
    "milliarden": 10**9,
    "mrd": 10**9,
    "bn": 10**9,
    "tausend": 10**3,
    "thousand": 10**3,
    "tsd": 10**3,
    "hundert": 100,
    "hundred": 100,
}
# A German "Billion" is 10^12, an English "billion" 10^9.
_BILLION = {"de": 10**12, "en": 10**9}
# Words that make a range of the numbers on both sides ("10.000 bis 12.000").
_RANGE = re.compile(r"^\s*(?:bis|to|und|and|-|–|—)\s*$")

# Stems of German and English number words: a sentence with none of them cannot
# hold a spelled-out number, so the (comparatively slow) alpha2digit is skipped.
# Plain substring tests: a regex alternation over them costs ~100 µs a sentence.
_NUMBER_WORD_STEMS = (
    "zwei",
    "drei",
    "vier",
    "fünf",
    "funf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "zwolf",
    "zig",
    "ßig",
    "hundert",
    "tausend",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "teen",
    "ty",
    "hundred",
    "thousand",
)


def may_spell_numbers(text: str) -> bool:
    """Whether ``text`` holds a German or English number-word stem (else nothing to spell out).

    The stems are letters only, and no character that is not a letter lower-cases
    to one of them: a text holds one exactly when one of its words does.
    """
    lowered = text.lower()
    return any(stem in lowered for stem in _NUMBER_WORD_STEMS)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number found in a text: its value and where it stood (offsets into that text)."""

    value: Decimal
    start: int
    end: int

    @property
    def token(self) -> str:
        return canonical(self.value)


def canonical(value: Decimal) -> str:
    """The one spelling used for matching: ``1500000``, ``1.5``, ``0.25``."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_number(raw: str) -> Decimal | None:
    """The value of a number written with any of the usual separators, or None.

    A separator followed by exactly three digits (and only groups of three after
    it) groups thousands in both German and English news; any other separator is
    the decimal mark. ``1.500`` and ``1,500`` are therefore 1500, ``1,5`` and
    ``1.5`` are 1.5, and ``1.234,5`` / ``1,234.5`` are 1234.5.
    """
    text = raw.strip()
    if not text:
        return None
    separators = [(i, ch) for i, ch in enumerate(text) if not ch.isdigit()]
    if not separators:
        return Decimal(text)
    integer, fraction = text, ""
    last_index, last_char = separators[-1]
    tail = text[last_index + 1 :]
    kinds = {ch for _, ch in separators}
    if len(kinds) > 1 and last_char in ".,":
        # Two kinds of separator: the last one is the decimal mark.
        integer, fraction = text[:last_index], tail
    elif last_char in ".," and (
        len(tail) != 3 or (len(separators) == 1 and len(text[:last_index]) > 3)
    ):
        integer, fraction = text[:last_index], tail
    digits = "".join(ch for ch in integer if ch.isdigit())
    try:
        return Decimal(digits + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


def _scale(word: str | None, lang: str) -> int:
    if not word:
        return 1
    key = word.lower().rstrip(".")
    if key.startswith("billion"):
        return _BILLION.get(lang, 10**9)
    return _SCALES_COMMON.get(key, 1)


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a digit: without one, :func:`find_numbers` finds nothing."""
    return _DIGIT.search(text) is not None


def find_numbers(text: str, lang: str = "de") -> list[NumberMention]:
    """Every digit-written number in ``text`` with its scale word applied, in order."""
    found: list[NumberMention] = []
    if not _DIGIT.search(text):
        return found
    for match in _NUMBER.finditer(text):
        value = parse_number(match.group("number"))
        if value is None:
            continue
        attached = match.group("attached")
        if attached is None:
            scale = _scale(match.group("scale"), lang)
        elif attached in _ATTACHED_NEEDS_CURRENCY and not match.group("currency"):
            scale = 1
        else:
            scale = _ATTACHED[attached]
        found.append(NumberMention(value * scale, *match.span()))
    return found


# A German date in figures ("12.3.2025", "12.03.", "1.9.15"): day, month, optional year.
# Not after a figure or separator ("1.12.3.4" is no date) nor before one.
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,:])(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\."
    r"(?:[ \u00a0]?(\d{4}|\d{2}))?(?![\d,]|\.\d)"
)
# A clock time with a colon before "Uhr" ("16:45 Uhr"), which the dotted form spells too.
_COLON_TIME = re.compile(r"(?<![\d.,:])([01]?\d|2[0-3]):([0-5]\d)(?=[ \u00a0]?(?:Uhr|h)\b)")
_GERMAN_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()


def written_dates(text: str, lang: str) -> str:
    """German dates and times in figures as outlets also write them: ``12.3.2025`` as
    ``12. März 2025`` and ``16:45 Uhr`` as ``16.45 Uhr``.

    Only for matching: one report's ``am 12.3.`` and another's ``am 12. März`` (or an
    English ``on March 12``) then share the day and the month. ``12.3`` without its
    second dot is a decimal, and English text is left alone (``12.3.`` ends a sentence
    there).
    """
    if lang != "de" or not has_digit(text):
        return text

    def date(match: re.Match[str]) -> str:
        day, month, year = match.group(1), int(match.group(2)), match.group(3)
        written = f"{int(day)}. {_GERMAN_MONTHS[month - 1]}"
        return f"{written} {year}" if year else written

    text = _NUMERIC_DATE.sub(date, text)
    return _COLON_TIME.sub(r"\1.\2", text)


def spell_out_digits(text: str, lang: str) -> str:
    """``text`` with spelled-out numbers turned into digits (``elftausend`` → ``11000``).

    Only for matching: the stored text is never changed. Languages text2num does
    not know are returned unchanged.
    """
    if lang not in ("de", "en") or not may_spell_numbers(text):
        return text
    # text2num would turn the scale of "1.5 million" into a second number and read
    # "thousands of people" as 1000: such words are hidden from it and put back after.
    hidden: list[str] = []

    def hide(match: re.Match[str]) -> str:
        if match.group("scale") is None and match.group("vague") is None:
            return match.group(0)
        hidden.append(match.group(0))
        return f"\ue002{chr(0xE100 + len(hidden) - 1)}\ue003"

    masked = _HIDE_FROM_TEXT2NUM.sub(hide, text) if len(text) < 0x1000 else text
    try:
        spelled = str(alpha2digit(masked, lang))
    except (ValueError, IndexError, KeyError):
        # text2num raises on a few odd inputs; matching then uses the words as they are.
        return text
    return _HIDDEN.sub(lambda m: hidden[ord(m.group(1)) - 0xE100], spelled)


def find_ranges(text: str, numbers: list[NumberMention]) -> list[tuple[Decimal, Decimal]]:
    """Pairs of neighbouring numbers joined by ``bis``/``to``/``-`` (``10.000 bis 12.000``)."""
    ranges = []
    for left, right in itertools.pairwise(numbers):
        if left.value < right.value and _RANGE.match(text[left.end : right.start]):
            ranges.append((left.value, right.value))
    return ranges
