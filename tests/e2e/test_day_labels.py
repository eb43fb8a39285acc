"""Labels told apart in a real terminal without colour: tags, marks and the legend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, sqlite

pytestmark = pytest.mark.e2e


def test_no_color_tags_marks_and_legend(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    terminal = TmuxTerminal(tmp_path, {**e2e_env, "NO_COLOR": "1"}, width=80, height=24)
    name, doc_id = sqlite(
        sample_db, "SELECT source_name, id FROM documents WHERE language = 'de' ORDER BY id LIMIT 1"
    )[0]
    try:
        terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", name])
        terminal.wait_for("1 C CLAIM  2 F FIGURE  3 S SOURCE")
        # First sentence CLAIM (key 1), second FIGURE (key 2): three keys a span.
        terminal.press("s", "1")
        terminal.wait_for(f"CLAIM · {ANNOTATOR}")
        terminal.press(".", "s", "2")
        screen = terminal.wait_for(f"FIGURE · {ANNOTATOR}")
        rows = sqlite(
            sample_db,
            f"SELECT label, start FROM spans WHERE doc_id = {int(doc_id)} AND deleted_at IS NULL"
            " ORDER BY start",
        )
        assert [label for label, _ in rows] == ["CLAIM", "FIGURE"]
        body = screen.splitlines()[2:]
        # The CLAIM's tag in the gutter of its first line, the FIGURE's in the blank before it.
        assert any(line.startswith("▊C") for line in body), screen
        assert any(re.search(r"\S+F\S", line) for line in body), screen
        coloured = terminal.screen(escapes=True)
        # Underline for CLAIM, bold for FIGURE; no colour codes at all under NO_COLOR
        # other than the greys Textual's monochrome filter uses.
        assert "\x1b[4m" in coloured or ";4m" in coloured
        assert "\x1b[1m" in coloured or ";1m" in coloured
        terminal.press("#")
        terminal.wait_for("tags off")
        terminal.press("C-q")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.kill()


def test_undo_confirmation_sits_on_the_legend_line(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal
) -> None:
    (name,) = sqlite(sample_db, "SELECT source_name FROM documents ORDER BY id LIMIT 1")[0]
    terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", name])
    before = terminal.wait_for("tags on")
    terminal.press("s", "1")
    terminal.wait_for(f"· {ANNOTATOR}")
    terminal.press("C-z")
    screen = terminal.wait_for("» Undid")
    rows = screen.splitlines()
    (message_row,) = [n for n, row in enumerate(rows) if "» Undid" in row]
    legend_row = next(n for n, row in enumerate(before.splitlines()) if "tags on" in row)
    assert message_row == legend_row
    # Every other row is as it was before tagging, but for the status line (the cursor
    # moved to the span's end): nothing covers the text or the status line.
    changed = [n for n, (a, b) in enumerate(zip(before.splitlines(), rows, strict=True)) if a != b]
    status_row = legend_row - 1
    assert set(changed) <= {status_row, legend_row}
    assert "offset" in rows[status_row]
    assert sqlite(sample_db, "SELECT count(*) FROM spans WHERE deleted_at IS NULL") == [["0"]]
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0
