"""Dialogs closed twice, or chosen from a list that changed since."""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList

from tests.tui.conftest import Corpus, settle
from tui.app import create_app
from tui.screens.annotator_picker import AnnotatorPicker
from tui.screens.label_picker import LabelPicker
from tui.screens.reader import ReaderScreen


async def test_a_dialog_dismissed_twice_closes_once(corpus: Corpus) -> None:
    # Two keys in one read dismissed a picker twice: Textual's second dismiss ran its
    # callback again and popped the screen under it (with nothing under it, the reader
    # ended on ScreenStackError).
    chosen: list[str | None] = []
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        stack = len(app.screen_stack)
        picker = LabelPicker(app.session.labels())
        app.push_screen(picker, chosen.append)
        await settle(pilot)
        picker.dismiss("CLAIM")
        picker.dismiss("QUOTE")
        await settle(pilot)
        assert app.screen is reader
        assert len(app.screen_stack) == stack
        assert chosen == ["CLAIM"]
        assert app.is_running


async def test_a_choice_from_the_list_before_the_filter_changed_is_dropped(
    corpus: Corpus,
) -> None:
    # The annotator picker took a selection by its position after a key typed meanwhile
    # had filtered the list: IndexError, and the reader ended.
    with corpus.session("alice") as alice:
        alice.add_span(corpus.a, 0, 3, "CLAIM")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AnnotatorPicker)
        options = picker.query_one(OptionList)
        stale = options.get_option_at_index(options.option_count - 1)
        selected = OptionList.OptionSelected(options, stale, options.option_count - 1)
        await pilot.press(*"nobody-matches")
        await settle(pilot)
        assert stale is not None
        picker.post_message(selected)
        await settle(pilot)
        assert app.is_running
        assert app.screen is picker


async def test_keys_typed_in_the_read_that_opened_a_picker_do_not_choose_in_it(
    corpus: Corpus,
) -> None:
    # `l f i g enter` in one read (fast typing over SSH): the letters went to the reader
    # before the picker opened, and the enter chose the unfiltered first label, CLAIM.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        for key, char in (("l", "l"), ("f", "f"), ("i", "i"), ("g", "g"), ("enter", "\r")):
            app.post_message(events.Key(key, char))
        await settle(pilot)
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
        assert isinstance(app.screen, LabelPicker)
        # Typed once the picker is open, the same keys label the span as typed.
        await pilot.press("f", "i", "g", "enter")
        await settle(pilot)
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["FIGURE"]
