"""The match panel in the reader: matches of the claim under the cursor, choose, accept, reject.

Runs on the sample corpus (two German day-one reports of the Kressbrunn flood)
with suggestions computed through ``store`` in the setup, as ``claimdesk link``
would have stored them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from store.linking.decisions import find_link, get_link, review_queue
from store.linking.suggest import LinkReport, link_documents
from store.session import Session
from tests.conftest import add_document_to_file
from tests.tui.conftest import screen_text, settle
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap
from tui.screens.merge_confirm import MergeConfirm
from tui.screens.reader import ReaderScreen
from tui.widgets import match_panel
from tui.widgets.match_panel import MatchPanel

KURIER = "kurier-tag1-evakuierung.txt"
NWS = "nws-tag1-regen.txt"
CLAIM = "Die Räumung betrifft"
PARTNER = "KRESSBRUNN (nws) – Nach tagelangem"


@dataclass
class Linked:
    path: Path
    a: int
    b: int
    claim: tuple[int, int]
    partner: tuple[int, int]


def sentence_with(session: Session, doc_id: int, words: str) -> tuple[int, int]:
    text = session.document(doc_id).text
    offset = text.index(words)
    for sentence in session.sentences(doc_id):
        if sentence.start <= offset < sentence.end:
            return sentence.start, sentence.end
    raise AssertionError(f"no sentence holds {words!r}")


def link_sample(path: Path, compute: bool = True) -> Linked:
    """The two reports' ids and the claim/partner sentences; suggestions stored if asked."""
    with Session(path, "tester") as session:
        a = session.find_document(KURIER).id
        b = session.find_document(NWS).id
        if compute:
            link_documents(session.db, doc_ids=[a, b])
        return Linked(
            path, a, b, sentence_with(session, a, CLAIM), sentence_with(session, b, PARTNER)
        )


def make_app(path: Path, doc_ids: list[int]) -> ClaimdeskApp:
    return create_app(path, "tester", doc_ids=doc_ids, keymap=load_keymap("default"))


