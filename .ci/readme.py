"""Run the README's quick start as a newcomer would, so that CI fails where they would.

    python3 .ci/readme.py command SECTION N
                                       print the N-th shell block (1-based) of "## SECTION"
    python3 .ci/readme.py first-run    run block 1 in a fresh clone, fresh venv, stock pip and
                                       an empty HOME, in tmux at 80x24; pass when the library
                                       shows the whole sample corpus and ctrl+q exits with 0

Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 80, 24
INSTALL_SECONDS = 900  # pip fetches every dependency on a cold cache
QUIT_SECONDS = 30
DOCUMENTS_LINE = re.compile(r"(\d+) documents")


def section_commands(title: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parts = readme.split(f"\n## {title}\n", 1)
    if len(parts) != 2:
        raise SystemExit(f"README.md: no section '## {title}'")
    section = parts[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```(?:sh|bash|console)\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    if not blocks:
        raise SystemExit(f"README.md: the section '{title}' has no shell block")
    return [block.strip() for block in blocks]


def quick_start_commands() -> list[str]:
    blocks = section_commands("Quick start")
    if len(blocks) < 2:
        raise SystemExit("README.md: the Quick start section has fewer than two shell blocks")
    return blocks


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True)


def screen(socket: str) -> str:
    return tmux(socket, "capture-pane", "-p", "-t", "first").stdout


def fail(message: str, socket: str | None = None) -> None:
    if socket is not None:
        print("--- last screen ---\n" + screen(socket), file=sys.stderr)
        tmux(socket, "kill-server")
    raise SystemExit(f"README first command: {message}")


def first_run() -> None:
    work = Path(tempfile.mkdtemp(prefix="claimdesk-newcomer-"))
    try:
        run_first_command(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_first_command(work: Path) -> None:
    command = quick_start_commands()[0]
    clone, home = work / "clone", work / "home"
    home.mkdir()
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    status = work / "exit-status"
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "xterm-256color",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    inner = f"{command}; echo $? > {shlex.quote(str(status))}"
    shell = (
        f"cd {shlex.quote(str(clone))} && exec env -i "
        + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        + f" bash -c {shlex.quote(inner)}"
    )
    socket = f"claimdesk-newcomer-{os.getpid()}"
    print(f"$ {command}\n  (in a fresh clone, HOME={home}, tmux {WIDTH}x{HEIGHT})", flush=True)
    config = work / "tmux.conf"
    config.write_text("set -g remain-on-exit on\nset -g history-limit 0\n", encoding="utf-8")
    started = tmux(
        socket,
        "-f",
        str(config),
        "new-session",
        "-d",
        "-s",
        "first",
        "-x",
        str(WIDTH),
        "-y",
        str(HEIGHT),
        shell,
    )
    if started.returncode != 0:
        fail(f"tmux did not start: {started.stderr.strip()}")
    deadline = time.monotonic() + INSTALL_SECONDS
    shown = None
    while time.monotonic() < deadline:
        if status.exists():
            fail(f"exited with {status.read_text().strip()} before the library showed", socket)
        shown = DOCUMENTS_LINE.search(screen(socket))
        if shown and "Title" in screen(socket):
            break
        time.sleep(0.5)
    else:
        fail(f"the library did not show within {INSTALL_SECONDS} s", socket)
    assert shown is not None
    print(screen(socket), flush=True)
    tmux(socket, "send-keys", "-t", "first", "C-q")
    deadline = time.monotonic() + QUIT_SECONDS
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not status.exists():
        fail(f"ctrl+q did not end the app within {QUIT_SECONDS} s", socket)
    code = status.read_text().strip()
    tmux(socket, "kill-server")
    if code != "0":
        fail(f"the app exited with status {code} after ctrl+q")

    # The library listed the whole sample corpus that a first run seeds.
    claimdesk = clone / ".venv" / "bin" / "claimdesk"
    stats = subprocess.run(
        [str(claimdesk), "stats", "--json"], env=env, cwd=work, capture_output=True, text=True
    )
    if stats.returncode != 0 or stats.stderr:
        fail(f"first-run `claimdesk stats` failed: {stats.stderr.strip()}")
    documents = json.loads(stats.stdout)["documents"]
    if documents == 0 or int(shown.group(1)) != documents:
        fail(f"the library showed {shown.group(0)!r}, the seeded database holds {documents}")
    print(
        f"README first command: the library showed the {documents} sample documents;"
        " ctrl+q exited with 0"
    )


def main() -> None:
    if sys.argv[1:2] == ["command"] and len(sys.argv) == 4:
        print(section_commands(sys.argv[2])[int(sys.argv[3]) - 1])
    elif sys.argv[1:] == ["first-run"]:
        first_run()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
