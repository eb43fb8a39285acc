"""The library's story column, sorting by story, and the one key that opens a story."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from store.session import Session
from tests.tui.conftest import screen_text, settle
from tui.app import ClaimdeskApp, create_app
from tui.screens.library import SORT_KEYS, LibraryScreen
from tui.screens.reader import ReaderScreen

SARN = ("nws-velthausen-sarn.txt", "meridian-velthausen-old-town.txt")


def _library(app: ClaimdeskApp) -> LibraryScreen:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def _cursor_to(pilot: object, app: ClaimdeskApp, name: str) -> None:
    library = _library(app)
    row = next(n for n, r in enumerate(library.shown) if r["source_name"] == name)
    library.query_one("#library-table").move_cursor(row=row)  # type: ignore[attr-defined]


@asynccontextmanager
async def _story_opened(
    db_path: Path, size: tuple[int, int], name: str
) -> AsyncIterator[tuple[Pilot[int], ReaderScreen]]:
    """The app with ``O`` pressed on the library row of ``name``."""
    app = create_app(db_path, "tester")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await _cursor_to(pilot, app, name)
        await pilot.press("O")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        yield pilot, screen


async def test_one_key_opens_every_document_of_the_story_side_by_side(
    sample_db_path: Path,
) -> None:
    with Session(sample_db_path, "tester") as session:
        ids = {name: session.find_document(name).id for name in SARN}
    async with _story_opened(sample_db_path, (160, 40), SARN[1]) as (pilot, screen):
        app = pilot.app
        # Oldest report first: the German one is dated a day earlier.
        assert screen.doc_ids == [ids[SARN[0]], ids[SARN[1]]]
        assert all(pane.display for pane in screen.panes)
        text = screen_text(app)
        # Each header shortens the story label so that status and coverage still show.
        assert text.count("story: Sarn Vel") == 2
        assert text.count("· todo · 0% of sentences") == 2


async def test_at_80_columns_the_story_opens_as_panes_switched_with_tab(
    sample_db_path: Path,
) -> None:
    async with _story_opened(sample_db_path, (80, 24), SARN[0]) as (pilot, screen):
        app = pilot.app
        assert len(screen.doc_ids) == 2
        assert [pane.display for pane in screen.panes] == [True, False]
        await pilot.press("tab")
        await settle(pilot)
        assert [pane.display for pane in screen.panes] == [False, True]
        assert "story: Sarn Velthausen" in screen_text(app)


async def test_sorting_by_story_puts_each_story_together(sample_db_path: Path) -> None:
    app = create_app(sample_db_path, "tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        library = _library(app)
        names = [name for name, _column in SORT_KEYS]
        for _ in range(names.index("story")):
            await pilot.press("s")
        await settle(pilot)
        assert "sort: story" in screen_text(app)
        stories = [row["story"] for row in library.shown]
        sizes = [row["story_size"] for row in library.shown]
        # Contiguous: a story never resumes after another one began.
        seen: list[object] = []
        for story in stories:
            if not seen or seen[-1] != story:
                assert story not in seen
                seen.append(story)
        assert sizes == sorted(sizes, key=lambda n: -n if n > 1 else 0)
        # The largest story comes first, its label on screen.
        first = library.shown[0]
        assert first["story_size"] > 1
        assert str(first["story_label"]).split()[0] in screen_text(app)


async def test_a_document_alone_has_an_empty_story_cell_and_still_opens(
    sample_db_path: Path,
) -> None:
    async with _story_opened(sample_db_path, (120, 30), "kurier-haushalt-2026.txt") as (
        _pilot,
        screen,
    ):
        assert len(screen.doc_ids) == 1
