"""Checks of the fictional sample corpus and its gold links, independent of claimdesk code."""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent.parent / "sample_corpus"
GOLD = CORPUS / "gold_links.json"
NOT_ARTICLES = {"README.md", "gold_links.json", "gold_stories.json"}
STORY_GOLD = CORPUS / "gold_stories.json"


@cache
def flood_story() -> frozenset[str]:
    """The articles of the Kressbrunn flood (the corpus's other stories are near misses)."""
    data = json.loads(STORY_GOLD.read_text(encoding="utf-8"))
    (flood,) = [s for s in data["stories"] if s["id"] == "kressbrunn-flood"]
    return frozenset(flood["documents"])


CP1252_FILE = "kurier-tag5-rueckkehr-cp1252.txt"
ESCAPE_FILE = "herald-website-defaced.txt"
LABELS = {"CLAIM", "FIGURE", "SOURCE", "QUOTE", "EVENT"}
HEADER_LINE = re.compile(r"^([A-Za-z_]+):[ \t]*(.*)$")

GERMAN_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "nicht",
        "sich",
        "mit",
        "den",
        "ist",
        "von",
        "dem",
        "ein",
        "eine",
        "auf",
        "sind",
        "wird",
        "hat",
        "nach",
        "auch",
        "sagte",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "was",
        "were",
        "that",
        "with",
        "for",
        "on",
        "is",
        "said",
        "had",
        "has",
        "from",
        "who",
        "their",
        "by",
    ]
)


@dataclass(frozen=True)
class Article:
    doc: str
    path: Path
    folder: str
    body: str
    metadata: dict[str, str]

    @property
    def outlet(self) -> str:
        return self.metadata.get("outlet") or self.folder


