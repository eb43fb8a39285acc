"""Review queue scopes, same-outlet pairs out by default, rejecting with a reason."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from claimdesk.cli import main
from store.linking.review import ReviewScope, count_review, review_items
from store.linking.suggest import link_documents
from store.model import Link
from store.session import Session
from tests.conftest import add_document_to_file
from tests.tui.conftest import open_review, screen_text, settle
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
        review = await open_review(pilot)

        def shown_pairs() -> list[tuple[int, int]]:
            links = review_items(app.session.db, review.scope_now(), 1000)
            return [(link.a_doc, link.b_doc) for link in links]

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


async def test_the_queue_is_read_off_the_screen_and_keys_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large corpus the scoped query can take seconds (1,028 real articles of one
    outlet: every row read to find no pair across outlets). The screen must show at
    once and keep taking keys while its worker reads."""
    import tui.screens.review as review_module

    path = tmp_path / "c.db"
    ids = linked(path)
    release = threading.Event()
    reads: list[bool] = []
    real_items = review_items

    def slow_items(db: Any, scope: ReviewScope, limit: int) -> list[Link]:
        on_worker = threading.current_thread() is not threading.main_thread()
        reads.append(on_worker)
        if on_worker:
            assert release.wait(30)
        return real_items(db, scope, limit)

    monkeypatch.setattr(review_module, "review_items", slow_items)
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert "reading the queue…" in screen_text(app)
        await pilot.press("o")  # a key while the read waits: the scope moves on
        await pilot.pause()
        assert "all docs" in screen_text(app)
        release.set()
        await settle(pilot)
        assert reads
        assert all(reads), "every read of the queue ran on a worker thread"
        assert review.current is not None
        text = screen_text(app)
        assert "reading the queue…" not in text
        assert "all docs" in text
        assert " left" in text
        # A decision takes the next item from those already read.
        first = review.current
        await pilot.press("k")
        await pilot.pause()
        assert review.current is not None
        assert review.current.id != first.id


def test_count_stops_at_its_cap(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    linked(path)
    with Session(path, "tester") as session:
        everything = ReviewScope(other_outlets=False)
        total = count_review(session.db, everything, 1_000)
        assert total == len(review_items(session.db, everything, 1_000)) > 2
        assert count_review(session.db, everything, 2) == 2
        skipped = {link.id for link in review_items(session.db, everything, 1)}
        assert (
            count_review(session.db, ReviewScope(other_outlets=False, skipped=skipped), 1_000)
            == total - 1
        )


async def test_clusters_are_worked_out_off_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of accepted links make clusters and their disagreements take seconds;
    the clusters screen shows at once and fills in when its worker is done."""
    from store.linking.decisions import review_queue
    from tui.screens.clusters import ClustersScreen

    path = tmp_path / "c.db"
    ids = linked(path)
    with Session(path, "tester") as session:
        session.accept_link(review_queue(session.db, limit=1)[0].id)
    release = threading.Event()
    threads: list[bool] = []
    real_clusters = Session.clusters

    def slow_clusters(self: Session) -> Any:
        on_worker = threading.current_thread() is not threading.main_thread()
        threads.append(on_worker)
        if on_worker:
            assert release.wait(30)
        return real_clusters(self)

    monkeypatch.setattr(Session, "clusters", slow_clusters)
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"]])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClustersScreen)
        assert "reading the accepted links…" in screen_text(app)
        release.set()
        await settle(pilot)
        assert threads == [True]
        text = screen_text(app)
        assert "1 fact" in text
        assert "reading" not in text


async def test_a_one_outlet_corpus_says_what_the_outlet_filter_hides(tmp_path: Path) -> None:
    """A newspaper's archive has no pair across outlets: the empty queue names how many
    pairs within one outlet it hides and the key that shows them."""
    path = tmp_path / "c.db"
    ids = {
        name: add_document_to_file(path, text, name, "Kurier") for name, _outlet, text in ARTICLES
    }
    with Session(path, "tester") as session:
        link_documents(session.db)
        within = count_review(session.db, ReviewScope(other_outlets=False), 1_000)
    assert within > 0
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        assert review.current is None
        await pilot.press("o")  # all documents: every pair of the corpus
        await settle(pilot)
        text = screen_text(app)
        assert f"0 left · {within} pairs within one outlet: O shows them · all docs" in text
        await pilot.press("O")
        await settle(pilot)
        assert review.current is not None
        assert "within one outlet" not in screen_text(app)


async def test_a_corpus_never_linked_says_link_computes_the_queue(tmp_path: Path) -> None:
    """An empty queue is "nothing left" only when there was something to decide."""
    path = tmp_path / "c.db"
    ids = {name: add_document_to_file(path, text, name, outlet) for name, outlet, text in ARTICLES}
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        assert review.current is None
        text = screen_text(app)
        assert "no suggestions here yet: claimdesk link computes them" in text
        assert "nothing left to review" not in text
    # Linked, and every suggestion of the open documents decided: nothing left.
    with Session(path, "tester") as session:
        link_documents(session.db)
        scope = ReviewScope(touching=[ids["alpha.txt"], ids["gamma.txt"]], other_outlets=False)
        for link in review_items(session.db, scope, 100):
            session.reject_link(link.id)
        assert count_review(session.db, scope, 100) == 0
    app = create_app(path, "tester", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await open_review(pilot)
        text = screen_text(app)
        assert "nothing left to review" in text
        assert "claimdesk link" not in text
