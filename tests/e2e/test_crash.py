"""Kill -9 the installed app in the middle of annotating: every span it showed is stored.

The app writes each span in its own committed transaction before drawing it, so a
crash (or a pulled plug) can lose at most the keypress in flight, never a span the
annotator has already seen on screen. The database is checked with the ``sqlite3``
tool after the kill, exactly as the next process would find it (WAL and all).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.keys import first_key, tmux_key
from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, sqlite
from tui.keymap import load_keymap
from tui.session_state import load_state

pytestmark = pytest.mark.e2e

SPANS_SHOWN = 4


def _app_pid(terminal: TmuxTerminal) -> int:
    """The claimdesk process: the child of the pane's shell."""
    shell = int(terminal.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(shell)], capture_output=True, text=True, check=False
        ).stdout.split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the claimdesk process did not start")


def test_kill_9_mid_annotation_loses_nothing_that_was_shown(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal
) -> None:
    db = sample_db
    ((doc_id, name, title),) = sqlite(
        db,
        "SELECT id, source_name, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 1",
    )
    sentences = [
        (int(s), int(e))
        for s, e in sqlite(
            db, f'SELECT start, "end" FROM sentences WHERE doc_id = {int(doc_id)} ORDER BY start'
        )
    ]
    assert len(sentences) > SPANS_SHOWN + 1, "the sample article is too short for this test"
    labels = {
        int(key): label
        for label, key in sqlite(db, "SELECT name, hotkey FROM labels WHERE hotkey IN (1,2,3,4,5)")
    }
    keymap = load_keymap("default")

    def key(action: str) -> str:
        return tmux_key(first_key(keymap[action]))

    terminal.start([str(claimdesk_exe), "--db", str(db), "read", "--keymap", "default", name])
    terminal.wait_for(title[:20])

    shown: list[tuple[int, int, str]] = []
    for number in range(1, SPANS_SHOWN + 1):
        start, end = sentences[number]
        terminal.press(key("reader.sentence_next"))
        terminal.wait_for(f"offset {start}/")
        terminal.press(key("reader.select_sentence"))
        terminal.wait_for(f"selected {start}–")
        terminal.press(key(f"reader.label_{number}"))
        terminal.wait_for(f"{labels[number]} · {ANNOTATOR}")
        shown.append((start, end, labels[number]))

    # One more span in flight: keys sent, and the process killed without waiting.
    terminal.press(
        key("reader.sentence_next"), key("reader.select_sentence"), key("reader.label_5")
    )
    os.kill(_app_pid(terminal), signal.SIGKILL)
    terminal.wait_for_exit()

    assert sqlite(db, "PRAGMA integrity_check") == [["ok"]]
    stored = {
        (int(s), int(e), label)
        for s, e, label in sqlite(
            db,
            f'SELECT start, "end", label FROM spans WHERE doc_id = {int(doc_id)}'
            f" AND annotator = '{ANNOTATOR}' AND deleted_at IS NULL",
        )
    }
    assert set(shown) <= stored
    # Nothing but the shown spans and, at most, the one in flight (whole or not at all).
    extra = stored - set(shown)
    assert len(extra) <= 1
    if extra:
        (start, end, label) = extra.pop()
        assert (start, end) == sentences[SPANS_SHOWN + 1]
        assert label == labels[5]
    # Each stored span has its change-log row: no half-written action.
    (logged,) = sqlite(
        db, f"SELECT count(*) FROM changes WHERE table_name = 'spans' AND annotator = '{ANNOTATOR}'"
    )[0]
    assert int(logged) == len(stored)
    quotes_ok = sqlite(
        db,
        "SELECT count(*) FROM spans s JOIN documents d ON d.id = s.doc_id"
        ' WHERE substr(d.text, s.start + 1, s."end" - s.start) IS NOT s.quote',
    )
    assert quotes_ok == [["0"]]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_terminated_reader_gives_the_terminal_back_and_keeps_its_place(
    claimdesk_exe: Path,
    sample_db: Path,
    terminal: TmuxTerminal,
    number: signal.Signals,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python's default ended the process on the spot: the shell was left in the reader's
    # alternate screen, mouse reporting on, no cursor, and nothing said why.
    ((name, title),) = sqlite(
        sample_db, "SELECT source_name, coalesce(title, source_name) FROM documents LIMIT 1"
    )
    terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", name])
    terminal.wait_for(title[:20])
    os.kill(_app_pid(terminal), number)
    assert terminal.wait_for_exit() == 128 + number
    modes = terminal.tmux(
        "display-message", "-p", "-t", "e2e", "#{alternate_on} #{mouse_any_flag} #{cursor_flag}"
    ).stdout.split()
    assert modes == ["0", "0", "1"]
    if number == signal.SIGTERM:
        assert "claimdesk: terminated (SIGTERM); every change shown was saved" in terminal.screen()
    # The reader's place was saved on the way out: the next start reopens the document.
    monkeypatch.setenv("XDG_STATE_HOME", terminal.env["XDG_STATE_HOME"])
    saved = load_state(sample_db, ANNOTATOR)
    assert saved is not None
    assert [place.name for place in saved.panes] == [name]
