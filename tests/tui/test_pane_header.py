"""A pane header gives up its story label, never its status and coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from store.session import Session
from tests.tui.conftest import screen_lines, settle
from tui.app import create_app
from tui.widgets.article_pane import ArticlePane, fit_meta

FIXED = ["in progress", "40% of sentences"]
STORY = "story: Evakuierung der Altstadt nach dem Hochwasser in Kressbrunn (3)"


@pytest.mark.parametrize("width", [45, 50, 60, 70, 80, 100, 140])
def test_status_and_coverage_always_show(width: int) -> None:
    line = fit_meta("1/2 (tab)", STORY, "Kurier", "2026-03-11", FIXED, width)
    assert cell_len(line) <= width
    assert line.endswith(" · ".join(FIXED))
    assert line.startswith("1/2 (tab)")


def test_the_story_is_shortened_with_an_ellipsis_first() -> None:
    full = fit_meta("", STORY, "Kurier", "2026-03-11", FIXED, 200)
    assert full == f"{STORY} · Kurier · 2026-03-11 · in progress · 40% of sentences"
    cut = fit_meta("", STORY, "Kurier", "2026-03-11", FIXED, 70)
    assert cell_len(cut) == 70
    story_part = cut.split(" · ")[0]
    assert story_part.endswith("…")
    assert STORY.startswith(story_part[:-1])
    # Outlet and date stay while the story still has room.
    assert " · Kurier · 2026-03-11 · in progress" in cut


def test_then_the_date_then_the_outlet_go() -> None:
    no_story = fit_meta("", STORY, "Kurier am Morgen", "2026-03-11", FIXED, 62)
    assert no_story == "Kurier am Morgen · 2026-03-11 · in progress · 40% of sentences"
    no_date = fit_meta("", STORY, "Kurier am Morgen", "2026-03-11", FIXED, 50)
    assert no_date == "Kurier am Morgen · in progress · 40% of sentences"
    outlet_cut = fit_meta("", STORY, "Kurier am Morgen", "2026-03-11", FIXED, 40)
    assert outlet_cut == "Kurier… · in progress · 40% of sentences"
    assert cell_len(outlet_cut) == 40


def test_wide_characters_are_counted_in_cells() -> None:
    story = "story: 東京で大規模な避難が行われた日の報道 (2)"
    line = fit_meta("", story, "毎日", "2026-03-11", FIXED, 60)
    assert cell_len(line) <= 60
    assert line.endswith(" · ".join(FIXED))


async def test_two_story_panes_at_160_columns_show_status_and_coverage(
    sample_db_path: Path,
) -> None:
    names = ("nws-velthausen-sarn.txt", "meridian-velthausen-old-town.txt")
    with Session(sample_db_path, "tester") as session:
        ids = [session.find_document(name).id for name in names]
        story = session.story_of(ids[0])
        assert story is not None
        # A long label, as a real story's headline-like label can be.
        long_label = "Sarn Velthausen " + "Hochwasser Evakuierung Altstadt " * 3
    app = create_app(sample_db_path, "tester", doc_ids=ids)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panes = list(app.screen.query(ArticlePane))
        assert len(panes) == 2
        for pane in panes:
            pane.story = f"{long_label} ({len(story.documents)})"
            assert pane._header_state is not None
            pane.show_header(*pane._header_state)
        await pilot.pause()
        top = screen_lines(app)[0]
        assert top.count("% of sentences") == 2, top
        assert top.count("todo") == 2, top
        assert top.count("story: Sarn Vel") == 2, top
        assert top.count("…") >= 2, top
