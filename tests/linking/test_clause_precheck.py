"""The clause pre-check skips only sentences without a split point: same spans as the full scan."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.linking import clauses
from store.linking.clauses import _SPLIT, _SPLIT_MARKS, clause_spans, may_split

# One sentence per alternative of the split pattern, each holding exactly one of the
# pre-check's marks and white space other than a plain space around it. Each divides
# into two clauses: a pre-check that missed its mark would return no clauses.
ONE_MARK_EACH = [
    ("Die Brücke bleibt bis Freitag gesperrt\u00a0;\tder Verkehr wird über Bonn umgeleitet", "de"),
    ("Der Bürgermeister warnte am Montag\u2009:\u3000Die Deiche am Fluss halten nicht lange", "de"),
    ("Das Dach des Rathauses ist eingestürzt\t-\u00a0zwei Bewohner wurden dabei verletzt", "de"),
    ("Das Dach des Rathauses ist eingestürzt\n–\nzwei Bewohner wurden dabei verletzt", "de"),
    (
        "Das Dach des Rathauses ist eingestürzt\u2003—\u2003zwei Bewohner wurden dabei verletzt",
        "de",
    ),
    (
        "Die Feuerwehr pumpte drei Keller leer\u00a0, welche seit Montag völlig überflutet waren",
        "de",
    ),
    ("Die Feuerwehr pumpte drei Keller leer\u00a0und\u00a0die Tiefgarage bleibt überflutet", "de"),
    ("The firefighters pumped three cellars dry\x85and\x85the garage stays flooded", "en"),
    ("The firefighters pumped three cellars dry\u2028but\u2029the garage stays flooded", "en"),
    ("The bridge stays closed until Friday\u3000while\ttraffic is diverted through Bonn", "en"),
    ("The bridge stays closed until Friday\twhereas\u00a0trains cross the river again", "en"),
]

# Pieces hostile to the scan: every separator in odd white space, figures and
# ranges, punctuation runs, control characters, German and English clause openers.
_PIECES = [
    "Die Feuerwehr",
    "pumpte drei Keller leer",
    "The bridge stays closed",
    "traffic is diverted",
    "Hochwasserschutzplan",
    "Grund",
    "Land",
    "Stunde",
    "rund",
    "butter",
    "whilst",
    "und",
    "and",
    "but",
    "while",
    "whereas",
    "yet",
    "aber",
    "sondern",
    "denn",
    "doch",
    "jedoch",
    "der",
    "die",
    "das",
    "dem",
    "den",
    "welche",
    "deren",
    "which",
    "who",
    "that",
    "wo",
    "Anordnung",
    "seit",
    "4.000",
    "5.000",
    "4.000–5.000",
    "4.000 - 5.000",
    "10,000",
    "8,5",
    "1954",
    ";",
    ":",
    ",",
    "-",
    "--",
    "–",
    "—",
    ";;;",
    ",,",
    "...",
    "!?",
    "(APA, 12.9.2015)",
    "\x00",
    "\x1b[2J",
    "\x07",
    "\u200b",
    "🌊",
]
_SPACES = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2009", "\u3000", "\x85", "\u2028", ""]


@st.composite
def _hostile_sentences(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SPACES))))
    return "".join(piece + space for piece, space in parts)


def _full_scan(
    text: str, start: int, end: int, language: str, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int, int]]:
    """The spans with the pre-check off: every sentence goes through the split pattern."""
    with monkeypatch.context() as patched:
        patched.setattr(clauses, "may_split", lambda _sentence: True)
        return clause_spans(text, start, end, language)


@pytest.mark.parametrize(("sentence", "language"), ONE_MARK_EACH)
def test_a_sentence_with_one_split_mark_still_divides(
    sentence: str, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len([mark for mark in _SPLIT_MARKS if mark in sentence]) == 1
    assert _SPLIT.search(sentence)
    assert may_split(sentence)
    spans = clause_spans(sentence, 0, len(sentence), language)
    assert len(spans) == 2
    assert spans == _full_scan(sentence, 0, len(sentence), language, monkeypatch)


def test_every_mark_is_covered_by_a_one_mark_sentence() -> None:
    covered = {mark for sentence, _ in ONE_MARK_EACH for mark in _SPLIT_MARKS if mark in sentence}
    assert covered == set(_SPLIT_MARKS)


def test_the_spelled_out_check_is_the_marks() -> None:
    for text in [
        *(sentence for sentence, _ in ONE_MARK_EACH),
        *_PIECES,
        "Die Feuerwehr pumpte drei Keller leer",
        "",
    ]:
        assert may_split(text) == any(mark in text for mark in _SPLIT_MARKS)


@given(st.text(max_size=300))
@settings(max_examples=400)
def test_no_split_point_in_text_the_check_rules_out(text: str) -> None:
    if not may_split(text):
        assert _SPLIT.search(text) is None


@given(_hostile_sentences())
@settings(max_examples=400)
def test_no_split_point_in_hostile_text_the_check_rules_out(text: str) -> None:
    if _SPLIT.search(text):
        assert may_split(text)


@given(_hostile_sentences(), st.sampled_from(["de", "en"]), st.text(max_size=5))
@settings(max_examples=300)
def test_pre_checked_spans_equal_the_full_scan(text: str, language: str, before: str) -> None:
    whole = before + text + " Danach regnete es."
    start, end = len(before), len(before) + len(text)
    with pytest.MonkeyPatch.context() as patched:
        full = _full_scan(whole, start, end, language, patched)
    assert clause_spans(whole, start, end, language) == full


@pytest.mark.parametrize("language", ["de", "en"])
def test_long_sentences_divide_as_with_the_full_scan(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = "Die Feuerwehr pumpte in Passau viele Keller leer " * 2_000
    for sentence in (
        plain,
        plain + "\u00a0und die Tiefgarage bleibt bis Freitag überflutet",
        plain.replace("leer ", "leer, die seit Montag überflutet waren ", 3),
        "4.000–5.000 " * 5_000,
    ):
        assert clause_spans(sentence, 0, len(sentence), language) == _full_scan(
            sentence, 0, len(sentence), language, monkeypatch
        )
