"""The review queue against other annotators.

Two annotators with one suggestion on screen: the second decision overwrote the first
and nobody was told.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.linking.decisions import get_link
from store.linking.review import ReviewScope, count_review
from store.session import Session
from tests.tui.conftest import open_review, screen_text, settle
from tests.tui.test_review_scopes import linked
from tui.app import ClaimdeskApp, create_app
from tui.screens.merge_confirm import MergeConfirm
from tui.screens.review import COUNT_LIMIT


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
        assert f"{left(path, review.scope_now())} left" in screen_text(app)

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
