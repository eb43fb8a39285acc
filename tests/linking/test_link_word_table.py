"""The word table's quick path gives exactly what the word-by-word path gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.linking import normalize
from store.linking.normalize import Normalised, normalise
from store.linking.numbers import has_digit, may_spell_numbers

TEXTS = [
    # German and English figures (the word-by-word path, which the quick one must leave).
    "Rund 11.000 Menschen verließen die Stadt.",
    "About 10,000 people left the city.",
    "Zwischen 4.000 bis 5.000 Helfer sind im Einsatz.",
    "Am 3. Mai stieg der Pegel auf 8,5 Meter.",
    "Elftausend Menschen flohen, sagte die Bürgermeisterin.",
    "Zwanzig Häuser wurden evakuiert.",
    "Die dritte Welle traf die Stadt im März.",
    "It may rain in May, the mayor said.",
    "Im Mai kamen Hunderte Helfer nach Passau.",
    # No digit, no month, no number word: the quick path.
    "Die Straße in Großwallstadt bleibt gesperrt.",
    "Polizei und Feuerwehr räumten die Häuser an der Donau.",
    "Der Bürgermeister Olaf Brenninger lobte die Helfer.",
    "The police closed the bridge over the river Rhine.",
    "L’Aquila und O'Brien sprachen über das Hochwasser.",
    "ÖFFENTLICHE GEBÄUDE BLEIBEN GESCHLOSSEN",
    "Passau Regensburg Deggendorf",
    "",
    "... !!! ---",
]


def _word_by_word(text: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> Normalised:
    with monkeypatch.context() as patched:
        patched.setattr(normalize, "_without_figures", lambda *_args: None)
        return normalise(text, lang)


def _fields(normalised: Normalised) -> tuple[object, ...]:
    return (
        normalised.tokens,
        normalised.numbers,
        normalised.ranges,
        normalised.months,
        normalised.names,
    )


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("warm", [False, True])
def test_quick_path_gives_the_word_by_word_tokens(
    lang: str, warm: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(normalize, "_WORD_TABLES", {})
    if warm:
        # A table filled by other sentences first, as in a worker after many documents.
        for text in TEXTS:
            _word_by_word(text, lang, monkeypatch)
    for text in TEXTS:
        assert _fields(normalise(text, lang)) == _fields(_word_by_word(text, lang, monkeypatch))


def test_quick_path_takes_plain_sentences_and_leaves_figures_and_months() -> None:
    table = normalize._word_table("de", "lemma")
    taken = normalize._without_figures(
        "Polizei und Feuerwehr räumen die Häuser.", table, "de", "lemma"
    )
    assert taken is not None
    assert taken.tokens == normalise("Polizei und Feuerwehr räumen die Häuser.").tokens
    for text in ("Im Mai kamen die Helfer.", "Elf Helfer kamen."):
        assert normalize._without_figures(text, table, "de", "lemma") is None


def test_names_after_the_first_word_only() -> None:
    table = normalize._word_table("de", "lemma")
    quick = normalize._without_figures(
        "Brenninger lobte Brenninger und Xaverbruck.", table, "de", "lemma"
    )
    assert quick is not None
    assert "xaverbruck" in quick.names


_LETTERS = st.sampled_from(
    [*"abcdefghilnorstuvwxyzßäöüABCDEFGHILNORSTUVWXYZÄÖÜẞİΣσ", "’", "'", " ", "-", ".", ","]
)


@given(st.lists(_LETTERS, max_size=60).map("".join))
def test_number_word_stems_are_found_word_by_word(text: str) -> None:
    """What lets the quick path skip ``spell_out_digits``: a text holds a number-word
    stem exactly when one of its words (the tokenizer's) does."""
    if has_digit(text):
        return
    words = normalize._TOKEN.findall(text)
    assert may_spell_numbers(text) == any(may_spell_numbers(word) for word in words)
