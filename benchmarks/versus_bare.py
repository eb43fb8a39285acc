"""claimdesk against a bare Textual app in the same tmux: first screen and keys, wall and CPU.

    python benchmarks/versus_bare.py --runs 7 --keys 30
    python benchmarks/tui_bench.py --versus-bare      # the same, from the main benchmark

Both programs run in a detached tmux pane of 120×40 on a private server. "First screen"
is from starting the command to the pane showing the final layout (polled with
``capture-pane`` every 5 ms, so figures carry up to ~10 ms of polling). A key is timed from
``send-keys`` to the first captured screen that differs from the one before it. The bare
app (below) has a header, a footer and a line of text that a key rewrites, so its figures
are the floor this terminal, tmux and Textual set for any app. Beside each wall figure the
program's own CPU time (user + system, from ``/proc``) is printed: on a machine shared with
other work the wall figures grow several-fold, the CPU figures hardly at all.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SIZE = (120, 40)
POLL = 0.005

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App[None]):
    BINDINGS = [("down", "step", "Step"), ("ctrl+q", "quit", "Quit")]
    count = 0

    def compose(self):
        yield Header()
        yield Static("bare ready 0", id="line")
        yield Footer()

    def action_step(self) -> None:
        self.count += 1
        self.query_one("#line", Static).update(f"bare ready {self.count}")

Bare().run()
"""


