"""Matching normalisation: a sentence as comparable tokens, kept apart from the stored text.

Case, umlauts and ß are folded, inflection is reduced to the dictionary lemma
(simplemma), numbers become their values (see :mod:`store.linking.numbers`), month
names become month numbers, and function words are dropped. Two outlets' wordings
of one fact then share tokens even when they spell, inflect or format differently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal, cast

import simplemma

from store.linking import lemma_cache
from store.linking.numbers import (
    find_numbers,
    find_ranges,
    has_digit,
    may_spell_numbers,
    spell_out_digits,
    written_dates,
)
from store.web_addresses import without_addresses

# Each process reads simplemma's decoded dictionaries from the user's cache when it
# can, instead of decoding them again (store.linking.lemma_cache).
lemma_cache.install()


def _words(text: str) -> frozenset[str]:
    """A word list written as white-space separated text (easier to read and extend)."""
    return frozenset(text.split())


Stemmer = Literal["lemma", "none"]

NUMBER_PREFIX = "#"
MONTH_PREFIX = "@m"
# A calendar day a sentence names (store.linking.days).
DAY_PREFIX = "@d"

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "january": 1,
    "jan": 1,
    "februar": 2,
    "feber": 2,
    "february": 2,
    "feb": 2,
    "febr": 2,
    "märz": 3,
    "maerz": 3,
    "march": 3,
    "mär": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "december": 12,
    "dez": 12,
    "dec": 12,
}
# English day words as their German token, as month names share a month token: a
# German and an English report of one event share few words, and "am Dienstag" /
# "on Tuesday" is one of them. Not resolved to dates: an article's publication date
# is often missing, and "Dienstag" in two reports of one week is the same day anyway.
_ENGLISH_DAYS = {
    "monday": "montag",
    "tuesday": "dienstag",
    "wednesday": "mittwoch",
    "thursday": "donnerstag",
    "friday": "freitag",
    "saturday": "samstag",
    "sunday": "sonntag",
    "yesterday": "gestern",
    "today": "heute",
}
# "Sonnabend" is northern German for "Samstag".
DAY_SYNONYMS = {"sonnabend": "samstag", **_ENGLISH_DAYS}
# Ambiguous abbreviations ("mar", "may", "jun" are also words) count as months only
# next to a number ("11. Mar", "May 3").
_MONTH_NEEDS_NUMBER = frozenset({"mar", "may", "jun", "jul", "aug", "sep", "dec", "jan"})

# Function words carry no fact; dropping them keeps the fuzzy scores about content.
# IDF weighting would shrink them anyway, but rapidfuzz's scores do not see weights.
STOPWORDS = _words(
    """
    der die das den dem des ein eine einer eines einem einen und oder aber doch sondern
    in im ins an am auf aus bei beim mit nach von vom vor zu zum zur über unter um durch
    für gegen ohne seit bis als wie so auch noch nur schon sehr mehr es er sie wir ihr
    ich du man sich sein ihre ihr seine dies diese dieser dieses jene welche welcher
    welches ist sind war waren wird werden wurde wurden hat haben hatte hatten sei seien
    habe kann können konnte soll sollen muss müssen will wollen dass daß ob wenn weil da
    dort hier nicht kein keine keinen nun dann denn je etwa laut zufolge demnach jedoch
    sowie the a an and or but of to in on at by for with from as is are was were be been
    being has have had it its this that these those there their they them he she his her
    we our you your i not no also than then so such which who whom whose what when where
    while will would can could may might shall should must do does did said says say
    according about around approximately nearly almost some rund knapp fast ungefähr
    circa ca mindestens
    """
)

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\ue000\d+\ue001", re.UNICODE)
_PLACEHOLDER = re.compile(r"\ue000(\d+)\ue001")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe"})

_DE_HINTS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "mit",
        "sich",
        "auf",
        "für",
        "dem",
        "den",
        "des",
        "eine",
        "wurde",
    ]
)
_EN_HINTS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "with",
        "that",
        "for",
        "from",
        "this",
        "have",
        "been",
        "were",
    ]
)


def guess_language(text: str) -> str:
    """``de`` or ``en`` by counting frequent function words; German when unsure."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(w in _DE_HINTS for w in words)
    english = sum(w in _EN_HINTS for w in words)
    return "en" if english > german else "de"


def language_of(declared: str | None, text: str) -> str:
    """The matching language for a document: its declared language if known, else a guess."""
    if declared:
        code = declared.strip().lower().replace("_", "-").split("-")[0]
        if code in ("de", "en"):
            return code
    return guess_language(text)


def fold(word: str) -> str:
    """Lower case with umlauts, ß and accents folded (``Straße`` → ``strasse``)."""
    lowered = word.lower().translate(_FOLD)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def _lemma(word: str, lang: str) -> str:
    try:
        return str(simplemma.lemmatize(word, lang=lang))
    except ValueError:
        return word


@lru_cache(maxsize=200_000)
def word_token(word: str, lang: str, stemmer: Stemmer = "lemma") -> str:
    """The matching token for one word (lemma, then folded)."""
    base = _lemma(word, lang) if stemmer == "lemma" else word
    return fold(base)


@lru_cache(maxsize=50_000)
def is_name(word: str, lang: str) -> bool:
    """A capitalised word the lemma dictionary does not know: most likely a name or place."""
    return (
        word[:1].isupper()
        and not simplemma.is_known(word, lang=lang)
        and not simplemma.is_known(word.lower(), lang=lang)
    )


@dataclass(slots=True)
class Normalised:
    """What matching knows about one sentence."""

    tokens: list[str]
    numbers: list[Decimal] = field(default_factory=list)
    ranges: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        """The tokens joined by spaces: the string rapidfuzz compares."""
        return " ".join(self.tokens)


