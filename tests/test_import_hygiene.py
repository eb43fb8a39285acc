"""store/ and the headless CLI commands must never pull in the UI toolkit."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import store
from tests.conftest import in_fresh_python

REPO = Path(__file__).resolve().parent.parent
STORE_MODULES = sorted(
    module.name for module in pkgutil.walk_packages(store.__path__, prefix="store.")
)


@pytest.mark.parametrize("module", STORE_MODULES)
def test_store_module_imports_without_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r});"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich', 'tui'});"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 and "No module named" in result.stderr and "spacy" in result.stderr:
        pytest.skip("optional extra not installed")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_tui_contains_no_sql() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "tui").rglob("*.py")
        if any(
            needle in path.read_text(encoding="utf-8")
            for needle in (".execute(", "executemany(", "sqlite3.connect", "db.query(")
        )
    ]
    assert offenders == []


@pytest.mark.parametrize("argv", [["--version"], ["read", "a.txt"], ["stats"]])
def test_cli_start_loads_only_the_command_it_runs(argv: list[str]) -> None:
    """The reader's start must not pay for the HTML extractor, the linker or agreement."""
    code = (
        "import sys; from claimdesk.cli import build_parser; from claimdesk.commands import"
        f" command_in; build_parser(command_in({argv!r}));"
        "heavy = {'trafilatura', 'lxml', 'krippendorff', 'store.linking', 'store.export'};"
        "print(','.join(sorted(m for m in sys.modules if m in heavy)))"
    )
    assert in_fresh_python(code) == ""
