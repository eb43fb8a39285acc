"""The review queue against other annotators and against fast keys.

Two annotators with one suggestion on screen: the second decision overwrote the first
and nobody was told. A burst of rejections on a large queue lost keys to "Nothing left
to review" while the next items were being read, and left the counter short by the
decisions made during each read.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events

from store.db import connect, write
from store.linking.decisions import get_link
from store.linking.review import ReviewScope, count_review, review_items
from store.model import Link
from store.session import Session
from tests.conftest import add_document_to_file
from tests.tui.conftest import open_review, screen_text, settle
from tests.tui.test_review_scopes import linked
from tui.app import ClaimdeskApp, create_app
from tui.screens.merge_confirm import MergeConfirm
from tui.screens.review import BUFFER, COUNT_LIMIT, ReviewScreen
from tui.widgets.message_line import MessageLine


def notices(app: ClaimdeskApp, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every notification the app is asked for, as (message, markup), kept after the
    toast is gone."""
    seen: list[tuple[str, bool]] = []
    real = app.notify

    def spy(message: str, *args: Any, markup: bool = True, **kwargs: Any) -> None:
        seen.append((str(message), markup))
        real(message, *args, markup=markup, **kwargs)

    monkeypatch.setattr(app, "notify", spy)
    return seen


def without_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the app from noticing other processes' commits: a store poll runs once a
    second, and what is tested is a key pressed before the next poll."""
    monkeypatch.setattr(ClaimdeskApp, "poll_store", lambda self: None)


def left(path: Path, scope: ReviewScope) -> int:
    with Session(path, "checker") as session:
        return count_review(session.db, scope, COUNT_LIMIT + 1)


async def test_a_link_decided_elsewhere_since_it_was_shown_keeps_that_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "alice", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    said = notices(app, monkeypatch)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        shown = review.current
        assert shown is not None
        with Session(path, "bob") as bob:
            bob.accept_link(shown.id)
        assert review.current is shown, "the screen has not seen Bob's accept"
        await pilot.press("x")
        await settle(pilot)
        kept = get_link(app.session.db, shown.id)
        assert (kept.status, kept.annotator) == ("accepted", "bob")
        refusals = [(text, markup) for text, markup in said if "already" in text]
        assert len(refusals) == 1
        text, markup = refusals[0]
        assert text.startswith("bob already accepted the link “")
        assert text.endswith("; showing the next one")
        assert markup is False
        assert shown.id not in review.decided, "not counted as Alice's decision"
        assert review.current is not None
        assert review.current.id != shown.id
        # Said on the counter line, not in a toast over the next pair's text; the count
        # comes back when the message has had its seconds.
        counter = review.query_one("#review-counter", MessageLine)
        assert counter.message.startswith("bob already accepted the link")
        assert "» bob already accepted" in screen_text(app)
        assert not app._notifications
        assert f"{left(path, review.scope_now())} left" in counter.base

        # The accept key the same way: Bob rejected the next one meanwhile.
        shown = review.current
        with Session(path, "bob") as bob:
            bob.reject_link(shown.id)
        await pilot.press("y")
        await settle(pilot)
        # Accepting over a rejection asks first (the merge check reads the store afresh);
        # Bob's reject wins even over a yes given to that question.
        assert isinstance(app.screen, MergeConfirm)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is review
        kept = get_link(app.session.db, shown.id)
        assert (kept.status, kept.annotator) == ("rejected", "bob")
        text, markup = said[-1]
        assert text.startswith("bob already rejected the link “")
        assert text.endswith("; showing the next one")
        assert markup is False
        assert review.current is not None
        assert review.current.id != shown.id
        # Nothing of Alice's to undo: both of Bob's decisions stand.
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert get_link(app.session.db, shown.id).status == "rejected"


async def test_a_pair_decided_elsewhere_stays_on_screen_until_a_key_moves_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bob's screen re-read the queue after Alice's accept and put the next pair where he
    # was reading, without a word; his reject, meant for the pair he had read, landed on
    # one he had never seen.
    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "bob", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        read = review.current
        assert read is not None
        with Session(path, "alice") as alice:
            alice.accept_link(read.id)
        review.reload()  # what a poll does on another process's commit
        await settle(pilot)
        assert review.current is not None
        assert review.current.id == read.id
        assert "alice already accepted this pair: a key moves on" in screen_text(app)
        before = {link.id: link.status for link in review.buffer}
        await pilot.press("x")
        await settle(pilot)
        kept = get_link(app.session.db, read.id)
        assert (kept.status, kept.annotator) == ("accepted", "alice")
        assert all(get_link(app.session.db, i).status == s for i, s in before.items())
        assert review.current is not None
        assert review.current.id != read.id
        assert "a key moves on" not in screen_text(app)
        # The next key decides the pair now shown.
        now = review.current
        await pilot.press("x")
        await settle(pilot)
        assert get_link(app.session.db, now.id).status == "rejected"


async def test_a_pair_decided_elsewhere_then_undone_is_decided_by_the_next_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alice's accept, then her undo: the screen still said "alice already accepted this
    # pair" and took Bob's next key for a move on, with a false toast.
    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "bob", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        read = review.current
        assert read is not None
        with Session(path, "alice") as alice:
            alice.accept_link(read.id)
            review.reload()
            await settle(pilot)
            assert "alice already accepted this pair" in screen_text(app)
            assert alice.undo() == "accept link"
        review.reload()
        await settle(pilot)
        assert "a key moves on" not in screen_text(app)
        assert review.current is not None
        assert review.current.id == read.id
        await pilot.press("x")
        await settle(pilot)
        kept = get_link(app.session.db, read.id)
        assert (kept.status, kept.annotator) == ("rejected", "bob")


async def test_keys_typed_with_the_merge_answer_do_not_decide_the_next_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `y y` in one read: the first answered the merge question, the second accepted the
    # next pair of the queue, which Alice had never seen.
    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "alice", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        await pilot.press("x")
        await settle(pilot)
        shown = review.current
        assert shown is not None
        with Session(path, "bob") as bob:
            bob.reject_link(shown.id)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MergeConfirm)
        app.post_message(events.Key("y", "y"))
        app.post_message(events.Key("y", "y"))
        await settle(pilot)
        assert app.screen is review
        following = review.current
        assert following is not None
        assert following.id != shown.id
        assert get_link(app.session.db, following.id).status == "suggested"
        assert "Keys typed with the answer were ignored" in screen_text(app)


def big_queue(path: Path, sentences: int) -> tuple[int, int]:
    """Two reports from two outlets with ``sentences`` sentences each, every pair of
    their sentences stored as a suggestion (``sentences ** 2`` of them), distinct scores."""
    docs = [
        add_document_to_file(
            path,
            " ".join(
                f"The {outlet} report states fact number {i} plainly." for i in range(sentences)
            ),
            f"{outlet.lower()}.txt",
            outlet,
        )
        for outlet in ("Alpha", "Beta")
    ]
    db = connect(path)
    try:
        sides = [
            db.conn.execute(
                'SELECT start, "end" FROM sentences WHERE doc_id = ? ORDER BY start', [doc]
            ).fetchall()
            for doc in docs
        ]
        assert len(sides[0]) == len(sides[1]) == sentences
        rows = [
            (docs[0], *a, docs[1], *b, 0.9 - number / 10_000, "test")
            for number, (a, b) in enumerate((a, b) for a in sides[0] for b in sides[1])
        ]
        with write(db):
            db.conn.executemany("INSERT INTO suggestions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        db.close()
    return docs[0], docs[1]


async def test_a_burst_of_rejections_stores_each_and_counts_down_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.screens.review as review_module

    path = tmp_path / "c.db"
    docs = big_queue(path, 20)
    presses = 3 * BUFFER
    # On a large corpus a read of the queue takes a while; here every read takes 0.2 s,
    # before and after its count, so the keys outrun the items read.
    real_items, real_count = review_items, count_review

    def slow_items(db: Any, scope: ReviewScope, limit: int) -> list[Link]:
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.2)
        return real_items(db, scope, limit)

    def slow_count(db: Any, scope: ReviewScope, cap: int) -> int:
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.2)
        return real_count(db, scope, cap)

    monkeypatch.setattr(review_module, "review_items", slow_items)
    monkeypatch.setattr(review_module, "count_review", slow_count)
    app = create_app(path, "tester", doc_ids=list(docs))
    said = notices(app, monkeypatch)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        assert isinstance(review, ReviewScreen)
        total = left(path, review.scope_now())
        assert total == 400
        assert f"{total} left" in screen_text(app)
        # Queued at once in groups, as a held-down key delivers them: no refresh between.
        for _group in range(presses // 10):
            for _ in range(10):
                app.post_message(events.Key("x", "x"))
            await pilot.pause(0.05)
        for _ in range(100):
            await settle(pilot)
            if not review.reading:
                break
        with Session(path, "checker") as session:
            rejected = session.db.conn.execute(
                "SELECT count(*) FROM links WHERE status = 'rejected' AND annotator = 'tester'"
            ).fetchone()[0]
        assert rejected == presses
        assert not [text for text, _markup in said if "Nothing left" in text]
        remaining = left(path, review.scope_now())
        assert remaining == total - presses
        assert review.remaining == remaining
        assert f"{remaining} left" in screen_text(app)


async def test_keys_typed_while_a_decision_was_failing_are_dropped_not_moved_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another writer held the database past the reader's wait: the accept failed after
    # the freeze, and the `-` typed meanwhile (meant for the next pair) rejected the pair
    # that had just failed to be accepted.
    from store.errors import StoreBusy

    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "alice", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    said = notices(app, monkeypatch)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        shown = review.current
        assert shown is not None

        def locked(*_args: Any, **_kwargs: Any) -> Link:
            time.sleep(0.3)
            raise StoreBusy(f"{path}: database is locked by another writer; try again")

        monkeypatch.setattr(app.session, "accept_link", locked)
        monkeypatch.setattr(app.session, "merge_conflicts", lambda _id: "no conflict")
        monkeypatch.setattr("tui.screens.review.accept_checked", _accept_at_once)
        app.post_message(events.Key("plus", "+"))
        app.post_message(events.Key("minus", "-"))
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        kept = get_link(app.session.db, shown.id)
        assert kept.status == "suggested", said
        assert review.current is not None
        assert review.current.id == shown.id
        texts = [text for text, _markup in said]
        assert any("locked by another writer" in text for text in texts)
        assert "Keys typed while that change was failing were ignored" in texts
        # A key typed after the failure acts again.
        await pilot.press("minus")
        await settle(pilot)
        assert get_link(app.session.db, shown.id).status == "rejected"


def _accept_at_once(claimdesk: Any, _check: Any, decide: Any, after: Any) -> None:
    after(claimdesk.attempt(decide))


async def test_a_capped_count_stays_a_lower_bound_as_it_counts_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past 10,000 the queue said "10000+ left"; after 60 decisions "9982 left", while
    # 199,900 remained: the capped count was counted down as if it were exact.
    import tui.screens.review as review_module

    path = tmp_path / "c.db"
    docs = big_queue(path, 6)
    monkeypatch.setattr(review_module, "COUNT_LIMIT", 10)
    without_polling(monkeypatch)
    app = create_app(path, "tester", doc_ids=list(docs))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        assert "10+ left" in screen_text(app)
        await pilot.press("x", "x", "x")
        await settle(pilot)
        assert "8+ left" in screen_text(app)
        # A fresh read counts again: 33 left, still past the cap.
        review.reload()
        await settle(pilot)
        assert "10+ left" in screen_text(app)


async def test_keys_typed_while_an_undo_was_failing_are_dropped_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An undo failing on a locked database did not drop the keys typed during its freeze:
    # the `-` meant for the pair it would bring back rejected the next one.
    from store.errors import StoreBusy

    path = tmp_path / "c.db"
    ids = linked(path)
    without_polling(monkeypatch)
    app = create_app(path, "alice", doc_ids=[ids["alpha.txt"], ids["gamma.txt"]])
    said = notices(app, monkeypatch)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        review = await open_review(pilot)
        shown = review.current
        assert shown is not None

        def locked() -> str:
            time.sleep(0.3)
            raise StoreBusy(f"{path}: database is locked by another writer; try again")

        monkeypatch.setattr(app.session, "undo", locked)
        app.post_message(events.Key("ctrl+z", None))
        app.post_message(events.Key("minus", "-"))
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert get_link(app.session.db, shown.id).status == "suggested"
        assert "Keys typed while that change was failing were ignored" in [t for t, _m in said]
