"""Fixtures for end-to-end tests: the installed command, a clean environment, tmux."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import ANNOTATOR, run_claimdesk

SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "sample_corpus"


def installed_claimdesk() -> Path:
    """The ``claimdesk`` console script of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "claimdesk"
    if beside.exists():
        return beside
    found = shutil.which("claimdesk")
    if found is None:
        pytest.fail(
            "the claimdesk command is not installed: run `pip install -e .` in this"
            " environment before the e2e tests"
        )
    return Path(found)


@pytest.fixture
def claimdesk_exe() -> Path:
    return installed_claimdesk()


def isolated_env(root: Path) -> dict[str, str]:
    """A minimal environment: private HOME and XDG folders, fixed annotator and terminal."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "TMPDIR": str(root),
        "TERM": "xterm-256color",
        "COLORTERM": "",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "CLAIMDESK_ANNOTATOR": ANNOTATOR,
    }


@pytest.fixture
def e2e_env(tmp_path: Path) -> dict[str, str]:
    return isolated_env(tmp_path)


@pytest.fixture(scope="session")
def sample_db_made_by_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``claimdesk --db DB import sample_corpus`` run once; tests copy the result."""
    root = tmp_path_factory.mktemp("e2e-sample")
    db = root / "sample.db"
    run_claimdesk(
        installed_claimdesk(),
        isolated_env(root),
        "--db",
        str(db),
        "import",
        str(SAMPLE_CORPUS),
        cwd=root,
    )
    return db


@pytest.fixture
def sample_db(sample_db_made_by_cli: Path, tmp_path: Path) -> Path:
    """A private copy of the CLI-imported sample database (closed and checkpointed)."""
    target = tmp_path / "e2e.db"
    shutil.copyfile(sample_db_made_by_cli, target)
    return target


@pytest.fixture
def terminal(tmp_path: Path, e2e_env: dict[str, str]) -> Iterator[TmuxTerminal]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    term = TmuxTerminal(tmp_path, e2e_env, width=120, height=40)
    try:
        yield term
    finally:
        term.kill()
