"""Plain-text reader: optional metadata header of known keys, then the body."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import ImportRefused
from store.formats.txt import read_txt, split_metadata

PATH = Path("kurier") / "tag1.txt"
BODY = (
    "Kressbrunn. Die Sirenen heulten um 17.45 Uhr, wenige Minuten später war es amtlich.\n\n"
    "Wegen des steigenden Hochwassers müssen 11.000 Menschen ihre Häuser verlassen."
)


def test_with_metadata() -> None:
    header = (
        "Title: Unterstadt wird geräumt\n"
        "OUTLET:  Ilmenz-Kurier \n"
        "date: 11.03.2025\n"
        "url: https://ilmenz-kurier.example/a?b=1#c\n"
        "Lang: de-DE\n"
        "Author: Jana Leuthold\n"
    )
    article = read_txt(header + "\n" + BODY, PATH)
    assert article.text == BODY
    assert article.title == "Unterstadt wird geräumt"
    assert article.outlet == "Ilmenz-Kurier"
    assert article.published == "2025-03-11"
    assert article.url == "https://ilmenz-kurier.example/a?b=1#c"
    assert article.language == "de"
    assert article.source_name == "tag1.txt"
    assert article.external_id is None


def test_published_is_an_alias_of_date() -> None:
    article = read_txt("published: 2025-03-12T18:40:00+01:00\n\n" + BODY, PATH)
    assert article.published == "2025-03-12"
    assert article.title == BODY.split("\n")[0]  # no title given: the first line


def test_without_metadata() -> None:
    article = read_txt(BODY, PATH)
    assert article.text == BODY
    assert article.title == BODY.split("\n")[0]  # no title given: the first line
    assert article.outlet is None
    assert article.published is None
    assert article.language == "de"  # detected


def test_place_name_line_stays_text() -> None:
    text = "Berlin: Die Polizei hat am Montag einen Mann festgenommen.\n\nMehr folgt."
    article = read_txt(text, PATH)
    assert article.text == text
    assert article.title == "Berlin: Die Polizei hat am Montag einen Mann festgenommen."


def test_one_unknown_key_makes_the_block_text() -> None:
    text = "Title: Überschrift\nSource: Agentur\n\n" + BODY
    assert read_txt(text, PATH).text == text


def test_header_without_body_is_text() -> None:
    assert read_txt("Title: Nur eine Zeile", PATH).text == "Title: Nur eine Zeile"


def test_header_after_crlf_and_bom() -> None:
    text = "\ufeffTitle: Mit BOM\r\nDate: 2025-03-11\r\n\r\n" + BODY.replace("\n", "\r\n")
    article = read_txt(text, PATH)
    assert article.title == "Mit BOM"
    assert article.text == BODY


def test_metadata_values_lose_controls() -> None:
    article = read_txt("title: Rot\x1b[31m und\x07 blau\t ok\n\n" + BODY, PATH)
    assert article.title == "Rot und blau ok"


def test_split_metadata_keeps_first_of_duplicates() -> None:
    pairs, body = split_metadata("title: A\ntitle: B\n\nText.")
    assert pairs == [("title", "A"), ("title", "B")]
    assert body == "Text."
    assert read_txt("title: A\ntitle: B\n\nText.", PATH).title == "A"


def test_blank_text_is_refused() -> None:
    with pytest.raises(ImportRefused) as caught:
        read_txt(" \n\x1b[2J\t\n\ufeff\n", PATH)
    assert str(caught.value) == f"{PATH}: no article text found"


@pytest.mark.parametrize(
    "raw",
    [
        "title: Real title\noutlet: Herald\ndate: 2025-01-01\n\n",
        "Title: Nur eine Zeile\r\n\r\n",
        "title: X\n \t\n\n\n",
        "\ufefftitle: X\noutlet: Y\n\x1b[2J\n",
    ],
)
def test_a_header_with_nothing_after_it_is_refused(raw: str) -> None:
    # Normalisation drops the blank line that ends the header, and the metadata alone
    # was stored as the article's text.
    with pytest.raises(ImportRefused) as caught:
        read_txt(raw, PATH)
    assert str(caught.value) == f"{PATH}: no article text found"


@pytest.mark.parametrize(
    "raw", ["Update: 3 dead in flood\n", "Update: 3 dead in flood\n\n", "Title: Nur eine Zeile\n"]
)
def test_a_one_line_article_with_a_colon_is_text(raw: str) -> None:
    # No blank line after it, or no metadata key before its colon: no header.
    article = read_txt(raw, PATH)
    assert article.text == raw.strip()
    assert article.title == raw.strip()
