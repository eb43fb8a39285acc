"""False-link noise on real news: how many of the best suggestions join unrelated articles.

Imports a real corpus of one outlet whose records carry a topic ``category``
(default: the 10kGNAD test split beside the repository, see its README) into a
temporary database, runs ``claimdesk link``'s pipeline with the default settings,
and reports: suggestions stored, suggestions at or above the default threshold,
the share of the N best-scored suggestions that join articles of different
categories (almost all wrong on a corpus of unrelated topics), the review queue's
volume and that share at a few thresholds, boilerplate
sentences recognised on import, link time and peak memory (max RSS of this
process and its worker processes). The category is read here, for measuring
only; the linker never sees it.

    python benchmarks/link_noise.py                       # ../shared/corpora/gnad10k-test.jsonl
    python benchmarks/link_noise.py CORPUS.jsonl --top 500 --show 20
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.link_speed import cpu_seconds  # noqa: E402
from store.db import connect  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.linking.decisions import REVIEW_ORDER  # noqa: E402
from store.linking.score import DEFAULT_THRESHOLD  # noqa: E402
from store.linking.suggest import LinkSettings, link_documents  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "gnad10k-test.jsonl"
# Thresholds whose review-queue volume is printed beside the default's.
QUEUE_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3)


def categories(path: Path) -> dict[str, str]:
    """The measuring-only topic category of each record, by its id."""
    found: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                found[str(record["id"])] = str(record.get("category"))
    return found


def peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--top", type=int, default=500, help="best suggestions to check")
    parser.add_argument("--show", type=int, default=0, help="print this many wrong ones")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"{args.corpus}: no such corpus file", file=sys.stderr)
        return 1
    category = categories(args.corpus)
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "noise.db")
        started = time.perf_counter()
        imported = import_paths(db, [args.corpus])
        import_seconds = time.perf_counter() - started
        cpu_before = cpu_seconds()
        report = link_documents(db, settings=LinkSettings())
        cpu = cpu_seconds() - cpu_before
        names = dict(db.conn.execute("SELECT id, source_name FROM documents").fetchall())
        sentences = db.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        boilerplate = db.conn.execute(
            "SELECT count(*) FROM sentences WHERE boilerplate = 1"
        ).fetchone()[0]
        above = db.conn.execute(
            "SELECT count(*) FROM suggested_links WHERE score >= ?",
            [DEFAULT_THRESHOLD],
        ).fetchone()[0]
        scored = db.conn.execute("SELECT a_doc, b_doc, score FROM suggested_links").fetchall()
        best = db.conn.execute(
            "SELECT a_doc, b_doc, score, a_quote, b_quote FROM suggested_links l"
            f"{REVIEW_ORDER} LIMIT ?",
            [args.top],
        ).fetchall()
        db.close()
    wrong = [row for row in best if category[names[row[0]]] != category[names[row[1]]]]
    share = len(wrong) / len(best) if best else 0.0
    print(
        f"{args.corpus.name}: {imported.added} documents, {sentences} sentences,"
        f" {boilerplate} boilerplate ({boilerplate / max(sentences, 1):.1%}),"
        f" imported in {import_seconds:.1f} s"
    )
    print(
        f"suggestions stored: {report.suggestions}; at or above threshold {DEFAULT_THRESHOLD}:"
        f" {above}; {report.candidates} candidate pairs scored"
    )
    print(f"of the {len(best)} best-scored, {len(wrong)} join different categories ({share:.1%})")
    print(
        "review queue by threshold (suggestions at or above it, share joining different"
        " categories):"
    )
    for threshold in sorted({DEFAULT_THRESHOLD, *QUEUE_THRESHOLDS}):
        queue = [(a, b) for a, b, score in scored if score >= threshold]
        across = sum(category[names[a]] != category[names[b]] for a, b in queue)
        print(
            f"  >= {threshold:.2f}: {len(queue):>7}, {across / max(len(queue), 1):.1%}"
            " different categories"
        )
    print(f"link time {report.seconds:.1f} s wall, {cpu:.1f} s CPU; peak RSS {peak_mib():.0f} MiB")
    for a_doc, b_doc, score, qa, qb in wrong[: args.show]:
        print(f"  {score:.3f} [{category[names[a_doc]]}] {qa[:90]!r}")
        print(f"        [{category[names[b_doc]]}] {qb[:90]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
