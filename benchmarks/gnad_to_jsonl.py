"""The 10kGNAD test split as the JSON Lines that ``link_noise.py`` and ``claimdesk import`` read.

10kGNAD (Timo Block, CC BY-NC-SA 4.0; https://github.com/tblock/10kGNAD) ships
``test.csv``: a line per article, ``category;'text'`` (semicolon-separated, quoted
with single quotes). Each becomes ``{"id": "gnad-NNNN", "outlet": "derStandard",
"category", "language": "de", "text"}``, in file order, the shape of
``../shared/corpora/gnad10k-test.jsonl``. The corpus stays outside this repository:
its licence is not ours to re-grant.

    python benchmarks/gnad_to_jsonl.py test.csv > gnad10k-test.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path


def records(rows: Iterable[list[str]]) -> Iterator[dict[str, str]]:
    for number, row in enumerate(rows):
        if len(row) != 2:
            raise ValueError(f"row {number + 1}: expected category;'text', got {len(row)} field(s)")
        category, text = row
        yield {
            "id": f"gnad-{number:04d}",
            "outlet": "derStandard",
            "category": category,
            "language": "de",
            "text": text,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="10kGNAD's test.csv (or train.csv)")
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter=";", quotechar="'")
        try:
            # All rows are read before any is written: a bad row leaves no half corpus.
            converted = list(records(rows))
        except (ValueError, csv.Error) as error:
            print(f"{args.csv}: {error}", file=sys.stderr)
            return 1
    for record in converted:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
