"""read_articles: suffix dispatch, file-level refusals, size limit, names and outlets."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.dispatch import SUPPORTED_SUFFIXES, read_articles
from store.formats.limits import MAX_ARTICLE_CHARS, MAX_MARKDOWN_TABLE_CELLS, MAX_MARKUP_LINES

BODY = "Die Polizei hat am Montag in Berlin einen Mann festgenommen.\n\nMehr folgt."


def refusal(path: Path, **kwargs: int) -> str:
    """The message of the whole-file refusal of ``path``, checked to be one line."""
    with pytest.raises(ImportRefused) as caught:
        list(read_articles(path, **kwargs))
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message.removeprefix(f"{path}: ")


def only_article(path: Path, **kwargs: int) -> ParsedArticle:
    [article] = list(read_articles(path, **kwargs))
    assert isinstance(article, ParsedArticle)
    return article


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".xhtml",
        ".jsonl",
        ".ndjson",
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.TXT", BODY),
        ("a.Text", BODY),
        ("a.MD", "# Titel\n\n" + BODY),
        ("a.markdown", BODY),
        ("a.HTML", f"<html><body><p>{BODY}</p></body></html>"),
        ("a.htm", f"<html><body><p>{BODY}</p></body></html>"),
        ("a.xhtml", f"<html><body><p>{BODY}</p></body></html>"),
    ],
)
def test_single_article_formats(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / "ilmenz-kurier" / name
    path.parent.mkdir()
    path.write_text(content, encoding="utf-8")
    article = only_article(path)
    assert article.source_name == name
    assert article.outlet is None  # the importer falls back on the folder name
    assert "Die Polizei hat am Montag in Berlin einen Mann festgenommen." in article.text
    assert article.language == "de"


def test_windows_1252_file(tmp_path: Path) -> None:
    path = tmp_path / "rueckkehr.txt"
    body = "„Es riecht nach Schlamm und Heizöl“, sagt Müller – 5 €."
    path.write_bytes(f"Title: Rückkehr nach Kressbrunn-Süd\n\n{body}".encode("cp1252"))
    article = only_article(path)
    assert article.title == "Rückkehr nach Kressbrunn-Süd"
    assert article.text == body


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert refusal(path) == "unsupported file type .pdf"


def test_binary_file_with_text_suffix(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml")
    assert refusal(path) == "binary file (ZIP/DOCX), not text"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert refusal(tmp_path / "gone.txt") == "cannot read: no such file"
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert refusal(folder) == "cannot read: is a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(BODY, encoding="utf-8")
    path.chmod(0)
    try:
        assert refusal(path) == "cannot read: permission denied"
    finally:
        path.chmod(0o600)


def test_permission_denied_as_reported_by_the_os(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    path.with_suffix(".txt").write_text(BODY, encoding="utf-8")

    def denied(self: Path, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert refusal(path) == "cannot read: permission denied"
    assert refusal(path.with_suffix(".txt")) == "cannot read: permission denied"


@pytest.mark.parametrize("content", ["", " \n\t\n", "\x1b[2J\x1b]0;title\x07\r\n\ufeff"])
def test_empty_or_blank_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    assert refusal(path) in {"empty file", "no article text found"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zw.txt", "\u200b\u200c \u2060\ufeff\n\u200b\n"),  # zero-width characters
        ("nbsp.txt", "\u3000\u00a0\u2003\n"),  # ideographic, no-break and em spaces
        ("marks.txt", "\u200e\u202e\u2066\u00ad\u034f\ufe0f\U000e0041\n"),
        ("filler.txt", "\u3164\u115f \u2800\n"),  # Hangul fillers, blank Braille
        ("zw.md", "# \u200b\n\n\u00a0\n"),
        ("zw.html", "<html><body><article><p>&#8203;&nbsp;&#x2060;</p></article></body></html>"),
    ],
)
def test_files_of_invisible_characters_are_refused_as_blank_ones_are(
    tmp_path: Path, name: str, content: str
) -> None:
    # Stored, they were articles nobody could see, listed as empty rows.
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert refusal(path) == "no article text found"


def test_jsonl_records_of_invisible_text_are_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(
        '{"text": "\\u0007\\u001b[31m\\u200b"}\n{"text": "Visible text."}\n', encoding="utf-8"
    )
    first, second = list(read_articles(path))
    assert isinstance(first, ImportRefused)
    assert str(first) == f"{path}:1: no article text found"
    assert isinstance(second, ParsedArticle)


def test_invisible_lines_and_metadata_are_no_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("title: \u200b\u00a0\noutlet: \u2060\n\n\u200b\nFlut in Kressbrunn\n", "utf-8")
    article = only_article(path)
    assert (article.title, article.outlet) == ("Flut in Kressbrunn", None)
    assert article.text == "\u200b\nFlut in Kressbrunn"


def test_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x" * 101, encoding="utf-8")
    assert refusal(path, max_chars=100) == "article has 101 characters, over the limit of 100"
    assert only_article(path, max_chars=101).text == "x" * 101


def test_limit_counts_normalised_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"ab  \r\n\r\n\r\n\r\ncd\x1b[0m\r\n")
    assert only_article(path, max_chars=6).text == "ab\n\ncd"


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_twenty_megabyte_single_line_is_refused_fast(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"huge{suffix}"
    line = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 360_000)[:20_000_000]
    if suffix == ".html":
        line = f"<html><body><p>{line}</p></body></html>"
    path.write_text(line, encoding="utf-8")
    # CPU, not wall time: the guard is against work that grows with the line (a parser
    # run over 20 MB takes minutes), and wall time on a shared machine grows with its load.
    started = time.process_time()
    message = refusal(path)
    elapsed = time.process_time() - started
    assert message == f"article has 20000000 characters, over the limit of {MAX_ARTICLE_CHARS}"
    assert elapsed < 5


def test_jsonl_per_line_refusals_are_yielded(tmp_path: Path) -> None:
    path = tmp_path / "wire.JSONL"
    path.write_text('{"text": "Good one."}\nnope\n{"text": "Another."}\n', encoding="utf-8")
    items = list(read_articles(path))
    assert [type(item) for item in items] == [ParsedArticle, ImportRefused, ParsedArticle]
    assert str(items[1]).startswith(f"{path}:2: invalid JSON")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert refusal(path) == "cannot read: not a regular file"


def test_markdown_of_millions_of_tiny_paragraphs_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    # Under the character limit, but markdown-it would hold a few tokens per paragraph:
    # 3 million of them took two minutes and 4.3 GB.
    path = tmp_path / "tiny.md"
    path.write_text("a\n\n" * (MAX_MARKUP_LINES // 2 + 1), encoding="utf-8")
    started = time.process_time()
    message = refusal(path)
    assert time.process_time() - started < 5
    assert message == (
        f"markup has {MAX_MARKUP_LINES + 3} lines, over the limit of {MAX_MARKUP_LINES}"
        " for one article"
    )
    # A long real report is far below it.
    path.write_text("# Report\n\n" + "A sentence of a long report.\n\n" * 5_000, encoding="utf-8")
    assert only_article(path).text.startswith("Report")


def test_a_markdown_table_of_too_many_cells_is_refused_before_parsing(tmp_path: Path) -> None:
    # 42 lines, far under the line limit, but markdown-it gives every row the header's
    # 20,000 cells: this 1.7 MB file took 16 s and 1.1 GB, an 8 MB one 97 s and 5.3 GB.
    columns = 20_000
    path = tmp_path / "wide.md"
    path.write_text(
        "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + ("|" + "b|" * columns + "\n") * 40,
        encoding="utf-8",
    )
    started = time.process_time()
    message = refusal(path)
    assert time.process_time() - started < 2
    assert message == (
        f"Markdown has more than {MAX_MARKDOWN_TABLE_CELLS} table cells, the limit for one article"
    )
    # Short rows cost as much: markdown-it fills each to the header's width.
    path.write_text(
        ("|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "x\n" * 600 + "\n") * 2, encoding="utf-8"
    )
    assert refusal(path).startswith("Markdown has more than")
    # A big real table (20 columns by 2,000 rows) is far below it.
    path.write_text(
        "# Results\n\n|"
        + " Party |" * 20
        + "\n|"
        + "---|" * 20
        + "\n"
        + ("|" + " 12.5 |" * 20 + "\n") * 2_000,
        encoding="utf-8",
    )
    assert only_article(path).text.startswith("Results")


def test_a_decoding_note_and_a_readers_note_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "gemischt.md"
    path.write_bytes(
        "---\ntitle: [a]\n---\nDie Bürgermeisterin Müller sagte, die ".encode()
        + "Straße sei gesperrt.".encode("cp1252")
    )
    assert only_article(path).note == (
        "mixed encodings: 1 byte(s) in 1 place(s) are not UTF-8 and were read as Windows-1252;"
        " front matter values that are not text were left out: title (a list)"
    )
