"""The installed ``claimdesk`` in a real terminal (tmux): tag a sentence, find it in SQLite.

These tests start the console script exactly as a user would, send keys through
tmux, read the screen with ``capture-pane`` and check the database afterwards with
the ``sqlite3`` command-line tool, so nothing of the app's own code judges the result.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.keys import first_key, tmux_key
from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, run_claimdesk, sqlite
from tui.keymap import SHIPPED_KEYMAPS, load_keymap

pytestmark = pytest.mark.e2e


# Only SGR (colour and style) sequences may reach the terminal from the article view.
SGR = re.compile(r"\x1b\[[0-9;:]*m")

HOSTILE_ARTICLE = (
    "Title: Hostile bytes\n"
    "Outlet: Test Wire\n"
    "\n"
    "The first sentence is harmless. \x1b]0;PWNED-TITLE\x07The title must not change.\n"
    "\n"
    "Clear screen \x1b[2J and home \x1b[H must stay text. Clipboard \x1b]52;c;cHduZWQ=\x07 too.\n"
    "Markup [@click=app.quit]quits[/] and [bold]bolds[/bold] nothing. The end marker ZZTOP.\n"
)


def label_on_key_one(db: Path) -> str:
    rows = sqlite(db, "SELECT name FROM labels ORDER BY hotkey IS NOT '1', position, name LIMIT 1")
    return rows[0][0]


def test_import_through_the_installed_command(sample_db: Path, sample_db_template: Path) -> None:
    """The command imports the same documents as the store API does (tests/conftest.py)."""
    imported = sorted(row[0] for row in sqlite(sample_db, "SELECT sha256 FROM documents"))
    reference = sorted(row[0] for row in sqlite(sample_db_template, "SELECT sha256 FROM documents"))
    assert imported
    assert imported == reference
    # Every stored sentence is inside its document (offsets in code points, as SQLite's substr).
    (bad,) = sqlite(
        sample_db,
        "SELECT count(*) FROM sentences s JOIN documents d ON d.id = s.doc_id"
        ' WHERE s."end" > length(d.text) OR s.start < 0',
    )[0]
    assert bad == "0"


@pytest.mark.parametrize("keymap_name", SHIPPED_KEYMAPS)
def test_tag_a_sentence_and_find_it_with_sqlite3(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal, keymap_name: str
) -> None:
    db = sample_db
    (name_a, id_a, title_a), (name_b, _, title_b) = sqlite(
        db,
        "SELECT source_name, id, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 2",
    )
    sentences = sqlite(
        db, f'SELECT start, "end" FROM sentences WHERE doc_id = {int(id_a)} ORDER BY start LIMIT 2'
    )
    second_start, second_end = (int(x) for x in sentences[1])
    label = label_on_key_one(db)
    keymap = load_keymap(keymap_name)

    terminal.start(
        [str(claimdesk_exe), "--db", str(db), "read", "--keymap", keymap_name, name_a, name_b]
    )
    terminal.wait_for(title_a[:20])
    terminal.wait_for(title_b[:20])

    # To the second sentence, select it, label it with key 1.
    terminal.press(tmux_key(first_key(keymap["reader.sentence_next"])))
    terminal.wait_for(f"offset {second_start}/")
    terminal.press(tmux_key(first_key(keymap["reader.select_sentence"])))
    terminal.wait_for(f"selected {second_start}–")
    terminal.press(tmux_key(first_key(keymap["reader.label_1"])))
    terminal.wait_for(f"{label} · {ANNOTATOR}")

    # Committed before it was shown: visible to another process while the app still runs.
    query = (
        'SELECT s.start, s."end", s.quote, s.label, s.annotator,'
        ' substr(d.text, s.start + 1, s."end" - s.start)'
        f" FROM spans s JOIN documents d ON d.id = s.doc_id WHERE d.id = {int(id_a)}"
        " AND s.deleted_at IS NULL"
    )
    live = sqlite(db, query)

    terminal.press(tmux_key(first_key(keymap["app.quit"])))
    assert terminal.wait_for_exit() == 0

    rows = sqlite(db, query)
    assert rows == live
    assert len(rows) == 1
    start, end, quote, stored_label, annotator, text_at_offsets = rows[0]
    assert (int(start), int(end)) == (second_start, second_end)
    assert quote == text_at_offsets
    assert quote.strip()
    assert "\n\n" not in quote
    assert (stored_label, annotator) == (label, ANNOTATOR)


def test_article_escapes_never_reach_the_terminal(
    claimdesk_exe: Path,
    e2e_env: dict[str, str],
    sample_db: Path,
    tmp_path: Path,
    terminal: TmuxTerminal,
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    db = sample_db
    run_claimdesk(claimdesk_exe, e2e_env, "--db", str(db), "import", str(hostile), cwd=tmp_path)
    title_before = terminal_title_baseline(terminal)
    terminal.start([str(claimdesk_exe), "--db", str(db), "read", "hostile.txt"])
    screen = terminal.wait_for("ZZTOP")

    assert "[@click=app.quit]quits[/]" in screen
    assert "[bold]bolds[/bold]" in screen
    assert "The first sentence is harmless." in screen  # not wiped by ESC[2J
    coloured = terminal.screen(escapes=True)
    assert all(
        SGR.fullmatch(sequence) for sequence in re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]?", coloured)
    ), "a non-SGR escape sequence reached the pane"
    assert "PWNED-TITLE" not in terminal.pane_title()
    assert terminal.pane_title() == title_before

    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0


def terminal_title_baseline(terminal: TmuxTerminal) -> str:
    """The title a fresh pane gets in this tmux (its host name), before any app runs."""
    workdir = terminal.workdir / "title-probe"
    workdir.mkdir(exist_ok=True)
    probe = TmuxTerminal(workdir, terminal.env)
    try:
        probe.start(["true"])
        probe.wait_for_exit()
        return probe.pane_title()
    finally:
        probe.kill()
