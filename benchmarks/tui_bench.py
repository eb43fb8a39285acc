"""TUI speed: time to first screen, keystroke-to-screen latency, scrolling a 1 MB article.

    python benchmarks/tui_bench.py                  # headless figures + a real terminal
    python benchmarks/tui_bench.py --size-mb 1 --repeat 200 --no-terminal

Headless figures run the app from ``tui.app.create_app`` under ``run_test()`` and
time each frame the app hands to its driver: the benchmark wraps ``App._display``
(a Textual internal, instrumented here only) and encodes every update to terminal
bytes as a real terminal driver would, so a "frame" includes that work. Latency is
from posting the key event to the end of the first frame after it; Textual paces
frames at 60 per second, so up to one frame period of waiting is part of it.

The real-terminal figure starts the installed ``claimdesk`` in tmux and polls the
screen until the article title shows: Python start-up and imports included.

Targets (issue 3): on screen within 1 s; a keystroke on screen within one frame
(≤ 16 ms) on the 1 MB article.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from textual._compositor import CompositorUpdate
from textual.pilot import Pilot

from store.db import connect
from store.importer import import_paths
from store.paths import sample_corpus_path
from store.session import Session
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)
KEYMAP = load_keymap("default")


def key(action_id: str) -> str:
    return KEYMAP[action_id].split(",")[0]


# A 1 MB article ------------------------------------------------------------------------

SUBJECTS_EN = ["The mayor", "Officials", "The river authority", "Residents", "Police", "Dr. Weber"]
VERBS_EN = ["said", "warned", "confirmed", "estimated", "reported", "denied"]
OBJECTS_EN = [
    "that about {n:,} people had left the lower town",
    "the levee near the U.S. consulate would hold until Friday",
    "damage of {n:,} euros, e.g. to roads and bridges",
    "that the water had risen by {d} metres since Monday",
    "the evacuation of {n:,} homes on the western bank",
]
SUBJECTS_DE = ["Die Bürgermeisterin", "Die Behörden", "Anwohner", "Die Polizei", "Dr. Krause"]
VERBS_DE = ["sagte", "warnte", "bestätigte", "schätzte", "berichtete", "bestritt"]
OBJECTS_DE = [
    "dass rund {n:.0f} Menschen die Unterstadt verlassen hätten",
    "am {day}. Januar seien z. B. {n:.0f} Sandsäcke verteilt worden",
    "einen Schaden von {d} Millionen Euro u. a. an Straßen",
    "„Wir haben so etwas seit {year} nicht erlebt“",
]


def news_sentence(rng: random.Random) -> str:
    if rng.random() < 0.5:
        obj = rng.choice(OBJECTS_EN).format(
            n=rng.randint(100, 90_000), d=round(rng.uniform(0.5, 6.5), 1)
        )
        return f"{rng.choice(SUBJECTS_EN)} {rng.choice(VERBS_EN)} {obj}."
    obj = rng.choice(OBJECTS_DE).format(
        n=rng.randint(100, 90_000),
        d=str(round(rng.uniform(0.5, 9.5), 1)).replace(".", ","),
        day=rng.randint(1, 28),
        year=rng.randint(1950, 2015),
    )
    return f"{rng.choice(SUBJECTS_DE)} {rng.choice(VERBS_DE)}, {obj}."


def big_article(target_chars: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < target_chars:
        paragraph = " ".join(news_sentence(rng) for _ in range(rng.randint(3, 7)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "Title: Flood special, every report\nOutlet: Bench Wire\n\n" + "\n\n".join(paragraphs)


def make_database(root: Path, size_mb: float) -> tuple[Path, int, list[int]]:
    """Sample corpus plus one generated article of ``size_mb`` million characters."""
    article = root / "flood-special.txt"
    article.write_text(big_article(int(size_mb * 1_000_000)), encoding="utf-8")
    db_path = root / "bench.db"
    started = time.perf_counter()
    database = connect(db_path)
    try:
        import_paths(database, [sample_corpus_path(), article])
    finally:
        database.close()
    print(
        f"setup: imported sample corpus + {size_mb:g} MB article in "
        f"{time.perf_counter() - started:.1f} s"
    )
    with Session(db_path, "bench") as session:
        big = session.find_document(article.name)
        sample = [info.id for info in session.documents() if info.id != big.id][:2]
        print(
            f"setup: article has {len(big.text):,} characters, "
            f"{len(session.sentences(big.id)):,} sentences"
        )
    return db_path, big.id, sample


# Frame timing ------------------------------------------------------------------------


@dataclass
class Frames:
    """When each frame finished, and which screen it showed."""

    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)
    console: Console = field(default_factory=lambda: Console(force_terminal=True, width=200))

    def attach(self, app: ClaimdeskApp) -> None:
        original: Callable[..., Any] = app._display

        def display(screen: Any, renderable: Any) -> None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(self.console)  # the bytes a terminal would get
            original(screen, renderable)
            self.times.append(time.perf_counter())
            self.cpu.append(time.process_time())
            self.screens.append(type(screen).__name__)

        app._display = display  # type: ignore[method-assign]

    async def first_after(self, t0: float, timeout: float = 2.0) -> int | None:
        """Index of the first frame that ended after ``t0``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for index in range(max(0, len(self.times) - 8), len(self.times)):
                if self.times[index] > t0:
                    return index
            await asyncio.sleep(0.0005)
        return None


