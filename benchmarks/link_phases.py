"""Where linking's time and memory go: CPU, wall and peak RSS per phase, before storing.

Builds the synthetic corpus of ``link_speed.py`` (same generator and seed), then
runs :func:`build_corpus` and :func:`compute_suggestions` with the default settings
and times each phase by wrapping the functions ``compute_suggestions`` calls. CPU
is user + system time of this process and its finished worker processes (the
normalising workers are counted in ``build_corpus``); on a shared machine compare
CPU, not wall. Peak RSS per phase is sampled every 50 ms. Storing is left out
(``link_speed.py`` times the whole run).

``--save FILE`` writes the suggestions (``i, j, score``) as a ``.npy`` file and
``--compare FILE`` checks a later run's against them: a speed-up that should
change no result is checked pair for pair and score for score.

    python benchmarks/link_phases.py --size 2000 --save before.npy
    python benchmarks/link_phases.py --size 2000 --compare before.npy

``--corpus FILE`` links a real corpus (any file ``claimdesk import`` reads, such as
``../shared/corpora/gnad10k-test.jsonl``) imported into a temporary database instead.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import link_speed  # noqa: E402

from store.db import connect  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.linking import document_pairs, features, score, suggest, units  # noqa: E402
from store.linking.features import DocInput  # noqa: E402
from store.segment import split_sentences  # noqa: E402

# (module, function) wrapped, in the order the pipeline calls them.
PHASES = [
    (suggest, "build_corpus"),
    (features, "build_grams"),
    (features, "build_units"),
    (suggest, "candidate_pairs"),
    (suggest, "document_pair_candidates"),
    (document_pairs, "related_documents"),
    (suggest, "union_pairs"),
    (suggest, "word_overlap"),
    (suggest, "best_of_either"),
    (suggest, "components"),
    (score, "refine"),
    (units, "_with_context"),
    (units, "_best_clauses"),
    (suggest, "document_cosines"),
    (suggest, "top_per_document"),
    (suggest, "best_per_sentence"),
    (score, "shares_anchor"),
]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """CPU, wall, calls and peak RSS of each wrapped function (its own and nested)."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}
        self.peaks: dict[str, float] = {}
        self.depth: dict[str, int] = {}
        self.stack = ["(between phases)"]
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            current, label = rss_mb(), self.stack[-1]
            self.peaks[label] = max(self.peaks.get(label, 0.0), current)
            for outer in self.stack[:-1]:
                self.peaks[outer] = max(self.peaks.get(outer, 0.0), current)
            time.sleep(0.05)

    def wrap(self, module: Any, name: str) -> None:
        function: Callable[..., Any] = getattr(module, name)

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth.setdefault(name, len(self.stack) - 1)
            cpu, wall = link_speed.cpu_seconds(), time.perf_counter()
            self.stack.append(name)
            try:
                return function(*args, **kwargs)
            finally:
                self.stack.pop()
                totals = self.seconds.setdefault(name, [0.0, 0.0, 0.0])
                totals[0] += link_speed.cpu_seconds() - cpu
                totals[1] += time.perf_counter() - wall
                totals[2] += 1

        setattr(module, name, timed)


def _synthetic(size: int, seed: int) -> list[DocInput]:
    articles, _planted, _facts = link_speed.generate(size, seed)
    return [
        DocInput(number, outlet, "de", text, [(None, s, e) for s, e in split_sentences(text)])
        for number, (_name, outlet, text) in enumerate(articles, start=1)
    ]


def _real(path: Path) -> list[DocInput]:
    """The documents of ``path`` as ``claimdesk link`` loads them after ``claimdesk import``."""
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "corpus.db")
        try:
            import_paths(db, [path])
            return list(suggest.load_documents(db))
        finally:
            db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="synthetic articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="write the suggestions to this .npy file")
    parser.add_argument("--compare", type=Path, help="compare the suggestions with this file")
    parser.add_argument("--corpus", type=Path, help="link this real corpus instead (imported)")
    args = parser.parse_args()
    phases = Phases()
    for module, name in PHASES:
        phases.wrap(module, name)
    documents = _real(args.corpus) if args.corpus else _synthetic(args.size, args.seed)
    settings = suggest.LinkSettings()
    cpu, wall = link_speed.cpu_seconds(), time.perf_counter()
    corpus = suggest.build_corpus(documents, workers=settings.workers)
    built = rss_mb()
    report = suggest.LinkReport()
    found = suggest.compute_suggestions(corpus, settings, report=report)
    cpu, wall = link_speed.cpu_seconds() - cpu, time.perf_counter() - wall
    print(
        f"{len(documents):,} articles, {len(corpus):,} sentences, {report.candidates:,} candidates,"
        f" {report.scored:,} fully scored, {len(found):,} suggestions"
    )
    print("| phase | CPU (s) | wall (s) | calls | peak RSS (MB) |")
    print("|---|---|---|---|---|")
    for _module, name in PHASES:
        if name in phases.seconds:
            cpu_s, wall_s, calls = phases.seconds[name]
            indent = "  " * phases.depth[name]
            print(
                f"| {indent}{name} | {cpu_s:.1f} | {wall_s:.1f} | {calls:.0f}"
                f" | {phases.peaks.get(name, 0.0):,.0f} |"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\ntotal {cpu:.1f} s CPU, {wall:.1f} s wall, load average {os.getloadavg()[0]:.1f};"
        f" RSS after build_corpus {built:,.0f} MB, peak {peak:,.0f} MB"
    )
    table = np.asarray(found, dtype=np.float64).reshape(-1, 3)
    if args.save:
        np.save(args.save, table)
    if args.compare:
        reference = np.load(args.compare)
        same = reference.shape == table.shape and np.array_equal(reference[:, :2], table[:, :2])
        scores = same and np.array_equal(reference[:, 2], table[:, 2])
        print(f"same pairs as {args.compare.name}: {same}; same scores: {scores}")
        return 0 if scores else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
