"""Labels told apart without colour, and in 16, 256 and true colour: marks, tags, legend."""

from __future__ import annotations

import pytest
from rich.color import Color, ColorSystem
from rich.style import Style

from store.labels import DEFAULT_LABELS
from store.model import Label
from tests.tui.conftest import Corpus, screen_text
from tui.app import create_app
from tui.label_looks import label_looks
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView

SENTENCE_STARTS = {"first": 0, "second": 46}  # in ARTICLE_A


def test_every_default_label_differs_in_each_colour_system() -> None:
    looks = label_looks(DEFAULT_LABELS).values()
    for system in (ColorSystem.EIGHT_BIT, ColorSystem.STANDARD):
        shown = [Color.parse(look.slot_colour).downgrade(system).number for look in looks]
        assert len(set(shown)) == len(shown), (system, shown)
    assert len({look.colour for look in looks}) == len(DEFAULT_LABELS)
    assert len({look.mark for look in looks}) == len(DEFAULT_LABELS)
    assert [look.tag for look in looks] == ["C", "F", "S", "Q", "E"]
    # No label is marked by reverse: that is the selection's and the cursor's.
    assert not any(look.mark.reverse for look in looks)


def test_labels_of_one_hue_still_get_different_slots_and_tags() -> None:
    blues = [
        Label("CLAIM", "#1010ff", "1", "", 1),
        Label("CLAIMANT", "#2020ee", "2", "", 2),
        Label("GREY", "#808080", "3", "", 3),
    ]
    looks = list(label_looks(blues).values())
    assert len({look.slot_colour for look in looks}) == 3
    # Same initial: the tags fall back to the keys.
    assert [look.tag for look in looks] == ["1", "2", "G"]


def styles_at(view: ArticleView, offsets: list[int]) -> list[Style]:
    found = []
    for offset in offsets:
        line = view.index.line_of(offset) - view.scroll_offset.y
        cell = view.index.cell_of(offset) + 1  # the gutter
        seen = 0
        for segment in view.render_line(line):
            if seen <= cell < seen + segment.cell_length:
                assert segment.style is not None
                found.append(segment.style)
                break
            seen += segment.cell_length
    return found


async def test_no_color_gives_each_label_its_own_mark_tag_and_legend(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    words = [(4, 11), (12, 20), (21, 24), (29, 34), (38, 44)]  # council approved 300 flats Monday
    with corpus.session() as session:
        for (start, end), label in zip(words, DEFAULT_LABELS, strict=True):
            session.add_span(corpus.a, start, end, label.name)
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        view = app.screen.query_one(ArticleView)
        view.set_cursor(60)
        await pilot.pause()
        marks = styles_at(view, [start + 1 for start, _ in words])
        attributes = [(s.underline, s.bold, s.italic, s.underline2) for s in marks]
        assert len(set(attributes)) == 5, attributes
        row = view.render_line(0).text
        # Each span's tag stands in the blank before it (the text keeps its cells).
        assert row.startswith(" TheCcouncilFapprovedS300 newQflats onEMonday.")
        text = screen_text(app)
        assert "1 C CLAIM  2 F FIGURE  3 S SOURCE  4 Q QUOTE  5 E EVENT" in text
        await pilot.press("number_sign")
        assert view.render_line(0).text.startswith(" The council approved 300 new flats")
        assert "tags off" in screen_text(app)


async def test_adjacent_spans_of_one_label_keep_a_boundary(corpus: Corpus) -> None:
    with corpus.session() as session:
        session.add_span(corpus.a, 4, 11, "CLAIM")  # "council"
        session.add_span(corpus.a, 11, 20, "CLAIM")  # " approved" with no gap
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(ArticleView)
        view.set_cursor(60)
        await pilot.pause()
        end_of_first, start_of_second, inside_second = styles_at(view, [10, 11, 12])
        assert start_of_second != end_of_first
        assert start_of_second.bold
        assert inside_second.bgcolor == end_of_first.bgcolor
        for tags_on in (True, False):
            if not tags_on:
                await pilot.press("number_sign")
            (edge,) = styles_at(view, [11])
            assert edge.bold, "the boundary stays when tags are off"


async def test_256_colour_spans_use_distinct_slot_colours(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = [(4, 11), (12, 20), (21, 24), (29, 34), (38, 44)]
    with corpus.session() as session:
        for (start, end), label in zip(words, DEFAULT_LABELS, strict=True):
            session.add_span(corpus.a, start, end, label.name)
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app.console, "_color_system", ColorSystem.EIGHT_BIT)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(ArticleView)
        view.set_looks(view.looks)
        view.set_cursor(60)
        await pilot.pause()
        backgrounds = [s.bgcolor for s in styles_at(view, [start + 1 for start, _ in words])]
        numbers = [c.downgrade(ColorSystem.EIGHT_BIT).number for c in backgrounds if c]
        assert len(set(numbers)) == 5, numbers


async def test_confirmations_go_to_the_legend_line_not_over_the_text(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "1")
        await pilot.press("ctrl+z")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        legend = screen.query_one("#label-legend")
        assert "Undid" in legend.message  # type: ignore[attr-defined]
        assert not app._notifications  # no toast over the text, status line or panel
        rows = screen_text(app).splitlines()
        assert any(row.lstrip().startswith("» Undid") for row in rows)
        # Warnings still use a toast (they must not be missed).
        app.notify("careful", severity="warning")
        await pilot.pause()
        assert len(app._notifications) == 1
