"""Other processes opening and closing the database while the reader runs lose nothing.

Annotators share one database on a server: while one reads, another runs
``claimdesk stats`` or looks with ``sqlite3``. Each of those closes its connection, and
SQLite, when it finds no other process holding the file, checkpoints and deletes the
-wal. A reader that had dropped its own locks (it once read the file's header with a
plain ``open()`` for each new connection) then wrote every later span, undo and redo to
a deleted file while its screen showed them done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.keys import first_key, tmux_key
from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, run_claimdesk, sqlite
from tui.keymap import load_keymap

pytestmark = pytest.mark.e2e


def test_spans_and_undo_reach_the_disk_after_others_closed_the_database(
    claimdesk_exe: Path,
    sample_db: Path,
    terminal: TmuxTerminal,
    e2e_env: dict[str, str],
    tmp_path: Path,
) -> None:
    db = sample_db
    (doc_id, name, title), (_other, other_name, _t) = sqlite(
        db,
        "SELECT id, source_name, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 2",
    )
    starts = [
        int(s)
        for (s,) in sqlite(
            db, f"SELECT start FROM sentences WHERE doc_id = {int(doc_id)} ORDER BY start"
        )
    ]
    ((label,),) = sqlite(db, "SELECT name FROM labels WHERE hotkey = 1")
    keymap = load_keymap("default")

    def key(action: str) -> str:
        return tmux_key(first_key(keymap[action]))

    def stored() -> set[int]:
        return {
            int(start)
            for (start,) in sqlite(
                db,
                f"SELECT start FROM spans WHERE doc_id = {int(doc_id)}"
                f" AND annotator = '{ANNOTATOR}' AND deleted_at IS NULL",
            )
        }

    def label_sentence(number: int) -> None:
        terminal.press(key("reader.sentence_next"))
        terminal.wait_for(f"offset {starts[number]}/")
        terminal.press(key("reader.select_sentence"))
        terminal.wait_for(f"selected {starts[number]}–")
        terminal.press(key("reader.label_1"))
        terminal.wait_for(f"{label} · {ANNOTATOR}")

    # Two documents side by side: the match panel compares the claim with the other.
    terminal.start(
        [str(claimdesk_exe), "--db", str(db), "read", "--keymap", "default", name, other_name]
    )
    terminal.wait_for(title[:20])
    label_sentence(1)
    assert stored() == {starts[1]}
    # The match panel's worker opens a second connection of the reader's process.
    terminal.press(key("links.matches"))
    terminal.wait_for("Matches for")
    terminal.press(key("panel.close"))

    # Two other processes open the database and close it again.
    run_claimdesk(claimdesk_exe, e2e_env, "stats", "--db", str(db), cwd=tmp_path)
    sqlite(db, "SELECT count(*) FROM documents")
    assert Path(f"{db}-wal").exists()

    label_sentence(2)
    assert stored() == {starts[1], starts[2]}
    terminal.press(key("app.undo"))
    terminal.wait_for("Undid")
    assert stored() == {starts[1]}
    terminal.press(key("app.redo"))
    terminal.wait_for("Redid")
    assert stored() == {starts[1], starts[2]}
