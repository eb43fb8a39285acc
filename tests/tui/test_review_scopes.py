"""Review queue scopes, same-outlet pairs out by default, rejecting with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from claimdesk.cli import main
from store.linking.suggest import link_documents
from store.session import Session
from tests.conftest import add_document_to_file
from tests.tui.conftest import screen_text, settle
from tui.app import create_app
from tui.screens.review import ReviewScreen

ARTICLES = [
    ("alpha.txt", "Kurier", "The council approved 300 new flats in June. The mayor agreed."),
    ("beta.txt", "Kurier", "The council approved 300 new flats in June. Critics objected."),
    ("gamma.txt", "Post", "In June the council approved 600 new flats. Residents cheered."),
    ("delta.txt", "Wire", "The council approved 300 new flats in June, the agency said."),
]


def linked(path: Path) -> dict[str, int]:
    ids = {name: add_document_to_file(path, text, name, outlet) for name, outlet, text in ARTICLES}
    with Session(path, "tester") as session:
        link_documents(session.db)
    return ids


async def test_scopes_outlets_and_reasons(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ids = linked(path)
    outlet_of = {ids[name]: outlet for name, outlet, _ in ARTICLES}
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)

        def shown_pairs() -> list[tuple[int, int]]:
            return [(link.a_doc, link.b_doc) for link in review._undecided(1000)]

        # Open documents, other outlets only: every pair touches alpha or gamma, none
        # pairs two Kurier articles.
        pairs = shown_pairs()
        assert pairs
        assert all({ids["alpha.txt"], ids["gamma.txt"]} & {a, b} for a, b in pairs)
        assert all(outlet_of[a] != outlet_of[b] for a, b in pairs)
        assert "open docs · other outlets" in screen_text(app)

        await pilot.press("O")  # same-outlet pairs back in
        await settle(pilot)
        assert any(outlet_of[a] == outlet_of[b] for a, b in shown_pairs())
        await pilot.press("O")

        await pilot.press("o")  # all documents
        await settle(pilot)
        assert "all docs" in screen_text(app)
        assert any({ids["beta.txt"], ids["delta.txt"]} == {a, b} for a, b in shown_pairs())
        await pilot.press("o")  # this document (the reader's active one: alpha)
        await settle(pilot)
        assert all(ids["alpha.txt"] in (a, b) for a, b in shown_pairs())

        rejected = review.current
        assert rejected is not None
        await pilot.press("2")
        await settle(pilot)
    with Session(path, "tester") as session:
        row = session.db.conn.execute(
            "SELECT status, reason FROM links WHERE id = ?", [rejected.id]
        ).fetchone()
    assert row == ("rejected", "different-figure")
    out = tmp_path / "pairs"
    export = ["--db", str(path), "export", "--format", "pairs", "--with-meta", "-o", str(out)]
    assert main(export) == 0
    reasons = [
        json.loads(line).get("reason")
        for split in out.glob("*.jsonl")
        for line in split.read_text(encoding="utf-8").splitlines()
    ]
    assert "different-figure" in reasons


async def test_enter_in_clusters_opens_the_claim_in_the_reader(tmp_path: Path) -> None:
    from store.linking.decisions import review_queue
    from tui.screens.clusters import ClustersScreen
    from tui.screens.reader import ReaderScreen

    path = tmp_path / "c.db"
    ids = linked(path)
    with Session(path, "tester") as session:
        best = review_queue(session.db, limit=1)[0]
        session.accept_link(best.id)
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"]])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ClustersScreen)
        assert "⏎ opens the claim" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert sorted(reader.doc_ids) == sorted({best.a_doc, best.b_doc})
        selected = (reader.pane.document.id, *(reader.view.selection or (0, 0)))
        assert selected in {
            (best.a_doc, best.a_start, best.a_end),
            (best.b_doc, best.b_start, best.b_end),
        }


def test_merge_check_names_only_what_is_at_stake() -> None:
    from store.linking.clusters import Claim, Disagreement, MergeCheck
    from tui.screens.merge_confirm import merge_description

    a = Claim(1, 0, 10, "300 flats", "a.txt", "Alpha")
    b = Claim(2, 0, 10, "600 flats", "b.txt", "Beta")
    numbers = Disagreement("number", ((a, ("300",)), (b, ("600",))))
    only_numbers = merge_description(MergeCheck(merges=False, disagreements=(numbers,))).plain
    assert only_numbers.startswith("This link puts claims whose numbers differ (300 vs 600)")
    assert "kept apart" not in only_numbers
    joined = merge_description(MergeCheck(merges=True)).plain
    assert joined.startswith("This link joins two facts (clusters) into one.")
