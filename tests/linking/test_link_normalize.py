"""Matching normalisation: number spellings, umlauts, lemmas, months."""

from __future__ import annotations

from decimal import Decimal

import pytest

from store.linking.normalize import fold, guess_language, normalise
from store.linking.numbers import find_numbers, parse_number, written_dates


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("11.000 Menschen", "de"),
        ("11 000 Menschen", "de"),
        ("11\u00a0000 Menschen", "de"),
        ("11\u202f000 Menschen", "de"),
        ("11\u2009000 Menschen", "de"),
        ("11,000 people", "en"),
        ("Elftausend Menschen", "de"),
        ("eleven thousand people", "en"),
    ],
)
def test_thousands_in_every_spelling_are_one_value(text: str, lang: str) -> None:
    assert normalise(text, lang).numbers == [Decimal(11000)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        ("1.500", Decimal(1500)),
        ("1,500", Decimal(1500)),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.500.000", Decimal(1500000)),
        ("2024", Decimal(2024)),
        ("0,25", Decimal("0.25")),
    ],
)
def test_decimal_and_thousands_marks(raw: str, value: Decimal) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("1,5 Millionen Euro", "de"),
        ("1.5 million euros", "en"),
        ("1,5 Mio. Euro", "de"),
        ("€1.5m in aid", "en"),
        ("US$1.5m in aid", "en"),
        ("£1.5mn in aid", "en"),
        ("0.0015bn", "en"),
    ],
)
def test_scale_words_multiply(text: str, lang: str) -> None:
    assert [m.value for m in find_numbers(text, lang)] == [Decimal(1500000)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # Without a currency sign "m" and "k" may be metres or a race: the number stays.
        ("a 5m wall and a 10k run", [5, 10]),
        ("$2bn and £3.2bn", [2 * 10**9, 3_200_000_000]),
        ("$500k", [500_000]),
        # A number cut short by letters is no number, rather than a wrong one.
        ("1.5x faster", []),
    ],
)
def test_scales_written_onto_the_number(text: str, values: list[int]) -> None:
    assert [m.value for m in find_numbers(text, "en")] == [Decimal(v) for v in values]


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        # A spelled-out number elsewhere in the sentence must not split "1.5 million".
        ("1.5 million euros for three thousand people", "en", [1_500_000, 3000]),
        ("1,5 Millionen Euro für dreitausend Menschen", "de", [1_500_000, 3000]),
        # "thousands of people" is an amount nobody counted, not 1000.
        ("Thousands of people, hundreds of them children, and 2 million euros", "en", [2 * 10**6]),
    ],
)
def test_spelled_numbers_leave_scales_and_vague_amounts_alone(
    text: str, lang: str, values: list[int]
) -> None:
    assert normalise(text, lang).numbers == [Decimal(v) for v in values]


def test_billion_differs_between_german_and_english() -> None:
    assert find_numbers("2 Billionen", "de")[0].value == Decimal(2 * 10**12)
    assert find_numbers("2 billion", "en")[0].value == Decimal(2 * 10**9)


def test_ranges_in_both_languages() -> None:
    german = normalise("10.000 bis 12.000 Haushalte", "de")
    english = normalise("10,000 to 12,000 households", "en")
    assert german.ranges == english.ranges == [(Decimal(10000), Decimal(12000))]
    assert german.tokens[:2] == english.tokens[:2] == ["#10000", "#12000"]


def test_umlauts_and_sharp_s_fold() -> None:
    assert fold("Straße") == "strasse"
    assert fold("Bürgermeisterin") == fold("Buergermeisterin")
    assert normalise("Maerz", "de").months == normalise("März", "de").months == [3]


def test_lemmas_join_inflected_forms() -> None:
    first = normalise("Die Häuser wurden evakuiert", "de").tokens
    second = normalise("Das Haus wird evakuiert", "de").tokens
    assert set(first) == set(second)


def test_months_across_languages_and_ambiguous_abbreviations() -> None:
    assert normalise("am 11. Juni", "de").months == normalise("on June 11", "en").months == [6]
    # "may" is a modal verb unless it stands next to a number.
    assert normalise("It may rain", "en").months == []
    assert normalise("on May 3", "en").months == [5]


