"""Work the TUI does in the background never fails out of sight.

The linker's warm-up, the sqlite-utils import after the first frame, the match
panel's lookup and its computing worker, and the reader's comparison thread:
each failure reaches the user as one line of text (a notification, or the
panel's title), the app keeps running, and the keys keep working.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

import store.linking.warmup
import tui.app
import tui.screens.reader
from store.session import Session
from tests.tui.conftest import Corpus, screen_text, settle
from tests.tui.test_linking_panel import (
    CLAIM,
    follow_to_next_sentence,
    link_sample,
    make_app,
    panel_open,
    reader_of,
)
from tui.widgets import match_panel
from tui.widgets.match_panel import MatchPanel

# An exception's message is untrusted text: markup must show literally, ESC as a symbol,
# and only its first line is shown.
HOSTILE = "[bold red]x[/] \x1b[31m\nsecond line"
SHOWN = "[bold red]x[/] ␛[31m"


def errors_shown(app: App[Any]) -> list[str]:
    """The error notifications the app raised (toasts wrap, so read them, not the screen)."""
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def assert_one_safe_line(message: str) -> None:
    assert SHOWN in message
    assert "\x1b" not in message
    assert "\n" not in message
    assert "second line" not in message


def fail(*_args: object, **_kwargs: object) -> Any:
    raise RuntimeError(HOSTILE)


async def test_failed_warm_up_is_told_and_the_match_key_tries_again(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = link_sample(sample_db_path)
    monkeypatch.setattr(store.linking.warmup, "warm_linking", fail)
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(160, 30), notifications=True) as pilot:
        reader = reader_of(app)
        reader.view.set_cursor(linked.claim[0] + 3)
        await pilot.press("m")
        await settle(pilot)
        (message,) = errors_shown(app)
        assert message.startswith("Could not load the matcher: ")
        assert_one_safe_line(message)
        assert app.is_running
        assert not app.linking_ready
        # The waiting placeholder is gone rather than waiting for ever; no panel half-opened.
        assert not reader.query("#match-pending")
        assert not reader.query(MatchPanel)
        assert SHOWN in screen_text(app), "the toast shows the message literally"
        assert not reader.panel_open
        # The next press of the match key loads the linker again, and now it works.
        monkeypatch.undo()
        await pilot.press("m")
        await settle(pilot)
        assert app.linking_ready
        panel = reader.query_one(MatchPanel)
        assert panel.suggestions
        assert panel.failure is None
        assert len(errors_shown(app)) == 1


async def test_idle_warm_up_failure_is_told_once_and_m_retries_it(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def failing_warm() -> float:
        calls.append(1)
        raise ImportError("numpy: cannot load libopenblas.so.0")

    monkeypatch.setattr(tui.app, "WARM_UP_IDLE", 0.05)
    monkeypatch.setattr(store.linking.warmup, "warm_linking", failing_warm)
    linked = link_sample(sample_db_path)
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(160, 30)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if calls:
                break
        await settle(pilot)
        await pilot.pause(0.3)  # the idle timer must not start it again by itself
        await settle(pilot)
        assert calls == [1]
        assert errors_shown(app) == [
            "Could not load the matcher: numpy: cannot load libopenblas.so.0"
        ]
        await pilot.press("m")
        await settle(pilot)
        assert calls == [1, 1]
        assert len(errors_shown(app)) == 2
        assert app.is_running
        assert not reader_of(app).query(MatchPanel)


async def test_sqlite_utils_import_failure_is_told_and_writes_refused_plainly(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if sqlite-utils were not installed: the reader starts without it (store.connected).
    monkeypatch.setitem(sys.modules, "sqlite_utils", None)
    app = tui.app.create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        (message,) = errors_shown(app)
        assert message.startswith("Could not load sqlite-utils, so changes cannot be saved: ")
        assert "sqlite_utils" in message
        # A tag is refused with one line, not a traceback; the reader goes on.
        await pilot.press("s", "1")
        await pilot.pause()
        assert app.is_running
        refused = errors_shown(app)[1:]
        assert len(refused) == 1
        assert refused[0].startswith("Nothing was changed: a library could not be loaded: ")
        await pilot.press("down")
        await pilot.pause()
        assert app.is_running
        # Once it loads, the same keys save the span.
        monkeypatch.undo()
        await pilot.press("s", "1")
        await pilot.pause()
    with corpus.session() as session:
        assert len(session.spans(corpus.a)) == 1


def panel_title(panel: MatchPanel) -> str:
    return str(panel.query_one("#match-title", Static).render())


async def test_panel_shows_a_failed_lookup_in_its_title_and_recovers(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Session, "link_suggestions", fail)
    async with panel_open(sample_db_path) as (pilot, app, linked, panel):
        reader = reader_of(app)
        title = panel_title(panel)
        assert f"Could not find matches: {SHOWN}" in title
        assert "second line" not in title
        assert f"Could not find matches: {SHOWN}" in screen_text(app)
        assert "\x1b" not in screen_text(app)
        assert panel.suggestions == []
        assert app.is_running
        # The lookup works again: the next claim the cursor reaches gets its matches.
        monkeypatch.undo()
        await follow_to_next_sentence(pilot, reader, linked.claim[1])
        assert panel.failure is None
        assert panel.suggestions
        assert "Could not find matches" not in panel_title(panel)
        # The match key closes the panel as ever, and reopens it.
        await pilot.press("m")
        await settle(pilot)
        assert not reader.query(MatchPanel)
        assert app.is_running
        await pilot.press("m")
        await settle(pilot)
        assert reader.query_one(MatchPanel).suggestions


async def test_panel_shows_a_failed_computation_in_its_title(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = link_sample(sample_db_path, compute=False)
    monkeypatch.setattr(match_panel, "link_documents", fail)
    monkeypatch.setattr(match_panel, "_LINKED", set())
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        reader = reader_of(app)
        reader.view.set_cursor(reader.panes[0].document.text.index(CLAIM) + 3)
        await pilot.press("m")
        await settle(pilot)
        panel = reader.query_one(MatchPanel)
        assert not panel.computing
        assert f"Could not find matches: {SHOWN}" in panel_title(panel)
        assert app.is_running
        await pilot.press("m")
        await settle(pilot)
        assert not reader.query(MatchPanel)
        assert app.is_running


async def test_panel_on_mount_failure_keeps_the_panel_and_the_app(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = link_sample(sample_db_path)
    monkeypatch.setattr(match_panel, "review_queue", fail)
    monkeypatch.setattr(match_panel, "_LINKED", set())
    app = make_app(sample_db_path, [linked.a, linked.b])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        reader = reader_of(app)
        await pilot.press("m")
        await settle(pilot)
        panel = reader.query_one(MatchPanel)
        assert f"Could not find matches: {SHOWN}" in panel_title(panel)
        assert app.is_running
        await pilot.press("down")
        await pilot.press("m")
        await settle(pilot)
        assert not reader.query(MatchPanel)
        assert app.is_running


async def test_failed_comparison_thread_is_told(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    with corpus.session() as session:
        session.add_span(corpus.a, 0, 11, session.labels()[0].name)
    monkeypatch.setattr(tui.screens.reader, "COMPARE_AHEAD_SPANS", 1)
    monkeypatch.setattr(tui.screens.reader, "DifferenceTracker", fail)
    app = tui.app.create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        messages = errors_shown(app)
        assert [m for m in messages if m.startswith("Could not compare the annotators")]
        for message in messages:
            assert_one_safe_line(message)
        assert app.is_running


async def test_escape_closes_a_panel_that_shows_a_failure(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Session, "link_suggestions", fail)
    async with panel_open(sample_db_path) as (pilot, app, _linked, panel):
        assert "Could not find matches" in panel_title(panel)
        reader = reader_of(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not reader.query(MatchPanel)
        assert reader.view.has_focus
        assert app.is_running
