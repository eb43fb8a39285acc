"""Acronyms a corpus defines, so that ``das LfU`` and ``das Landesamt für Umwelt`` match.

News introduces an agency once with its initials in brackets, "Landesamt für
Umwelt (LfU)", and then uses either form; another outlet may use only the other
one. The two sentences then share no word for the agency. A definition is found
the way Schwartz and Hearst's algorithm finds them in text ("A simple algorithm
for identifying abbreviation definitions in biomedical text", PSB 2003): a short
form in brackets after a phrase (or a phrase in brackets after a short form)
whose letters occur in order in the phrase, the first at the start of a word,
e.g. ``Wasserwirtschaftsamt (WWA)``, ``Europäische Zentralbank (EZB)``. A name
with a party after it, ``Michael Häupl (SPÖ)``, is not a definition: its letters
are not in the name.

Definitions are collected over the whole corpus being linked, since an outlet
defines an acronym once and uses it in later reports. A sentence with the short
form borrows the long form's tokens it lacks, and a sentence with every token of
the long form borrows the short form, both through the borrowed-context rows of
:mod:`store.linking.units` (at :data:`~store.linking.context.CONTEXT_WEIGHT`): the
alias adds evidence, it does not make two sentences the same.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from store.linking.normalize import Stemmer, fold, normalise

# A short form: 2-10 characters, starting with a letter or digit, with an upper-case letter.
_SHORT = re.compile(r"[^\W_][\w&.\-]{1,9}", re.UNICODE)
_BRACKETED = re.compile(r"\(([^()]{1,120})\)")
_WORD = re.compile(r"[^\W_][\w\-]*", re.UNICODE)
# A short form standing for this many more words than it has letters is a coincidence.
_MAX_EXTRA_WORDS = 3
# A long form does not cross a sentence, a clause or a list item.
_BOUNDARY = re.compile(r"[.!?]\s|[,;:]")
# A one-word long form has at least this many letters per letter of its short form.
_LETTERS_PER_PART = 4
_PARTS = re.compile(r"[\s\-]+")
# One capital and four or more small letters: a word (Reuters, Sachsen), not initials.
_PLAIN_WORD = re.compile(r"[^\W\d_][^\W\d_A-ZÄÖÜ]{4,}", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Definition:
    """A short form and the phrase it stands for, as written."""

    short: str
    long: str


def _is_short_form(text: str) -> bool:
    return (
        _SHORT.fullmatch(text) is not None
        and _PLAIN_WORD.fullmatch(text) is None
        and text[-1].isalnum()
        and any(ch.isupper() for ch in text)
        and sum(ch.isalpha() for ch in text) >= 2
    )


def _long_form(short: str, words: Sequence[str]) -> str | None:
    """The shortest tail of ``words`` that holds ``short``'s letters in order.

    Matched from the short form's last character backwards; its first character
    must begin a word (Schwartz-Hearst). Case is ignored, so ``LfU`` matches
    ``Landesamt für Umwelt`` and ``WWA`` matches ``Wasserwirtschaftsamt``.
    """
    letters = [ch.lower() for ch in short if ch.isalnum()]
    if not letters or not words:
        return None
    text = " ".join(words).lower()
    position = len(text) - 1
    for index in range(len(letters) - 1, -1, -1):
        wanted = letters[index]
        while position >= 0 and (
            text[position] != wanted
            or (index == 0 and position > 0 and text[position - 1].isalnum())
        ):
            position -= 1
        if position < 0:
            return None
        # The last letter stands in the last word: "Gröbming in der Steiermark (GB)"
        # holds G and B, but nothing of the words after them.
        if index == len(letters) - 1 and " " in text[position:]:
            return None
        position -= 1
    start = position + 1
    phrase = " ".join(words)[start:]
    # The phrase must be more than the short form again, and not much longer than it.
    phrase_words = phrase.split()
    if (
        len(phrase) <= len(short)
        or len(phrase_words) > len(letters) + _MAX_EXTRA_WORDS
        or phrase_words[0] == short
    ):
        return None
    # One word stands for several letters when it is a compound of that many parts
    # ("Wasserwirtschaftsamt (WWA)", "Bruttoinlandsprodukt (BIP)"): a part has a few
    # letters. "Energie (EEE)" or "Butterfield (BER)" only happens to hold the letters.
    one_word = len(_PARTS.split(phrase)) == 1
    if one_word and sum(char.isalpha() for char in phrase) < _LETTERS_PER_PART * len(letters):
        return None
    return phrase


def definitions(text: str) -> Iterator[Definition]:
    """The acronym definitions written in ``text``: ``long (SHORT)`` and ``SHORT (long)``."""
    if "(" not in text:
        return
    for found in _BRACKETED.finditer(text):
        inside = found.group(1).strip()
        preceding = text[max(0, found.start() - 200) : found.start()]
        cut = [m.end() for m in _BOUNDARY.finditer(preceding)]
        before = _WORD.findall(preceding[cut[-1] if cut else 0 :])
        # "Landesamt für Umwelt (LfU, 2019)": the short form is the first item.
        head = re.split(r"[,;]", inside, maxsplit=1)[0].strip()
        if _is_short_form(head):
            limit = 2 * len(head)
            phrase = _long_form(head, before[-limit:])
            if phrase is not None:
                yield Definition(head, phrase)
            continue
        # "AMS (Arbeitsmarktservice)": the short form before the brackets.
        if before and _is_short_form(before[-1]):
            words = _WORD.findall(inside)
            if words and len(words) <= len(before[-1]) + _MAX_EXTRA_WORDS:
                phrase = _long_form(before[-1], words)
                if phrase is not None and phrase == " ".join(words):
                    yield Definition(before[-1], phrase)


def defined_tokens(
    sentence: str, language: str, stemmer: Stemmer
) -> list[tuple[str, tuple[str, ...]]]:
    """The sentence's definitions as matching tokens: ``(short form, long form's tokens)``.

    A short form that is not one token (``E&E``), or that matching reads as a word
    (``BAT``, the past of *bitten*: every sentence asking for something would borrow
    the tobacco company), or a long form of stop words only defines nothing.
    """
    found = []
    for definition in definitions(sentence):
        short = normalise(definition.short, language, stemmer=stemmer).tokens
        long = tuple(normalise(definition.long, language, stemmer=stemmer).tokens)
        if len(short) == 1 and short[0] == fold(definition.short) and long and short[0] not in long:
            found.append((short[0], long))
    return found


@dataclass(frozen=True, slots=True)
class Alias:
    """A short form's token and its long form's tokens, as the corpus normalises them."""

    short: int
    long: tuple[int, ...]


def corpus_aliases(
    found: Iterable[tuple[int, tuple[int, ...]]],
) -> list[Alias]:
    """One long form per short form: the one defined most often; a tie is ambiguous and dropped.

    ``found`` holds ``(short token, long form tokens)`` per definition seen.
    """
    counts: dict[int, Counter[tuple[int, ...]]] = {}
    for short, long in found:
        if long and short not in long:
            counts.setdefault(short, Counter())[long] += 1
    aliases = []
    for short, forms in sorted(counts.items()):
        ranked = forms.most_common(2)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        aliases.append(Alias(short, ranked[0][0]))
    return aliases


def alias_tokens(
    token_ids: Sequence[Sequence[int]], aliases: Sequence[Alias]
) -> dict[int, list[int]]:
    """Per sentence, the tokens its aliases lend it: a long form for a short form and back."""
    if not aliases:
        return {}
    by_token: dict[int, list[Alias]] = {}
    for alias in aliases:
        by_token.setdefault(alias.short, []).append(alias)
        by_token.setdefault(alias.long[0], []).append(alias)
    triggers = by_token.keys()
    lent: dict[int, list[int]] = {}
    for sentence, ids in enumerate(token_ids):
        hits = triggers & set(ids)
        if not hits:
            continue
        own = set(ids)
        tokens: dict[int, None] = {}
        for token in sorted(hits):
            for alias in by_token[token]:
                if alias.short in own and token == alias.short:
                    tokens.update(dict.fromkeys(t for t in alias.long if t not in own))
                elif alias.short not in own and all(t in own for t in alias.long):
                    tokens[alias.short] = None
        if tokens:
            lent[sentence] = list(tokens)
    return lent
