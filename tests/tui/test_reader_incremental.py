"""The reader updates only the spans the change log names, and stays equal to a full read.

With 100,000 spans a full re-read and redraw took a second and more per undo,
redo, delete or closed dialog; the reader now applies the logged changes. These
tests check after every step that what the view draws, and its coverage, are
exactly what a fresh read of the store would give.
"""

from __future__ import annotations

import random

import pytest
from textual.pilot import Pilot

from store.annotator_diff import Difference
from tests.tui.conftest import ARTICLE_A, Corpus
from tui.annotator_filter import AnnotatorFilter, span_marks
from tui.app import ClaimdeskApp, create_app
from tui.screens.reader import ReaderScreen
from tui.widgets.article_pane import ArticlePane
from tui.widgets.article_view import covered_share


def _reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def _assert_matches_a_full_read(app: ClaimdeskApp, doc_id: int) -> None:
    screen = _reader(app)
    session = app.session
    colours = {label.name: label.colour for label in session.labels()}
    spans = [s for s in session.spans(doc_id) if screen.filter.shows(s, session.annotator)]
    differences: list[Difference] | None = (
        session.differences(doc_id) if screen.filter.mode == "versus" else None
    )
    expected = sorted(span_marks(spans, colours, differences), key=lambda m: m.id)
    view = screen.view
    assert sorted(view.spans, key=lambda m: m.id) == expected
    assert view.spans == sorted(view.spans, key=lambda s: (s.start, -s.end, s.end - s.start))
    assert view.coverage() == covered_share(view.sentences, view.spans)


async def _step(pilot: Pilot[None], app: ClaimdeskApp, doc_id: int, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    _assert_matches_a_full_read(app, doc_id)


async def test_undo_redo_delete_and_others_changes_update_only_what_changed(
    corpus: Corpus,
) -> None:
    rng = random.Random(3)
    with corpus.session("bob") as bob:
        for _ in range(40):
            start = rng.randrange(len(ARTICLE_A) - 20)
            bob.add_span(corpus.a, start, start + rng.randint(3, 15), "FIGURE")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        _assert_matches_a_full_read(app, corpus.a)
        await _step(pilot, app, corpus.a, "s", "1")
        await _step(pilot, app, corpus.a, "2")  # relabel
        await _step(pilot, app, corpus.a, "d")
        await _step(pilot, app, corpus.a, "ctrl+z")
        await _step(pilot, app, corpus.a, "ctrl+z")
        await _step(pilot, app, corpus.a, "ctrl+y")
        await _step(pilot, app, corpus.a, "l", "escape")
        with corpus.session("bob") as bob:
            gone = bob.spans(corpus.a)[5]
            bob.delete_span(gone.id)
            bob.add_span(corpus.a, 4, 11, "CLAIM")
        app.poll_store()
        await pilot.pause()
        _assert_matches_a_full_read(app, corpus.a)
        for _mode in range(5):
            await _step(pilot, app, corpus.a, "a")
        _reader(app).set_annotator_filter(AnnotatorFilter("one", "bob"))
        await pilot.pause()
        _assert_matches_a_full_read(app, corpus.a)
        await _step(pilot, app, corpus.a, "s", "3")  # not bob's: hidden under "bob"


async def test_a_commit_seen_while_the_reader_is_taken_down_at_quit_is_no_error(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once in CI a store poll landed while quitting had already removed a pane's
    # widgets: the reload asked the empty pane for its view, and the annotator's quit
    # ended on "unexpected error ... please report". A pane taken down here polls the
    # store with a new commit waiting, the way that timer did.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    versions = iter(range(1_000, 2_000))
    polled_while_closing: list[bool] = []

    def poll_on_unmount(pane: ArticlePane) -> None:
        polled_while_closing.append(True)
        pane.app.poll_store()  # type: ignore[attr-defined]

    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.session, "data_version", lambda: next(versions))
        monkeypatch.setattr(ArticlePane, "on_unmount", poll_on_unmount, raising=False)
    assert polled_while_closing
    assert app.return_code in (None, 0)
