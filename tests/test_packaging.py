"""The wheel works on its own: built, installed into a fresh venv, run outside the checkout.

Catches what tests run from the checkout cannot: data folders (keymaps, sample
corpus) missing from the wheel, modules imported from the working tree, a broken
console-script entry point.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sysconfig
import venv
from pathlib import Path
from typing import NamedTuple

import pytest

from claimdesk import __version__
from store.db import connect
from store.importer import import_paths
from store.paths import sample_corpus_path
from tests.wheel import REPO, build_wheel, outside_env, run

pytestmark = pytest.mark.slow

SHIPPED_KEYMAPS = ("default.toml", "vim.toml", "emacs.toml")


class Installed(NamedTuple):
    """The fresh venv, the environment to run it with, and a folder outside the checkout."""

    venv: Path
    env: dict[str, str]
    workdir: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A venv holding only the freshly built wheel; dependencies come from the test venv.

    ``venv --system-site-packages`` would expose the base interpreter, not this test
    venv, so the test venv's site-packages is appended with a ``.pth`` path line
    instead. A plain path line does not run that folder's own ``.pth`` files, so an
    editable install of the checkout there stays invisible to the new venv.
    """
    root = tmp_path_factory.mktemp("packaging")
    env = outside_env()
    wheel = build_wheel(root, env)

    target = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    python = target / "bin" / "python"
    site_packages = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            root,
            env,
        ).stdout.strip()
    )
    test_site = Path(sysconfig.get_paths()["purelib"])
    (site_packages / "test_venv_dependencies.pth").write_text(f"{test_site}\n", encoding="utf-8")
    run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
        root,
        env,
    )
    work = root / "elsewhere"
    work.mkdir()
    env["HOME"] = str(root / "home")
    env["XDG_DATA_HOME"] = str(root / "home" / "data")
    env["XDG_CONFIG_HOME"] = str(root / "home" / "config")
    return Installed(target, env, work)


def test_console_script_reports_the_version(installed: Installed) -> None:
    result = run([installed.bin("claimdesk"), "--version"], installed.workdir, installed.env)
    assert result.stdout.strip() == f"claimdesk {__version__}"


def test_modules_and_data_come_from_the_installed_tree(installed: Installed) -> None:
    probe = (
        "import claimdesk, store, tui.keymap\n"
        "from store.paths import keymaps_path, sample_corpus_path\n"
        "for m in (claimdesk, store, tui.keymap): print(m.__file__)\n"
        "print(keymaps_path()); print(sample_corpus_path())\n"
    )
    output = run([installed.bin("python"), "-c", probe], installed.workdir, installed.env).stdout
    lines = output.splitlines()
    *modules, keymaps, corpus = [Path(line) for line in lines if line]
    for path in [*modules, keymaps, corpus]:
        assert path.resolve().is_relative_to(installed.venv.resolve()), path
    for name in SHIPPED_KEYMAPS:
        assert (keymaps / name).read_text(encoding="utf-8") == (REPO / "keymaps" / name).read_text(
            encoding="utf-8"
        )
    shipped = sorted(
        p.relative_to(REPO / "sample_corpus")
        for p in (REPO / "sample_corpus").rglob("*")
        if p.is_file()
    )
    installed_files = sorted(p.relative_to(corpus) for p in corpus.rglob("*") if p.is_file())
    assert shipped
    assert installed_files == shipped


def test_import_sample_and_stats_outside_the_checkout(installed: Installed, tmp_path: Path) -> None:
    exe, work, env = installed.bin("claimdesk"), installed.workdir, installed.env
    db = tmp_path / "packaged.db"
    run([exe, "--db", str(db), "import", "--sample", "--quiet"], work, env)
    stats = run([exe, "--db", str(db), "stats"], work, env).stdout
    assert db.exists()
    assert "documents" in stats.lower()

    # The same corpus imported by the checkout's code gives the same documents.
    with contextlib.closing(sqlite3.connect(db)) as connection:
        packaged = sorted(r[0] for r in connection.execute("SELECT sha256 FROM documents"))
    reference = connect(tmp_path / "reference.db")
    try:
        import_paths(reference, [sample_corpus_path()])
        expected = sorted(r[0] for r in reference.conn.execute("SELECT sha256 FROM documents"))
    finally:
        reference.close()
    assert packaged == expected
    assert packaged
