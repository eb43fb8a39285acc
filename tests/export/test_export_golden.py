"""Every format's output for the fixed database, compared byte for byte with the
files in ``golden/``. After an intended change, regenerate them with
``UPDATE_GOLDEN=1 pytest tests/export`` and review the diff."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from store.export import export
from store.export.common import ExportFilter, ExportOptions
from store.export.output import MARKER

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# (golden name, format, options)
CASES = [
    ("jsonl.jsonl", "jsonl", ExportOptions()),
    ("jsonl-tokens.jsonl", "jsonl", ExportOptions(tokens=True)),
    ("doccano.jsonl", "doccano", ExportOptions()),
    ("conll.conll", "conll", ExportOptions()),
    ("conll-figure.conll", "conll", ExportOptions(conll_label="FIGURE")),
    ("label-studio.json", "label-studio", ExportOptions()),
    ("w3c.jsonld", "w3c", ExportOptions()),
    ("csv.csv", "csv", ExportOptions()),
    ("csv-safe.csv", "csv", ExportOptions(csv_safe=True)),
    ("csv-excel.csv", "csv", ExportOptions(excel=True)),
    ("links.jsonl", "links-jsonl", ExportOptions()),
    ("markdown.md", "markdown", ExportOptions()),
]


def _compare(produced: Path, golden: Path) -> None:
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, golden)
    assert golden.exists(), f"no golden file {golden.name}; run with UPDATE_GOLDEN=1"
    assert produced.read_bytes() == golden.read_bytes(), f"{golden.name} differs from golden"


@pytest.mark.parametrize(("golden", "name", "options"), CASES, ids=[c[0] for c in CASES])
def test_format_matches_golden(
    fixed_db: sqlite_utils.Database,
    tmp_path: Path,
    golden: str,
    name: str,
    options: ExportOptions,
) -> None:
    target = tmp_path / golden
    export(fixed_db, name, target, ExportFilter(), options)
    _compare(target, GOLDEN / golden)


FOLDER_CASES = [
    ("brat", "brat", ExportOptions()),
    ("pairs", "pairs", ExportOptions()),
    ("pairs-meta", "pairs", ExportOptions(with_meta=True)),
]


@pytest.mark.parametrize(
    ("golden", "name", "options"), FOLDER_CASES, ids=[c[0] for c in FOLDER_CASES]
)
def test_folder_format_matches_golden(
    fixed_db: sqlite_utils.Database,
    tmp_path: Path,
    golden: str,
    name: str,
    options: ExportOptions,
) -> None:
    target = tmp_path / golden
    export(fixed_db, name, target, ExportFilter(), options)
    produced = sorted(
        str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and p.name != MARKER
    )
    if UPDATE:
        shutil.rmtree(GOLDEN / golden, ignore_errors=True)
    for file_name in produced:
        _compare(target / file_name, GOLDEN / golden / file_name)
    expected = GOLDEN / golden
    assert produced == sorted(
        str(p.relative_to(expected)) for p in expected.rglob("*") if p.is_file()
    )
