"""Regenerate docs/screenshot.svg: two sample articles side by side with a few spans.

python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.db import connect
from store.importer import import_paths
from store.paths import sample_corpus_path
from store.session import Session
from tui.app import create_app

OUT = Path(__file__).resolve().parent / "screenshot.svg"


def annotate(session: Session, doc_id: int, phrases: list[tuple[str, str]]) -> None:
    text = session.document(doc_id).text
    for phrase, label in phrases:
        start = text.index(phrase)
        session.add_span(doc_id, start, start + len(phrase), label)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claimdesk.db"
        db = connect(path)
        import_paths(db, [sample_corpus_path()])
        db.close()
        with Session(path, "alice") as session:
            left = session.find_document("kurier-tag1-evakuierung.txt").id
            right = session.find_document("nws-tag1-regen.txt").id
            annotate(session, left, [("11.000", "FIGURE"), ("Annelie Strohmayer", "SOURCE")])
            annotate(session, right, [("rund 11 000 Bewohner", "FIGURE")])
        app = create_app(path, "alice", doc_ids=[left, right])
        async with app.run_test(size=(140, 36)) as pilot:
            await pilot.pause()
            await pilot.press("s", "1")
            await pilot.pause(0.5)
            app.save_screenshot(filename=OUT.name, path=str(OUT.parent))


if __name__ == "__main__":
    asyncio.run(main())
