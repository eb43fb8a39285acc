"""Day-at-the-keyboard keys through a real terminal: a FIGURE in two keys, emacs mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, run_claimdesk, sqlite

pytestmark = pytest.mark.e2e

ARTICLE = "Title: Zahlen\n\nDie Stadt meldet 4.700 Gäste und 12.000 Euro. Ende gut.\n"


def test_figure_in_two_keys_and_emacs_mark(
    claimdesk_exe: Path, e2e_env: dict[str, str], tmp_path: Path, terminal: TmuxTerminal
) -> None:
    article = tmp_path / "zahlen.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "keys.db"
    run_claimdesk(claimdesk_exe, e2e_env, "--db", str(db), "import", str(article), cwd=tmp_path)
    terminal.start([str(claimdesk_exe), "--db", str(db), "read", "--keymap", "emacs", "zahlen"])
    terminal.wait_for("sentence 1/")
    terminal.press("f", "2")
    terminal.wait_for(f"FIGURE · {ANNOTATOR}")
    # Emacs: C-SPC sets the mark, M-f twice extends over two words, 1 labels them.
    terminal.press("C-a", "C-Space", "M-f", "M-f")
    terminal.wait_for("selected 0–9")
    terminal.press("1")
    terminal.wait_for(f"CLAIM · {ANNOTATOR}")
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0
    rows = sqlite(db, "SELECT quote, label FROM spans WHERE deleted_at IS NULL ORDER BY start")
    assert rows == [["Die Stadt", "CLAIM"], ["4.700", "FIGURE"]]
