"""``claimdesk read 004 001`` in a real terminal opens the articles named 004…/001…."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import run_claimdesk, sqlite

pytestmark = pytest.mark.e2e

TOPICS = ["Flut", "Wahl", "Bahn", "Zoo", "Messe"]


def numbered_corpus(root: Path) -> Path:
    folder = root / "Kurier"
    folder.mkdir()
    for number, topic in enumerate(TOPICS):
        body = f"Title: Bericht {topic}\n\nDie Stadt meldet {number}.700 Gäste zur {topic}.\n"
        (folder / f"00{number}_{topic.lower()}.txt").write_text(body, encoding="utf-8")
    return folder


def test_read_numbered_names_opens_those_documents(
    claimdesk_exe: Path, e2e_env: dict[str, str], tmp_path: Path, terminal: TmuxTerminal
) -> None:
    db = tmp_path / "names.db"
    folder = numbered_corpus(tmp_path)
    run_claimdesk(claimdesk_exe, e2e_env, "--db", str(db), "import", str(folder), cwd=tmp_path)
    # The trap the resolver avoids: id 4 belongs to 003_zoo.txt.
    assert sqlite(db, "SELECT source_name FROM documents WHERE id = 4") == [["003_zoo.txt"]]

    terminal.start([str(claimdesk_exe), "--db", str(db), "read", "004", "001"])
    screen = terminal.wait_for("Bericht Messe")
    screen = terminal.wait_for("Bericht Wahl")
    assert "Bericht Zoo" not in screen
    assert "Bericht Flut" not in screen
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0


def test_ambiguous_prefix_lists_candidates_in_the_terminal(
    claimdesk_exe: Path, e2e_env: dict[str, str], tmp_path: Path, terminal: TmuxTerminal
) -> None:
    db = tmp_path / "names.db"
    folder = numbered_corpus(tmp_path)
    run_claimdesk(claimdesk_exe, e2e_env, "--db", str(db), "import", str(folder), cwd=tmp_path)

    terminal.start([str(claimdesk_exe), "--db", str(db), "read", "00", "#4"])
    assert terminal.wait_for_exit() == 1
    screen = terminal.screen()
    errors = [line for line in screen.splitlines() if line.startswith("claimdesk:")]
    assert len(errors) == 1
    assert "ambiguous" in errors[0]
    assert "Traceback" not in screen
    # Candidates are listed (the pane may wrap the one line; join it back).
    joined = "".join(screen.splitlines())
    assert "000_flut.txt" in joined
    assert "004_messe.txt" in joined
