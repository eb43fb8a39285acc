"""Hostile article files: import never crashes, stores no control codes, and the reader shows
everything literally (no markup interpreted, no escape sequence reaching the terminal)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.db import connect
from store.errors import ImportRefused
from store.importer import ImportReport, import_paths

SUFFIXES = [".txt", ".md", ".html", ".jsonl"]
# Every C0 control except newline and tab, DEL, every C1 control, and the noncharacters
# U+FFFE and U+FFFF, which XML 1.0 (the xmi export) cannot hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")

HOSTILE_PIECES = [
    "[bold]loud[/bold]",
    "[@click=app.quit]click me[/]",
    "[link=https://example.com]x[/link]",
    "[/i] unbalanced [",
    "\x1b[2J",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]0;window title\x07",
    "\x1b[31mred\x1b[0m",
    "\x9b2J",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "zero\u200bwidth\u200d\ufeff",
    "👩\u200d👩\u200d👧\u200d👦 family 🏳️\u200d🌈",
    "\r\n",
    "\r",
    "\x00nul\x00",
    "non\ufffechar\uffff",
    "&lt;b&gt; &#27;[2J &#x1b;",
    "<script>alert(1)</script>",
    "ß ẞ İ ﬁ",
    "Ordinary sentence about a flood. ",
]


def _import(content: bytes, suffix: str) -> tuple[ImportReport, list[tuple[str, str | None]]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"hostile{suffix}"
        path.write_bytes(content)
        db = connect(":memory:")
        try:
            report = import_paths(db, [path])
            stored = [
                (str(r[0]), r[1]) for r in db.conn.execute("SELECT text, title FROM documents")
            ]
        finally:
            db.close()
    return report, stored


def _check(report: ImportReport, stored: list[tuple[str, str | None]]) -> None:
    for refused in report.refused:
        assert isinstance(refused, ImportRefused)
        message = str(refused)
        assert "\n" not in message
        assert message.startswith(refused.path)
        assert not FORBIDDEN.search(message), f"control character in message {message!r}"
    for text, title in stored:
        assert not FORBIDDEN.search(text), f"control character stored: {text[:80]!r}"
        assert title is None or not FORBIDDEN.search(title), f"control in title {title!r}"
        assert "\r" not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_the_import(content: bytes, suffix: str) -> None:
    _check(*_import(content, suffix))


hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=40)), min_size=1, max_size=25
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text, suffix=st.sampled_from(SUFFIXES), junk=st.binary(max_size=8))
def test_markup_escapes_bidi_and_invalid_utf8_are_stored_clean(
    text: str, suffix: str, junk: bytes
) -> None:
    if suffix == ".jsonl":
        import json

        content = json.dumps({"title": text[:60], "text": text}).encode() + b"\n"
    elif suffix == ".html":
        head = f"<html><head><title>{text[:60]}</title></head>"
        content = f"{head}<body><p>{text}</p></body></html>".encode()
    else:
        # Invalid UTF-8 spliced into the middle of otherwise hostile text.
        raw = text.encode("utf-8", "surrogatepass")
        content = raw[: len(raw) // 2] + junk + raw[len(raw) // 2 :]
    _check(*_import(content, suffix))


def test_escape_sequences_do_not_survive_in_stored_text() -> None:
    # NUL bytes make a file binary (refused as a whole), so they are left out here.
    body = "Flood news. " + "".join(p for p in HOSTILE_PIECES if "\x00" not in p) + " The end."
    report, stored = _import(body.encode(), ".txt")
    _check(report, stored)
    assert report.added == 1
    ((text, _),) = stored
    assert "[@click=app.quit]" in text  # markup-like text is data, kept literally
    assert "\x1b" not in text


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_one_huge_line(suffix: str) -> None:
    line = ("word " * 400_000).encode()  # 2 MB without a newline
    _check(*_import(line, suffix))


def test_deeply_nested_html() -> None:
    depth = 50_000
    content = ("<div>" * depth + "deep text" + "</div>" * depth).encode()
    report, stored = _import(content, ".html")
    _check(report, stored)
    assert report.added + len(report.refused) == 1


async def test_reader_shows_hostile_text_literally_without_control_codes(tmp_path: Path) -> None:
    from tui.app import create_app

    body = (
        "Markup stays text: [bold]loud[/bold] and [@click=app.quit]click me[/] and"
        " [link=https://example.com]x[/link] [/i].\n\n"
        "Escapes: \x1b[2J cleared? \x1b]52;c;aGVsbG8=\x07 clip \x1b]0;title\x07 done.\n\n"
        "Bidi \u202eevil\u202c zero\u200bwidth family 👩\u200d👩\u200d👧\u200d👦 end."
    )
    source = tmp_path / "hostile.txt"
    source.write_text(body, encoding="utf-8")
    path = tmp_path / "hostile.db"
    db = connect(path)
    try:
        report = import_paths(db, [source])
    finally:
        db.close()
    assert report.added == 1, report.refused
    app = create_app(path, "alice", doc_ids=report.added_ids)
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        assert app.is_running  # [@click=app.quit] was not turned into a live action
        lines = [strip.text for strip in strips]
        screen = "\n".join(lines)
        for literal in ("[bold]loud[/bold]", "[@click=app.quit]click me[/]", "[/i]"):
            assert literal in screen
        for strip in strips:
            for segment in strip:
                assert not FORBIDDEN.search(segment.text), repr(segment.text)
                assert not re.search(
                    "[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", segment.text
                )
                meta = segment.style.meta if segment.style else {}
                assert "@click" not in meta
