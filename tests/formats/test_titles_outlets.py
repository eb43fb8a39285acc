"""Titles from the first line and outlets from metadata, in every format, made safe."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlite_utils

from store.formats import ParsedArticle
from store.formats.html import read_html
from store.formats.jsonl import read_jsonl
from store.formats.markdown import read_markdown
from store.formats.titles import (
    FIRST_LINE_TITLE_CHARS,
    MAX_OUTLET_CHARS,
    MAX_TITLE_CHARS,
    fallback_outlet,
    first_line_title,
)
from store.formats.txt import read_txt
from store.importer import import_paths

BODY = (
    "Die Stadt Kressbrunn hat am Dienstagabend die Evakuierung der Unterstadt angeordnet."
    " Rund 11.000 Menschen müssen ihre Häuser verlassen."
)
HEADLINE = "Unterstadt wird geräumt: 11.000 Menschen müssen ihre Häuser verlassen"
# Every stored string must survive these: escapes and bells, markup, and sheer length.
HOSTILE = "\x1b]2;pwned\x07\x1b[2J[bold red]Der [@click=app.quit]Bote[/]\x00\u202e" + "x" * 5000


def _jsonl(**record: object) -> ParsedArticle:
    line = json.dumps({"text": BODY, **record}, ensure_ascii=False).encode()
    found = list(read_jsonl(io.BytesIO(line + b"\n"), Path("wire.jsonl")))
    assert len(found) == 1
    article = found[0]
    assert isinstance(article, ParsedArticle), article
    return article


def _html(head: str, body: str) -> ParsedArticle:
    page = f"<html><head>{head}</head><body><article>{body}</article></body></html>"
    return read_html(page, Path("seeds") / "page.html")


def _paragraphs() -> str:
    return "".join(f"<p>{BODY} Absatz {n}.</p>" for n in range(4))


def assert_safe(value: str | None, limit: int) -> None:
    assert value is not None
    assert len(value) <= limit
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value), repr(value[:80])
    assert "\x1b" not in value
    assert "\n" not in value


# Titles ---------------------------------------------------------------------------------


def test_first_line_title_skips_datelines_and_credits() -> None:
    text = f"BERLIN\nFoto: dpa/Max Muster\n{HEADLINE}\n\n{BODY}"
    assert first_line_title(text) == HEADLINE


def test_first_line_title_is_bounded_at_a_word() -> None:
    title = first_line_title(BODY * 20)
    assert title is not None
    assert len(title) <= FIRST_LINE_TITLE_CHARS
    assert title.endswith("…")
    assert BODY.startswith(title[:-1])
    assert title[-2] != " "


def test_a_text_of_boilerplate_only_keeps_its_first_line() -> None:
    assert first_line_title("Foto: dpa\n(APA, 12.9.2015)") == "Foto: dpa"


def test_txt_without_title_takes_the_headline_line() -> None:
    article = read_txt(f"Foto: Stadt Kressbrunn\n{HEADLINE}\n\n{BODY}", Path("a/b.txt"))
    assert article.title == HEADLINE
    # The text itself is untouched: offsets still count from the credit line.
    assert article.text.startswith("Foto: Stadt Kressbrunn\n")


def test_a_given_title_wins_over_the_first_line() -> None:
    article = read_txt(f"title: Gegeben\n\n{HEADLINE}\n\n{BODY}", Path("a/b.txt"))
    assert article.title == "Gegeben"


def test_markdown_and_jsonl_without_title_take_the_first_line() -> None:
    assert read_markdown(f"{HEADLINE}\n\n{BODY}", Path("a/b.md")).title == HEADLINE
    one_line = _jsonl().title
    assert one_line is not None
    assert one_line.endswith("…")
    assert BODY.startswith(one_line[:-1])
    assert _jsonl(text=f"{HEADLINE}\n\n{BODY}").title == HEADLINE


def test_html_without_title_takes_the_first_line() -> None:
    article = _html("", f"<p>{HEADLINE}</p>" + _paragraphs())
    assert article.title == HEADLINE


# Outlets ----------------------------------------------------------------------------------


def test_txt_header_publisher_is_the_outlet_unless_outlet_is_given() -> None:
    assert read_txt(f"publisher: Der Bote\n\n{BODY}", Path("a/b.txt")).outlet == "Der Bote"
    both = read_txt(f"site: Bote Online\noutlet: Der Bote\n\n{BODY}", Path("a/b.txt"))
    assert both.outlet == "Der Bote"


def test_markdown_front_matter_site_name_is_the_outlet() -> None:
    article = read_markdown(f"---\nsite_name: Ilmenz-Kurier\n---\n\n{BODY}", Path("a/b.md"))
    assert article.outlet == "Ilmenz-Kurier"
    # A web address given as the outlet is reduced to its host.
    site = read_markdown(f"---\nsite: https://www.ilmenz-kurier.de/\n---\n\n{BODY}", Path("a.md"))
    assert site.outlet == "ilmenz-kurier.de"


def test_jsonl_source_and_publisher_name_the_outlet() -> None:
    assert _jsonl(source="Der Bote").outlet == "Der Bote"
    assert _jsonl(publisher={"@type": "Organization", "name": "Kurier"}).outlet == "Kurier"
    assert _jsonl(outlet="Der Bote", source="dpa").outlet == "Der Bote"
    # Another shape under an alias is ignored, never a refused record.
    assert _jsonl(source=["a", "b"]).outlet is None
    assert _jsonl(source=7).outlet is None


def test_html_og_site_name_and_json_ld_publisher_name_the_outlet() -> None:
    og = _html('<meta property="og:site_name" content="Der Bote">', _paragraphs())
    assert og.outlet == "Der Bote"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HEADLINE,
        "publisher": {"@type": "Organization", "name": "Kurier Online"},
    }
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    assert _html(script, _paragraphs()).outlet == "Kurier Online"


def test_a_facebook_page_as_publisher_names_no_outlet() -> None:
    head = '<meta property="article:publisher" content="https://www.facebook.com/derbote">'
    assert _html(head, _paragraphs()).outlet is None
    assert _jsonl(publisher="https://facebook.com/derbote").outlet is None


@pytest.mark.parametrize(
    ("folder", "url", "outlet"),
    [
        ("seeds", "https://www.spiegel.de/politik/a-1.html", "spiegel.de"),
        ("meridian-post", "https://meridianpost.example/x", "meridian-post"),
        ("Süddeutsche", "https://sueddeutsche.de/x", "Süddeutsche"),
        ("seeds", None, "seeds"),
        ("seeds", "not a url", "seeds"),
        ("", "https://m.bote.de/x", "bote.de"),
        ("", None, None),
    ],
)
def test_fallback_outlet(folder: str, url: str | None, outlet: str | None) -> None:
    assert fallback_outlet(folder, url) == outlet


def test_import_names_outlets_of_a_folder_that_says_nothing(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(f"url: https://www.bote.de/a\n\n{HEADLINE}\n\n{BODY}")
    (seeds / "b.txt").write_text(f"url: https://kurier.at/b\n\n{BODY} Zweitens.")
    (seeds / "c.txt").write_text(f"outlet: Tagblatt\n\n{BODY} Drittens.")
    (seeds / "d.txt").write_text(f"{BODY} Viertens.")
    report = import_paths(db, [seeds])
    assert report.added == 4
    rows = dict(db.conn.execute("SELECT source_name, outlet FROM documents").fetchall())
    assert rows == {"a.txt": "bote.de", "b.txt": "kurier.at", "c.txt": "Tagblatt", "d.txt": "seeds"}
    titles = dict(db.conn.execute("SELECT source_name, title FROM documents").fetchall())
    assert titles["a.txt"] == HEADLINE


@pytest.mark.parametrize("typed", ["a2.txt", ".", "../many/a2.txt"])
def test_the_folder_outlet_does_not_depend_on_how_the_path_was_typed(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    # Imported from inside many/, "a2.txt" and "." gave no outlet; "../many/a2.txt" gave
    # "many"; importing again later changed nothing, the text being stored already.
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "a2.txt").write_text(f"{BODY} Zweitens.", encoding="utf-8")
    monkeypatch.chdir(folder)
    assert import_paths(db, [Path(typed)]).added == 1
    assert db.conn.execute("SELECT outlet FROM documents").fetchall() == [("many",)]


# Hostile values -----------------------------------------------------------------------------


def test_hostile_titles_and_outlets_are_made_safe_in_every_format() -> None:
    found = [
        read_txt(f"title: {HOSTILE}\npublisher: {HOSTILE}\n\n{BODY}", Path("a/b.txt")),
        read_markdown(
            f"---\ntitle: {json.dumps(HOSTILE)}\nsite_name: {json.dumps(HOSTILE)}\n---\n\n{BODY}",
            Path("a/b.md"),
        ),
        _jsonl(title=HOSTILE, source=HOSTILE),
        _html(
            f'<title>{HOSTILE}</title><meta property="og:site_name" content="{HOSTILE}">',
            _paragraphs(),
        ),
    ]
    for article in found:
        assert_safe(article.title, MAX_TITLE_CHARS)
        assert_safe(article.outlet, MAX_OUTLET_CHARS)
        # Markup is text: kept literally, for the screens to show literally.
        assert "[bold red]Der" in (article.outlet or "")
        assert (article.title or "").endswith("…")


def test_a_hostile_first_line_is_made_safe() -> None:
    article = read_txt(f"{HOSTILE}\n\n{BODY}", Path("a/b.txt"))
    assert_safe(article.title, FIRST_LINE_TITLE_CHARS)
    # The terminal sequences went whole (their payload too), the markup stays literal.
    assert "pwned" not in (article.title or "")
    assert (article.title or "").startswith("[bold red]Der [@click=app.quit]Bote[/]")
