"""Whose spans, and mine vs theirs, on a document with thousands of overlapping spans.

The views hold every span and draw what the filter shows; the comparison is made
once (in a thread for a document this size, or when first asked for) and then kept
current. Each step checks the view against a fresh read of the store: which spans
are drawn, which cover a character, and the attributes a difference is drawn with.
"""

from __future__ import annotations

import random

import pytest
from rich.style import Style
from textual.pilot import Pilot

from store import difference_tracker
from store.annotator_diff import differences, span_kinds
from store.changelog import user_action
from store.model import Span
from store.session import Session
from store.spans import create_span
from tests.tui.conftest import Corpus, settle
from tests.tui.test_annotator_view import drawn_style
from tests.tui.test_reader_incremental import _assert_matches_a_full_read
from tui.annotator_filter import AnnotatorFilter
from tui.app import ClaimdeskApp, create_app
from tui.screens import reader as reader_module
from tui.screens.reader import ReaderScreen
from tui.widgets import article_view
from tui.widgets.difference_marks import DIFFERENCE_PRIORITY

SENTENCE = "Report {n} says {m} homes flooded near the river on day {n}, the mayor said."
TEXT = " ".join(SENTENCE.format(n=n, m=n * 37 % 1000) for n in range(60))
SPANS = 900
LABELS = ("CLAIM", "FIGURE", "SOURCE")