@dataclass(frozen=True)
class Timing:
    """Wall-clock milliseconds, and this process's CPU milliseconds over the same span.

    The CPU figure is the app's own work (plus the test pilot's); unlike wall time it
    barely changes when other processes load the machine.
    """

    wall: float
    cpu: float | None = None


async def press_timed(pilot: Pilot[Any], frames: Frames, name: str) -> Timing | None:
    """From posting ``name`` to the end of the first frame after it."""
    t0, c0 = time.perf_counter(), time.process_time()
    await pilot.press(name)
    index = await frames.first_after(t0)
    if index is None:
        return None
    return Timing((frames.times[index] - t0) * 1000, (frames.cpu[index] - c0) * 1000)


def _stats(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):7.1f} {p95:7.1f} {ordered[-1]:7.1f}"


def summary(label: str, values: list[Timing | None]) -> None:
    """One row: wall median/p95/max, then CPU median/p95/max, in milliseconds."""
    got = [v for v in values if v is not None]
    missing = len(values) - len(got)
    if not got:
        print(f"{label:<46} no frame")
        return
    cpu = [v.cpu for v in got if v.cpu is not None]
    cpu_part = _stats(cpu) if cpu else f"{'-':>7} {'-':>7} {'-':>7}"
    extra = f"  ({missing} without a frame)" if missing else ""
    print(f"{label:<46} {len(got):>4}  {_stats([v.wall for v in got])}   {cpu_part}{extra}")


def header() -> None:
    print(f"{'':<46} {'n':>4}  {'wall ms: median  p95    max':<23}   cpu ms: median  p95    max")


# Measurements --------------------------------------------------------------------------


async def first_screen(
    db: Path, doc_ids: list[int] | None, expect: type, runs: int
) -> list[Timing | None]:
    """From constructing the app to the first frame of the ``expect`` screen."""
    results: list[Timing | None] = []
    for _ in range(runs):
        frames = Frames()
        t0, c0 = time.perf_counter(), time.process_time()
        app = create_app(db, "bench", doc_ids=doc_ids, keymap=KEYMAP)
        frames.attach(app)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for index, screen in enumerate(frames.screens):
                if screen == expect.__name__:
                    wall = (frames.times[index] - t0) * 1000
                    results.append(Timing(wall, (frames.cpu[index] - c0) * 1000))
                    break
    return results