class Pane:
    """One command in one tmux server; ``screen()`` reads it, ``press()`` types into it."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.tmux = ["tmux", "-L", f"{name}-{os.getpid()}", "-f", "/dev/null"]
        self.env = env

    def start(self, command: Sequence[str]) -> float:
        started = time.perf_counter()
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", "b", "-x", str(SIZE[0]), "-y", str(SIZE[1]),
             *command],
            check=True, env=self.env,
        )  # fmt: skip
        return started

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True,
            env=self.env,
        ).stdout  # fmt: skip

    def wait(self, ready: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            shown = self.screen()
            if ready(shown):
                return shown
            time.sleep(POLL)
        raise TimeoutError(f"the pane never got ready:\n{self.screen()}")

    def press(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "b", *keys], check=True, env=self.env)

    def timed_key(self, key: str, ready: Callable[[str], bool] | None = None) -> float:
        """Milliseconds from sending ``key`` to the screen changing (or ``ready`` holding)."""
        before = self.screen()
        started = time.perf_counter()
        self.press(key)
        self.wait(ready or (lambda shown: shown != before))
        return (time.perf_counter() - started) * 1000

    def cpu_ms(self) -> float:
        """User + system CPU the pane's program has used so far (Linux /proc; 0 elsewhere).

        Unlike wall time this hardly changes when other processes load the machine, so
        it is the figure to compare on a shared one (resolution: one clock tick, 10 ms).
        """
        pid = subprocess.run(
            [*self.tmux, "list-panes", "-t", "b", "-F", "#{pane_pid}"], capture_output=True,
            text=True, env=self.env,
        ).stdout.strip()  # fmt: skip
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], env=self.env, capture_output=True)


def stats(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):8.0f} ms {p95:8.0f} ms"


def claimdesk_ready(shown: str) -> bool:
    """The reader's final layout: headers fitted to the panes, status lines, the legend
    and the footer (an earlier frame may lack some of them)."""
    return all(part in shown for part in ("of sentences", "sentence 1/", "tags on", "Quit"))


def settle(pane: Pane) -> None:
    """Wait until two captures 50 ms apart agree (no redraw still under way)."""
    last = pane.screen()
    while True:
        time.sleep(0.05)
        shown = pane.screen()
        if shown == last:
            return
        last = shown


def measure(
    db: Path, names: list[str], runs: int, keys: int, exe: Path | None = None
) -> dict[str, list[float]]:
    exe = exe or Path(sys.executable).parent / "claimdesk"
    env = {**os.environ, "TERM": "xterm-256color", "CLAIMDESK_ANNOTATOR": "bench"}
    found: dict[str, list[float]] = {name: [] for name in (
        "bare: first screen", "claimdesk: first screen", "bare: key", "claimdesk: cursor key",
        "claimdesk: tag (label key)", "claimdesk: undo",
        "bare: first screen CPU", "claimdesk: first screen CPU", "bare: key CPU",
        "claimdesk: cursor key CPU", "claimdesk: select+tag+undo CPU",
    )}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare.py"
        script.write_text(BARE_APP, encoding="utf-8")
        for run in range(runs):
            bare = Pane(f"bare{run}", env)
            started = bare.start([sys.executable, str(script)])
            bare.wait(lambda shown: "bare ready 0" in shown and "Quit" in shown)
            found["bare: first screen"].append((time.perf_counter() - started) * 1000)
            found["bare: first screen CPU"].append(bare.cpu_ms())
            settle(bare)
            if run == 0:
                cpu = bare.cpu_ms()
                for _ in range(keys):
                    found["bare: key"].append(bare.timed_key("Down"))
                settle(bare)
                found["bare: key CPU"].append((bare.cpu_ms() - cpu) / keys)
            bare.kill()

            app = Pane(f"claimdesk{run}", env)
            started = app.start([str(exe), "--db", str(db), "read", *names])
            app.wait(claimdesk_ready)
            found["claimdesk: first screen"].append((time.perf_counter() - started) * 1000)
            found["claimdesk: first screen CPU"].append(app.cpu_ms())
            settle(app)
            if run == 0:
                cpu = app.cpu_ms()
                for _ in range(keys):
                    found["claimdesk: cursor key"].append(app.timed_key("."))
                settle(app)
                found["claimdesk: cursor key CPU"].append((app.cpu_ms() - cpu) / keys)
                cpu = app.cpu_ms()
                for _ in range(keys):
                    app.press("s")
                    app.wait(lambda shown: "selected " in shown)
                    found["claimdesk: tag (label key)"].append(
                        app.timed_key("1", lambda shown: "CLAIM · bench" in shown)
                    )
                    found["claimdesk: undo"].append(
                        app.timed_key("C-z", lambda shown: "CLAIM · bench" not in shown)
                    )
                    app.press(".")
                settle(app)
                found["claimdesk: select+tag+undo CPU"].append((app.cpu_ms() - cpu) / keys)
            app.kill()
    return found


def report(found: dict[str, list[float]]) -> None:
    print(f"tmux {SIZE[0]}x{SIZE[1]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'measure':<32}{'median':>11}{'p95':>12}{'n':>5}")
    for name, values in found.items():
        if values:
            print(f"{name:<32}{stats(values)}{len(values):5d}")
    for unit in ("", " CPU"):
        bare, ours = found[f"bare: first screen{unit}"], found[f"claimdesk: first screen{unit}"]
        if bare and ours and statistics.median(bare):
            ratio = statistics.median(ours) / statistics.median(bare)
            print(f"first screen{unit}, claimdesk / bare: {ratio:.2f}x (median)")
    print("(CPU: the program's user+system time from /proc; per key: mean over the keys)")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="starts of each program")
    parser.add_argument("--keys", type=int, default=30, help="timed presses of each key")
    parser.add_argument(
        "--exe",
        type=Path,
        help="the claimdesk command to measure (default: the one beside this Python),"
        " e.g. a script that runs an older checkout, to compare versions",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="leave claimdesk's modules uncompiled (with PYTHONDONTWRITEBYTECODE set, each"
        " start then compiles them, which an installed copy never does)",
    )
    args = parser.parse_args()
    main_with(runs=args.runs, keys=args.keys, exe=args.exe, compiled=not args.no_compile)


PACKAGES = ("claimdesk", "store", "tui")


def compile_packages(root: Path) -> None:
    """Byte-compile claimdesk's own modules, as installing a wheel does.

    With ``PYTHONDONTWRITEBYTECODE`` set (as on the shared machine) an editable checkout
    never keeps its bytecode, and every start compiles ~60 modules again (~50-90 ms of
    CPU) that no installed copy pays; Textual and the other dependencies come compiled.
    """
    import compileall

    for package in PACKAGES:
        compileall.compile_dir(root / package, quiet=1)


def main_with(*, runs: int, keys: int, exe: Path | None = None, compiled: bool = True) -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if compiled:
        compile_packages(root)
    from store.db import connect
    from store.importer import import_paths
    from store.paths import sample_corpus_path

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        handle = connect(db)
        try:
            import_paths(handle, [sample_corpus_path()])
        finally:
            handle.close()
        names = ["kurier-tag1-evakuierung.txt", "cw-20250311-kressbrunn-evacuation"]
        report(measure(db, names, runs, keys, exe))


if __name__ == "__main__":
    main()
