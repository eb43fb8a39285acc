"""The bundled sample corpus reads cleanly: every edge case it documents is handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.formats import ParsedArticle
from store.formats.dispatch import SUPPORTED_SUFFIXES, read_articles

CORPUS = Path(__file__).resolve().parents[2] / "sample_corpus"
LANGUAGES = {
    "ilmenz-kurier": "de",
    "nachrichtenwerk-sued": "de",
    "ortenfelder-rundschau": "de",
    "radio-ortenfeld": "de",
    "continental-wire": "en",
    "meridian-post": "en",
    "northgate-herald": "en",
}


def _articles() -> dict[Path, list[ParsedArticle]]:
    found: dict[Path, list[ParsedArticle]] = {}
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            items = list(read_articles(path))
            assert all(isinstance(item, ParsedArticle) for item in items), items
            found[path] = [item for item in items if isinstance(item, ParsedArticle)]
    return found


pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="sample corpus not present")


def test_every_article_reads_with_its_language() -> None:
    articles = _articles()
    assert sum(len(items) for items in articles.values()) == 33
    for path, items in articles.items():
        for article in items:
            assert article.language == LANGUAGES[path.parent.name], path
            assert article.title, path
            assert article.published is not None
            assert article.published[:5] == "2025-"
            if path.parent.name == "nachrichtenwerk-sued":
                assert article.outlet is None
            else:
                assert article.outlet


def test_control_bytes_go_and_look_alike_markup_stays() -> None:
    [article] = list(read_articles(CORPUS / "northgate-herald" / "herald-website-defaced.txt"))
    assert isinstance(article, ParsedArticle)
    assert "\x1b" not in article.text
    assert "\x07" not in article.text
    assert "[bold]" in article.text
    assert "[link=https://example.org]" in article.text


def test_windows_1252_article() -> None:
    path = CORPUS / "ilmenz-kurier" / "kurier-tag5-rueckkehr-cp1252.txt"
    [article] = list(read_articles(path))
    assert isinstance(article, ParsedArticle)
    assert article.title == "Rückkehr nach Kressbrunn-Süd: „Es riecht nach Schlamm und Heizöl“"
    assert "\ufffd" not in article.text


def test_html_page_keeps_only_the_story() -> None:
    path = CORPUS / "ortenfelder-rundschau" / "rundschau-tag2-deichbruch.html"
    [article] = list(read_articles(path))
    assert isinstance(article, ParsedArticle)
    for boilerplate in ("Cookies", "Startseite", "Mehr zum Thema", "Impressum", "Keller"):
        assert boilerplate not in article.text
    assert "6,84 Metern" in article.text
    assert "\n\n" in article.text
