"""Publication dates: common written forms are turned into ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime
import re

_MONTHS_BY_LANGUAGE = (
    # English
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    # German (Austrian "jänner" too)
    "januar februar märz april mai juni juli august september oktober november dezember",
    "jänner feb mär apr mai jun jul aug sept okt nov dez",
    # French
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "janv févr mars avr mai juin juil aout sept oct nov déc",
    # Spanish
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    # Italian
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    # Dutch
    "januari februari maart april mei juni juli augustus september oktober november december",
    # Polish (genitive, as used in dates)
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada"
    " grudnia",
)
MONTHS: dict[str, int] = {
    name: number
    for line in _MONTHS_BY_LANGUAGE
    for number, name in enumerate(line.split(), start=1)
}
"""Month names and abbreviations (case-folded) in the languages articles usually come in."""

_WEEKDAY = r"(?:[^\W\d_]+\.?,\s*)?"  # "Tuesday, " / "Di., ": ignored, the date says it all
_REST = r"(?:(?:[T,]|\s).*)?"  # a time, time zone or "Uhr" after the date
_YMD = re.compile(rf"{_WEEKDAY}(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_REST}", re.DOTALL)
_DMY_DOTS = re.compile(rf"{_WEEKDAY}(\d{{1,2}})\.\s*(\d{{1,2}})\.\s*(\d{{4}}){_REST}", re.DOTALL)
_NUMERIC_AMBIGUOUS = re.compile(
    rf"{_WEEKDAY}(\d{{1,2}})([/-])(\d{{1,2}})\2(\d{{4}}){_REST}", re.DOTALL
)
_DAY_MONTH_NAME = re.compile(
    rf"{_WEEKDAY}(\d{{1,2}})(?:er|\.)?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+)?(\d{{4}}){_REST}",
    re.DOTALL,
)
_MONTH_NAME_DAY = re.compile(
    rf"{_WEEKDAY}([^\W\d_]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_REST}", re.DOTALL
)


def normalize_date(value: str) -> str:
    """``value`` as ``YYYY-MM-DD`` when it is a common date form, else unchanged.

    Understood: ISO dates and timestamps, ``2024/03/05``, ``5.3.2024``, ``5 March 2024``,
    ``March 5, 2024`` (month names in en, de, fr, es, it, nl, pl), with an optional
    leading weekday and trailing time. ``05/03/2024`` is converted only when the day
    cannot be mistaken for the month.
    """
    text = value.strip()
    parsed = _parse(text)
    return parsed.isoformat() if parsed is not None else value


def _parse(text: str) -> datetime.date | None:
    if match := _YMD.fullmatch(text):
        year, _, month, day = match.groups()
        return _date(year, month, day)
    if match := _DMY_DOTS.fullmatch(text):
        day, month, year = match.groups()
        return _date(year, month, day)
    if match := _NUMERIC_AMBIGUOUS.fullmatch(text):
        first, _, second, year = match.groups()
        if int(first) > 12 >= int(second):
            return _date(year, second, first)
        if int(second) > 12 >= int(first):
            return _date(year, first, second)
        return None
    if match := _DAY_MONTH_NAME.fullmatch(text):
        day, name, year = match.groups()
        month = MONTHS.get(name.casefold())
        return _date(year, str(month), day) if month else None
    if match := _MONTH_NAME_DAY.fullmatch(text):
        name, day, year = match.groups()
        month = MONTHS.get(name.casefold())
        return _date(year, str(month), day) if month else None
    return None


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
