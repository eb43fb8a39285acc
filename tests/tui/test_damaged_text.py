"""The reader shows a document whose stored text is not UTF-8 instead of stopping."""

from __future__ import annotations

import sqlite3

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
