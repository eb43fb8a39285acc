"""Keys typed faster than the screen refreshes land where the keys before them sent them."""

from __future__ import annotations

from pathlib import Path

from textual import events

from store.session import Session
from tests.tui.conftest import settle
from tui.app import create_app
from tui.screens.reader import ReaderScreen


async def test_tab_then_next_sentence_keys_typed_at_once_all_move_the_second_pane(
    sample_db_path: Path,
) -> None:
    with Session(sample_db_path, "tester") as session:
        doc_ids = [document.id for document in session.documents()[:2]]
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        first, second = screen.panes
        before = first.view.cursor, second.view.cursor
        # Queued together, as a fast typist or a paste over SSH delivers them: no
        # refresh runs between them.
        for key, character in (("tab", "\t"), *[("full_stop", ".")] * 4):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert screen.active == 1
        assert first.view.cursor == before[0], "no key may reach the pane tab left"
        moved = second.view.cursor
        await pilot.press("shift+tab", "tab")
        await settle(pilot)
        assert second.view.cursor == moved > before[1]
        expected = second.view.cursor
        # The same four sentences by hand, one key at a time, from the start.
        second.view.set_cursor(before[1])
        for _ in range(4):
            await pilot.press("full_stop")
        await settle(pilot)
        assert second.view.cursor == expected