class _PageText(HTMLParser):
    """Text of a page with tags removed (script and style skipped), and of its <article>."""

    BLOCK = frozenset(
        [
            "address",
            "article",
            "aside",
            "br",
            "button",
            "dd",
            "div",
            "dl",
            "dt",
            "figcaption",
            "figure",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "section",
            "table",
            "td",
            "th",
            "title",
            "tr",
            "ul",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page: list[str] = []
        self.article: list[str] = []
        self.outside: list[str] = []
        self._skip = 0
        self._in_article = 0

    def _emit(self, text: str) -> None:
        self.page.append(text)
        (self.article if self._in_article else self.outside).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "article":
            self._in_article += 1
        if tag in self.BLOCK:
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self._emit(" ")
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "article":
            self._in_article -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._emit(data)


def _collapse(text: str) -> str:
    return " ".join(text.split())


@cache
def html_parts(path: Path) -> tuple[str, str, str]:
    """(whole page text, article text, text outside the article), whitespace collapsed."""
    parser = _PageText()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return (
        _collapse("".join(parser.page)),
        _collapse("".join(parser.article)),
        _collapse("".join(parser.outside)),
    )


def read_txt(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        assert path.name == CP1252_FILE, f"{path.name} is not UTF-8"
        return raw.decode("cp1252")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Metadata of a leading ``key: value`` block (if any) and the body after it."""
    lines = text.split("\n")
    if not lines or not HEADER_LINE.match(lines[0]) or "\n\n" not in text:
        return {}, text
    head, body = text.split("\n\n", 1)
    metadata: dict[str, str] = {}
    for line in head.split("\n"):
        match = HEADER_LINE.match(line)
        assert match, f"not a metadata line: {line!r}"
        metadata[match.group(1).lower()] = match.group(2).strip()
    return metadata, body


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    assert text.startswith("---\n"), "front matter must open the file"
    head, body = text[4:].split("\n---\n", 1)
    metadata = {}
    for line in head.split("\n"):
        key, _, value = line.partition(":")
        metadata[key.strip().lower()] = value.strip()
    return metadata, body


@cache
def articles() -> dict[str, Article]:
    found: dict[str, Article] = {}

    def add(article: Article) -> None:
        assert article.doc not in found, f"duplicate source name {article.doc}"
        found[article.doc] = article

    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.name in NOT_ARTICLES:
            continue
        folder = path.parent.name
        if path.suffix == ".txt":
            metadata, body = split_header(read_txt(path))
            add(Article(path.name, path, folder, body, metadata))
        elif path.suffix == ".md":
            metadata, body = split_front_matter(path.read_text("utf-8"))
            add(Article(path.name, path, folder, body, metadata))
        elif path.suffix == ".html":
            _, article_text, _ = html_parts(path)
            add(Article(path.name, path, folder, article_text, {}))
        elif path.suffix == ".jsonl":
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    metadata = {k: record[k] for k in ("outlet", "title", "date", "url")}
                    add(Article(record["id"], path, folder, record["text"], metadata))
        else:
            pytest.fail(f"unexpected file in the corpus: {path.relative_to(CORPUS)}")
    return found


def language(text: str) -> str:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(w in GERMAN_WORDS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    assert german != english
    return "de" if german > english else "en"


@cache
def gold() -> dict:
    return json.loads(GOLD.read_text("utf-8"))


def all_gold_mentions() -> list[dict[str, str]]:
    data = gold()
    mentions = [m for fact in data["facts"] for m in fact["mentions"]]
    mentions += [pair[side] for pair in data["near_misses"] for side in ("a", "b")]
    return mentions


# --- the articles ------------------------------------------------------------------------


def test_at_least_14_articles_from_5_outlets() -> None:
    docs = articles()
    assert len(docs) >= 14
    assert len({a.folder for a in docs.values()}) >= 5
    assert len({a.outlet for a in docs.values()}) >= 5


def test_both_languages_with_at_least_5_articles_each() -> None:
    by_language: dict[str, int] = {}
    for article in articles().values():
        detected = language(article.body)
        declared = article.metadata.get("language")
        if declared:
            assert declared == detected, article.doc
        by_language[detected] = by_language.get(detected, 0) + 1
    assert by_language.get("de", 0) >= 5
    assert by_language.get("en", 0) >= 5


@pytest.mark.parametrize("doc", sorted(articles()))
def test_article_length_and_metadata(doc: str) -> None:
    article = articles()[doc]
    assert 250 <= len(article.body.split()) <= 600
    if article.path.suffix == ".html":
        return
    metadata = article.metadata
    assert metadata.get("title")
    published = date.fromisoformat(metadata["date"])
    if doc in flood_story():
        assert date(2025, 3, 11) <= published <= date(2025, 3, 15)
    else:
        assert date(2025, 1, 1) <= published <= date(2025, 12, 31)
    assert re.match(r"https://[^/]*(\.example|example\.org)(/|$)", metadata["url"])


def test_story_spans_four_to_six_days() -> None:
    days = {
        a.metadata["date"]
        for a in articles().values()
        if "date" in a.metadata and a.doc in flood_story()
    }
    days.add("2025-03-12")  # the HTML page, dated in its meta tags
    span = (date.fromisoformat(max(days)) - date.fromisoformat(min(days))).days + 1
    assert 4 <= span <= 6


def test_paragraphs_are_separated_by_blank_lines() -> None:
    for article in articles().values():
        if article.path.suffix in (".txt", ".jsonl"):
            paragraphs = [p for p in article.body.split("\n\n") if p.strip()]
            assert len(paragraphs) >= 4, article.doc
            assert all("\n" not in p.strip("\n") for p in paragraphs), article.doc


def test_cp1252_file_is_not_utf8_and_has_german_characters() -> None:
    raw = (CORPUS / "ilmenz-kurier" / CP1252_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    for char in "äöüÖß„“€–":
        assert char in text, char


def test_escape_file_has_real_control_bytes_and_lookalike_markup() -> None:
    raw = (CORPUS / "northgate-herald" / ESCAPE_FILE).read_bytes()
    assert b"\x1b" in raw
    assert b"\x1b[2J" in raw
    assert b"\x1b]0;pwned\x07" in raw
    text = raw.decode("utf-8")
    for snippet in (
        "[bold]",
        "[/i]",
        "[@click=app.quit]",
        "[link=https://example.org]",
        "\\x1b[2J",
    ):
        assert snippet in text, snippet
    # The control bytes stay in one paragraph of the body, not in the header.
    metadata, body = split_header(text)
    assert not any("\x1b" in value for value in metadata.values())
    assert sum("\x1b" in p for p in body.split("\n\n")) == 1


def test_only_that_file_has_control_characters() -> None:
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.name != ESCAPE_FILE:
            raw = path.read_bytes()
            assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", raw), path.name


def test_markdown_article_uses_front_matter_and_markdown() -> None:
    (path,) = [p for p in CORPUS.rglob("*.md") if p.name not in NOT_ARTICLES]
    metadata, body = split_front_matter(path.read_text("utf-8"))
    assert {"title", "date", "outlet", "url"} <= metadata.keys()
    assert re.search(r"^## ", body, re.M)
    assert re.search(r"^- ", body, re.M)
    assert re.search(r"(\*[^*\n]+\*|_[^_\n]+_)", body)
    assert re.search(r"\[[^\]]+\]\(https://[^)]+\)", body)


def test_html_page_has_boilerplate_that_repeats_no_fact() -> None:
    (path,) = CORPUS.rglob("*.html")
    source = path.read_text("utf-8")
    for marker in (
        "<title>",
        "<meta ",
        "<script",
        "<style",
        "<nav",
        'class="cookie-banner"',
        "<header",
        "<article",
        "<h1>",
        "<aside",
        "Mehr zum Thema",
        "<footer",
        "©",
    ):
        assert marker in source, marker
    assert source.count("<p>") >= 5
    page, article_text, outside = html_parts(path)
    assert article_text
    assert article_text in page
    for mention in all_gold_mentions():
        if mention["doc"] == path.name:
            assert mention["text"] not in outside
    for figure in ("6,84", "1.200", "4.300", "900", "40 Metern", "Pfannkuch", "Leuthold"):
        assert figure in article_text
        assert figure not in outside, figure


def test_jsonl_batch_has_three_complete_records() -> None:
    (path,) = CORPUS.rglob("*.jsonl")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    assert len(records) == 3
    for record in records:
        assert set(record) == {"id", "outlet", "title", "date", "url", "text"}
        date.fromisoformat(record["date"])
        assert "\n\n" in record["text"]


def test_no_machine_paths_in_any_file() -> None:
    """Corpus files name no folder of the machine they were written on."""
    local = {str(CORPUS.resolve().parent), tempfile.gettempdir(), str(Path.home())}
    prefixes = [prefix.rstrip("/") + "/" for prefix in local if len(prefix.strip("/")) >= 2]
    for path in CORPUS.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            for prefix in prefixes:
                assert prefix not in text, (path, prefix)
            assert not re.search(r"(?<![\w.])[A-Za-z]:\\[A-Za-z]", text), path


# --- the gold links ----------------------------------------------------------------------


def test_gold_shape() -> None:
    data = gold()
    assert data["version"] == 1
    assert isinstance(data["description"], str)
    assert "\n" not in data["description"]
    ids = [fact["id"] for fact in data["facts"]]
    assert len(ids) == len(set(ids))
    for fact in data["facts"]:
        assert set(fact) == {"id", "label", "summary", "mentions"}
        assert re.fullmatch(r"F\d{2,}", fact["id"])
        assert fact["label"] in LABELS
        assert fact["summary"].strip()
    for pair in data["near_misses"]:
        assert set(pair) == {"a", "b", "why"}
        assert pair["why"].strip()
    for mention in all_gold_mentions():
        assert set(mention) == {"doc", "text"}


def test_every_gold_mention_is_a_sentence_of_its_document() -> None:
    docs = articles()
    for mention in all_gold_mentions():
        assert mention["doc"] in docs, f"unknown doc {mention['doc']}"
        text = mention["text"]
        assert "\n" not in text
        assert text == text.strip()
        assert text[-1] in '.!?“”"', text
        article = docs[mention["doc"]]
        assert text in article.body, (mention["doc"], text)
        assert text not in "\n".join(article.metadata.values())
        if article.path.suffix == ".html":
            assert text in html_parts(article.path)[0]


def test_facts_link_different_documents() -> None:
    data = gold()
    well_attested = 0
    for fact in data["facts"]:
        docs = [m["doc"] for m in fact["mentions"]]
        assert len(docs) >= 2, fact["id"]
        assert len(docs) == len(set(docs)), fact["id"]
        well_attested += 1
    assert well_attested >= 25


def test_enough_pairs_and_mostly_same_language() -> None:
    docs = articles()
    same = cross = 0
    for fact in gold()["facts"]:
        for a, b in itertools.combinations(fact["mentions"], 2):
            assert a["doc"] != b["doc"]
            if language(docs[a["doc"]].body) == language(docs[b["doc"]].body):
                same += 1
            else:
                cross += 1
    assert same + cross >= 60
    assert cross > 0
    assert same > cross, (same, cross)


def test_near_misses() -> None:
    pairs = gold()["near_misses"]
    assert len(pairs) >= 12

    def key(a: dict[str, str], b: dict[str, str]) -> frozenset[tuple[str, str]]:
        return frozenset({(a["doc"], a["text"]), (b["doc"], b["text"])})

    linked = {
        key(a, b)
        for fact in gold()["facts"]
        for a, b in itertools.combinations(fact["mentions"], 2)
    }
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        assert (a["doc"], a["text"]) != (b["doc"], b["text"])
        assert key(a, b) not in linked, pair["why"]
