"""JSON Lines articles (``.jsonl``/``.ndjson``): one JSON object per line, read as a stream.

A bad line is reported as an :class:`ImportRefused` for ``PATH:LINE`` and the lines
after it still import; only a file that is unreadable as a whole is refused outright.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.build import build_article
from store.formats.fields import JSONL_OUTLET_ALIASES, ArticleFields
from store.formats.files import cannot_read
from store.formats.json_line import (
    SPREAD_DOCUMENT,
    BadJsonLine,
    loads_line,
    opens_spread_document,
)
from store.formats.jsonl_export import annotations_note, carries_annotations, export_meta
from store.formats.limits import MAX_ARTICLE_CHARS, MAX_FILE_BYTES
from store.formats.metadata import clean_value
from store.formats.signatures import binary_kind, binary_reason

SNIFF_BYTES = 8192
"""Bytes looked at up front to refuse binary files as a whole rather than line by line."""

OPTIONAL_STRINGS = ("outlet", "title", "date", "published", "url", "language", "lang")
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_jsonl(
    stream: BinaryIO, path: Path, *, max_chars: int = MAX_ARTICLE_CHARS
) -> Iterator[ParsedArticle | ImportRefused]:
    """Articles of a JSONL file, one per non-blank line, or the refusal for that line.

    Raises :class:`ImportRefused` for the whole file when it is empty, holds only blank
    lines or one JSON document spread over lines, is binary or cannot be read. Lines are
    UTF-8 (as JSON requires) unless the file opens with a UTF-16/32 byte order mark.
    """
    seen_text = False
    noted = False
    for lineno, line in _numbered_lines(stream, path):
        where = f"{path}:{lineno}"
        if isinstance(line, ImportRefused):
            seen_text = True
            yield line
            continue
        if not line.strip():
            continue
        if not seen_text and (opening := opens_spread_document(line)) is not None:
            raise ImportRefused(path, SPREAD_DOCUMENT.format(opening=opening))
        seen_text = True
        try:
            record = parse_record(line, where)
            article = article_of(
                record, where, default_name=f"{path.name}:{lineno}", max_chars=max_chars
            )
        except ImportRefused as refusal:
            yield refusal
            continue
        if not noted and carries_annotations(record):
            noted = True
            article = replace(article, note=annotations_note(path))
        yield article
    if not seen_text:
        raise ImportRefused(path, "no article text found (only blank lines)")


def parse_record(line: str, where: str) -> dict[str, object]:
    """The JSON object on one line; refusals name ``where`` (``PATH:LINE``)."""
    try:
        record = loads_line(line)
    except BadJsonLine as error:
        raise ImportRefused(where, f"invalid JSON: {error}") from None
    if not isinstance(record, dict):
        raise ImportRefused(where, f"not a JSON object but {_json_type(record)}")
    return record


def article_of(
    record: dict[str, object], where: str, *, default_name: str, max_chars: int
) -> ParsedArticle:
    """The article of one parsed JSONL record.

    Top-level keys win; claimdesk's own exports write the same under ``meta``
    (:mod:`store.formats.jsonl_export`), read when the top-level key is absent, with
    ``meta.source`` the name, as ``import-annotations`` and ``import-links`` take it.
    """
    if "text" not in record:
        raise ImportRefused(where, 'missing "text"')
    # `"text": null` is there, only not a string: it was refused as missing.
    text = record["text"]
    if not isinstance(text, str):
        raise ImportRefused(where, f'"text" must be a string, not {_json_type(text)}')
    if not text.strip():
        raise ImportRefused(where, '"text" is empty')
    values: dict[str, str | None] = {}
    for key in OPTIONAL_STRINGS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ImportRefused(where, f'"{key}" must be a string, not {_json_type(value)}')
        values[key] = value
    external_id = _identifier(record.get("id"), where)
    meta = export_meta(record)
    fields = ArticleFields(
        text=text,
        title=values["title"] or meta.get("title"),
        outlet=values["outlet"] or _outlet_alias(record) or meta.get("outlet"),
        published=values["date"] or values["published"] or meta.get("date"),
        url=values["url"] or meta.get("url"),
        language=values["language"] or values["lang"] or meta.get("language"),
    )
    exported_name = clean_value(meta.get("source"))
    # doccano's own export numbers its records (`"id": 100`) and keeps claimdesk's meta:
    # the number named the documents 100…107, and import-links then found none of them.
    numbered = isinstance(record.get("id"), int) and exported_name is not None
    name = exported_name if numbered else external_id or exported_name
    return build_article(
        fields,
        path=where,
        source_name=name or default_name,
        max_chars=max_chars,
        external_id=external_id,
    )


def _outlet_alias(record: dict[str, object]) -> str | None:
    """The outlet under another common name (``publisher``, ``source``…): a string, or an
    object with a string ``name`` (schema.org style). Other shapes are ignored, not
    refused: these keys mean other things in some exports."""
    for key in JSONL_OUTLET_ALIASES:
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _identifier(value: object, where: str) -> str | None:
    """``id`` as a string; numbers are accepted because exports often number records."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImportRefused(where, f'"id" must be a string or integer, not {_json_type(value)}')
    return clean_value(str(value))


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _numbered_lines(stream: BinaryIO, path: Path) -> Iterator[tuple[int, str | ImportRefused]]:
    """``(line number, text)`` pairs; a line that cannot be decoded gives a refusal instead."""
    try:
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
    except OSError as error:
        raise cannot_read(path, error) from None
    if not head:
        raise ImportRefused(path, "empty file")
    kind = binary_kind(head)
    if kind is not None:
        raise ImportRefused(path, binary_reason(kind))
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            yield from _wide_lines(stream, path, codec)
            return
    if b"\x00" in head:
        raise ImportRefused(path, binary_reason("NUL bytes"))
    yield from _utf8_lines(stream, path)


def _utf8_lines(stream: BinaryIO, path: Path) -> Iterator[tuple[int, str | ImportRefused]]:
    lineno = 0
    while True:
        try:
            raw = stream.readline(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise cannot_read(path, error) from None
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_FILE_BYTES and not raw.endswith(b"\n"):
            skip_rest_of_line(stream, path)
            reason = f"line is over the limit of {MAX_FILE_BYTES} bytes"
            yield lineno, ImportRefused(f"{path}:{lineno}", reason)
            continue
        try:
            yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as error:
            reason = f"not valid UTF-8 (byte {error.start + 1} of the line)"
            yield lineno, ImportRefused(f"{path}:{lineno}", reason)


def skip_rest_of_line(stream: BinaryIO, path: Path) -> None:
    """Read past the end of a line too long to keep, a megabyte at a time."""
    try:
        while (chunk := stream.readline(1 << 20)) and not chunk.endswith(b"\n"):
            pass
    except OSError as error:
        raise cannot_read(path, error) from None


def _wide_lines(
    stream: BinaryIO, path: Path, codec: str
) -> Iterator[tuple[int, str | ImportRefused]]:
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    lineno = 0
    try:
        for lineno, line in enumerate(text, start=1):
            yield lineno, line
    except UnicodeDecodeError:
        reason = f"cannot decode: invalid {codec.upper()} after line {lineno}"
        raise ImportRefused(path, reason) from None
    except OSError as error:
        raise cannot_read(path, error) from None
    finally:
        text.detach()  # the caller owns and closes the binary stream
