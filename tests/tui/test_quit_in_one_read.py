"""The quit key, a priority binding, acts only after the keys typed before it."""

from __future__ import annotations

from textual import events

from tests.tui.conftest import Corpus, settle
from tui.app import create_app
from tui.screens.reader import ReaderScreen


async def test_a_label_typed_just_before_the_quit_key_is_stored(corpus: Corpus) -> None:
    # `s 3 ctrl+q` in one read (type-ahead over SSH): the quit key acted as it reached the
    # app, while `3` was still on its way to the reader's binding, and the label was lost.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        for key, char in (("s", "s"), ("3", "3"), ("ctrl+q", "\x11")):
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert not app.is_running
    with corpus.session() as session:
        assert [(s.annotator, s.label) for s in session.spans(corpus.a)] == [("tester", "SOURCE")]
