"""Incremental search in a real terminal: `/`, a figure, enter, then a label key.

The second query holds a `/` itself: the key that opens the search must type into the
open box, or `140 l/m²` could not be searched for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, sqlite

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("query", ["35.000", "140 l/m²"])
def test_search_a_figure_then_tag_it(
    claimdesk_exe: Path, sample_db: Path, terminal: TmuxTerminal, query: str
) -> None:
    # instr counts characters from 1, the stored offsets count code points from 0.
    name, doc_id, found = sqlite(
        sample_db,
        f"SELECT source_name, id, instr(text, '{query}') FROM documents"
        f" WHERE instr(text, '{query}') > 0",
    )[0]
    start = int(found) - 1
    terminal.start([str(claimdesk_exe), "--db", str(sample_db), "read", name])
    terminal.wait_for("tags on")
    # All at typing speed, no waiting: each key must still land where it was meant.
    terminal.press("/")
    terminal.type(query)
    terminal.press("Enter", "2")
    terminal.wait_for(f"FIGURE · {ANNOTATOR}")
    rows = sqlite(
        sample_db,
        f"SELECT label, start, quote FROM spans WHERE doc_id = {int(doc_id)}"
        " AND deleted_at IS NULL",
    )
    assert rows == [["FIGURE", str(start), query]]
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0
