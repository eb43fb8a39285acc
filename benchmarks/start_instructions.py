"""Instructions claimdesk and a bare Textual app run until their first screen (valgrind).

    python benchmarks/start_instructions.py            # both, and the ratio
    python benchmarks/start_instructions.py --exe OLD  # another claimdesk Python script

CPU time read from ``/proc`` swings by a tenth between runs of the same code on a shared
machine; the number of instructions hardly does. Each program runs under ``valgrind
--tool=callgrind`` in the same tmux pane as ``versus_bare.py`` (about 50× slower), through a
small wrapper that exits at once on SIGUSR1, which is sent when the pane shows the final
layout; callgrind then reports the instructions executed up to that point ("Collected").
Needs valgrind; takes a minute or two.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from versus_bare import BARE_APP, Pane, claimdesk_ready, compile_packages

# Runs the program named after it; SIGUSR1 ends the process at once (valgrind still reports).
WRAPPER = """
import os, runpy, signal, sys
signal.signal(signal.SIGUSR1, lambda *_: os._exit(0))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def instructions(name: str, command: list[str], ready: object, folder: Path) -> int:
    log = folder / f"{name}.log"
    env = {**os.environ, "TERM": "xterm-256color", "CLAIMDESK_ANNOTATOR": "bench"}
    pane = Pane(f"instructions-{name}", env)
    pane.start(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", f"--log-file={log}",
         *command]
    )  # fmt: skip
    try:
        pane.wait(ready, timeout=900)  # type: ignore[arg-type]
        pid = subprocess.run(
            [*pane.tmux, "list-panes", "-t", "b", "-F", "#{pane_pid}"], capture_output=True,
            text=True, env=env,
        ).stdout.strip()  # fmt: skip
        os.kill(int(pid), signal.SIGUSR1)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = re.search(r"Collected : (\d+)", log.read_text(encoding="utf-8"))
            if found:
                return int(found.group(1))
            time.sleep(0.2)
        raise TimeoutError(f"valgrind never reported for {name}")
    finally:
        pane.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exe", type=Path, help="the claimdesk script to count (default: ours)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    compile_packages(root)
    from store.db import connect
    from store.importer import import_paths
    from store.paths import sample_corpus_path

    exe = args.exe or Path(sys.executable).parent / "claimdesk"
    names = ["kurier-tag1-evakuierung.txt", "cw-20250311-kressbrunn-evacuation"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        db = folder / "bench.db"
        handle = connect(db)
        try:
            import_paths(handle, [sample_corpus_path()])
        finally:
            handle.close()
        (folder / "bare.py").write_text(BARE_APP, encoding="utf-8")
        (folder / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
        wrapper = [sys.executable, str(folder / "wrapper.py")]
        bare = instructions(
            "bare", [*wrapper, str(folder / "bare.py")],
            lambda shown: "bare ready 0" in shown and "Quit" in shown, folder,
        )  # fmt: skip
        ours = instructions(
            "claimdesk", [*wrapper, str(exe), "--db", str(db), "read", *names],
            claimdesk_ready, folder,
        )  # fmt: skip
    print(f"instructions to the first screen (callgrind), load average {os.getloadavg()[0]:.1f}")
    print(f"bare Textual app: {bare / 1e6:8.0f} M")
    print(f"claimdesk:        {ours / 1e6:8.0f} M")
    print(f"claimdesk / bare: {ours / bare:.2f}x")


if __name__ == "__main__":
    main()