def fill(corpus: Corpus) -> int:
    """A document with ``SPANS`` spans of tester, bob and carol, many of them alike."""
    doc_id = corpus.add(TEXT, "crowded.txt")
    rng = random.Random(8)
    places = [(start, start + rng.choice((6, 11, 19, 30))) for start in range(0, 4_400, 13)]
    with Session(corpus.path, "tester") as session:
        for annotator in ("tester", "bob", "carol"):
            with user_action(session.db, annotator, "fill") as action:
                for _ in range(SPANS // 3):
                    start, end = rng.choice(places)
                    label = rng.choice(LABELS)
                    create_span(action, doc_id, start, end, label, annotator=annotator)
    return doc_id


def reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def expected_attributes(style: Style, kind: str | None) -> bool:
    """Whether ``style`` carries exactly the marks of difference ``kind`` (None: none)."""
    if kind == "extent":
        return bool(style.strike)
    if kind == "label":
        return bool(style.reverse) and not style.strike
    if kind == "only_mine":
        return bool(style.underline2 and style.bold) and not (style.strike or style.reverse)
    if kind == "only_theirs":
        return bool(style.underline2 and style.italic) and not (style.strike or style.reverse)
    return not (style.strike or style.reverse or style.underline2)


def check_drawn(app: ClaimdeskApp, doc_id: int) -> None:
    """The view equals a fresh read, and what it draws on screen says the same."""
    _assert_matches_a_full_read(app, doc_id)
    screen = reader(app)
    session, view = app.session, screen.view
    shown = [s for s in session.spans(doc_id) if screen.filter.shows(s, session.annotator)]
    versus = screen.filter.mode == "versus"
    kinds = span_kinds(differences(session.db, doc_id, session.annotator)) if versus else {}
    starts = {s.start for s in shown}
    top = view.scroll_offset.y
    view.index.ensure_line(top + view.size.height)
    bottom = min(top + view.size.height, view.index.wrapped_lines)
    first, last = view.index.line_range(top)[0], view.index.line_range(bottom - 1)[1]
    for offset in range(first, min(last, len(view.text)), 2):
        covering = [s for s in shown if s.start <= offset < s.end]
        assert set(view.span_ids_at(offset)) == {s.id for s in covering}, offset
        if not versus or offset in starts or offset + 1 in starts or offset == view.cursor:
            continue  # a span's tag: the blank before it, or its first character
        marked = {kinds[s.id] for s in covering if s.id in kinds}
        kind = next((k for k in DIFFERENCE_PRIORITY if k in marked), None)
        assert expected_attributes(drawn_style(view, offset), kind), (offset, kind)


async def press(pilot: Pilot[None], app: ClaimdeskApp, doc_id: int, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    check_drawn(app, doc_id)


@pytest.mark.parametrize("ahead", [True, False], ids=["compared-in-a-thread", "on-demand"])
async def test_switching_views_with_many_spans_draws_the_right_marks(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> None:
    doc_id = fill(corpus)
    # The thread compares documents from this many spans on; on demand, the first switch does.
    monkeypatch.setattr(reader_module, "COMPARE_AHEAD_SPANS", 500 if ahead else 10**9)
    app = create_app(corpus.path, "tester", doc_ids=[doc_id])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        # A change made while the thread may still be comparing must end up in its answer.
        mine = [s for s in app.session.spans(doc_id) if s.annotator == "tester"]
        app.session.delete_span(mine[0].id)
        screen.refresh_document(doc_id)
        await settle(pilot)
        assert (doc_id in screen.trackers) == ahead
        check_drawn(app, doc_id)
        for _mode in range(4):  # all -> mine -> others -> versus -> all
            await press(pilot, app, doc_id, "a")
        await press(pilot, app, doc_id, "a", "a", "a")
        assert screen.filter.mode == "versus"
        # Changes while comparing: mine deleted and undone, bob's from another session.
        await press(pilot, app, doc_id, "j", "j", "s", "2")
        screen.view.set_cursor(mine[1].start)
        await press(pilot, app, doc_id, "d")
        await press(pilot, app, doc_id, "ctrl+z")
        await press(pilot, app, doc_id, "ctrl+z")
        with corpus.session("bob") as bob:
            theirs = [s for s in bob.spans(doc_id) if s.annotator == "bob"]
            bob.delete_span(theirs[3].id)
            bob.add_span(doc_id, mine[1].start, mine[1].end, "SOURCE")
        app.poll_store()
        await pilot.pause()
        check_drawn(app, doc_id)
        screen.set_annotator_filter(AnnotatorFilter("one", "carol"))
        await pilot.pause()
        check_drawn(app, doc_id)


def test_fill_makes_every_kind_of_difference(corpus: Corpus) -> None:
    """The document above differs in every way, so the drawing checks see each kind."""
    doc_id = fill(corpus)
    with corpus.session("tester") as session:
        found = session.differences(doc_id)
        spans: list[Span] = session.spans(doc_id)
    assert len(spans) == SPANS
    assert {d.kind for d in found} == {"only_mine", "only_theirs", "label", "extent"}


async def test_a_change_redraws_marks_of_spans_on_other_rows(corpus: Corpus) -> None:
    """Bob deletes the short span that made my long span an extent difference: its rows
    above (untouched by bob's span) must now draw it as mine only."""
    text = corpus.session().document(corpus.a).text
    overdue = text.index("overdue")
    with corpus.session("tester") as me, corpus.session("bob") as bob:
        me.add_span(corpus.a, 0, text.index("\n"), "CLAIM")
        short = bob.add_span(corpus.a, overdue, overdue + len("overdue"), "CLAIM")
        bob.add_span(corpus.a, text.index("June"), text.index("June") + 4, "CLAIM")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(40, 20)) as pilot:
        screen = reader(app)
        await pilot.press("a", "a", "a")
        view = screen.view
        assert view.index.line_of(overdue) > view.index.line_of(5), "needs a wrapped sentence"
        assert expected_attributes(drawn_style(view, 5), "extent")
        with corpus.session("bob") as bob:
            bob.delete_span(short.id)
        app.poll_store()
        await pilot.pause()
        assert expected_attributes(drawn_style(view, 5), "only_mine")
        check_drawn(app, corpus.a)


async def test_many_changes_at_once_take_the_bulk_paths(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a few changes at once the view re-sorts and the comparison starts over."""
    monkeypatch.setattr(article_view, "_MANY_CHANGES", 5)
    monkeypatch.setattr(difference_tracker, "BULK_CHANGES", 5)
    doc_id = fill(corpus)
    app = create_app(corpus.path, "tester", doc_ids=[doc_id])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", "a", "a")
        await pilot.pause()
        check_drawn(app, doc_id)
        with corpus.session("bob") as bob:
            for span in [s for s in bob.spans(doc_id) if s.annotator == "bob"][:30]:
                bob.delete_span(span.id)
            bob.add_span(doc_id, 0, 6, "FIGURE")
        app.poll_store()
        await pilot.pause()
        check_drawn(app, doc_id)
        await press(pilot, app, doc_id, "a")
