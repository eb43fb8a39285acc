"""JSONL reader: one article per line, bad lines reported with their number, streamed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.dispatch import read_articles
from store.formats.jsonl import SNIFF_BYTES, read_jsonl

TEXT = "KRESSBRUNN, Germany – Authorities ordered the evacuation of 11,000 people on Tuesday."


def _line(**record: object) -> str:
    return json.dumps(record, ensure_ascii=False)


def _write(tmp_path: Path, lines: list[str], name: str = "wire.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_and_bad_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            _line(
                id="cw-1",
                text=TEXT,
                outlet="Continental Wire",
                title="Evacuation",
                date="March 11, 2025",
                url="https://cw.example/1",
                language="en-GB",
            ),
            "{not json",
            "",
            "[1, 2]",
            _line(title="no text"),
            _line(text="   \n "),
            _line(text=5),
            _line(text=TEXT, title=["a list"]),
            _line(text=TEXT, id=True),
            _line(text="Zweiter Text ohne Kennung, aber mit Sprache.", lang="de"),
            _line(id=42, text=TEXT),
            _line(id="nothing", text=None),
        ],
    )
    items = list(read_articles(path))
    articles = [item for item in items if isinstance(item, ParsedArticle)]
    refusals = {error.path: error.reason for error in items if isinstance(error, ImportRefused)}
    assert [article.source_name for article in articles] == ["cw-1", "wire.jsonl:10", "42"]
    first = articles[0]
    assert (first.external_id, first.outlet, first.title, first.published, first.url) == (
        "cw-1",
        "Continental Wire",
        "Evacuation",
        "2025-03-11",
        "https://cw.example/1",
    )
    assert first.language == "en"
    assert first.text == TEXT
    assert articles[1].external_id is None
    assert articles[1].language == "de"
    assert articles[2].external_id == "42"
    assert refusals == {
        f"{path}:2": "invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{path}:4": "not a JSON object but an array",
        f"{path}:5": 'missing "text"',
        f"{path}:6": '"text" is empty',
        f"{path}:7": '"text" must be a string, not a number',
        f"{path}:8": '"title" must be a string, not an array',
        f"{path}:9": '"id" must be a string or integer, not a boolean',
        # It said 'missing "text"' of a line whose text is there, only null.
        f"{path}:12": '"text" must be a string, not null',
    }
    for error in items:
        if isinstance(error, ImportRefused):
            assert str(error).startswith(f"{path}:")
            assert "\n" not in str(error)


def test_paragraphs_and_controls_in_text(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(text="Erster Absatz.\r\n\r\n\r\nZweiter\x1b[2J Absatz.  ")])
    [article] = list(read_articles(path))
    assert isinstance(article, ParsedArticle)
    assert article.text == "Erster Absatz.\n\nZweiter Absatz."


def test_bom_crlf_and_invalid_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + _line(text=TEXT).encode()
        + b"\r\n"
        + b'{"text": "caf\xe9"}\r\n'
        + _line(text="Noch ein Artikel.").encode()
        + b"\r\n"
    )
    items = list(read_articles(path))
    assert isinstance(items[0], ParsedArticle)
    assert isinstance(items[1], ImportRefused)
    assert str(items[1]) == f"{path}:2: not valid UTF-8 (byte 14 of the line)"
    assert isinstance(items[2], ParsedArticle)
    assert items[2].source_name == "mixed.ndjson:3"


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes(("\n".join([_line(text="Größer als gedacht."), "{x"]) + "\n").encode("utf-16"))
    items = list(read_articles(path))
    assert isinstance(items[0], ParsedArticle)
    assert items[0].text == "Größer als gedacht."
    assert isinstance(items[1], ImportRefused)
    assert items[1].path == f"{path}:2"


def test_absurd_nesting_and_numbers_are_bad_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path, ["[" * 100_000, '{"text": "x", "n": ' + "9" * 5_000 + "}", _line(text=TEXT)]
    )
    items = list(read_articles(path))
    assert isinstance(items[0], ImportRefused)
    assert str(items[0]) == f"{path}:1: invalid JSON: nested too deeply"
    assert isinstance(items[1], ImportRefused)
    assert items[1].path == f"{path}:2"
    assert items[1].reason == "invalid JSON: an integer of over 4,300 digits"
    assert isinstance(items[2], ParsedArticle)


def test_too_long_article_is_a_bad_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(text="x" * 101), _line(text="short")])
    items = list(read_articles(path, max_chars=100))
    assert isinstance(items[0], ImportRefused)
    assert str(items[0]) == f"{path}:1: article has 101 characters, over the limit of 100"
    assert isinstance(items[1], ParsedArticle)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"%PDF-1.4\n...", "binary file (PDF), not text"),
        (b'{"text": "a"}\n\x00\x01\x02', "binary file (NUL bytes), not text"),
    ],
)
def test_whole_file_refusals_are_raised(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        list(read_articles(path))
    assert str(caught.value) == f"{path}: {reason}"


class _CountingStream(io.BytesIO):
    """A byte stream that remembers how far it has been read."""

    furthest = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.furthest = max(self.furthest, self.tell())
        return line

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_ten_thousand_articles_are_streamed() -> None:
    lines = [_line(id=f"a{n}", text=f"Article number {n}.", language="en") for n in range(10_000)]
    data = ("\n".join(lines) + "\n").encode()
    stream = _CountingStream(data)
    items = read_jsonl(stream, Path("big.jsonl"))
    first = next(items)
    assert isinstance(first, ParsedArticle)
    assert first.source_name == "a0"
    assert stream.furthest <= SNIFF_BYTES  # the sniffed head, not the whole file
    rest = list(items)
    assert len(rest) == 9_999
    assert all(isinstance(item, ParsedArticle) for item in rest)


def test_claimdesk_exports_metadata_under_meta_is_read(tmp_path: Path) -> None:
    meta = {
        "source": "Herald/a.txt",
        "outlet": "Herald",
        "title": "Evacuation",
        "date": "2025-03-11",
        "url": "https://herald.example/1",
        "language": "de",
        "sha256": "not read",
        "story": "story-1",
    }
    path = _write(
        tmp_path,
        [
            _line(text=TEXT, meta=meta, spans=[]),
            # Top-level keys win over meta.
            _line(text=TEXT + " 2", id="own-id", outlet="Wire", title="Own", meta=meta),
            # meta is free-form in Prodigy and doccano files: other shapes are not refused.
            _line(text=TEXT + " 3", meta={"source": 5, "title": None, "date": ["x"]}),
            _line(text=TEXT + " 4", meta="a string"),
        ],
    )
    items = list(read_articles(path))
    assert all(isinstance(item, ParsedArticle) for item in items), items
    first, own, odd, plain = (item for item in items if isinstance(item, ParsedArticle))
    assert (
        first.source_name,
        first.outlet,
        first.title,
        first.published,
        first.url,
        first.language,
    ) == ("Herald/a.txt", "Herald", "Evacuation", "2025-03-11", "https://herald.example/1", "de")
    assert (own.source_name, own.outlet, own.title, own.url) == (
        "own-id",
        "Wire",
        "Own",
        "https://herald.example/1",
    )
    assert (odd.source_name, odd.outlet, odd.published) == ("wire.jsonl:3", None, None)
    assert (plain.source_name, plain.outlet) == ("wire.jsonl:4", None)
    # Empty lists of spans hold nothing that import leaves out: no note.
    assert all(item.note is None for item in (first, own, odd, plain))


def test_spans_and_links_in_records_are_noted_once(tmp_path: Path) -> None:
    span = {"start": 0, "end": 10, "label": "CLAIM"}
    path = _write(
        tmp_path,
        [
            # A classification label is no span: nothing is left out.
            _line(text=TEXT, label=["POSITIVE"]),
            _line(text=TEXT + " 2", spans=[span], links=[{"id": "x"}]),
            _line(text=TEXT + " 3", label=[[0, 10, "CLAIM"]]),
        ],
        name="my export.jsonl",
    )
    notes = [item.note for item in read_articles(path) if isinstance(item, ParsedArticle)]
    assert notes[0] is None
    assert notes[2] is None
    assert notes[1] is not None
    assert f"claimdesk import-annotations '{path}' adds the spans" in notes[1]
    assert "import-links" in notes[1]


def test_doccanos_record_number_does_not_replace_the_exported_name(tmp_path: Path) -> None:
    # doccano's own export numbers its records and keeps claimdesk's meta: the number named
    # the documents 100…107, and import-links of the original decisions found none.
    meta = {"source": "Herald/a.txt", "outlet": "Herald"}
    path = _write(
        tmp_path,
        [
            _line(text=TEXT, id=100, meta=meta, label=[]),
            # A name given as text is the file's own choice and still wins.
            _line(text=TEXT + " 2", id="own-id", meta=meta),
            # A number with no exported name is still the record's name.
            _line(text=TEXT + " 3", id=7),
        ],
    )
    names = [item.source_name for item in read_articles(path) if isinstance(item, ParsedArticle)]
    assert names == ["Herald/a.txt", "own-id", "7"]
