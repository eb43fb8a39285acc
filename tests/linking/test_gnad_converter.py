"""benchmarks/gnad_to_jsonl.py: 10kGNAD's CSV read as its authors write it (``;`` between
fields, ``'`` around the text, ``''`` for a quote inside), each article a record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gnad_to_jsonl.py"


def _run(csv_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "test.csv"
    source.write_text(csv_text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(source)], capture_output=True, text=True, check=False
    )


def test_fields_quotes_and_semicolons_in_the_text_survive(tmp_path: Path) -> None:
    done = _run(
        "Sport;'Rapid gewinnt 2:1; ''ein Fest'', sagt der Trainer.'\n"
        "Wirtschaft;Kurs steigt um 11.000 Punkte\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {
            "id": "gnad-0000",
            "outlet": "derStandard",
            "category": "Sport",
            "language": "de",
            "text": "Rapid gewinnt 2:1; 'ein Fest', sagt der Trainer.",
        },
        {
            "id": "gnad-0001",
            "outlet": "derStandard",
            "category": "Wirtschaft",
            "language": "de",
            "text": "Kurs steigt um 11.000 Punkte",
        },
    ]


def test_a_row_of_another_shape_is_named_and_nothing_is_half_written(tmp_path: Path) -> None:
    done = _run("Sport;'ok'\nno separator here\n", tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().endswith("row 2: expected category;'text', got 1 field(s)")