def reader_of(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def open_panel(pilot: Pilot[int], app: ClaimdeskApp, offset: int) -> MatchPanel:
    reader = reader_of(app)
    reader.view.set_cursor(offset)
    await pilot.press("m")
    await settle(pilot)
    return reader.query_one(MatchPanel)


@contextlib.asynccontextmanager
async def panel_open(
    path: Path, *, size: tuple[int, int] = (160, 30), linked: Linked | None = None
) -> AsyncIterator[tuple[Pilot[int], ClaimdeskApp, Linked, MatchPanel]]:
    """The two reports side by side in a running app, the match panel open on the claim."""
    linked = linked or link_sample(path)
    app = make_app(path, [linked.a, linked.b])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot, app, linked, await open_panel(pilot, app, linked.claim[0] + 3)


async def follow_to_next_sentence(
    pilot: Pilot[int], reader: ReaderScreen, after: int
) -> tuple[int, int]:
    """Move the text's cursor into the first sentence starting at or after ``after`` and
    wait for the panel to follow it; that sentence's (start, end)."""
    reader.view.focus()
    await pilot.pause()
    following = next(s for s in reader.view.sentences if s[0] >= after)
    reader.view.set_cursor(following[0] + 2)
    await pilot.pause(0.3)
    await settle(pilot)
    return following


def row_of(panel: MatchPanel, doc_id: int, start: int) -> int:
    for row, suggestion in enumerate(panel.suggestions):
        if suggestion.doc_id == doc_id and suggestion.start == start:
            return row
    raise AssertionError(f"no match at {doc_id}:{start} in {panel.suggestions}")


async def test_panel_lists_matches_of_the_sentence_under_the_cursor(sample_db_path: Path) -> None:
    async with panel_open(sample_db_path) as (pilot, app, linked, panel):
        assert panel.source == (linked.a, *linked.claim)
        assert panel.suggestions, "no matches listed"
        assert {s.doc_id for s in panel.suggestions} == {linked.b}
        best = panel.suggestions[0]
        assert (best.start, best.end) == linked.partner
        assert best.link_id is not None, "stored suggestion carries its link id"
        scores = [s.score for s in panel.suggestions]
        assert scores == sorted(scores, reverse=True)
        shown = screen_text(app)
        assert "KRESSBRUNN (nws)" in shown
        assert f"{best.score:.2f}" in shown
        # The panel follows the cursor: the next sentence gets its own matches.
        following = await follow_to_next_sentence(pilot, reader_of(app), linked.claim[1])
        assert panel.source == (linked.a, *following)
        assert panel.suggestions
        assert panel.suggestions[0].quote != best.quote


async def test_choosing_a_match_scrolls_the_other_pane_and_marks_both(
    sample_db_path: Path,
) -> None:
    async with panel_open(sample_db_path, size=(160, 24)) as (pilot, app, linked, panel):
        other = reader_of(app).panes[1].view
        assert other.scroll_offset.y == 0
        deepest = max(panel.suggestions, key=lambda s: s.start)
        panel.table.move_cursor(row=row_of(panel, linked.b, deepest.start))
        await pilot.press("enter")
        await pilot.pause()
        assert other.selection == (deepest.start, deepest.end)
        assert other.cursor == deepest.end
        assert other.scroll_offset.y > 0, "the other pane scrolled to the match"
        assert reader_of(app).panes[0].view.selection == linked.claim


async def test_accept_creates_the_link_and_undo_reverses_it(sample_db_path: Path) -> None:
    async with panel_open(sample_db_path) as (pilot, app, linked, panel):
        panel.table.move_cursor(row=row_of(panel, linked.b, linked.partner[0]))
        await pilot.press("y")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            link = find_link(session.db, (linked.a, *linked.claim), (linked.b, *linked.partner))
            assert link is not None
            assert link.status == "accepted"
            assert link.annotator == "tester"
            for side in ("a", "b"):
                doc = getattr(link, f"{side}_doc")
                start, end = getattr(link, f"{side}_start"), getattr(link, f"{side}_end")
                assert session.document(doc).text[start:end] == getattr(link, f"{side}_quote")
            assert {(link.a_doc, link.a_start), (link.b_doc, link.b_start)} == {
                (linked.a, linked.claim[0]),
                (linked.b, linked.partner[0]),
            }
        assert "✓ yes" in screen_text(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            again = get_link(session.db, link.id)
            assert again.status == "suggested"


async def test_accept_in_a_span_marks_the_partner_with_the_same_label(
    sample_db_path: Path,
) -> None:
    linked = link_sample(sample_db_path)
    with Session(sample_db_path, "tester") as session:
        label = session.labels()[0].name
        session.add_span(linked.a, *linked.claim, label)
        assert session.spans(linked.b) == []
    async with panel_open(sample_db_path, linked=linked) as (pilot, _app, linked, panel):
        assert panel.source_label == label
        panel.table.move_cursor(row=row_of(panel, linked.b, linked.partner[0]))
        await pilot.press("y")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            made = session.spans(linked.b)
            assert [(s.start, s.end, s.label) for s in made] == [(*linked.partner, label)]
            link = find_link(session.db, (linked.a, *linked.claim), (linked.b, *linked.partner))
            assert link is not None
            assert link.b_span == made[0].id
        await pilot.press("ctrl+z")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            assert session.spans(linked.b) == []


async def test_reject_marks_the_link_rejected(sample_db_path: Path) -> None:
    async with panel_open(sample_db_path) as (pilot, _app, _linked, panel):
        second = panel.suggestions[1]
        panel.table.move_cursor(row=1)
        await pilot.press("x")
        await settle(pilot)
        assert panel.suggestions[1].status == "rejected"
        with Session(sample_db_path, "checker") as session:
            assert second.link_id is not None
            assert get_link(session.db, second.link_id).status == "rejected"
            first = panel.suggestions[0].link_id
            assert first is not None
            assert get_link(session.db, first).status == "suggested"


async def test_panel_computes_suggestions_when_none_are_stored(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = link_sample(sample_db_path, compute=False)
    with Session(sample_db_path, "checker") as session:
        assert review_queue(session.db, limit=1) == []
    release = threading.Event()

    def held_back(db: Any, **options: Any) -> LinkReport:
        # The test reads the screen while the worker is still computing.
        assert release.wait(30)
        return link_documents(db, **options)

    monkeypatch.setattr(match_panel, "link_documents", held_back)
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        reader_of(app).view.set_cursor(linked.claim[0] + 3)
        await pilot.press("m")
        await pilot.pause()
        panel = reader_of(app).query_one(MatchPanel)
        assert panel.computing
        assert "computing suggestions" in screen_text(app)
        release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not panel.computing
        assert "computing" not in screen_text(app)
        assert panel.suggestions[0].link_id is not None
        with Session(sample_db_path, "checker") as session:
            assert len(review_queue(session.db, limit=1000, doc_ids=[linked.a, linked.b])) > 10


# Merge check --------------------------------------------------------------------------

FACTS = {
    "alpha.txt": ("Alpha Post", "The council approved 300 new flats on Monday. The mayor agreed."),
    "beta.txt": ("Beta Daily", "The council approved 600 new flats on Monday. Critics objected."),
    "gamma.txt": ("Gamma News", "On Monday the council approved 300 new flats. Residents cheered."),
    "delta.txt": ("Delta Wire", "On Monday the council approved 600 new flats. Traffic worries."),
}


def first_sentence(session: Session, doc_id: int) -> tuple[int, int, int]:
    sentence = session.sentences(doc_id)[0]
    return doc_id, sentence.start, sentence.end


def add_reports(path: Path, reports: dict[str, tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Each report (name → outlet, text) as a document; its first sentence is its claim."""
    ids = {
        name: add_document_to_file(path, text, name, outlet)
        for name, (outlet, text) in reports.items()
    }
    with Session(path, "tester") as session:
        return {name: first_sentence(session, doc_id) for name, doc_id in ids.items()}


def two_facts(path: Path) -> dict[str, tuple[int, int, int]]:
    """Four reports: 300 flats (alpha, gamma) and 600 flats (beta, delta), linked in pairs."""
    claims = add_reports(path, FACTS)
    with Session(path, "tester") as session:
        session.link_spans(claims["alpha.txt"], claims["gamma.txt"])
        session.link_spans(claims["beta.txt"], claims["delta.txt"])
        link_documents(session.db, doc_ids=[claims["alpha.txt"][0], claims["beta.txt"][0]])
    return claims


async def test_merge_confirmation_cancel_leaves_the_store_unchanged(sample_db_path: Path) -> None:
    claims = two_facts(sample_db_path)
    alpha, beta = claims["alpha.txt"], claims["beta.txt"]
    app = make_app(sample_db_path, [alpha[0], beta[0]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        panel = await open_panel(pilot, app, alpha[1] + 3)
        panel.table.move_cursor(row=row_of(panel, beta[0], beta[1]))
        with Session(sample_db_path, "checker") as session:
            before = session.clusters()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MergeConfirm)
        shown = screen_text(app)
        assert "joins two facts" in shown
        assert "numbers differ" in shown
        assert "300" in shown
        assert "600" in shown
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        with Session(sample_db_path, "checker") as session:
            assert session.clusters() == before
            link = find_link(session.db, alpha, beta)
            assert link is not None
            assert link.status == "suggested"
        # Confirming makes the link: the two facts become one.
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MergeConfirm)
        await pilot.press("y")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            merged = session.clusters()
            assert len(merged) == 1
            assert len(merged[0].claims) == 4


async def test_choosing_at_80_columns_shows_the_match_pane_and_back(sample_db_path: Path) -> None:
    """One pane shows at a time: choosing shows the match's pane, choosing again the claim's."""
    async with panel_open(sample_db_path, size=(80, 24)) as (pilot, app, linked, panel):
        reader = reader_of(app)
        assert reader.narrow
        panel.table.move_cursor(row=row_of(panel, linked.b, linked.partner[0]))
        await pilot.press("enter")
        await pilot.pause()
        assert reader.pane.document.id == linked.b
        assert "nachrichtenwerk-sued" in screen_text(app).split("Matches")[0]
        assert panel.table.has_focus
        await pilot.press("enter")
        await pilot.pause()
        assert reader.pane.document.id == linked.a
        assert "Ilmenz-Kurier" in screen_text(app).split("Matches")[0]


async def test_escape_in_the_panel_closes_it_and_returns_to_the_text(sample_db_path: Path) -> None:
    async with panel_open(sample_db_path) as (pilot, app, linked, panel):
        assert panel.table.has_focus
        reader = reader_of(app)
        reader.view.select_range(*linked.claim)
        await pilot.press("escape")
        await settle(pilot)
        assert not reader.query(MatchPanel)
        assert reader.view.has_focus
        assert reader.panel_open is False
        # The escape closed the panel only: the selection in the text is still there.
        assert reader.view.selection == linked.claim
        # In the text, escape is the reader's own again (clear the selection).
        await pilot.press("escape")
        await pilot.pause()
        assert reader.view.selection is None


async def test_choosing_a_match_in_a_pane_not_shown_brings_it_beside_the_claim(
    sample_db_path: Path,
) -> None:
    """Six reports at 160 columns show three panes; the match's pane joins the claim's."""
    linked = link_sample(sample_db_path)
    with Session(sample_db_path, "tester") as session:
        others = [d.id for d in session.documents() if d.id not in (linked.a, linked.b)][:4]
    app = make_app(sample_db_path, [linked.a, *others, linked.b])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = reader_of(app)
        b_pane = len(reader.panes) - 1
        assert not reader.panes[b_pane].display
        panel = await open_panel(pilot, app, linked.claim[0] + 3)
        panel.table.move_cursor(row=row_of(panel, linked.b, linked.partner[0]))
        await pilot.press("enter")
        await pilot.pause()
        assert reader.panes[0].display
        assert reader.panes[b_pane].display
        assert sum(pane.display for pane in reader.panes) == 3
        view = reader.panes[b_pane].view
        assert (view.mark, view.cursor) == linked.partner
        assert panel.table.has_focus


async def test_rejecting_a_match_decided_elsewhere_since_it_was_listed_keeps_that_decision(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The panel acted on the status its row showed: a match another annotator accepted
    # after the row was drawn was overwritten by this annotator's reject, unannounced.
    monkeypatch.setattr(ClaimdeskApp, "poll_store", lambda self: None)
    async with panel_open(sample_db_path) as (pilot, app, _linked, panel):
        shown = panel.suggestions[1]
        assert shown.link_id is not None
        assert shown.status in (None, "suggested")
        with Session(sample_db_path, "bob") as bob:
            accepted = bob.accept_link(shown.link_id)
        told: list[str] = []
        real = app.notify
        monkeypatch.setattr(
            app,
            "notify",
            lambda message, *a, **k: (told.append(str(message)), real(message, *a, **k)),
        )
        panel.table.move_cursor(row=1)
        await pilot.press("x")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            assert get_link(session.db, accepted.id).status == "accepted"
            assert get_link(session.db, accepted.id).annotator == "bob"
        assert any(message.startswith("bob already accepted") for message in told)


async def test_overturning_another_annotators_decision_takes_the_key_twice(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One `+` on a row showing dave's rejection replaced it with this annotator's
    # acceptance, dave's name gone from the link, and said only "Link accepted".
    async with panel_open(sample_db_path) as (pilot, app, _linked, panel):
        shown = panel.suggestions[1]
        assert shown.link_id is not None
        with Session(sample_db_path, "dave") as dave:
            dave.reject_link(shown.link_id)
        panel.reload()
        await settle(pilot)
        assert panel.suggestions[1].status == "rejected"
        told: list[str] = []
        real = app.notify
        monkeypatch.setattr(
            app,
            "notify",
            lambda message, *a, **k: (told.append(str(message)), real(message, *a, **k)),
        )
        panel.table.move_cursor(row=1)
        await pilot.press("x")
        await settle(pilot)
        # Rejecting it again changes nothing, not even the name on the decision.
        with Session(sample_db_path, "checker") as session:
            assert get_link(session.db, shown.link_id).annotator == "dave"
        assert told[-1] == "dave already rejected this link"
        await pilot.press("plus")
        await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            kept = get_link(session.db, shown.link_id)
        assert (kept.status, kept.annotator) == ("rejected", "dave")
        assert told[-1] == (
            "dave rejected this link: the same key again accepts it over their decision"
        )
        panel.table.move_cursor(row=1)
        await pilot.press("plus")
        await settle(pilot)
        if isinstance(app.screen, MergeConfirm):
            await pilot.press("y")
            await settle(pilot)
        with Session(sample_db_path, "checker") as session:
            assert get_link(session.db, shown.link_id).status == "accepted"


async def test_a_store_poll_reaching_a_panel_without_its_table_leaves_it_alone(
    sample_db_path: Path,
) -> None:
    # Closing the panel removes its table before the panel; a store poll in between (seen
    # under load in CI, end to end) stopped the app on NoMatches '#match-table'.
    async with panel_open(sample_db_path) as (pilot, app, _linked, panel):
        await panel.table.remove()
        reader_of(app).reload()
        await settle(pilot)
        assert app.is_running
        assert panel.suggestions
