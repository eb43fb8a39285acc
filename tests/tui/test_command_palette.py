"""The command palette opened from under another dialog."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.tui.conftest import Corpus, settle
from tui.app import create_app
from tui.screens.help import HelpScreen


async def test_ctrl_p_from_the_help_over_the_palette_keeps_the_reader_running(
    corpus: Corpus,
) -> None:
    # ctrl+p, f1, ctrl+p (found by key-mashing) pushed a second palette under the same id
    # and the reader ended with "unexpected error: DuplicateIds", exit status 1.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.is_running
        palettes = [s for s in app.screen_stack if isinstance(s, CommandPalette)]
        assert len(palettes) == 1
        # Escape leads back through the help to the one palette.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
    assert app.return_code in (None, 0)
