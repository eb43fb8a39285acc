"""Every registry action of the app, library, reader and pickers is bound and does something."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from tests.tui.conftest import ARTICLE_A, Corpus
from tui.actions import ACTIONS, ActionSpec
from tui.app import ClaimdeskApp, create_app
from tui.screens.label_picker import LabelPicker
from tui.screens.library import DocumentTable, LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.search_box import SearchBox

HOLDERS: dict[str, tuple[type, ...]] = {
    "app": (ClaimdeskApp,),
    "library": (LibraryScreen, DocumentTable),
    "reader": (ReaderScreen, ArticleView),
    "picker": (LabelPicker,),
}
MINE = [spec for spec in ACTIONS if spec.context in HOLDERS]


def _bindings(cls: type) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


@pytest.mark.parametrize("spec", MINE, ids=lambda spec: spec.id)
def test_every_action_is_bound_once_with_a_handler(spec: ActionSpec) -> None:
    holders = [cls for cls in HOLDERS[spec.context] if any(b.id == spec.id for b in _bindings(cls))]
    assert len(holders) == 1, f"{spec.id} bound on {holders}"
    method = "action_" + spec.action.split("(", 1)[0]
    assert callable(getattr(holders[0], method, None)), f"{holders[0].__name__} lacks {method}"


READER_KEYS = [spec for spec in ACTIONS if spec.context == "reader"]


def stored_state(corpus: Corpus) -> tuple[object, ...]:
    with corpus.session() as session:
        return (session.spans(corpus.a), session.status(corpus.a))


def reader_state(app: ClaimdeskApp, screen: ReaderScreen, view: ArticleView) -> tuple[object, ...]:
    return (
        view.cursor,
        view.selection,
        view.snap_words,
        view.mark_active,
        view.show_tags,
        screen.active,
        screen.annotator_filter,
        any(box.is_open for box in screen.query(SearchBox)),
        type(app.screen),
    )


@pytest.mark.parametrize("spec", READER_KEYS, ids=lambda spec: spec.id)
async def test_each_reader_key_changes_something(corpus: Corpus, spec: ActionSpec) -> None:
    opponents = ARTICLE_A.index("Opponents")
    residents = ARTICLE_A.index("Residents")
    with corpus.session() as session:
        session.add_span(corpus.a, opponents, opponents + len("Opponents warned"), "FIGURE")
        session.add_span(corpus.a, residents, residents + len("Residents"), "SOURCE")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(140, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view
        view.set_cursor(opponents + 3)
        await pilot.pause()
        before_store = stored_state(corpus)
        before = reader_state(app, screen, view)
        key = spec.keys.split(",")[0]
        await pilot.press(key)
        await pilot.pause()
        after_store = stored_state(corpus)
        after = reader_state(app, screen, view)
        # Escape with nothing selected, keys 6-9 with no label on them, key 2 on a span
        # that is FIGURE already, and "next number" with no number left must leave
        # everything alone.
        unchanged = {
            "reader.clear_selection",
            "reader.select_number",
            "reader.label_2",
            "reader.label_6",
            "reader.label_7",
            "reader.label_8",
            "reader.label_9",
            # Next/previous match before anything was searched: a notice only.
            "reader.search_next",
            "reader.search_prev",
        }
        if spec.id in unchanged:
            assert after == before
            assert after_store == before_store
        else:
            assert (after, after_store) != (before, before_store), spec.id
        assert app.is_running or spec.id == "reader.close"
