"""The reader reopens where each annotator left it: documents, pane, cursor, scroll, panel."""

from __future__ import annotations

from pathlib import Path

from store.session import Session
from tests.tui.conftest import Corpus, settle
from tui.app import create_app
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.session_state import load_state, state_path

ENGLISH = "cw-20250311-kressbrunn-evacuation"
GERMAN = "kurier-tag1-evakuierung.txt"


async def test_plain_start_reopens_documents_pane_cursor_scroll_and_panel(
    sample_db_path: Path,
) -> None:
    with Session(sample_db_path, "tester") as session:
        doc_ids = [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        for _ in range(8):
            await pilot.press("full_stop")
        await pilot.press("pagedown")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        cursor, scroll = reader.view.cursor, reader.view.scroll_offset.y
        await pilot.press("ctrl+q")
    saved = load_state(sample_db_path, "tester")
    assert saved is not None
    assert saved.doc_ids == doc_ids
    assert saved.active == 1
    assert not saved.panel

    # Another annotator on the same database starts in the library.
    other = create_app(sample_db_path, "bea", doc_ids=None)
    async with other.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(other.screen, LibraryScreen)

    again = create_app(sample_db_path, "tester", doc_ids=None)
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = again.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.doc_ids == doc_ids
        assert reader.active == 1
        assert reader.view.cursor == cursor
        assert reader.view.scroll_offset.y == scroll
        assert not reader.query("#match-panel")
        # With the panel open at quit, it is open again (it shows the claim at the cursor).
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("ctrl+q")
    third = create_app(sample_db_path, "tester", doc_ids=None)
    async with third.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = third.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.query("#match-panel")


async def test_a_damaged_state_file_is_ignored(corpus: Corpus) -> None:
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("{not json", encoding="utf-8")
    app = create_app(corpus.path, "tester", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
