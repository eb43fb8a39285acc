"""The reader shows a document whose stored text is not UTF-8 instead of stopping, and
stops on damaged pages with one line naming the file, not a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store.check import DamagedDatabase
from tests.conftest import add_document_to_file
from tests.tui.conftest import Corpus, screen_text, settle
from tui.app import create_app
from tui.screens.reader import ReaderScreen


async def test_reader_opens_a_document_with_bytes_that_are_not_utf8(corpus: Corpus) -> None:
    conn = sqlite3.connect(corpus.path)
    conn.execute(
        "UPDATE documents SET title = CAST(X'4b61ff7075747420' AS TEXT) WHERE id = ?", [corpus.a]
    )
    conn.commit()
    conn.close()
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "Ka\ufffdputt" in screen_text(app)
        assert app.is_running


async def test_library_workers_read_a_title_that_is_not_utf8(corpus: Corpus) -> None:
    """The library's rows come from a worker's own session, which must be lenient too."""
    conn = sqlite3.connect(corpus.path)
    conn.execute(
        "UPDATE documents SET title = CAST(X'4b61ff7075747420' AS TEXT) WHERE id = ?", [corpus.a]
    )
    conn.commit()
    conn.close()
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)  # waits for the workers, and raises if one failed
        assert "Ka\ufffdputt" in screen_text(app)
        await pilot.press("slash", "K", "a")
        await settle(pilot)
        assert "Ka\ufffdputt" in screen_text(app)
        assert app.is_running


async def test_damaged_pages_stop_the_reader_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    for number in range(30):
        add_document_to_file(path, f"Satz {number} mit Inhalt. " * 300, name=f"d{number}.txt")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for page in range(3, 8):
        data[(page - 1) * 4096 : (page - 1) * 4096 + 100] = b"\xff" * 100
    path.write_bytes(bytes(data))
    app = create_app(path, "tester")

    async def open_first_document() -> None:
        async with app.run_test(size=(120, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # its text lies on a damaged page
            await settle(pilot)

    with pytest.raises(DamagedDatabase) as caught:
        await open_first_document()
    assert str(caught.value).startswith(f"{path}: database is damaged (")
    assert "\n" not in str(caught.value)
    assert app.return_code == 1
