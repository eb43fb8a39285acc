"""Panes side by side, the narrow-terminal fallback, headers, and app-wide actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from tests.tui.conftest import Corpus, screen_text, settle
from tui.app import ClaimdeskApp, create_app
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen


def reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def test_two_panes_side_by_side_with_headers_and_tab_switches(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(140, 30)) as pilot:
        screen = reader(app)
        assert not screen.narrow
        shown = screen_text(app)
        assert "Alpha Post · todo · 0% of sentences" in shown
        assert "Beta Daily · todo" in shown
        assert all(pane.display for pane in screen.panes)
        assert screen.panes[0].view.has_focus
        await pilot.press("tab")
        assert screen.active == 1
        assert screen.panes[1].view.has_focus
        await pilot.press("s", "1")
        with corpus.session() as session:
            assert [s.quote for s in session.spans(corpus.b)] == [
                "Six hundred flats will be built, the council decided."
            ]
            assert session.spans(corpus.a) == []
        await pilot.press("shift+tab")
        assert screen.active == 0


async def test_narrow_terminal_shows_one_pane_and_tab_switches_it(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = reader(app)
        assert screen.narrow
        assert "1/2 (tab) · Alpha Post" in screen_text(app)
        assert "Beta Daily" not in screen_text(app)
        await pilot.press("tab")
        await pilot.pause()
        assert "Beta Daily" in screen_text(app)
        assert "Alpha Post" not in screen_text(app)
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert not screen.narrow
        assert "Alpha Post" in screen_text(app)


async def test_help_lists_the_keys_in_force_from_the_keymap(corpus: Corpus) -> None:
    keymap = {"reader.select_sentence": "z", "app.help": "f2"}
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keymap)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f2")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = {row.action_id: row.keys for row in help_screen.rows}
        assert rows["reader.select_sentence"] == "z"
        assert rows["app.help"] == "f2"
        assert "reader.label_1" in rows
        await pilot.press("escape")
        await pilot.press("z", "1")
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["CLAIM"]


async def test_command_palette_lists_and_runs_registry_actions(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"select sentence")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert reader(app).view.selection == (0, 45)


async def test_close_library_theme_and_quit(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        theme = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != theme
        from tui.config import load_config

        assert load_config().theme == app.theme
        await pilot.press("ctrl+w")
        assert isinstance(app.screen, LibraryScreen)
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("ctrl+q")
        assert not app.is_running


async def test_ctrl_t_keeps_a_dotfiles_link_and_says_when_the_theme_is_not_remembered(
    corpus: Corpus, tmp_path: Path
) -> None:
    # ctrl+t replaced ~/.config/claimdesk/config.toml, a link into the dotfiles, with a
    # regular file: the dotfiles copy no longer counted.
    from tui.config import config_path, load_config

    link = config_path()
    link.parent.mkdir(parents=True, exist_ok=True)
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "claimdesk.toml").write_text('annotator = "tester"\n')
    link.symlink_to(dotfiles / "claimdesk.toml")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("ctrl+t")
        assert link.is_symlink()
        assert load_config().theme == app.theme
        assert f'theme = "{app.theme}"' in (dotfiles / "claimdesk.toml").read_text()
        # Its folder gone, the link stays and the user is told.
        (dotfiles / "claimdesk.toml").unlink()
        dotfiles.rmdir()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert link.is_symlink()
        messages = [str(n.message) for n in app._notifications]
        assert messages[-1].startswith(f"Theme not remembered: config {link}: links to ")
        assert messages[-1].endswith("whose folder does not exist; the link is kept")


async def test_the_saved_theme_is_used_at_the_next_start(corpus: Corpus) -> None:
    from tui.config import save_theme

    save_theme("nord")
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(100, 30)):
        assert app.theme == "nord"


async def test_reveal_selects_a_range_in_the_other_pane(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(140, 30)) as pilot:
        screen = reader(app)
        await pilot.press("full_stop")
        assert screen.sentence_under_cursor() == (corpus.a, 46, 82)
        assert screen.reveal(corpus.b, 0, 3)
        assert screen.panes[1].view.selection == (0, 3)
        assert screen.active == 0
        assert not screen.reveal(9999, 0, 1)


def _shown(screen: ReaderScreen) -> set[int]:
    return {number for number, pane in enumerate(screen.panes) if pane.display}


async def test_a_story_of_many_documents_shows_as_many_panes_as_fit(corpus: Corpus) -> None:
    """Ten documents at 160 columns were ten 14-column panes; now three of 53 at a time."""
    ids = [corpus.a, corpus.b] + [
        corpus.add(f"Report number {n} on the council's flats. It is short.", f"r{n}.txt")
        for n in range(8)
    ]
    app = create_app(corpus.path, "tester", doc_ids=ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert _shown(screen) == {0, 1, 2}
        assert all(screen.panes[n].size.width >= 50 for n in _shown(screen))
        assert "1/10 (tab) · Alpha Post" in screen_text(app)
        assert "3/10 (tab)" in screen_text(app)
        # Tab past the last shown pane brings the next in and lets the least recent go.
        await pilot.press("tab", "tab", "tab")
        await pilot.pause()
        assert screen.active == 3
        assert _shown(screen) == {1, 2, 3}
        assert screen.panes[3].view.has_focus
        assert "4/10 (tab)" in screen_text(app)
        assert "1/10 (tab)" not in screen_text(app)
        # What the keys do lands in the pane shown active.
        await pilot.press("s", "1")
        with corpus.session() as session:
            assert [s.quote for s in session.spans(ids[3])] == [
                "Report number 1 on the council's flats."
            ]
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        await pilot.pause()
        assert screen.active == 0
        assert _shown(screen) == {0, 1, 2}
        # Wider: more fit; narrow: one at a time; all fit: no positions.
        await pilot.resize_terminal(220, 40)
        await pilot.pause()
        assert len(_shown(screen)) == 4
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.narrow
        assert _shown(screen) == {0}
        await pilot.press("tab")
        await pilot.pause()
        assert _shown(screen) == {1}


async def test_all_panes_that_fit_show_without_positions(corpus: Corpus) -> None:
    ids = [corpus.a, corpus.b, corpus.add("A third report. Short.", "c.txt")]
    app = create_app(corpus.path, "tester", doc_ids=ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert _shown(screen) == {0, 1, 2}
        assert "(tab)" not in screen_text(app)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert _shown(screen) == {0, 1}
        assert "1/3 (tab)" in screen_text(app)


async def test_the_pane_with_the_keys_stays_shown_when_the_terminal_narrows(
    corpus: Corpus,
) -> None:
    """A match brought in beside the active pane must not push it out at one pane wide."""
    ids = [corpus.a, corpus.b, corpus.add("A third report. Short.", "c.txt")]
    app = create_app(corpus.path, "tester", doc_ids=ids)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = reader(app)
        screen.reveal(ids[2], 0, 7)
        await pilot.pause()
        assert _shown(screen) == {0, 2}
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert _shown(screen) == {0}
        assert screen.panes[0].view.has_focus


@pytest.mark.parametrize("width", [1, 3, 5])
async def test_the_dialogs_open_in_a_terminal_a_few_columns_wide(
    corpus: Corpus, width: int
) -> None:
    # The label picker's list, laid out zero cells wide, ended the app inside Rich
    # ("range() arg 3 must not be zero") at 5 columns or fewer.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(width, 3)
        await pilot.pause()
        for key in ("l", "A", "n", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running
            await pilot.press("escape")
            await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
