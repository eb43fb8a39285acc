"""The linker loads in a start-up worker; the match panel never blocks keys meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import store.linking.warmup
from store.session import Session
from tests.tui.conftest import screen_text, settle
from tui.app import create_app
from tui.screens.reader import ReaderScreen

ENGLISH = "cw-20250311-kressbrunn-evacuation"
GERMAN = "kurier-tag1-evakuierung.txt"


async def test_panel_waits_for_the_warm_up_without_blocking_keys(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_warm = store.linking.warmup.warm_linking

    def slow_warm() -> float:
        release.wait(30)
        return real_warm()

    monkeypatch.setattr(store.linking.warmup, "warm_linking", slow_warm)
    with Session(sample_db_path, "tester") as session:
        doc_ids = [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert not app.linking_ready
        await pilot.press("m")
        await pilot.pause()
        assert "loading the matcher" in screen_text(app)
        assert not reader.query("#match-panel")
        # Keys go on working while the linker loads.
        before = reader.view.cursor
        await pilot.press("full_stop")
        await pilot.pause()
        assert reader.view.cursor > before
        release.set()
        await settle(pilot)
        assert app.linking_ready
        assert not reader.query("#match-pending")
        (panel,) = reader.query("#match-panel")
        assert panel.suggestions  # type: ignore[attr-defined]
        assert "found" in screen_text(app)


async def test_m_twice_while_loading_closes_the_placeholder(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(store.linking.warmup, "warm_linking", lambda: release.wait(30) and 0.0)
    with Session(sample_db_path, "tester") as session:
        doc_ids = [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.press("m")
        await pilot.pause()
        release.set()
        await settle(pilot)
        reader = app.screen
        assert not reader.query("#match-pending")
        assert not reader.query("#match-panel")