def normalise(text: str, lang: str = "de", *, stemmer: Stemmer = "lemma") -> Normalised:
    """Tokens for matching: lemmas, folded, numbers as ``#value``, months as ``@mN``."""
    table = _word_table(lang, stemmer)
    # A link's pieces ("https", "co", "QH1bJFIB6F") are no evidence of a fact, and its
    # digits are no figures.
    text = without_addresses(text)
    if not has_digit(text):
        quick = _without_figures(text, table, lang, stemmer)
        if quick is not None:
            return quick
    digits = spell_out_digits(written_dates(text, lang), lang)
    mentions = find_numbers(digits, lang)
    ranges = find_ranges(digits, mentions)
    values = [m.value for m in mentions]
    # Numbers become placeholders so that the word tokenizer cannot split "11.000".
    pieces: list[str] = []
    cursor = 0
    for index, mention in enumerate(mentions):
        pieces.append(digits[cursor : mention.start])
        pieces.append(f" \ue000{index}\ue001 ")
        cursor = mention.end
    pieces.append(digits[cursor:])
    marked = "".join(pieces)

    tokens: list[str] = []
    months: list[int] = []
    names: set[str] = set()
    raw = _TOKEN.findall(marked)
    cache = table.entries
    for position, word in enumerate(raw):
        if word[0] == "\ue000":
            tokens.append(NUMBER_PREFIX + mentions[int(word[1:-1])].token)
            continue
        entry = cache.get(word)
        if entry is None:
            entry = table.learn(word, lang, stemmer)
        token, month, needs_number, name = entry
        if month is not None:
            if token is not None and (not needs_number or _next_to_number(raw, position)):
                tokens.append(token)
                months.append(month)
                continue
            token = None if word.lower() in STOPWORDS else word_token(word, lang, stemmer)
        if token is None:
            continue
        tokens.append(token)
        if name and position > 0:
            names.add(token)
    return Normalised(tokens=tokens, numbers=values, ranges=ranges, months=months, names=names)


def _without_figures(
    text: str, table: _WordTable, lang: str, stemmer: Stemmer
) -> Normalised | None:
    """:func:`normalise` of a text without digits, month names or number words, else None.

    Most sentences state no figure: their words are looked up in C (``map``,
    ``isdisjoint``) rather than one by one. Without a digit no number is found
    and the tokenizer sees ``text`` itself; the words cover every letter of it,
    so none holding a number-word stem means that ``spell_out_digits`` has nothing
    to spell out (see :func:`store.linking.numbers.may_spell_numbers`).
    """
    raw = _TOKEN.findall(text)
    plain = table.tokens
    looked = list(map(plain.get, raw))
    if None in looked:
        for word in raw:
            if word not in table.entries:
                table.learn(word, lang, stemmer)
        looked = list(map(plain.get, raw))
        if None in looked:
            # A month name: whether it counts depends on its neighbours.
            return None
    if not table.spelled.isdisjoint(raw):
        return None
    found = cast(list[str], looked)
    names: set[str] = set()
    if not table.names.isdisjoint(raw):
        # The first word is capitalised anyway: it is no evidence of a name.
        names = {found[k] for k in range(1, len(raw)) if raw[k] in table.names}
    return Normalised(tokens=[token for token in found if token], names=names)


# (token or None when dropped, month number, month only next to a number, is a name)
_Entry = tuple[str | None, int | None, bool, bool]
_WORD_CACHE_LIMIT = 500_000


@dataclass(slots=True)
class _WordTable:
    """What every word seen so far becomes, for one language and stemmer.

    Kept for the life of the process (a worker keeps it across documents), so
    each distinct word is lemmatized once. ``entries`` holds every word;
    ``tokens``, ``names`` and ``spelled`` restate it for the look-ups of
    :func:`_without_figures`: ``tokens`` has the words that are no month name,
    with their token or ``""`` when dropped.
    """

    entries: dict[str, _Entry] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    spelled: set[str] = field(default_factory=set)

    def learn(self, word: str, lang: str, stemmer: Stemmer) -> _Entry:
        entry = self.entries[word] = _word_entry(word, lang, stemmer)
        token, month, _needs_number, name = entry
        if month is None:
            self.tokens[word] = token or ""
        if name:
            self.names.add(word)
        if may_spell_numbers(word):
            self.spelled.add(word)
        return entry

    def clear(self) -> None:
        self.entries.clear()
        self.tokens.clear()
        self.names.clear()
        self.spelled.clear()


_WORD_TABLES: dict[tuple[str, str], _WordTable] = {}


def _word_table(lang: str, stemmer: Stemmer) -> _WordTable:
    """Per-language memo of what a word becomes: one dict lookup a word on the hot path."""
    table = _WORD_TABLES.get((lang, stemmer))
    if table is None:
        table = _WORD_TABLES[(lang, stemmer)] = _WordTable()
    elif len(table.entries) > _WORD_CACHE_LIMIT:
        table.clear()
    return table


def _word_entry(word: str, lang: str, stemmer: Stemmer) -> _Entry:
    lowered = word.lower()
    month = MONTHS.get(lowered)
    if month is not None:
        return f"{MONTH_PREFIX}{month}", month, lowered in _MONTH_NEEDS_NUMBER, False
    day = DAY_SYNONYMS.get(lowered)
    if day is not None:
        return day, None, False, False
    if lowered in STOPWORDS:
        return None, None, False, False
    token = word_token(word, lang, stemmer)
    if token in STOPWORDS or len(token) < 2:
        return None, None, False, False
    return token, None, False, is_name(word, lang)


def _next_to_number(raw: list[str], position: int) -> bool:
    neighbours = raw[max(0, position - 1) : position] + raw[position + 1 : position + 2]
    return any(word[0] == "\ue000" for word in neighbours)
