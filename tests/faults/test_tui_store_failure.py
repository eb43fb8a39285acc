"""A store failure while tagging: the app shows one message and keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

import store.db
from store.session import Session
from tests.conftest import add_document_to_file
from tui.app import create_app

TEXT = "The river rose 40 cm on Monday. Schools stay closed until Friday."


def _errors_shown(app: App[object]) -> list[str]:
    """The error notifications the app raised (toasts wrap, so read them, not the screen)."""
    return [n.message for n in app._notifications if n.severity == "error"]


@pytest.fixture
def doc_path(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "tui-faults.db"
    return path, add_document_to_file(path, TEXT, "river.txt")


async def test_read_only_store_while_tagging_notifies_and_recovers(
    doc_path: tuple[Path, int],
) -> None:
    path, doc = doc_path
    app = create_app(path, "alice", doc_ids=[doc])
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        app.session.db.conn.execute("PRAGMA query_only = ON")
        await pilot.press("s", "1")
        await pilot.pause()
        (message,) = _errors_shown(app)
        assert message.endswith("tui-faults.db: database is read-only; nothing was changed")
        assert "\n" not in message
        assert app.is_running
        app.session.db.conn.execute("PRAGMA query_only = OFF")
        await pilot.press("s", "1")
        await pilot.pause()
        assert app.is_running
    with Session(path, "x") as session:
        # The refused span left nothing behind; the retried one landed once.
        assert [s.label for s in session.spans(doc)] == ["CLAIM"]


async def test_lock_held_by_another_writer_notifies_and_recovers(
    doc_path: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    path, doc = doc_path
    monkeypatch.setattr(store.db, "WRITE_LOCK_WAIT_S", 0.2)
    app = create_app(path, "alice", doc_ids=[doc])
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("s", "1")
            await pilot.pause()
            (message,) = _errors_shown(app)
            assert message.endswith("database is locked by another writer; try again")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.press("s", "1")
        await pilot.pause()
        assert app.is_running
    with Session(path, "x") as session:
        assert len(session.spans(doc)) == 1


async def test_the_reader_waits_less_than_commands_for_a_held_lock(
    doc_path: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's writes run on its UI thread: a lock someone holds (a ``sqlite3``
    shell) froze the screen for the commands' full 30 s before anything was said."""
    import sqlite3
    import time

    import tui.sessions

    path, doc = doc_path
    monkeypatch.setattr(tui.sessions, "LOCK_WAIT_S", 0.3)
    assert store.db.WRITE_LOCK_WAIT_S >= 30  # the commands' wait is left as it is
    app = create_app(path, "alice", doc_ids=[doc])
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            began = time.monotonic()
            await pilot.press("s", "1")
            await pilot.pause()
            waited = time.monotonic() - began
            (message,) = _errors_shown(app)
            assert message.endswith("database is locked by another writer; try again")
            assert waited < 10, waited
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    with Session(path, "x") as session:
        assert session.spans(doc) == []


async def test_a_database_deleted_under_the_reader_ends_it_with_nothing_shown_as_saved(
    doc_path: tuple[Path, int],
) -> None:
    from tests.tui.conftest import screen_text
    from tui.app import ReaderEnded

    path, doc = doc_path
    app = create_app(path, "alice", doc_ids=[doc])
    ended: ReaderEnded | None = None
    try:
        async with app.run_test(size=(110, 30), notifications=True) as pilot:
            for name in (path.name, path.name + "-wal", path.name + "-shm"):
                path.with_name(name).unlink(missing_ok=True)
            await pilot.press("s", "1")
            await pilot.pause()
            (message,) = _errors_shown(app)
            assert (
                message == f"{path}: the database file was deleted while it was open;"
                " nothing was changed"
            )
            assert "CLAIM · alice" not in screen_text(app)
            await pilot.pause(1.5)  # the store poll runs each second
    except ReaderEnded as raised:
        ended = raised
    assert ended is not None
    assert str(ended).startswith(f"{path}: the database file was deleted while it was open")
    assert app.return_code == 1
