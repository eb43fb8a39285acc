"""The review queue (accept / reject / skip / undo, counter) and the clusters screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Static

from store.linking.decisions import get_link, review_queue
from store.linking.suggest import link_documents
from store.session import Session
from tests.tui.conftest import open_review, screen_text, settle
from tests.tui.test_linking_panel import add_reports, link_sample, make_app
from tui.actions import ACTIONS, ActionSpec
from tui.app import ClaimdeskApp
from tui.screens.clusters import ClustersScreen
from tui.screens.merge_confirm import MergeConfirm
from tui.screens.reader import ReaderScreen
from tui.screens.review import ReviewScreen
from tui.widgets.link_text import DISAGREE_STYLE
from tui.widgets.match_panel import MatchPanel
from tui.widgets.message_line import MessageLine


def queue_ids(path: Path) -> list[str]:
    with Session(path, "checker") as session:
        return [link.id for link in review_queue(session.db, limit=10_000)]


def status_of(path: Path, link_id: str) -> str:
    with Session(path, "checker") as session:
        return get_link(session.db, link_id).status


async def test_review_queue_accept_reject_skip_undo(sample_db_path: Path) -> None:
    linked = link_sample(sample_db_path)
    queue = queue_ids(sample_db_path)
    total = len(queue)
    assert total > 5
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        assert f"{total} left" in screen_text(app)
        assert review.current is not None
        assert review.current.id == queue[0], "best first"
        # Both sides are shown with their documents and in context.
        shown = screen_text(app)
        assert "Ilmenz-Kurier" in shown
        assert "nachrichtenwerk-sued" in shown

        await pilot.press("y")
        await settle(pilot)
        assert status_of(sample_db_path, queue[0]) == "accepted"
        assert review.current is not None
        assert review.current.id == queue[1]
        assert f"{total - 1} left" in screen_text(app)

        await pilot.press("x")
        await settle(pilot)
        assert status_of(sample_db_path, queue[1]) == "rejected"
        assert f"{total - 2} left" in screen_text(app)

        skipped = review.current.id
        await pilot.press("k")
        await settle(pilot)
        assert status_of(sample_db_path, skipped) == "suggested"
        assert review.current.id != skipped
        assert f"{total - 3} left · 1 skipped" in screen_text(app)

        # Undo reverses the last decision (the reject) and shows that suggestion again.
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert status_of(sample_db_path, queue[1]) == "suggested"
        assert status_of(sample_db_path, queue[0]) == "accepted"
        assert review.current.id == queue[1]
        # The confirmation stands on the counter line a few seconds, over no text.
        counter = review.query_one("#review-counter", MessageLine)
        assert "» Undid: reject link" in screen_text(app)
        assert f"{total - 2} left" in counter.base

        # The review key again goes back to the reader.
        await pilot.press("r")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen)


COUNCIL = {
    "alpha.txt": ("Alpha Post", "The council approved 300 new flats in June. The mayor agreed."),
    "beta.txt": ("Beta Daily", "The council approved 600 new flats in July. Critics objected."),
    "gamma.txt": ("Gamma News", "In June the council approved 300 new flats. Residents cheered."),
}


def one_fact(path: Path) -> dict[str, tuple[int, int, int]]:
    """Three reports linked into one fact: 300 vs 600 flats, June vs July."""
    claims = add_reports(path, COUNCIL)
    with Session(path, "tester") as session:
        session.link_spans(claims["alpha.txt"], claims["beta.txt"])
        session.link_spans(claims["alpha.txt"], claims["gamma.txt"])
    return claims


async def show_clusters(app: ClaimdeskApp, pilot: Pilot[Any]) -> ClustersScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ClustersScreen)
    return screen


def styled(text: Text, style: str) -> set[str]:
    return {text.plain[span.start : span.end] for span in text.spans if str(span.style) == style}


async def test_clusters_screen_flags_disagreeing_numbers_and_months(sample_db_path: Path) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_clusters(app, pilot)
        assert len(screen.clusters) == 1
        shown = screen_text(app)
        assert "1 fact · 1 with disagreements" in shown
        assert "numbers differ" in shown
        assert "months differ" in shown
        for outlet in ("Alpha Post", "Beta Daily", "Gamma News"):
            assert outlet in shown
        detail = screen.query_one("#cluster-claims", Static).content
        assert isinstance(detail, Text)
        assert {"300", "600", "June", "July"} <= styled(detail, DISAGREE_STYLE)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, ClustersScreen)


async def test_clusters_screen_follows_undo(sample_db_path: Path) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_clusters(app, pilot)
        assert len(screen.clusters[0].claims) == 3
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(screen.clusters[0].claims) == 2
        assert "1 fact · 1 with disagreements" in screen_text(app)


LINK_HOLDERS: dict[str, tuple[type, ...]] = {
    "links": (ReaderScreen, MatchPanel, ReviewScreen, ClustersScreen),
    "confirm": (MergeConfirm,),
}


@pytest.mark.parametrize(
    "spec",
    [spec for spec in ACTIONS if spec.context in LINK_HOLDERS],
    ids=lambda spec: spec.id,
)
def test_every_linking_action_is_bound_with_a_handler(spec: ActionSpec) -> None:
    holders = [
        cls
        for cls in LINK_HOLDERS[spec.context]
        if any(isinstance(b, Binding) and b.id == spec.id for b in cls.__dict__["BINDINGS"])
    ]
    assert holders, f"{spec.id} is bound nowhere"
    method = "action_" + spec.action.split("(", 1)[0]
    for holder in holders:
        assert callable(getattr(holder, method, None)), f"{holder.__name__} lacks {method}"


MARKUP = (
    "The council approved [bold]300[/bold] flats [@click=app.quit]x[/] \x1b[2J today. "
    "Critics [i]objected[/i] in July."
)


async def test_markup_and_control_characters_stay_literal(sample_db_path: Path) -> None:
    claims = add_reports(
        sample_db_path,
        {
            "tricky.txt": ("[red]Outlet[/red]", MARKUP),
            "beta.txt": ("Beta Daily", COUNCIL["beta.txt"][1]),
        },
    )
    tricky, plain = claims["tricky.txt"][0], claims["beta.txt"][0]
    with Session(sample_db_path, "tester") as session:
        session.link_spans(claims["tricky.txt"], claims["beta.txt"])
        link_documents(session.db, doc_ids=[tricky, plain])
    app = make_app(sample_db_path, [tricky, plain])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        shown = screen_text(app)
        assert "[red]Outlet" in shown
        await pilot.press("c")
        await settle(pilot)
        shown = screen_text(app)
        assert "[bold]300[/bold]" in shown
        assert "[@click=app.quit]x[/]" in shown
        assert "\x1b" not in shown
        assert "[red]Outlet[/red]" in shown
        await pilot.press("c", "r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.current is not None
        shown = screen_text(app)
        assert "[i]objected[/i]" in shown
        assert "\x1b" not in shown
        assert "[red]Outlet[/red]" in shown
