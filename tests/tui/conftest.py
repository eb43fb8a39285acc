"""Fixtures for driving the app: small file databases and reading what the screen shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from store.session import Session
from tests.conftest import add_document_to_file
from tui.screens.review import ReviewScreen

ARTICLE_A = (
    "The council approved 300 new flats on Monday. The mayor said the plan was overdue.\n"
    "\n"
    "Opponents warned of traffic. A vote on the budget follows in June.\n"
    "\n"
    "Residents can comment until Friday."
)
ARTICLE_B = (
    "Six hundred flats will be built, the council decided. Critics fear more traffic.\n"
    "\n"
    "Markup-looking text stays literal: [bold]not bold[/bold], [@click=app.quit]click[/], [/i].\n"
    "Escapes too: \x1b[2J cleared? \x1b]0;title\x07 and \x1b]52;c;aGk=\x07 end."
)


class Corpus:
    """A file database with two documents, as the app would open it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.a = add_document_to_file(path, ARTICLE_A, "council-a.txt", "Alpha Post")
        self.b = add_document_to_file(path, ARTICLE_B, "council-b.txt", "Beta Daily")

    def session(self, annotator: str = "tester") -> Session:
        return Session(self.path, annotator)

    def add(self, text: str, name: str, outlet: str = "Gamma") -> int:
        return add_document_to_file(self.path, text, name, outlet)


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return Corpus(tmp_path / "claimdesk.db")


def screen_lines(app: App[Any]) -> list[str]:
    """The characters currently on the app's screen, one string per row."""
    # The compositor is what the terminal receives; reading it is the closest a test gets
    # to "what the user sees" without a real terminal.
    strips = app.screen._compositor.render_strips()
    return [strip.text for strip in strips]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the app's store workers have finished and their messages are handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_review(pilot: Pilot[Any]) -> ReviewScreen:
    """Press the review key in the reader and wait for the review screen's queue."""
    await pilot.press("r")
    await settle(pilot)
    review = pilot.app.screen
    assert isinstance(review, ReviewScreen)
    return review
