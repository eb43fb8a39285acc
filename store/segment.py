"""Sentence segmentation for German and English news, as code-point offsets.

Rules, not a model: every line is its own unit (headlines have no full stop), and
inside a line a sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes
and brackets) followed by space and something that can start a sentence, unless
the word before the stop is an abbreviation, an initial, or an ordinal number
(``11. März``, ``am 3. Tag``). A link followed by a capitalised word ends a unit
too: an embedded post flattened into the paragraph runs into the next sentence.
"""

from __future__ import annotations

import re

from store.web_addresses import link_then_sentence


def _words(text: str) -> frozenset[str]:
    """A word list written as white-space separated text (easier to read and extend)."""
    return frozenset(text.split())


# Lower-cased, without the final dot. Multi-part ones ("z. B.", "u. a.", "U.S.")
# end in a single letter and are caught by the initial rule.
ABBREVIATIONS = _words(
    """
    dr prof mr mrs ms mme st sr jr nr no abs art bzw ca etc vgl usw evtl ggf inkl bspw
    sog str tel mio mrd jh jhd hr fr frl dipl ing med phil rer nat geb gest ebd ff hrsg
    insb max min mind rd vs vol gen lt col capt sgt gov sen rep rev corp inc ltd co jan
    feb febr mar apr jun jul aug sep sept oct okt nov dec dez mo di mi do sa so mon tue
    wed thu fri sat sun approx dept est fig univ abb anm aufl bd bsp kap tab
    """
)
# Abbreviations that are also everyday words ("Dem ist nicht so.", "eine gefährdete
# Art.", "He said no."): an abbreviation only before a figure ("So. 12. Mai", "Art. 3",
# "No. 10").
WORD_ABBREVIATIONS = _words("so art do no sun sat wed")
MONTHS = _words(
    """
    januar jänner februar märz maerz april mai juni juli august september oktober
    november dezember january february march may june july october december
    """
)

ORDINAL_CUES = _words(
    """
    am im zum zur vom beim der die das den dem des ab bis seit ein eine einem einer nach ins
    sein seine seinem seinen seiner ihr ihre ihrem ihren ihrer unser unsere unserem
    """
)

# Nouns an ordinal precedes far more often than a sentence ends before them.
ORDINAL_NOUNS = _words(
    """
    jahrhundert jahrhunderts jahrhunderten jahrtausend jahrtausends minute runde platz
    stock stockwerk sieg mal geburtstag jahrestag todestag klasse liga bezirk
    gemeindebezirk spieltag etappe rang lauf stelle kapitel auflage ausgabe sitzung
    parteitag amtszeit saison quartal halbjahr legislaturperiode century
    """
)

# Function words that begin sentences but never follow an ordinal ("am 3. Tag" is one
# sentence, "seit 1954. Der Schaden" is two).
SENTENCE_STARTERS = _words(
    """
    der die das den dem des ein eine einer eines einem einen er sie es wir ich ihr man
    dies diese dieser dieses dabei damit dann doch aber auch und oder zudem nun so da im als
    wie was wenn mit auf bei für nach vor the a
    an it he she they we this that there in on at but and
    """
)

# A stop followed by white space, or glued to a capitalised word ("so der EuGH.Hingegen",
# "war geboren.Noch vor …": text pasted together or scraped without its line breaks).
_BOUNDARY = re.compile(
    r"(?P<stop>[.!?…]+|\.\.\.)(?P<close>[\"'”“»«’‘)\]]*)(?P<space>\s+|(?<=\.)(?=[A-ZÄÖÜ][a-zäöüß]))"
    r"(?=(?P<next>[\"'„“”»«‚‘(\[]*[\w–—-]))"
)
# "www.Example.com": the glued word is part of an address, not a sentence's start.
_DOMAIN_AHEAD = re.compile(r"[\w-]+\.[a-z]")
# The three characters before a single letter when it ends a run of letters ("z. B.").
_LETTER_RUN = re.compile(r"\w\. ?|.\w\.")
_NEXT_WORD = re.compile(r"[\"'„“”»«‚‘(\[]*([\w\-]+)")


