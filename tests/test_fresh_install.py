"""The built wheel installs with the pip a fresh venv brings, and works with nothing else.

tests/test_packaging.py borrows the test venv's dependencies, so it cannot see a
dependency that only a newer pip resolves: `lxml[html_clean]`, which pip 23 skipped with
a warning, left trafilatura unimportable and crashed a newcomer's first run. Here the
wheel and its declared dependencies alone go into a new venv (no pip upgrade, no test
extras), and one file of every supported format is imported from outside the checkout.
"""

from __future__ import annotations

import json
import sys
import venv
from pathlib import Path

import pytest

from tests.wheel import build_wheel, outside_env, run

pytestmark = pytest.mark.slow

ARTICLES = {
    "plain.txt": "title: Ein Text\n\nDie Stadt meldet 11.000 Besucher am Wochenende.\n",
    "notes.md": "---\ntitle: Markdown\n---\n\n# Hochwasser\n\nDer Pegel stieg auf *6,84 Meter*.\n",
    "page.html": (
        "<!DOCTYPE html><html lang='de'><head><title>Deichbruch in Auwiesen</title></head>"
        "<body><nav>Startseite Politik Sport</nav><article><h1>Deich gebrochen</h1>"
        "<p>In der Nacht zum Mittwoch ist der Deich an der Siedlung Auwiesen gebrochen. Nach"
        " Angaben der Feuerwehr gab der Damm gegen 4.30 Uhr auf einer Länge von etwa 40 Metern"
        " nach.</p><p>Im Einsatz sind mehr als 1.200 Einsatzkräfte von Feuerwehr, Polizei und"
        " Hilfsdiensten aus dem ganzen Landkreis.</p></article><footer>Impressum</footer>"
        "</body></html>"
    ),
    "wire.jsonl": json.dumps(
        {"id": "w1", "outlet": "Wire", "title": "Flood", "text": "About 10,000 people left."}
    )
    + "\n",
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    root = tmp_path_factory.mktemp("fresh-install")
    env = outside_env()
    env["HOME"] = str(root / "home")
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "CLAIMDESK_DB"):
        env.pop(variable, None)
    wheel = build_wheel(root, env)
    target = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)  # the pip ensurepip bundles
    run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], root, env)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    return target, env, elsewhere


def test_the_venv_keeps_the_pip_it_was_made_with(fresh: tuple[Path, dict[str, str], Path]) -> None:
    target, env, elsewhere = fresh
    bundled = run(
        [sys.executable, "-c", "import ensurepip; print(ensurepip.version())"], elsewhere, env
    ).stdout.strip()
    installed = run([str(target / "bin" / "pip"), "--version"], elsewhere, env).stdout
    assert installed.startswith(f"pip {bundled} ")


def test_every_supported_format_imports_with_the_declared_dependencies_alone(
    fresh: tuple[Path, dict[str, str], Path],
) -> None:
    target, env, elsewhere = fresh
    for name, text in ARTICLES.items():
        (elsewhere / name).write_text(text, encoding="utf-8")
    exe = str(target / "bin" / "claimdesk")
    db = elsewhere / "formats.db"
    run([exe, "--db", str(db), "import", *ARTICLES], elsewhere, env)
    stats = json.loads(run([exe, "--db", str(db), "stats", "--json"], elsewhere, env).stdout)
    assert stats["documents"] == len(ARTICLES)
    # trafilatura itself, not the fallback extractor, read the page: its tree imports.
    run([str(target / "bin" / "python"), "-c", "import trafilatura"], elsewhere, env)


def test_a_first_run_seeds_the_default_database(fresh: tuple[Path, dict[str, str], Path]) -> None:
    target, env, elsewhere = fresh
    exe = str(target / "bin" / "claimdesk")
    first = run([exe, "stats", "--json"], elsewhere, env)
    assert first.stderr == ""
    seeded = json.loads(first.stdout)
    assert (Path(env["HOME"]) / ".local" / "share" / "claimdesk" / "claimdesk.db").exists()
    reference_db = elsewhere / "reference.db"
    run([exe, "--db", str(reference_db), "import", "--sample", "--quiet"], elsewhere, env)
    reference = json.loads(
        run([exe, "--db", str(reference_db), "stats", "--json"], elsewhere, env).stdout
    )
    assert seeded["documents"] == reference["documents"] > 0
    assert seeded["sentences"] == reference["sentences"]
    # Linked too, so the review queue and the match panel have something to show.
    suggested = dict(map(tuple, seeded["links_by_status"]))["suggested"]
    linked = run([exe, "--db", str(reference_db), "link", "--quiet"], elsewhere, env)
    assert linked.returncode == 0
    reference = json.loads(
        run([exe, "--db", str(reference_db), "stats", "--json"], elsewhere, env).stdout
    )
    assert suggested == dict(map(tuple, reference["links_by_status"]))["suggested"] > 0
