"""Bytes a terminal sends that are not UTF-8 reach the reader as text, never end it.

An annotator on a Latin-1 terminal typing ``é`` sends the byte ``0xe9``; a paste may
hold a raw C1 byte (``0x9b``). Textual's input thread decoded strict UTF-8, so either
ended the app with a traceback, exit status 0 and the half-typed text lost.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.keys import first_key, tmux_key
from tests.e2e.tmux import TmuxTerminal, footer
from tests.e2e.tools import ANNOTATOR, sqlite
from tui.keymap import load_keymap

pytestmark = pytest.mark.e2e


def test_latin1_and_c1_bytes_typed_into_the_library_filter_are_read_as_text(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal
) -> None:
    terminal.start([str(claimdesk_exe), "--db", str(sample_db)])
    terminal.wait_for("33 documents")
    terminal.wait_until_still()
    before = footer(terminal.screen())
    terminal.press(tmux_key(first_key(load_keymap("default")["library.filter"])))
    # The filter box has the focus once the footer lists its keys instead of the table's.
    terminal.wait_until(lambda screen: footer(screen) != before, "the filter box's footer")
    terminal.type("z")
    # What a Latin-1 terminal sends for "café " and a pasted C1 control introducer, as
    # keystrokes (tmux pastes a buffer without brackets unless told to).
    terminal.tmux("set-buffer", "-b", "bytes", os.fsdecode(b"caf\xe9 \x9b31m"))
    terminal.tmux("paste-buffer", "-b", "bytes", "-t", "e2e")
    screen = terminal.wait_for("zcafé")
    assert "Traceback" not in screen
    assert "\ufffd31m" in screen
    terminal.press("Escape", "C-q")
    assert terminal.wait_for_exit() == 0


def test_a_bracketed_paste_holding_escape_runs_no_keys(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal
) -> None:
    """Textual read an ESC inside a paste as a key sequence and sent the rest as key
    presses: pasting ``x<ESC>d`` into the reader deleted the span under the cursor."""
    ((name, title),) = sqlite(
        sample_db,
        "SELECT source_name, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 1",
    )
    keymap = load_keymap("default")

    def key(action: str) -> str:
        return tmux_key(first_key(keymap[action]))

    terminal.start(
        [str(claimdesk_exe), "--db", str(sample_db), "read", "--keymap", "default", name]
    )
    terminal.wait_for(title[:20])
    terminal.press(key("reader.select_sentence"))
    terminal.wait_for("selected 0–")
    terminal.press(key("reader.label_1"))
    terminal.wait_for(f"CLAIM · {ANNOTATOR}")
    terminal.tmux("set-buffer", "-b", "hostile", "x\x1bd\x1b[2J")
    terminal.tmux("paste-buffer", "-p", "-b", "hostile", "-t", "e2e")  # -p: bracketed
    terminal.press(key("reader.sentence_next"))
    terminal.wait_until_still()
    live = sqlite(sample_db, "SELECT count(*) FROM spans WHERE deleted_at IS NULL")
    assert live == [["1"]]
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0
