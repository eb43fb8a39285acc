"""Annotating in the reader: every change is in the database before the screen shows it."""

from __future__ import annotations

from tests.tui.conftest import ARTICLE_A, Corpus, screen_text
from tui.app import create_app
from tui.screens.reader import ReaderScreen


async def test_select_sentence_and_label_creates_claim_with_exact_quote(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("s", "1")
        await pilot.pause()
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.quote, s.annotator) for s in spans] == [
            ("CLAIM", "The council approved 300 new flats on Monday.", "tester")
        ]
        assert ARTICLE_A[spans[0].start : spans[0].end] == spans[0].quote
        assert "CLAIM · tester" in screen_text(app)


async def test_undo_then_redo_in_a_new_app_after_restart(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "2", "ctrl+z")
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
    restarted = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with restarted.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+y")
        await pilot.pause()
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.start, s.end) for s in spans] == [("FIGURE", 0, 45)]
        screen = restarted.screen
        assert isinstance(screen, ReaderScreen)
        assert screen.view.span_ids_at(0) == [spans[0].id]
