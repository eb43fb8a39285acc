"""Run the installed command and the ``sqlite3`` tool outside the terminal under test."""

from __future__ import annotations

import subprocess
from pathlib import Path

ANNOTATOR = "e2e-annotator"


def run_claimdesk(
    exe: Path, env: dict[str, str], *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run the installed command outside tmux (for setup), failing loudly on error."""
    result = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )
    assert result.returncode == 0, f"claimdesk {' '.join(args)} failed:\n{result.stderr}"
    return result


def sqlite(db: Path, sql: str) -> list[list[str]]:
    """Rows from the ``sqlite3`` command-line tool (separator: the unit separator)."""
    result = subprocess.run(
        ["sqlite3", "-bail", "-separator", "\x1f", "-newline", "\x1e", str(db), sql],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [row.split("\x1f") for row in result.stdout.split("\x1e") if row]
