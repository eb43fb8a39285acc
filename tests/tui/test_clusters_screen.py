"""The clusters screen's layout, counts and keys, and what the merge check says is at stake."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Footer, Static

from store.linking.clusters import Claim, Disagreement, MergeCheck
from store.session import Session
from tests.tui.conftest import screen_lines, screen_text, settle
from tests.tui.test_linking_panel import add_reports, make_app, open_panel, row_of, two_facts
from tests.tui.test_linking_screens import COUNCIL, one_fact, show_clusters
from tui.screens.clusters import count_documents, count_outlets
from tui.screens.merge_confirm import MergeConfirm, merge_description
from tui.screens.reader import ReaderScreen

OUTLETS = ("Alpha Post", "Beta Daily", "Gamma News")


def _row_with_all(lines: list[str], words: tuple[str, ...]) -> bool:
    """Some row holds every word (not counting the "numbers differ: …" summary lines)."""
    return any(all(word in line for word in words) for line in lines if "differ" not in line)


async def test_versions_side_by_side_when_wide_stacked_when_narrow(sample_db_path: Path) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await show_clusters(app, pilot)
        assert screen.side_by_side
        lines = screen_lines(app)
        # One column per document: the outlets head one row, the claims stand beside.
        assert _row_with_all(lines, OUTLETS)
        assert _row_with_all(lines, ("approved 300", "approved 600"))
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not screen.side_by_side
        lines = screen_lines(app)
        assert not _row_with_all(lines, OUTLETS[:2])
        for outlet in OUTLETS:
            assert any(line.strip().startswith(f"{outlet} · ") for line in lines), outlet
        await pilot.resize_terminal(130, 40)
        await settle(pilot)
        assert screen.side_by_side
        assert _row_with_all(screen_lines(app), OUTLETS)


async def test_footer_names_the_screens_keys_and_enter_opens_the_claim(
    sample_db_path: Path,
) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_clusters(app, pilot)
        footer = screen_lines(app)[-1]
        assert "Open claim" in footer
        assert "Back" in footer
        assert screen.query_one(Footer)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        first = screen.clusters[0].claims[0]
        assert reader.pane.document.id == first.doc_id
        assert reader.view.selection == (first.start, first.end)


async def test_documents_and_outlets_are_counted_from_the_documents(sample_db_path: Path) -> None:
    # Two articles of one outlet and one of another, in one fact.
    claims = add_reports(
        sample_db_path,
        {
            "a1.txt": ("Alpha Post", COUNCIL["alpha.txt"][1]),
            "a2.txt": ("Alpha Post", COUNCIL["gamma.txt"][1]),
            "b.txt": ("Beta Daily", COUNCIL["beta.txt"][1]),
        },
    )
    with Session(sample_db_path, "tester") as session:
        session.link_spans(claims["a1.txt"], claims["b.txt"])
        session.link_spans(claims["a2.txt"], claims["b.txt"])
    app = make_app(sample_db_path, [claims["a1.txt"][0], claims["b.txt"][0]])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_clusters(app, pilot)
        found = screen.clusters[0].claims
        assert count_documents(found) == 3
        assert count_outlets(found) == 2
        row = next(line for line in screen_lines(app) if "approved" in line)
        assert row.split()[:3] == ["3", "3", "2"]


def test_a_document_without_an_outlet_counts_as_its_own() -> None:
    claims = [
        Claim(1, 0, 5, "x", "a.txt", None),
        Claim(2, 0, 5, "x", "b.txt", None),
        Claim(3, 0, 5, "x", "c.txt", "Alpha"),
        Claim(3, 9, 12, "y", "c.txt", "Alpha"),
        Claim(4, 0, 5, "x", "d.txt", "Alpha"),
    ]
    assert count_documents(claims) == 4
    assert count_outlets(claims) == 3


A = Claim(1, 0, 10, "300 flats", "a.txt", "Alpha")
B = Claim(2, 0, 10, "600 flats", "b.txt", "Beta")
NUMBERS = Disagreement("number", ((A, ("300",)), (B, ("600",))))


def test_merge_check_says_only_what_is_at_stake() -> None:
    joined = merge_description(MergeCheck(merges=True, disagreements=(NUMBERS,))).plain
    assert joined.startswith("This link joins two facts whose numbers differ (300 vs 600).")
    assert "kept apart" not in joined
    lone = merge_description(MergeCheck(merges=False, disagreements=(NUMBERS,))).plain
    assert lone.startswith("This link puts claims whose numbers differ (300 vs 600) in one fact.")
    assert "kept apart" not in lone


async def test_the_merge_question_stays_in_sight_on_a_short_terminal(
    sample_db_path: Path,
) -> None:
    # At 40x10 the dialog showed the first lines of what was at stake and neither the
    # question nor a way to scroll to it; only "y Yes n No" in the footer.
    claims = two_facts(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(pilot)
        check = MergeCheck(merges=True, disagreements=(NUMBERS, NUMBERS, NUMBERS))
        app.push_screen(MergeConfirm(check))
        await settle(pilot)
        assert "Accept the link anyway?" in screen_text(app)
        assert "Who states what" not in screen_text(app)
        await pilot.press("down", "down", "down", "down", "down")
        await settle(pilot)
        assert "Who states what" in screen_text(app)
        assert "Accept the link anyway?" in screen_text(app)


async def test_merge_dialog_names_an_overridden_rejection(sample_db_path: Path) -> None:
    claims = two_facts(sample_db_path)
    alpha, beta = claims["alpha.txt"], claims["beta.txt"]
    with Session(sample_db_path, "tester") as session:
        rejected = session.link_spans(claims["gamma.txt"], claims["delta.txt"], status="rejected")
    app = make_app(sample_db_path, [alpha[0], beta[0]])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = await open_panel(pilot, app, alpha[1] + 3)
        panel.table.move_cursor(row=row_of(panel, beta[0], beta[1]))
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MergeConfirm)
        content = app.screen.query_one("#merge-text", Static).content
        assert isinstance(content, Text)
        shown = content.plain
        assert "overrides 1 rejected link: claims annotators kept apart" in shown
        assert "numbers differ (300 vs 600)" in shown
        assert "Rejected earlier by tester" in shown
        assert "Rejected earlier by tester" in screen_text(app)  # on screen, not only held
        assert rejected.status == "rejected"
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, MergeConfirm)
