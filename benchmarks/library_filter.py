"""The library's fuzzy filter with 100,000 documents: per-key latency and a 3,000-character paste.

    python benchmarks/library_filter.py
    python benchmarks/library_filter.py --documents 100000 --gap 0.25

The app runs headless under ``run_test()`` (frames timed as in ``tui_bench.py``:
from posting a key to the end of the first frame after it). The library is given
N synthetic overview rows directly, so the figure is the filter's, not the
store's. Typing is measured twice: keys back to back (the filter waits for a
pause), and keys ``--gap`` seconds apart, so the filter runs and redraws the
table between keys. A paste of 3,000 characters is timed until the filtered
table is shown, then one more key after it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events
from textual.widgets import Input

from benchmarks.tui_bench import Frames, Timing, header, press_timed, summary
from store.db import connect
from tui.app import create_app
from tui.screens.library import FILTER_DEBOUNCE_S, LibraryScreen

WORDS = (
    "flood council budget river mayor police election court school hospital storm"
    " strike market bridge airport vote tax fire housing rail energy water"
).split()


def overview_rows(count: int, seed: int = 3) -> list[dict[str, Any]]:
    """Rows shaped like ``Session.overview()``."""
    rng = random.Random(seed)
    return [
        {
            "id": n,
            "source_name": f"report-{n:06d}.txt",
            "outlet": f"Outlet {n % 40}",
            "title": " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize() + f" {n}",
            "published": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "language": "de",
            "length": 2_000,
            "spans": n % 7,
            "status": "todo",
            "annotators": "",
        }
        for n in range(count)
    ]


async def measure(documents: int, gap: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.db"
        connect(path).close()
        frames = Frames()
        app = create_app(path, "bench")
        frames.attach(app)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            screen.post_message(LibraryScreen.RowsLoaded(overview_rows(documents)))
            await pilot.pause()
            await pilot.press("slash")

            word = "council budget"
            fast = [await press_timed(pilot, frames, ch) for ch in word.replace(" ", "")]
            summary("key, typing fast (no pause between keys)", fast)
            await _filtered(pilot, screen)
            await pilot.press("escape", "slash")

            paced: list[Timing | None] = []
            for ch in word.replace(" ", ""):
                paced.append(await press_timed(pilot, frames, ch))
                await asyncio.sleep(gap)
            summary(f"key, typing with {gap * 1000:.0f} ms between keys", paced)
            await _filtered(pilot, screen)
            print(f"  matches for {word.replace(' ', '')!r}: {screen.matches:,}")

            await pilot.press("escape", "slash")
            box = screen.query_one("#library-filter", Input)
            pasted = "".join(random.Random(5).choices(WORDS, k=600))[:3_000]
            started = time.perf_counter()
            box.post_message(events.Paste(pasted))
            await pilot.pause()
            after = await press_timed(pilot, frames, "x")
            await _filtered(pilot, screen)
            shown = time.perf_counter() - started
            summary("key right after a 3,000-character paste", [after])
            print(f"  paste → filtered table shown: {shown * 1000:.0f} ms (debounce included)")


async def _filtered(pilot: Any, screen: LibraryScreen) -> None:
    await pilot.pause(FILTER_DEBOUNCE_S * 1.5)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between paced keys")
    args = parser.parse_args()
    print(
        f"{args.documents:,} documents in the library; debounce {FILTER_DEBOUNCE_S * 1000:.0f} ms"
    )
    header()
    asyncio.run(measure(args.documents, args.gap))


if __name__ == "__main__":
    main()