def test_function_words_are_dropped() -> None:
    assert normalise("Die Polizei und die Feuerwehr", "de").tokens == ["polizei", "feuerwehr"]


def test_language_guess() -> None:
    assert guess_language("The police said that the river was rising.") == "en"
    assert guess_language("Die Polizei sagte, dass der Fluss steigt.") == "de"


@pytest.mark.parametrize(
    ("figures", "words"),
    [
        ("Am 12.3.2025 stieg der Pegel.", "Am 12. März 2025 stieg der Pegel."),
        ("Am 12.03. stieg der Pegel.", "Am 12. März stieg der Pegel."),
        ("Am 1.9. 15 begann es.", "Am 1. September 15 begann es."),
        ("Um 16:45 Uhr kam er.", "Um 16.45 Uhr kam er."),
    ],
)
def test_german_dates_and_times_in_figures_match_their_written_form(
    figures: str, words: str
) -> None:
    assert normalise(figures, "de").tokens == normalise(words, "de").tokens


def test_a_numeric_date_shares_day_and_month_with_an_english_report() -> None:
    german = set(normalise("Der Deich brach am 12.3. in Auwiesen.", "de").tokens)
    english = set(normalise("The levee broke on March 12 in Auwiesen.", "en").tokens)
    assert {"#12", "@m3"} <= german & english


@pytest.mark.parametrize(
    "text",
    [
        "Die Quote lag bei 12,3 Prozent.",
        "Version 1.12.3.4 ist da.",
        "Es stand 2:1 nach 90 Minuten.",
        "Der Wert 3.13.2025 ist kein Datum.",
        "Er lief 10.000 Meter.",
    ],
)
def test_figures_that_are_no_date_or_time_stay_as_they_are(text: str) -> None:
    assert written_dates(text, "de") == text


def test_english_text_keeps_its_decimals() -> None:
    assert written_dates("The rate rose to 12.3. Then it fell.", "en").startswith(
        "The rate rose to 12.3."
    )


@pytest.mark.parametrize(
    ("german", "english", "token"),
    [
        ("Der Deich brach am Dienstag.", "The dyke broke on Tuesday.", "dienstag"),
        ("Am Sonnabend kamen Helfer.", "Helpers came on Saturday.", "samstag"),
        ("Gestern stieg der Pegel.", "Yesterday the level rose.", "gestern"),
    ],
)
def test_a_day_named_in_english_shares_the_german_token(
    german: str, english: str, token: str
) -> None:
    # Besides names and figures, the day is one of the few words a German and an
    # English report of one event share.
    assert token in normalise(german, "de").tokens
    assert token in normalise(english, "en").tokens
    # Not a name either way: a day identifies nothing on its own.
    assert token not in normalise(english, "en").names


def test_web_addresses_are_no_evidence_and_hold_no_figures() -> None:
    plain = normalise("Die Anlage ist in Betrieb gegangen #W7X", "de")
    linked = normalise(
        "Die Anlage ist in Betrieb gegangen https://t.example/QH1bJ9FB6F (js) #W7X"
        " pic.example.com/ZNXgs0Hg2 und info@example.org",
        "de",
    )
    # Only the "(js)" of the post is left beside the sentence's own words.
    assert set(linked.tokens) - set(plain.tokens) == {"js"}
    assert linked.numbers == plain.numbers == []


def test_a_long_hostile_word_with_a_slash_is_read_in_linear_time() -> None:
    # Tried from every position of a 200,000-letter word, the address pattern would
    # rescan the word to its end each time: hours instead of milliseconds.
    script = (
        "from store.linking.normalize import normalise\n"
        "from store.segment import split_sentences\n"
        "from store.boilerplate import is_shape_boilerplate\n"
        "word = 'ab-' * 70000 + '.a/'\n"
        "for text in (word, 'x ' * 1000 + word, word + '@'):\n"
        "    normalise(text, 'de'); split_sentences(text); is_shape_boilerplate(text)\n"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script], timeout=60, check=False)
    assert done.returncode == 0