async def keystrokes(db: Path, big: int, repeat: int) -> None:
    frames = Frames()
    app = create_app(db, "bench", doc_ids=[big], keymap=KEYMAP)
    frames.attach(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view
        length = len(view.text)

        for action_id, count in (
            ("reader.cursor_down", repeat),
            ("reader.cursor_right", repeat),
            ("reader.word_next", repeat),
            ("reader.sentence_next", repeat // 2),
            ("reader.paragraph_next", repeat // 2),
            ("reader.select_down", repeat // 2),
        ):
            values = [await press_timed(pilot, frames, key(action_id)) for _ in range(count)]
            summary(f"key {action_id} ({key(action_id)})", values)
            await pilot.press(key("reader.clear_selection"))

        # Far into the document, then tag sentence after sentence there.
        await pilot.press(key("reader.doc_end"))
        await pilot.press(key("reader.doc_start"))
        for _ in range(200):
            await pilot.press(key("reader.paragraph_next"))
        select: list[Timing | None] = []
        tag: list[Timing | None] = []
        undo: list[Timing | None] = []
        for _ in range(max(10, repeat // 10)):
            await pilot.press(key("reader.sentence_next"))
            select.append(await press_timed(pilot, frames, key("reader.select_sentence")))
            tag.append(await press_timed(pilot, frames, key("reader.label_1")))
        for _ in range(5):
            undo.append(await press_timed(pilot, frames, key("app.undo")))
        summary("select sentence (s)", select)
        summary("tag with label 1 (commit + redraw)", tag)
        summary("undo (ctrl+z)", undo)
        print(f"  cursor at {view.cursor:,} of {length:,}")


async def scroll_through(db: Path, big: int) -> None:
    frames = Frames()
    started = time.perf_counter()
    app = create_app(db, "bench", doc_ids=[big], keymap=KEYMAP)
    frames.attach(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        opened = next(
            t for t, s in zip(frames.times, frames.screens, strict=True) if s == "ReaderScreen"
        )
        label = "open the article (construct app → first reader frame)"
        print(f"{label:<56}{(opened - started) * 1000:8.1f} ms")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view
        length = len(view.text)
        jump = await press_timed(pilot, frames, key("reader.doc_end"))
        label = "jump to the end from the start (ctrl+end)"
        print(f"{label:<56}{jump.wall if jump else float('nan'):8.1f} ms")
        await pilot.press(key("reader.doc_start"))

        pages: list[Timing | None] = []
        t0 = time.perf_counter()
        while view.cursor < length and len(pages) < 200_000:
            pages.append(await press_timed(pilot, frames, key("reader.page_down")))
        total = time.perf_counter() - t0
        print(f"scroll start → end by page down: {len(pages):,} pages in {total:.1f} s")
        summary("  per page down", pages)


async def profile_keys(db: Path, big: int, action_id: str, count: int) -> None:
    """cProfile ``count`` presses of ``action_id``; the 20 heaviest calls by cumulative time."""
    import cProfile
    import pstats

    app = create_app(db, "bench", doc_ids=[big], keymap=KEYMAP)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            await pilot.press(key(action_id))
        await pilot.pause()
        profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(20)
    stats.print_stats(r"tui/|screen.py|_arrange|layout|styles_cache.py:99", 30)


def real_terminal(db: Path, names: list[str], title: str, runs: int) -> list[Timing | None]:
    """From starting the installed command in tmux to the title on screen (wall only)."""
    exe = Path(sys.executable).parent / "claimdesk"
    if not exe.exists() or shutil.which("tmux") is None:
        print("real terminal: skipped (needs tmux and the installed claimdesk command)")
        return []
    results: list[Timing | None] = []
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "CLAIMDESK_ANNOTATOR": "bench",
        "CLAIMDESK_CONFIG": str(db.parent / "no-config.toml"),
    }
    for run in range(runs):
        # A server per run: reusing one races with its shutdown after the last session ends.
        tmux = ["tmux", "-L", f"claimdesk-bench-{os.getpid()}-{run}", "-f", "/dev/null"]
        command = [str(exe), "--db", str(db), "read", *names]
        t0 = time.perf_counter()
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "bench", "-x", str(SIZE[0]), "-y", str(SIZE[1]),
             *command],
            check=True, env=env,
        )  # fmt: skip
        deadline = t0 + 20
        while time.perf_counter() < deadline:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True,
                env=env,
            ).stdout  # fmt: skip
            if title in screen:
                results.append(Timing((time.perf_counter() - t0) * 1000))
                break
            time.sleep(0.005)
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=1.0, help="article size (million chars)")
    parser.add_argument("--repeat", type=int, default=200, help="key presses per movement kind")
    parser.add_argument("--runs", type=int, default=5, help="runs for time-to-first-screen")
    parser.add_argument("--no-terminal", action="store_true", help="skip the tmux measurement")
    parser.add_argument(
        "--profile", metavar="ACTION_ID", help="only profile presses of this action"
    )
    parser.add_argument(
        "--versus-bare",
        action="store_true",
        help="only compare with a bare Textual app in the same tmux (benchmarks/versus_bare.py)",
    )
    args = parser.parse_args()
    if args.versus_bare:
        from benchmarks import versus_bare

        versus_bare.main_with(runs=args.runs, keys=min(args.repeat, 30))
        return

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db, big, sample = make_database(root, args.size_mb)
        if args.profile:
            asyncio.run(profile_keys(db, big, args.profile, args.repeat))
            return
        load = os.getloadavg()[0]
        print(f"\nterminal {SIZE[0]}x{SIZE[1]}, {os.cpu_count()} CPUs, load average {load:.1f}\n")
        header()
        summary("first screen: library (headless)",
                asyncio.run(first_screen(db, None, LibraryScreen, args.runs)))  # fmt: skip
        summary("first screen: reader, 2 sample articles",
                asyncio.run(first_screen(db, sample, ReaderScreen, args.runs)))  # fmt: skip
        summary(f"first screen: reader, {args.size_mb:g} MB article",
                asyncio.run(first_screen(db, [big], ReaderScreen, args.runs)))  # fmt: skip
        if not args.no_terminal:
            exe = str(Path(sys.executable).parent / "claimdesk")
            startup: list[Timing | None] = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                subprocess.run([exe, "--version"], check=True, capture_output=True)
                startup.append(Timing((time.perf_counter() - t0) * 1000))
            summary("process start + CLI imports (--version)", startup)
            with Session(db, "bench") as session:
                docs = [session.document(doc_id) for doc_id in sample]
            values = real_terminal(
                db,
                [d.source_name for d in docs],
                (docs[0].title or docs[0].source_name)[:20],
                args.runs,
            )
            summary("first screen in tmux: installed command, 2 docs", values)
            big_doc_name = "flood-special.txt"
            values = real_terminal(db, [big_doc_name], "Flood special", args.runs)
            summary(f"first screen in tmux: {args.size_mb:g} MB article", values)
        print(f"\n{args.size_mb:g} MB article, keystroke → frame:")
        header()
        asyncio.run(keystrokes(db, big, args.repeat))
        print()
        asyncio.run(scroll_through(db, big))


if __name__ == "__main__":
    main()
