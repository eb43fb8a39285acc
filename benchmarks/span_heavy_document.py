"""The reader on one document with 100,000 spans: undo, redo, delete, a dialog, whose spans.

    python benchmarks/span_heavy_document.py
    python benchmarks/span_heavy_document.py --spans 100000 --repeat 5
    python benchmarks/span_heavy_document.py --profile undo      # cProfile one step

A generated article (about 1.2 million characters) carries N spans, half by the
benchmark's annotator and half by another one. The app runs headless under
``run_test()``; each step is timed as in ``tui_bench.py``, from posting the key to
the end of the first frame after it (wall and CPU milliseconds; CPU is the whole
process's, so it is the figure to read on a busy machine). Target (issue 12): each
step ≤ 50 ms. Also printed: the load average, how long after opening the document
its mine-vs-theirs comparison was ready (made in a thread), and what making it costs
(paid on the first switch when that comes sooner).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tui_bench import Frames, Timing, big_article, header, press_timed, summary
from store.db import connect, write
from store.difference_tracker import DifferenceTracker
from store.documents import insert_document
from store.formats import ParsedArticle
from store.segment import split_sentences
from store.session import Session
from tui.app import create_app
from tui.keymap import load_keymap
from tui.screens.reader import ReaderScreen

KEYMAP = load_keymap("default")
ME, OTHER = "bench", "other"
VERSUS = "mine vs theirs"
STEPS = (
    "delete",
    "undo",
    "redo",
    "dialog",
    "whose spans: all/mine/others",
    VERSUS,
    f"delete, in {VERSUS}",
    f"undo, in {VERSUS}",
    f"redo, in {VERSUS}",
    f"next difference, in {VERSUS}",
)


def key(action_id: str) -> str:
    return KEYMAP[action_id].split(",")[0]


def make_database(path: Path, spans: int, seed: int = 11) -> int:
    """A database with one article carrying ``spans`` spans; its document id."""
    text = big_article(1_200_000, seed)
    db = connect(path)
    try:
        with write(db):
            doc_id = insert_document(db, ParsedArticle("heavy.txt", text, outlet="bench"))
            assert doc_id is not None
            sentences = split_sentences(text)
            db.conn.executemany(
                'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
                [(doc_id, s, e) for s, e in sentences],
            )
            rng = random.Random(seed)
            rows = []
            for number in range(spans):
                start, end = sentences[rng.randrange(len(sentences))]
                begin = rng.randrange(start, max(start + 1, end - 5))
                stop = min(end, begin + rng.randint(5, 60))
                rows.append(
                    (
                        f"{number:08d}-heavy",
                        doc_id,
                        begin,
                        stop,
                        text[begin:stop],
                        rng.choice(["CLAIM", "FIGURE"]),
                        ME if number % 2 else OTHER,
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                    )
                )
            # The quote guard reads the 1.2 MB text for each row (minutes for 100,000);
            # the quotes here are cut from the text, so it is lifted for this one insert.
            (guard,) = db.conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'spans_quote_insert'"
            ).fetchone()
            db.execute("DROP TRIGGER spans_quote_insert")
            db.conn.executemany(
                'INSERT INTO spans (id, doc_id, start, "end", quote, label, annotator,'
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute(guard)
        return doc_id
    finally:
        db.close()


class FullCollections:
    """Full (generation 2) garbage collections while installed: how many, the longest."""

    def __init__(self) -> None:
        self.count = 0
        self.longest = 0.0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.count += 1
        self.longest = max(self.longest, (time.perf_counter() - self._began) * 1000)


async def measure(path: Path, doc_id: int, repeat: int, profile: str | None) -> None:
    frames = Frames()
    started = time.perf_counter()
    app = create_app(path, ME, doc_ids=[doc_id], keymap=KEYMAP)
    frames.attach(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        while doc_id not in screen.trackers:
            await asyncio.sleep(0.01)
        ready = (time.perf_counter() - started) * 1000
        reader_frames = zip(frames.times, frames.screens, strict=True)
        shown = next((t for t, name in reader_frames if name == "ReaderScreen"), None)
        if shown is not None:
            print(f"document shown {(shown - started) * 1000:,.0f} ms after starting the app")
        print(f"mine vs theirs ready {ready:,.0f} ms after starting the app (made in a thread)")
        # The linker's warm-up thread (tui.app) would otherwise compete with the steps.
        await app.workers.wait_for_complete()
        await pilot.pause()
        collections = FullCollections()
        gc.callbacks.append(collections)
        results: dict[str, list[Timing | None]] = {step: [] for step in STEPS}
        profiler = cProfile.Profile()

        async def timed(step: str, *keys: str) -> None:
            if profile == step:
                profiler.enable()
            *before, last = keys
            if before:
                await pilot.press(*before)
            results[step].append(await press_timed(pilot, frames, last))
            await pilot.pause()
            if profile == step:
                profiler.disable()

        await pilot.press(*[key("reader.sentence_next")] * 20)
        for _ in range(repeat):
            await pilot.press(key("reader.sentence_next"), key("reader.select_sentence"))
            await pilot.press(key("reader.label_1"))
            await timed("delete", key("reader.delete_span"))
            await timed("undo", key("app.undo"))
            await timed("redo", key("app.redo"))
            await pilot.press(key("reader.pick_label"))
            await timed("dialog", "escape")
        for _ in range(repeat):
            for _mode in range(5):  # all → mine → others → versus → all (one is not cycled)
                following = screen.filter.following().mode
                step = VERSUS if following == "versus" else STEPS[4]
                await timed(step, key("reader.annotator_filter"))
        while screen.filter.mode != "versus":
            await pilot.press(key("reader.annotator_filter"))
        for _ in range(repeat):
            await pilot.press(key("reader.sentence_next"), key("reader.select_sentence"))
            await pilot.press(key("reader.label_1"))
            await timed(f"delete, in {VERSUS}", key("reader.delete_span"))
            await timed(f"undo, in {VERSUS}", key("app.undo"))
            await timed(f"redo, in {VERSUS}", key("app.redo"))
            await timed(f"next difference, in {VERSUS}", key("reader.next_difference"))
        gc.callbacks.remove(collections)
        for step in STEPS:
            summary(step, results[step])
        print(
            f"full garbage collections during the steps: {collections.count},"
            f" longest {collections.longest:.0f} ms"
        )
        if profile:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(r"tui/|store/", 25)


def comparison_cost(path: Path, doc_id: int) -> None:
    """CPU time of making the comparison at once (what a switch pays if it comes first)."""
    with Session(path, ME) as session:
        spans = session.spans(doc_id)
        started = time.process_time()
        tracker = DifferenceTracker(doc_id, ME, spans, session.finished_annotators(doc_id))
        cpu = (time.process_time() - started) * 1000
    print(f"making mine vs theirs at once: {cpu:,.0f} ms CPU ({len(tracker):,} differences)")


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step and print it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "heavy.db"
        started = time.perf_counter()
        doc_id = make_database(path, args.spans)
        print(
            f"setup: {args.spans:,} spans in one document in {time.perf_counter() - started:.1f} s"
        )
        print(f"load average before: {load_average()}")
        header()
        asyncio.run(measure(path, doc_id, args.repeat, args.profile))
        comparison_cost(path, doc_id)
        print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
