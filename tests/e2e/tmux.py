"""A real terminal for end-to-end tests: a detached tmux session on a private socket.

tmux gives the app a genuine pty (xterm-256color, fixed size), delivers keys the way
a terminal would (``send-keys``) and lets the test read the screen (``capture-pane``).
Waiting is done by polling the screen for expected text, never by fixed sleeps.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL_SECONDS = 0.05
DEFAULT_TIMEOUT = 20.0
EXIT_MARKER = "[claimdesk-e2e exited "

_CONFIG = """\
set -g default-terminal "xterm-256color"
set -s escape-time 0
set -g history-limit 0
set -g status off
set -g allow-rename on
set -g set-titles off
"""


class TerminalTimeout(AssertionError):
    """The expected text did not appear in time; the message shows the last screen."""


class TmuxTerminal:
    """One tmux server (socket ``-L name``) running one command in one pane.

    The command runs under ``sh`` so that, after it exits, the pane keeps its exit
    status on screen as ``[claimdesk-e2e exited N]`` for :meth:`wait_for_exit`.
    """

    def __init__(
        self, workdir: Path, env: Mapping[str, str], *, width: int = 120, height: int = 40
    ) -> None:
        self.workdir = workdir
        self.env = dict(env)
        self.width = width
        self.height = height
        self.socket = f"claimdesk-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.config = workdir / "tmux.conf"
        self.config.write_text(_CONFIG, encoding="utf-8")
        self.started = False

    # Running --------------------------------------------------------------------

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=DEFAULT_TIMEOUT,
            env=self.env,
        )

    def start(self, command: Sequence[str]) -> None:
        """Run ``command`` in a new detached session with exactly this terminal's env."""
        shell_line = f"{shlex.join(command)}; printf '\\n{EXIT_MARKER}%s]\\n' $?; exec sleep 3600"
        options: list[str] = []
        for name, value in self.env.items():
            options += ["-e", f"{name}={value}"]
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(self.workdir),
            *options,
            "sh",
            "-c",
            shell_line,
        )
        self.started = True

    def kill(self) -> None:
        """Stop the server and everything in it (safe to call twice)."""
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False

    # Input ----------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """Send keys by tmux name (``j``, ``C-n``, ``M-f``, ``S-Right``, ``Enter``)."""
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)

    def type(self, text: str) -> None:
        """Send ``text`` literally, character by character."""
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    # Output ---------------------------------------------------------------------

    def screen(self, *, escapes: bool = False) -> str:
        """The visible pane as text; with ``escapes``, including its SGR colour codes."""
        args = ["capture-pane", "-p", "-t", "e2e"]
        if escapes:
            args.append("-e")
        return self.tmux(*args).stdout

    def pane_title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}").stdout.strip()

    def wait_until(
        self, predicate: Callable[[str], bool], what: str, timeout: float = DEFAULT_TIMEOUT
    ) -> str:
        """Poll the screen until ``predicate(screen)`` holds; return that screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            if predicate(screen):
                return screen
            if time.monotonic() > deadline:
                raise TerminalTimeout(
                    f"waited {timeout:.0f} s for {what}; the screen was:\n{screen}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_until(lambda screen: text in screen, repr(text), timeout)

    def wait_for_change(self, before: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_until(lambda screen: screen != before, "the screen to change", timeout)

    def wait_until_still(self, quiet: float = 1.0) -> None:
        """Wait until the screen has not changed for ``quiet`` seconds (first layouts done)."""
        before = self.screen()
        deadline = time.monotonic() + DEFAULT_TIMEOUT
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.screen()
            if now == before:
                return
            before = now

    def wait_for_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Wait for the command to end; its exit status."""
        screen = self.wait_for(EXIT_MARKER, timeout)
        tail = screen.split(EXIT_MARKER, 1)[1]
        return int(tail.split("]", 1)[0])


def footer(screen: str) -> str:
    """The last non-blank line of a screen: the footer with the focused widget's keys."""
    lines = [line for line in screen.splitlines() if line.strip()]
    return lines[-1] if lines else ""
