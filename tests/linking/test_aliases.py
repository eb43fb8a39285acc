"""Acronyms the corpus defines, found in the text and lent to the sentences that use them."""

from __future__ import annotations

import pytest

from store.linking.aliases import (
    Alias,
    alias_tokens,
    corpus_aliases,
    defined_tokens,
    definitions,
)
from store.linking.features import DocInput, build_corpus
from store.linking.score import pair_score
from tests.linking.corpus import FILLER, sentences_document


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("Das Landesamt für Umwelt (LfU) teilte mit.", "LfU", "Landesamt für Umwelt"),
        # The initials of a compound's parts: only the first must begin a word.
        ("Das Wasserwirtschaftsamt (WWA) warnt.", "WWA", "Wasserwirtschaftsamt"),
        ("Die Europäische Zentralbank (EZB) senkt.", "EZB", "Europäische Zentralbank"),
        ("laut Arbeitsmarktservice (AMS, 2015) waren", "AMS", "Arbeitsmarktservice"),
        ("Das AMS (Arbeitsmarktservice) meldet", "AMS", "Arbeitsmarktservice"),
        ("the World Health Organization (WHO) said", "WHO", "World Health Organization"),
        ("der Verkehr. Die Wiener Linien (WL) melden", "WL", "Wiener Linien"),
        ("Das Bruttoinlandsprodukt (BIP) wuchs", "BIP", "Bruttoinlandsprodukt"),
        ("Die Volksbank (VB) meldet", "VB", "Volksbank"),
    ],
)
def test_a_definition_is_found(text: str, short: str, long: str) -> None:
    assert [(d.short, d.long) for d in definitions(text)] == [(short, long)]


@pytest.mark.parametrize(
    "text",
    [
        # A party after a name: its letters are not in the name.
        "Bürgermeister Michael Häupl (SPÖ) sagte",
        "(APA, 12.9.2015)",
        "von 300 Euro (rund 20 Prozent)",
        "die Gruppe (siehe oben)",
        # A word in brackets, not initials, although its letters occur in the words before.
        "Regierung Proteste von Schiiten mit Gewalt niederschlagen (Reuters)",
        # The short form repeated as the phrase's first word.
        "USA 9 92 5 Mike Rodgers (USA)",
        # Letters that occur only across a sentence end.
        "Sie wohnten in Wien. Später zogen sie nach Zwickau (WZ)",
        "ohne Klammer",
        # The last initial's word followed by words that hold none of the initials.
        "der Bezirk Gröbming in der Steiermark (GB)",
        # One short word that happens to hold the letters is no compound of three parts.
        "Die Preise für Energie (EEE) stiegen",
        "sagte Butterfield (BER) am Montag",
    ],
)
def test_no_definition_is_found(text: str) -> None:
    assert list(definitions(text)) == []


def test_a_short_form_matching_reads_as_a_word_defines_nothing() -> None:
    assert defined_tokens("British American Tobacco (BAT) meldete", "de", "lemma") == []
    assert defined_tokens("Das Landesamt für Umwelt (LfU) teilte mit", "de", "lemma") == [
        ("lfu", ("landesamt", "umwelt"))
    ]


def test_a_short_form_takes_its_most_frequent_long_form_and_a_tie_is_dropped() -> None:
    aliases = corpus_aliases([(1, (10, 11)), (1, (10, 11)), (1, (12,)), (2, (20,)), (2, (21,))])
    assert aliases == [Alias(1, (10, 11))]
    # A long form holding its own short form lends nothing.
    assert corpus_aliases([(3, (3, 30))]) == []


def test_a_sentence_borrows_the_other_form_it_lacks() -> None:
    alias = Alias(1, (10, 11))
    lent = alias_tokens([[1, 5], [10, 11, 6], [1, 10, 11], [10, 7], [8]], [alias])
    # Short form only: the long form's tokens; the whole long form: the short form; the
    # defining sentence, half a long form and an unrelated sentence: nothing.
    assert lent == {0: [10, 11], 1: [1]}


def _documents(*documents: list[str]) -> list[DocInput]:
    found = [sentences_document(k + 1, f"outlet{k}", s) for k, s in enumerate(documents)]
    return found + [sentences_document(10 + k, f"filler{k}", [f]) for k, f in enumerate(FILLER)]


def test_the_acronym_and_its_long_form_match_across_reports() -> None:
    documents = _documents(
        ["Das Landesamt für Umwelt (LfU) ist für die Messungen zuständig"],
        ["Das LfU misst seit Freitag Schadstoffe in der Lindach"],
        [
            "Das Landesamt für Umwelt misst seit Freitag Schadstoffe in der Lindach",
            "Die Kreisstraße misst seit Freitag Schadstoffe in der Lindach nicht",
        ],
    )
    plain = build_corpus(documents, clauses=False, aliases=False)
    corpus = build_corpus(documents, clauses=False)
    names = corpus.vocabulary
    assert set(corpus.borrowed[1]) == {names["landesamt"], names["umwelt"]}
    assert corpus.borrowed[2] == [names["lfu"]]
    assert 0 not in corpus.borrowed, "the defining sentence has both forms"
    # Without the alias the long-form sentence barely beats a sentence about something else.
    assert pair_score(corpus, 1, 2) > pair_score(plain, 1, 2)
    gain = pair_score(corpus, 1, 2) - pair_score(corpus, 1, 3)
    assert gain > pair_score(plain, 1, 2) - pair_score(plain, 1, 3)


def test_an_acronym_no_document_defines_borrows_nothing() -> None:
    documents = _documents(
        ["Das LfU misst seit Freitag Schadstoffe in der Lindach"],
        ["Das Landesamt für Umwelt misst seit Freitag Schadstoffe in der Lindach"],
    )
    assert build_corpus(documents, clauses=False).borrowed == {}
