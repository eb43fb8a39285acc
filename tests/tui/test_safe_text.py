"""Untrusted text is shown literally: no markup, no control codes, offsets unchanged."""

from __future__ import annotations

import pytest
from rich.text import Text

from tests.tui.conftest import Corpus, screen_text
from tui.app import create_app
from tui.safe_text import safe_content, safe_text, visible

HOSTILE = [
    "[@click=app.quit]click me[/]",
    "[bold]loud[/bold] and [/i] unbalanced",
    "clear \x1b[2J screen",
    "title \x1b]0;owned\x07 and clipboard \x1b]52;c;aGVsbG8=\x07",
    "bidi \u202eevil\u202c and isolate \u2066x\u2069 mark \u200f",
    "zero\u200bwidth joiner\u200d bom\ufeff c1\x9b31m del\x7f nul\x00",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_visible_keeps_length_and_removes_every_control(text: str) -> None:
    shown = visible(text)
    assert len(shown) == len(text)
    for original, drawn in zip(text, shown, strict=True):
        assert drawn.isprintable()
        if original.isprintable() and original.isascii():
            assert drawn == original
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "\u202e" not in shown


def test_safe_text_does_not_parse_markup() -> None:
    text = safe_text("[bold]x[/bold] [@click=app.quit]y[/]")
    assert isinstance(text, Text)
    assert text.plain == "[bold]x[/bold] [@click=app.quit]y[/]"
    assert text.spans == []
    assert safe_content("[/i]").plain == "[/i]"


def test_wide_and_combining_characters_are_kept() -> None:
    text = "中文 😀 café e\u0301"
    assert visible(text) == text


def test_newline_and_tab_become_one_cell_symbols() -> None:
    assert visible("a\nb\tc") == "a␊b␉c"


async def test_markup_and_escapes_in_an_article_are_shown_literally(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.b])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "[bold]not bold[/bold]" in shown
        assert "[@click=app.quit]click[/]" in shown
        assert "[/i]" in shown
        assert "␛[2J cleared?" in shown
        assert "␛]0;title␇" in shown
        assert "\x1b" not in shown
        assert "\x07" not in shown
        # Clicking on the markup-looking text must not quit the app.
        await pilot.click("ArticleView", offset=(62, 2))
        await pilot.pause()
        assert app.is_running


def test_line_breaks_alone_are_swapped_without_building_the_table() -> None:
    import tui.safe_text as safe

    article = "Erste Zeile mit Umlauten: äöü.\n\nZweite Zeile – 4.700 €.\n"
    before = safe._table.cache_info()
    assert visible(article) == article.replace("\n", "␊")
    # The fast path gives what the general one would, and never built the table for it.
    assert safe._table.cache_info() == before
    assert safe._pattern().sub(safe._swap, article) == visible(article)
    # Any other unprintable character still goes through the pattern.
    assert visible("a\nb\u200bc") == "a␊b·c"


async def test_no_input_box_takes_a_bidi_override_or_a_control(corpus: Corpus) -> None:
    # A U+202E pasted into the library filter, the reader's search box or the label
    # picker's filter reached the terminal as it was and reversed the rest of the row.
    from textual import events
    from textual.widgets import Input

    hostile = "ab\u202ecd\x1b]0;PWNED\x07ef\x1b[2Jgh"
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        async def pasted_into_focused() -> str:
            box = app.focused
            assert isinstance(box, Input)
            box.post_message(events.Paste(hostile))
            await pilot.pause()
            value = box.value
            assert "\u202e" not in value
            assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value), value
            assert value.startswith("abcd")
            return value

        await pilot.press("slash")
        assert app.focused is not None
        assert app.focused.id == "library-filter"
        await pasted_into_focused()
        await pilot.press("ctrl+u", "escape", "down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReaderScreen"
        await pilot.press("slash")
        assert type(app.focused).__name__ == "SearchBox"
        await pasted_into_focused()
        await pilot.press("escape", "s", "l")
        await pilot.pause()
        assert type(app.screen).__name__ == "LabelPicker"
        await pasted_into_focused()


def test_a_field_keeps_joiners_and_loses_escapes_and_bidi_controls() -> None:
    from tui.safe_text import editable_line, field_line

    # ZWNJ is part of Persian spelling, ZWJ of emoji: a query without them found nothing.
    assert field_line("می\u200cخواهم") == "می\u200cخواهم"
    assert field_line("👩\u200d👧") == "👩\u200d👧"
    # An escape sequence goes whole: only its ESC went, and "[31m" stayed in the box.
    assert field_line("a\x1b[31mb\u202ec\x9b1md\nend") == "abcd end"
    assert editable_line("see \x1b[31mred\x1b[0m\x01") == "see red"
    assert field_line("\x01\x02\x1b[31m\x1b\x7f\x9b\u202e") == ""
