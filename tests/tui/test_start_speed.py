"""What keeps the first screen and every key cheap: each item here once cost measurable CPU."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import store.linking.warmup
import tui.app
from tests.conftest import in_fresh_python
from tests.tui.conftest import Corpus
from tui.app import create_app
from tui.keymap import keymap_to_apply, load_keymap
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_keymap_is_not_handed_to_textual() -> None:
    # Textual re-applies a keymap on every key; the default one changes nothing.
    assert keymap_to_apply(load_keymap("default")) == {}
    vim = load_keymap("vim")
    assert keymap_to_apply(vim) == vim
    changed = {**load_keymap("default"), "reader.cursor_down": "j,down"}
    assert keymap_to_apply(changed) == changed


def test_opening_a_database_loads_no_numpy_and_version_loads_no_sqlite_utils() -> None:
    script = (
        "import sys\n"
        "import claimdesk.cli\n"
        "assert 'sqlite_utils' not in sys.modules, 'cli imports sqlite_utils'\n"
        "from store.db import connect\n"
        "connect(':memory:').close()\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
        "import sqlite_utils.db\n"
        "assert sqlite_utils.db.np is None\n"
        "import numpy\n"  # still importable afterwards, for the linker
        "print('ok')\n"
    )
    assert in_fresh_python(script) == "ok"


async def test_a_reader_opened_at_start_has_no_library_under_it(corpus: Corpus) -> None:
    from textual.widgets import DataTable

    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # A library beneath was composed, styled and laid out for nobody, and each of
        # its layouts repainted the whole reader: the reader is the first screen itself.
        assert [type(screen) for screen in app.screen_stack] == [ReaderScreen]
        app.action_library()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert app.screen_stack == [library]
        assert {row["id"] for row in library.rows} == {corpus.a, corpus.b}
        assert library.query_one(DataTable).row_count == 2


async def test_closing_the_reader_the_app_started_on_shows_the_library(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.action_close()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen.shown) == 2
        # The library opens the reader over itself, as before.
        await pilot.press("enter")
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [LibraryScreen, ReaderScreen]


async def test_the_first_reader_frame_wraps_at_the_panes_width(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        for pane in screen.panes:
            view = pane.view
            # Not the 8-cell minimum used before layout.
            assert view.index.width == view.wrap_width > 40


async def test_the_linker_loads_only_in_a_pause_between_keys(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.linking.warmup, "warm_linking", lambda: 0.0)
    monkeypatch.setattr(tui.app, "WARM_UP_IDLE", 0.5)
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    # How long no key had come when the app decided to load the linker.
    quiet_for: list[float] = []
    decide = app.warm_up_linking

    def recorded() -> None:
        quiet_for.append(time.monotonic() - app._last_input)
        decide()

    monkeypatch.setattr(app, "warm_up_linking", recorded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        typing_until = time.monotonic() + 1.0
        while time.monotonic() < typing_until:
            await pilot.press("full_stop")
            await pilot.pause(0.05)
        await pilot.pause(1.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert quiet_for, "the linker never loaded"
        assert quiet_for[0] >= 0.5
        assert app.linking_ready


async def test_the_library_started_on_is_built_at_once(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen.shown) == 2


async def test_the_reader_footer_is_built_once_and_only_rebuilt_for_a_new_row(
    corpus: Corpus,
) -> None:
    from textual.widgets._footer import FooterKey

    from tui.widgets.key_footer import PriorityFooter

    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(PriorityFooter)
        keys = list(footer.query(FooterKey))
        assert [key.description for key in keys][:3] == ["Keys", "Sentence", "Label"]
        # Binding refreshes and focus moves that leave the row as it was rebuild nothing.
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.action_next_pane()
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert list(footer.query(FooterKey)) == keys
        # A narrower terminal leaves fewer hints room: that row is built anew.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        narrower = list(footer.query(FooterKey))
        assert narrower != keys
        assert len(narrower) < len(keys)


async def test_a_cursor_key_redraws_the_status_line_in_its_own_handler(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        status = screen.pane.query_one(".pane-status")
        assert "sentence 1/" in str(status.render())
        # No pause: the line must already say where the cursor went, before any message
        # is handled, so the cursor and the line reach the terminal in one frame.
        screen.view.action_move("sentence", 1)
        assert "sentence 2/" in str(status.render())


def test_sqlite_utils_loads_without_dateutils_parser_until_it_is_used() -> None:
    script = (
        "import sys\n"
        "from store.db import connect\n"
        "connect(':memory:').close()\n"
        "assert 'dateutil.parser._parser' not in sys.modules, 'dateutil parser loaded'\n"
        "from sqlite_utils.recipes import parsedate\n"
        "assert parsedate('3 March 2024') == '2024-03-03'\n"  # loads it on use
        "from dateutil.parser import ParserError, parse\n"
        "assert parse('2024-01-02').year == 2024 and issubclass(ParserError, ValueError)\n"
        "print('ok')\n"
    )
    assert in_fresh_python(script) == "ok"


def test_the_first_frame_is_drawn_before_sqlite_utils_is_imported(corpus: Corpus) -> None:
    # Importing sqlite-utils was the largest cost claimdesk added to Textual's start; the
    # first screen reads through the plain connection and the import follows the frame.
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "import tui.app\n"
        "seen = []\n"
        "load = tui.app.load_database_library\n"
        "def recorded():\n"
        "    seen.append('sqlite_utils' in sys.modules)\n"
        "    load()\n"
        "tui.app.load_database_library = recorded\n"
        f"app = tui.app.create_app(Path({str(corpus.path)!r}), 'tester',"
        f" doc_ids=[{corpus.a}, {corpus.b}])\n"
        "async def main():\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        await app.workers.wait_for_complete()\n"
        "        shown = 'sentence 1/' in str(app.screen.query_one('.pane-status').render())\n"
        "        print(seen, 'sqlite_utils' in sys.modules, shown)\n"
        "asyncio.run(main())\n"
    )
    assert in_fresh_python(script) == "[False] True True"
