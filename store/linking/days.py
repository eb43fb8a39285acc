"""The calendar day a sentence speaks of, so that reports saying it differently match.

One outlet writes "am Dienstag", another, a day later, "vor zwei Tagen" or "am 11.
März", an English one "on Tuesday" or "yesterday". Each names the same day, and
against the article's publication date each can be resolved to it. The day becomes
one more token of the sentence, ``@d3.11`` (month and day: two reports of one event
are not a year apart), so the words that said it differently count as one shared
date. The words themselves stay tokens too. Unlike a figure or a month the token gets
no extra weight: every fact of one day of a story shares it, so it says which day,
not which fact (with the figures' extra weight a dateline's "March 12" drew the
German sentences of that Wednesday away from their English partners).

Resolved against the publication date: a weekday to its latest occurrence on or
before that date ("am Montag" in a report of Wednesday is two days back, the one
news usually means), ``nächsten``/``kommenden``/``next`` to the one after it,
``vergangenen``/``letzten``/``last`` to the one before; ``gestern``/``yesterday``,
``vorgestern``, ``heute``/``today``, ``vor zwei Tagen``/``two days ago``. Without a
publication date only dates written out ("am 11. März", "March 11") give a day.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from store.linking.normalize import DAY_PREFIX, DAY_SYNONYMS, MONTHS

# German day words; their English and regional synonyms are normalise's (DAY_SYNONYMS),
# so matching and resolving read the same words as the same day.
_GERMAN_WEEKDAYS = {
    name: number
    for number, name in enumerate(
        "montag dienstag mittwoch donnerstag freitag samstag sonntag".split()
    )
}
_GERMAN_RELATIVE = {"vorgestern": -2, "gestern": -1, "heute": 0}
_WEEKDAYS = _GERMAN_WEEKDAYS | {
    word: _GERMAN_WEEKDAYS[german]
    for word, german in DAY_SYNONYMS.items()
    if german in _GERMAN_WEEKDAYS
}
_COUNTS = {
    "einem": 1,
    "einer": 1,
    "einen": 1,
    "one": 1,
    "a": 1,
    "zwei": 2,
    "two": 2,
    "drei": 3,
    "three": 3,
    "vier": 4,
    "four": 4,
    "fünf": 5,
    "five": 5,
    "sechs": 6,
    "six": 6,
}
_RELATIVE = _GERMAN_RELATIVE | {
    word: _GERMAN_RELATIVE[german]
    for word, german in DAY_SYNONYMS.items()
    if german in _GERMAN_RELATIVE
}
_NEXT = frozenset({"nächsten", "nächster", "kommenden", "kommender", "next", "coming"})
_PREVIOUS = frozenset(
    {"vergangenen", "vergangener", "letzten", "letzter", "vorigen", "voriger", "last"}
)
# A weekday, also as the first part of "Dienstagabend", "Mittwochfrüh", "Montagmorgen".
_DAY_PARTS = "abend|morgen|nachmittag|vormittag|mittag|früh|nacht"
_WEEKDAY = re.compile(
    r"(?:\b(\w+)\s+)?\b(" + "|".join(_WEEKDAYS) + rf")(?:{_DAY_PARTS})?(?!\w)",
    re.IGNORECASE,
)
_RELATIVE_WORD = re.compile(r"\b(" + "|".join(_RELATIVE) + r")(?:" + _DAY_PARTS + r")?\b", re.I)
_DAYS_AGO = re.compile(
    r"\bvor\s+(\d{1,2}|" + "|".join(_COUNTS) + r")\s+(tag(?:en)?|wochen?)\b"
    r"|\b(\d{1,2}|" + "|".join(_COUNTS) + r")\s+(days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# "11. März", "11 March", "11th of March"; "March 11", "March 11th".
_DAY_MONTH = re.compile(
    rf"\b([0-3]?\d)(?:\.|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(rf"\b({_MONTH_NAMES})\.?\s+([0-3]?\d)(?:st|nd|rd|th)?\b(?!\.\d)", re.I)
# "am 11.3." and "11.03.2025", German only: in English "rose 2.5." ends a sentence.
_NUMERIC_DAY = re.compile(r"(?<![\d.])([0-3]?\d)\.([01]?\d)\.(?:\d{2,4})?(?!\d)")


def day_token(day: datetime.date) -> str:
    return f"{DAY_PREFIX}{day.month}.{day.day}"


def published_date(value: str | None) -> datetime.date | None:
    """The ``YYYY-MM-DD`` start of a stored publication date, else None."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def day_tokens(sentence: str, language: str, published: datetime.date | None) -> list[str]:
    """The tokens of the days ``sentence`` names, each once, in order of first mention."""
    return list(dict.fromkeys(day_token(day) for day in _days(sentence, language, published)))


def _days(sentence: str, language: str, published: datetime.date | None) -> Iterator[datetime.date]:
    year = published.year if published is not None else 2000  # a leap year: 29 Feb exists
    written = list(_written_days(sentence, language, year))
    # A date written out is the day meant: "am Dienstag, 11. März" in a report of 20
    # March is not the Tuesday before the report.
    if written or published is None:
        yield from written
        return
    for match in _WEEKDAY.finditer(sentence):
        before = (match.group(1) or "").casefold()
        weekday = _WEEKDAYS.get(match.group(2).casefold())
        if weekday is None:
            continue
        back = (published.weekday() - weekday) % 7
        if before in _NEXT:
            yield from _shifted(published, (weekday - published.weekday()) % 7 or 7)
        elif before in _PREVIOUS:
            yield from _shifted(published, -(back or 7))
        else:
            yield from _shifted(published, -back)
    for match in _RELATIVE_WORD.finditer(sentence):
        yield from _shifted(published, _RELATIVE.get(match.group(1).casefold(), 0))
    for match in _DAYS_AGO.finditer(sentence):
        count_text = (match.group(1) or match.group(3)).casefold()
        unit = (match.group(2) or match.group(4)).casefold()
        count = int(count_text) if count_text.isdecimal() else _COUNTS.get(count_text, 0)
        days = count * 7 if unit.startswith(("woche", "week")) else count
        if count:
            yield from _shifted(published, -days)


def _written_days(sentence: str, language: str, year: int) -> Iterator[datetime.date]:
    for match in _DAY_MONTH.finditer(sentence):
        yield from _calendar(year, _month(match.group(2)), int(match.group(1)))
    for match in _MONTH_DAY.finditer(sentence):
        yield from _calendar(year, _month(match.group(1)), int(match.group(2)))
    if language == "de":
        for match in _NUMERIC_DAY.finditer(sentence):
            yield from _calendar(year, int(match.group(2)), int(match.group(1)))


def _month(name: str) -> int:
    # casefold, not lower: a regex that ignores case matches "Auguſt" (long s), which
    # lower() keeps and casefold() reads as "august". 0 is no month: _calendar skips it.
    return MONTHS.get(name.casefold(), 0)


def _shifted(day: datetime.date, days: int) -> Iterator[datetime.date]:
    """``day`` moved by ``days``; nothing past the calendar's ends (a stored date of year 1)."""
    try:
        yield day + datetime.timedelta(days=days)
    except OverflowError:
        return


def _calendar(year: int, month: int, day: int) -> Iterator[datetime.date]:
    try:
        yield datetime.date(year, month, day)
    except ValueError:
        return
