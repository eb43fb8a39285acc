"""The reader's footer, pane headers and status in a real terminal at 80x24 and 160x48."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, sqlite

pytestmark = pytest.mark.e2e

# What each keymap binds to the hints the reader needs most (keymaps/*.toml).
NEEDED = {
    "default": ["? Keys", "s Sentence", "l Label", "m Matches", "r Review", "c Clusters"],
    "vim": ["? Keys", "v Sentence", "t Label", "m Matches", "r Review", "c Clusters"],
    "emacs": ["? Keys", "s Sentence", "l Label", "m Matches", "r Review", "c Clusters"],
}
# Every word the footer may show: a hint at the edge is either whole or absent.
WORDS = {
    "Keys", "Sentence", "Label", "Matches", "Accept", "Reject", "Review", "Clusters",
    "Search", "Delete", "Note", "Pane", "Undo", "Quit", "Commands",
}  # fmt: skip


@pytest.mark.parametrize("keymap", sorted(NEEDED))
def test_footer_at_80_columns_shows_the_needed_keys_whole(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str], keymap: str
) -> None:
    (name,) = sqlite(sample_db, "SELECT source_name FROM documents ORDER BY id LIMIT 1")[0]
    terminal = TmuxTerminal(tmp_path, e2e_env, width=80, height=24)
    try:
        terminal.start(
            [str(claimdesk_exe), "--db", str(sample_db), "read", name, "--keymap", keymap]
        )
        screen = terminal.wait_for("m Matches")
        footer = screen.splitlines()[23]
        position = 0
        for hint in NEEDED[keymap]:
            found = footer.find(hint, position)
            assert found >= position, (hint, footer)
            position = found + len(hint)
        # Key-word pairs only, each word whole: nothing cut mid-word at the edge.
        pairs = re.findall(r"(\S+) (\S+)", footer.strip())
        assert pairs, footer
        assert all(word in WORDS for _, word in pairs), footer
        # `?` opens the list of every key in force (tests/tui covers its rows).
        terminal.press("?")
        terminal.wait_for("Keys in force")
        terminal.press("Escape")
        terminal.wait_for("m Matches")
        terminal.press("C-q")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.kill()


def test_tagging_shows_in_progress_in_header_and_library(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    name, doc_id = sqlite(sample_db, "SELECT source_name, id FROM documents ORDER BY id LIMIT 1")[0]
    terminal = TmuxTerminal(tmp_path, e2e_env, width=80, height=24)
    try:
        terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", name])
        screen = terminal.wait_for("m Matches")
        assert "· todo ·" in screen.splitlines()[0], screen
        terminal.press("s", "1")
        screen = terminal.wait_for(f"CLAIM · {ANNOTATOR}")
        assert "· in progress ·" in screen.splitlines()[0], screen
        assert sqlite(
            sample_db,
            f"SELECT annotator, status FROM document_status WHERE doc_id = {int(doc_id)}",
        ) == [[ANNOTATOR, "in_progress"]]
        terminal.press("C-l")
        screen = terminal.wait_until(
            # At 80 columns the library says it in a word, to leave the title its cells.
            lambda s: " doing " in s and "Filter" in s,
            "the library with the new status",
        )
        terminal.press("C-q")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.kill()


def test_two_story_panes_at_160_columns_keep_status_and_coverage(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    names = ["nws-velthausen-sarn.txt", "meridian-velthausen-old-town.txt"]
    terminal = TmuxTerminal(tmp_path, e2e_env, width=160, height=48)
    try:
        terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", *names])
        screen = terminal.wait_until(
            lambda s: s.count("story: ") == 2, "two story panes", timeout=30
        )
        top = screen.splitlines()[0]
        assert top.count("· todo · 0% of sentences") == 2, top
        terminal.press("C-q")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.kill()
