"""Import throughput and peak memory for large batches of articles.

    python benchmarks/import_bench.py --articles 10000

Writes a synthetic corpus (news-like German and English sentences; half `.txt`
files with metadata in outlet folders, half one `.jsonl` batch), imports it into a
fresh database and prints articles per second and the process's peak resident
memory. Then times re-importing the same corpus (all duplicates), so the cost of
reading and hashing alone is visible too.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.db import connect
from store.importer import import_paths

SUBJECTS_DE = [
    "Die Stadt",
    "Der Bürgermeister",
    "Die Feuerwehr",
    "Ein Sprecher der Polizei",
    "Das Landesamt",
    "Die Helfer",
    "Der Krisenstab",
]
VERBS_DE = [
    "meldete am Mittwoch",
    "teilte mit, dass",
    "sagte, es seien",
    "bestätigte",
    "rechnet mit",
    "sprach von",
]
OBJECTS_DE = [
    "{n} evakuierte Menschen",
    "Schäden von {n} Euro",
    "einem Pegel von {n} Zentimetern",
    "{n} Einsatzkräften an den Deichen",
    "{n} gesperrten Straßen in der Altstadt",
]
SUBJECTS_EN = [
    "The city",
    "The mayor",
    "Firefighters",
    "A police spokesman",
    "The state agency",
    "Volunteers",
    "The crisis team",
]
VERBS_EN = [
    "reported on Wednesday",
    "said that there were",
    "confirmed",
    "expects",
    "spoke of",
    "warned of",
]
OBJECTS_EN = [
    "{n} evacuated residents",
    "damage of {n} dollars",
    "a river level of {n} centimetres",
    "{n} workers on the levees",
    "{n} closed roads in the old town",
]


def sentence(rng: random.Random, german: bool) -> str:
    subjects, verbs, objects = (
        (SUBJECTS_DE, VERBS_DE, OBJECTS_DE) if german else (SUBJECTS_EN, VERBS_EN, OBJECTS_EN)
    )
    number = f"{rng.randint(1, 20_000):,}".replace(",", "." if german else ",")
    return f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects).format(n=number)}."


def article(rng: random.Random, index: int) -> tuple[str, str]:
    german = bool(index % 2)
    paragraphs = [
        " ".join(sentence(rng, german) for _ in range(rng.randint(2, 5)))
        for _ in range(rng.randint(4, 8))
    ]
    return f"Report {index}: {sentence(rng, german)[:40]}", "\n\n".join(paragraphs)


def write_corpus(root: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    half = count // 2
    for index in range(half):
        outlet = root / f"outlet-{index % 7}"
        outlet.mkdir(parents=True, exist_ok=True)
        title, text = article(rng, index)
        (outlet / f"article-{index:06d}.txt").write_text(
            f"title: {title}\ndate: 2026-03-{index % 28 + 1:02d}\n\n{text}\n", encoding="utf-8"
        )
    with (root / "batch.jsonl").open("w", encoding="utf-8") as batch:
        for index in range(half, count):
            title, text = article(rng, index)
            record = {"id": f"wire-{index:06d}", "outlet": "Wire", "title": title, "text": text}
            batch.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        write_corpus(root, args.articles, args.seed)
        size_mb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        db = connect(Path(tmp) / "bench.db")
        started = time.perf_counter()
        report = import_paths(db, [root])
        elapsed = time.perf_counter() - started
        again = time.perf_counter()
        repeat = import_paths(db, [root])
        elapsed_again = time.perf_counter() - again
        db.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {args.articles} articles, {size_mb:.1f} MB of files")
    print(
        f"import: {report.added} added, {len(report.refused)} refused in {elapsed:.1f} s"
        f" = {report.added / elapsed:.0f} articles/s"
    )
    print(
        f"re-import (all duplicates): {repeat.duplicates} in {elapsed_again:.1f} s"
        f" = {repeat.duplicates / elapsed_again:.0f} articles/s"
    )
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
