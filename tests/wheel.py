"""Building the wheel and running commands outside the checkout, for the packaging tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def outside_env() -> dict[str, str]:
    """This environment without what would point a new interpreter back at the checkout."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(root: Path, env: dict[str, str]) -> Path:
    """The checkout built as a wheel (without its dependencies) into ``root/wheels``."""
    wheels = root / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        root,
        env,
    )
    (wheel,) = wheels.glob("claimdesk-*.whl")
    return wheel