def _word_ending_at(line: str, end: int) -> tuple[int, str] | None:
    """The word (letters, digits, ``_``, ``-``) that ends at ``end``, with its start.

    A backward scan: a regex anchored at ``$`` over ``line[:end]`` would rescan the
    line from its start at every full stop, quadratic on long one-line articles.
    """
    start = end
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_-"):
        start -= 1
    return None if start == end else (start, line[start:end])


def _ends_sentence(line: str, match: re.Match[str]) -> bool:
    stop = match.group("stop")
    following = match.group("next")
    first = following.lstrip("\"'„“”»«‚‘([")[:1]
    next_word = _NEXT_WORD.match(line, match.end())
    next_token = next_word.group(1).lower() if next_word else ""
    # A function word opens a sentence; a title, unit or initial precedes a name or noun.
    function_word_next = len(next_token) > 1 and next_token in SENTENCE_STARTERS
    if first.islower():
        return False
    if not match.group("space"):
        # Glued: only after a word of three letters or more that is no abbreviation
        # ("Prof.Meier", "dt.Spion", "U.S.Army" and "www.Example" stay whole).
        glued = _word_ending_at(line, match.start())
        return (
            glued is not None
            and len(stop) == 1
            and not match.group("close")
            and len(glued[1]) >= 3
            and glued[1].isalpha()
            and glued[1].lower() not in ABBREVIATIONS
            and line[glued[0] - 1 : glued[0]] not in (".", "/", "@")
            and _DOMAIN_AHEAD.match(line, match.end()) is None
        )
    if stop != "." or match.group("close"):
        return True
    before = _word_ending_at(line, match.start())
    if before is None:
        return True
    before_start, word = before
    lowered = word.lower()
    if lowered in WORD_ABBREVIATIONS:
        return not next_token[:1].isdigit()
    if lowered.endswith("str") and next_token[:1].isdigit():
        return False  # "Hauptstr. 5": an address
    if lowered in ABBREVIATIONS:
        # A title or unit precedes a name, noun or figure, never a function word: "usw.
        # Das", "etc. The" close a sentence.
        return function_word_next
    if len(word) == 1 and word.isalpha():
        # An initial precedes a name, and the last letter of "z. B." or "a.m." a noun;
        # before a function word they close the sentence: "Gruppe B. Die Weißrussen …",
        # "at 5 p.m. The mayor …". Not "z. B. Die …": a list of letters goes on.
        in_letters = _LETTER_RUN.fullmatch(line, max(0, before_start - 3), before_start)
        if lowered == "m" and line[max(0, before_start - 2) : before_start] in ("a.", "p."):
            return function_word_next
        return function_word_next and word.isupper() and in_letters is None
    if word.isdigit():
        if next_token in MONTHS or next_token.isdigit():
            # "11. März", "am 1. 2. 2024": a date, not the end of a sentence.
            return False
        if (len(word) == 4 and 1800 <= int(word) <= 2099) or next_token in SENTENCE_STARTERS:
            # "seit 1954. Der Schaden": a year, or a word no ordinal can precede.
            return True
        # "am 3. Tag", "der 2. Liga": a number after an article or preposition is an
        # ordinal in German; after anything else a stop behind a number ends the sentence.
        gap = before_start
        while gap > 0 and line[gap - 1].isspace():
            gap -= 1
        previous = _word_ending_at(line, gap) if gap < before_start else None
        if previous is not None and previous[1].lower() in ORDINAL_CUES:
            return False
        if before_start == 0 or (gap < before_start and (gap == 0 or line[gap - 1] in ".!?:")):
            # "… werden. 16. Minute: …", "Weiter: 13. Max …": a sentence is never a
            # bare number, so one that opens a sentence or follows a colon is an ordinal.
            return False
        if next_token in ORDINAL_NOUNS:
            return False  # "des frühen 20. Jahrhunderts"
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        cuts = [
            (match.start("space"), match.end())
            for match in _BOUNDARY.finditer(line)
            if _ends_sentence(line, match)
        ]
        links = link_then_sentence(line)
        if links:
            cuts = sorted({*cuts, *((end, end) for end in links)})
        cursor = 0
        for end, resume in cuts:
            if end >= cursor:
                _add(spans, line, line_start, cursor, end)
                cursor = resume
        _add(spans, line, line_start, cursor, len(line))
        line_start += len(line) + 1
    return spans


def _add(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append((offset + start + lead, offset + start + lead + len(stripped)))
