"""The reader's annotator filter: all, mine, others, one annotator, and mine vs theirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.widgets import Input, OptionList

from store.annotator_diff import differences, span_kinds
from store.db import connect
from tests.tui.annotator_corpus import TwoAnnotators, annotate_two
from tests.tui.conftest import screen_text
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap
from tui.screens.annotator_picker import AnnotatorPicker, rank_annotators
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import GUTTER_CELLS, ArticleView
from tui.widgets.label_legend import LabelLegend

KEYS = load_keymap("default")


def key(action_id: str) -> str:
    return KEYS[action_id].split(",")[0]


@pytest.fixture
def two(sample_db_path: Path) -> TwoAnnotators:
    return annotate_two(sample_db_path)


def make_app(path: Path, doc_ids: list[int]) -> ClaimdeskApp:
    return create_app(path, "tester", doc_ids=doc_ids, keymap=KEYS)


def reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def drawn_style(view: ArticleView, offset: int) -> Style:
    """The style of the character at ``offset`` in the strip the view renders for its row."""
    y = view.index.line_of(offset) - view.scroll_offset.y
    assert 0 <= y < view.size.height, "offset is not on screen"
    cell = view.index.cell_of(offset) + GUTTER_CELLS
    seen = 0
    for segment in view.render_line(y):
        if seen <= cell < seen + segment.cell_length:
            assert segment.style is not None
            return segment.style
        seen += segment.cell_length
    raise AssertionError(f"no cell {cell} in row {y}")


def legend_message(screen: ReaderScreen) -> str:
    """The confirmation the reader shows on its legend line."""
    return str(screen.query_one(LabelLegend).message)


def shown_ids(view: ArticleView) -> set[str]:
    return {mark.id for mark in view.spans}


def status_line(screen: ReaderScreen) -> str:
    return str(screen.pane.query_one(".pane-status").render())


def header(screen: ReaderScreen) -> str:
    return str(screen.pane.query_one(".pane-header").render())


# The store's answer --------------------------------------------------------------------


def test_store_finds_one_difference_of_each_kind(two: TwoAnnotators) -> None:
    db = connect(two.path)
    try:
        found = differences(db, two.doc_id, "tester")
    finally:
        db.close()
    assert [(d.kind, two.text[d.start : d.end], d.other) for d in found] == [
        ("only_mine", "Authorities", "bob"),
        ("only_theirs", "Tuesday", "bob"),
        ("label", "between 10,000 and 12,000 residents", "bob"),
        ("extent", "the Ilmenz river", "bob"),
    ]
    kinds = span_kinds(found)
    assert two.mine["agreed"] not in kinds
    assert two.theirs["agreed"] not in kinds
    assert kinds[two.mine["extent"]] == kinds[two.theirs["extent"]] == "extent"
    assert kinds[two.theirs["only_theirs"]] == "only_theirs"


# Filter modes --------------------------------------------------------------------------


async def test_each_filter_mode_shows_exactly_its_spans(two: TwoAnnotators) -> None:
    mine, theirs = set(two.mine.values()), set(two.theirs.values())
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        assert screen.annotator_filter == "all"
        assert shown_ids(screen.view) == mine | theirs
        expected = {"mine": mine, "others": theirs, "versus": mine | theirs, "all": mine | theirs}
        headers = {"mine": "spans: mine", "others": "spans: others", "versus": "mine vs theirs"}
        for mode in ("mine", "others", "versus", "all"):
            await pilot.press(key("reader.annotator_filter"))
            assert screen.annotator_filter == mode
            assert shown_ids(screen.view) == expected[mode], mode
            if mode in headers:
                assert headers[mode] in header(screen)
        # What a filter leaves out is not drawn: with "mine", bob's "Tuesday" is plain text.
        await pilot.press(key("reader.annotator_filter"))
        tuesday = two.at("Tuesday") + 2
        assert screen.view.span_ids_at(tuesday) == []
        assert drawn_style(screen.view, tuesday) == screen.view.base_style
        authorities = two.at("Authorities") + 2
        assert drawn_style(screen.view, authorities) != screen.view.base_style


async def test_mine_vs_theirs_marks_each_kind_distinctly(two: TwoAnnotators) -> None:
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        await pilot.press(*[key("reader.annotator_filter")] * 3)
        assert screen.annotator_filter == "versus"
        assert "mine vs theirs" in header(screen)
        # Confirmations show on the reader's legend line (tui.widgets.label_legend).
        assert legend_message(screen) == "Showing mine vs theirs: 4 differences here"
        view = screen.view
        marks = {mark.id: mark.diff for mark in view.spans}
        assert marks[two.mine["agreed"]] == marks[two.theirs["agreed"]] == ""
        assert marks[two.mine["only_mine"]] == "only_mine"
        assert marks[two.theirs["only_theirs"]] == "only_theirs"
        assert marks[two.mine["label"]] == marks[two.theirs["label"]] == "label"
        assert marks[two.mine["extent"]] == marks[two.theirs["extent"]] == "extent"
        styles = {
            name: drawn_style(view, two.at(quote) + 3)
            for name, quote in {
                "agreed": "KRESSBRUNN",
                "only_mine": "Authorities",
                "only_theirs": "Tuesday",
                "label": "10,000",
                "extent": "Ilmenz",
            }.items()
        }
        assert styles["only_mine"].bold
        assert styles["only_mine"].underline2
        assert styles["only_theirs"].italic
        assert styles["only_theirs"].underline2
        assert styles["label"].reverse
        assert styles["extent"].strike
        assert not any((styles["agreed"].bold, styles["agreed"].reverse, styles["agreed"].strike))
        assert len(set(styles.values())) == len(styles)


async def test_marks_stay_distinct_without_colour(
    two: TwoAnnotators, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.no_color
        screen = reader(app)
        await pilot.press(*[key("reader.annotator_filter")] * 3)
        styles = [
            drawn_style(screen.view, two.at(quote) + 3)
            for quote in ("KRESSBRUNN", "Authorities", "Tuesday", "10,000", "Ilmenz")
        ]
        # Compared without colour: attributes alone must tell the five apart.
        plain = {style.without_color for style in styles}
        assert len(plain) == 5


async def test_status_line_says_what_differs_under_the_cursor(two: TwoAnnotators) -> None:
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        await pilot.press(*[key("reader.annotator_filter")] * 3)
        expected = {
            "Tuesday": "only bob: EVENT",
            "Authorities": "only you: SOURCE (not bob)",
            "10,000": "label differs: you CLAIM, bob FIGURE",
            "the Ilmenz": "extent differs: you SOURCE",
        }
        for quote, words in expected.items():
            screen.view.set_cursor(two.at(quote) + 1)
            await pilot.pause()
            assert words in status_line(screen), quote
        start = two.at("the Ilmenz river")
        extent = f"you SOURCE {start + 4}–{start + 16}, bob SOURCE {start}–{start + 16}"
        assert extent in status_line(screen)
        # On agreed text the status line is the usual span description.
        screen.view.set_cursor(3)
        await pilot.pause()
        assert "EVENT · " in status_line(screen)
        assert "differs" not in status_line(screen)


async def test_keys_jump_between_differences(two: TwoAnnotators) -> None:
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        starts = [two.at(q) for q in ("Authorities", "Tuesday", "between", "the Ilmenz")]
        # From "all", the first jump switches to mine vs theirs.
        await pilot.press(key("reader.next_difference"))
        assert screen.annotator_filter == "versus"
        assert screen.view.cursor == starts[0]
        for start in starts[1:]:
            await pilot.press(key("reader.next_difference"))
            assert screen.view.cursor == start
        assert "difference 4/4" in status_line(screen)
        await pilot.press(key("reader.next_difference"))
        assert screen.view.cursor == starts[-1]
        # Backwards from inside a region goes to its start first, then to the one before.
        screen.view.set_cursor(starts[2] + 5)
        await pilot.press(key("reader.prev_difference"))
        assert screen.view.cursor == starts[2]
        await pilot.press(key("reader.prev_difference"))
        assert screen.view.cursor == starts[1]
        assert "only bob: EVENT" in status_line(screen)


async def test_jump_without_differences_says_so(sample_db_path: Path) -> None:
    app = make_app(sample_db_path, [1])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        await pilot.press(key("reader.next_difference"))
        assert screen.annotator_filter == "versus"
        assert screen.view.cursor == 0
        assert "No differences" in legend_message(screen)


# The annotator picker ------------------------------------------------------------------


def test_rank_annotators_is_fuzzy() -> None:
    names = ["alice", "bob", "roberta", "tester"]
    assert rank_annotators(names, "") == names
    assert rank_annotators(names, "bob")[0] == "bob"
    assert "roberta" in rank_annotators(names, "robrta")
    assert "alice" not in rank_annotators(names, "bob")


async def test_picker_shows_one_annotators_spans(two: TwoAnnotators) -> None:
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = reader(app)
        await pilot.press(key("reader.pick_annotator"))
        picker = app.screen
        assert isinstance(picker, AnnotatorPicker)
        options = picker.query_one(OptionList)
        assert options.option_count == 2
        assert "(you)" in str(options.get_option_at_index(1).prompt)
        await pilot.press("b", "o")
        assert picker.query_one(Input).value == "bo"
        assert picker.shown[0] == "bob"
        await pilot.press("enter")
        assert app.screen is screen
        assert screen.annotator_filter == "one"
        assert shown_ids(screen.view) == set(two.theirs.values())
        assert "spans: bob" in header(screen)
        # The filter key goes on from "one" to "all".
        await pilot.press(key("reader.annotator_filter"))
        assert screen.annotator_filter == "all"


async def test_picker_shows_markup_like_names_literally(two: TwoAnnotators) -> None:
    from store.session import Session

    odd = "[bold]eve\x1b[2J"
    with Session(two.path, odd) as eve:
        eve.add_span(two.doc_id, 0, 10, "EVENT")
    app = make_app(two.path, [two.doc_id])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press(key("reader.pick_annotator"))
        await pilot.pause()
        assert "[bold]eve" in screen_text(app)
        assert "\x1b" not in screen_text(app)
        await pilot.press("escape")
        assert reader(app).annotator_filter == "all"


# Document ids that do not exist -------------------------------------------------------


async def test_missing_document_is_skipped_with_a_notice(sample_db_path: Path) -> None:
    app = make_app(sample_db_path, [1, 9999])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert [pane.document.id for pane in screen.panes] == [1]
        assert screen.doc_ids == [1]
        messages = [str(n.message) for n in app._notifications]
        assert any("9999" in m and "\n" not in m for m in messages), messages


async def test_only_missing_documents_go_back_to_the_library(sample_db_path: Path) -> None:
    app = make_app(sample_db_path, [9998, 9999])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, LibraryScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("9998" in m for m in messages)
        assert any("9999" in m for m in messages)


async def test_the_picker_with_no_annotator_to_show_says_so_instead_of_opening_empty(
    tmp_path: Path,
) -> None:
    from tests.conftest import add_document_to_file

    path = tmp_path / "empty.db"
    doc = add_document_to_file(path, "Die Stadt meldet 11.000 Besucher. Der Pegel sinkt.")
    app = make_app(path, [doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press(key("reader.pick_annotator"))
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "No spans by anyone yet: no annotator to show" in screen_text(app)
