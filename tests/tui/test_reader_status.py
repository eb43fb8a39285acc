"""Tagging a sentence puts the document in progress, in the reader header and the library row."""

from __future__ import annotations

from tests.tui.conftest import Corpus, screen_lines, screen_text, settle
from tui.app import create_app
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen


def _library_status(app: object, source_name: str) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, LibraryScreen)
    return str(next(row["status"] for row in screen.shown if row["source_name"] == source_name))


async def test_tagging_a_sentence_shows_in_progress_at_once(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert _library_status(app, "council-a.txt") == "todo"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.pane.document.id == corpus.a
        assert "Alpha Post · todo" in screen_lines(app)[0]
        await pilot.press("s", "1")
        await pilot.pause()
        # The header changes with the tag, not at the next poll.
        assert "Alpha Post · in progress" in screen_lines(app)[0]
        with corpus.session() as session:
            assert session.status(corpus.a) == "in_progress"
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert _library_status(app, "council-a.txt") == "in_progress"
        assert _library_status(app, "council-b.txt") == "todo"
        row = next(line for line in screen_lines(app) if "Alpha Post" in line)
        assert "in progress" in row
        # Another annotator's status is theirs: bob still has everything to do.
        with corpus.session("bob") as bob:
            assert bob.status(corpus.a) == "todo"


async def test_done_still_means_done_and_undo_takes_the_start_back(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s", "1")
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "Alpha Post · done" in screen_lines(app)[0]
        await pilot.press("full_stop", "s", "1")  # a second claim on a done document
        await pilot.pause()
        with corpus.session() as session:
            assert len(session.spans(corpus.a)) == 2
            assert session.status(corpus.a) == "done"
        assert "Alpha Post · done" in screen_lines(app)[0]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")  # the claim, done, the first claim
        await settle(pilot)
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
            assert session.status(corpus.a) == "todo"
        assert "Alpha Post · todo" in screen_text(app)
