"""Moving and selecting in the reader with the default keys (and the mouse)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import ARTICLE_A, Corpus, screen_text
from tui.app import ClaimdeskApp, create_app
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView

SECOND_SENTENCE = ARTICLE_A.index("The mayor")
PARAGRAPH_2 = ARTICLE_A.index("Opponents")
PARAGRAPH_3 = ARTICLE_A.index("Residents")


def view_of(app: ClaimdeskApp) -> ArticleView:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen.view


async def test_character_word_sentence_paragraph_and_document_moves(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        await pilot.press("right", "right")
        assert view.cursor == 2
        await pilot.press("left")
        assert view.cursor == 1
        await pilot.press("ctrl+right")
        assert view.cursor == len("The")
        await pilot.press("ctrl+right")
        assert view.cursor == len("The council")
        await pilot.press("ctrl+left")
        assert view.cursor == len("The ")
        await pilot.press("full_stop")
        assert view.cursor == SECOND_SENTENCE
        assert "sentence 2/5 · offset 46/187" in screen_text(app)
        await pilot.press("comma")
        assert view.cursor == 0
        await pilot.press("ctrl+down")
        assert view.cursor == PARAGRAPH_2
        await pilot.press("ctrl+down")
        assert view.cursor == PARAGRAPH_3
        await pilot.press("ctrl+up")
        assert view.cursor == PARAGRAPH_2
        await pilot.press("ctrl+end")
        assert view.cursor == len(ARTICLE_A)
        await pilot.press("ctrl+home")
        assert view.cursor == 0
        assert view.selection is None


async def test_line_moves_follow_the_wrapped_lines(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(40, 30)) as pilot:
        view = view_of(app)
        width = view.index.width
        assert width < 40
        first_end = view.index.line_range(0)[1]
        assert 0 < first_end <= width + 1
        await pilot.press("end")
        assert view.cursor == first_end - 1
        await pilot.press("home")
        assert view.cursor == 0
        await pilot.press("down")
        assert view.index.line_of(view.cursor) == 1
        assert view.cursor == view.index.line_starts[1]
        await pilot.press("up")
        assert view.cursor == 0
        await pilot.press("pagedown")
        assert view.index.line_of(view.cursor) >= 5


async def test_extending_the_selection_and_selecting_a_sentence(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        await pilot.press("shift+right", "shift+right")
        # Word snapping widens two characters to the whole word.
        assert view.selection == (0, 3)
        await pilot.press("w")
        assert not view.snap_words
        assert view.selection == (0, 2)
        await pilot.press("w", "escape")
        assert view.selection is None
        await pilot.press("greater_than_sign")
        assert view.selection == (0, SECOND_SENTENCE - 1)
        await pilot.press("greater_than_sign")
        assert view.selection == (0, PARAGRAPH_2 - 2)
        await pilot.press("less_than_sign")
        assert view.selection == (0, SECOND_SENTENCE - 1)
        await pilot.press("escape", "ctrl+home", "ctrl+shift+right", "ctrl+shift+right")
        assert view.selection == (0, len("The council"))
        await pilot.press("ctrl+shift+left")
        assert view.selection == (0, len("The"))
        await pilot.press("escape", "ctrl+home", "full_stop", "s")
        assert view.selection == (SECOND_SENTENCE, PARAGRAPH_2 - 2)
        await pilot.press("escape", "ctrl+home", "shift+end")
        assert view.selection == (0, view.index.line_range(0)[1])
        await pilot.press("shift+down")
        assert view.selection is not None
        await pilot.press("ctrl+shift+down")
        assert view.cursor == PARAGRAPH_3 - 2


async def test_mouse_click_places_cursor_and_drag_selects(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        # The view has one cell of left padding.
        await pilot.click(ArticleView, offset=(5, 0))
        assert view.cursor == 4
        await pilot.mouse_down(ArticleView, offset=(1, 0))
        await pilot.hover(ArticleView, offset=(12, 0))
        await pilot.mouse_up(ArticleView, offset=(12, 0))
        assert view.selection == (0, len("The council"))
        await pilot.double_click(ArticleView, offset=(14, 0))
        assert view.selection == (len("The council "), len("The council approved"))


async def test_cursor_is_drawn_reversed_and_selection_reversed_without_colour(
    corpus: Corpus,
) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        strip = view.render_line(0)
        gutter, first = list(strip)[:2]
        assert gutter.text == " "  # the tag gutter, empty without a span here
        assert first.text.startswith("T")
        assert first.style is not None
        assert first.style.reverse
        await pilot.press("ctrl+shift+right")
        styles = [(seg.text, seg.style) for seg in view.render_line(0)]
        reversed_text = "".join(t for t, st in styles if st is not None and st.reverse)
        assert reversed_text.startswith("The")


async def test_wide_characters_keep_clicks_and_cursor_on_the_right_code_point(
    corpus: Corpus,
) -> None:
    text = "中文报道 😀 says 300 flats.\nSecond line."
    doc = corpus.add(text, "wide.txt")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        assert view.render_line(0).text.startswith(" 中文报道 😀 says")
        # Cells: padding 1, then four 2-cell characters, a space, a 2-cell emoji, a space.
        await pilot.click(ArticleView, offset=(1 + 8 + 1 + 2 + 1, 0))
        assert view.cursor == text.index("says")
        await pilot.click(ArticleView, offset=(1 + 3, 0))
        assert view.cursor == 1
        await pilot.press("end")
        assert view.cursor == text.index("\n")
        assert view.index.cell_of(view.cursor) == 8 + 1 + 2 + len(" says 300 flats.")


async def test_no_color_draws_spans_with_underline_instead_of_colour(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    with corpus.session() as session:
        session.add_span(corpus.a, 4, 11, "CLAIM")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.no_color
        view = view_of(app)
        view.set_cursor(60)
        await pilot.pause()
        styles = {seg.text: seg.style for seg in view.render_line(0)}
        span_style = styles["council"]
        assert span_style is not None
        assert span_style.underline
