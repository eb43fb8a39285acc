"""The installed ``claimdesk`` in tmux: one key in the library opens a whole story."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.keys import first_key, tmux_key
from tests.e2e.tmux import TmuxTerminal, footer
from tests.e2e.tools import sqlite
from tui.keymap import SHIPPED_KEYMAPS, load_keymap

pytestmark = pytest.mark.e2e

GERMAN_TITLE = "Sarn tritt über die Ufer"
ENGLISH_TITLE = "River Sarn floods Velthausen"


def _open_story_of(
    terminal: TmuxTerminal, keymap: dict[str, str], query: str, showing: int
) -> None:
    """Filter the library by ``query`` until ``showing`` rows are left, then open the story
    of the row under the cursor (whichever it is, the filter leaves one story)."""
    terminal.wait_for("33 documents")
    terminal.wait_until_still()
    before = footer(terminal.screen())
    terminal.press(tmux_key(first_key(keymap["library.filter"])))
    # The filter box has the focus once the footer lists its keys instead of the table's;
    # letters typed before that would be the library's own keys.
    terminal.wait_until(lambda screen: footer(screen) != before, "the filter box's footer")
    terminal.type(query)
    terminal.wait_for(f"showing {showing} ")
    terminal.wait_until_still()
    terminal.press("Enter")
    terminal.wait_until_still()
    terminal.press(tmux_key(first_key(keymap["library.open_story"])))


@pytest.mark.parametrize("keymap_name", SHIPPED_KEYMAPS)
def test_one_key_opens_every_report_of_the_story_side_by_side(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal, keymap_name: str
) -> None:
    # `claimdesk import` computed the stories; the two Velthausen reports share one.
    (stories,) = sqlite(
        sample_db,
        "SELECT count(DISTINCT ds.story_id) FROM document_stories ds JOIN documents d"
        " ON d.id = ds.doc_id WHERE d.source_name LIKE '%velthausen%'",
    )
    assert stories == ["1"]
    keymap = load_keymap(keymap_name)
    terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", "--keymap", keymap_name])
    # The two Velthausen reports: whichever the cursor is on, its story is theirs.
    _open_story_of(terminal, keymap, "Velthausen", showing=2)
    # At 120 columns each pane has 60: the header keeps outlet, status and coverage and
    # gives the story label what room is left (none beside the long German outlet name).
    screen = terminal.wait_until(
        lambda screen: "story: Sarn Vel" in screen and screen.count("% of sentences") == 2,
        "two story panes",
    )
    assert GERMAN_TITLE in screen
    assert ENGLISH_TITLE in screen
    assert "documents ·" not in screen  # the reader, not the library
    terminal.press(tmux_key(first_key(keymap["app.quit"])))
    assert terminal.wait_for_exit() == 0


def test_a_story_of_ten_reports_opens_as_readable_panes_that_tab_walks(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    """At 160 columns the flood story's ten reports were ten 14-column slivers."""
    (size,) = sqlite(
        sample_db,
        "SELECT count(*) FROM document_stories WHERE story_id = (SELECT ds.story_id FROM"
        " document_stories ds JOIN documents d ON d.id = ds.doc_id"
        " WHERE d.title LIKE 'Bange Stunden%')",
    )
    assert size == ["10"]
    terminal = TmuxTerminal(tmp_path, e2e_env, width=160, height=40)
    keymap = load_keymap("default")
    try:
        terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read"])
        _open_story_of(terminal, keymap, "Bange Stunden", showing=1)
        screen = terminal.wait_until(
            lambda screen: "1/10 (tab)" in screen and screen.count("% of sentences") == 3,
            "three of ten story panes",
        )
        assert "4/10 (tab)" not in screen
        terminal.wait_until_still()
        tab = tmux_key(first_key(keymap["reader.next_pane"]))
        terminal.press(tab, tab, tab)
        screen = terminal.wait_until(
            lambda screen: "4/10 (tab)" in screen and "1/10 (tab)" not in screen,
            "the fourth report brought in",
        )
        assert screen.count("% of sentences") == 3
        terminal.press(
            tmux_key(first_key(keymap["reader.select_sentence"])),
            tmux_key(first_key(keymap["reader.label_1"])),
        )
        terminal.wait_until(
            lambda _screen: sqlite(sample_db, "SELECT count(*) FROM spans") == [["1"]],
            "the span on disk",
        )
        (title,) = sqlite(
            sample_db,
            "SELECT d.title FROM spans s JOIN documents d ON d.id = s.doc_id",
        )
        # The span went to the report the fourth pane shows, whose title is on screen.
        assert title[0][:30] in terminal.screen().replace("\n", " ")
        terminal.press(tmux_key(first_key(keymap["app.quit"])))
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.kill()
