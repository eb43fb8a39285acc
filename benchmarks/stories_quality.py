"""Story detection: quality on the sample gold, purity on real news, time at scale.

1. **Gold** (``sample_corpus/gold_stories.json``): the sample corpus is imported into
   a fresh database, stories are computed without and with the linker's sentence
   links, and pairwise precision/recall/F1 and B³ precision/recall/F1 are printed for
   a sweep of thresholds (the whole row of figures, not just the best cell).
2. **Real corpus** (``gnad10k-test.jsonl``, 1,028 DER STANDARD articles with a topic
   category each): the share of multi-document stories whose documents come from
   different categories. The category is read here only, to measure; the algorithm
   never sees it. Then the sample corpus is added to the real articles and the gold
   stories are scored again, counting real articles pulled into a gold story.
3. **Threshold stability**: the threshold with the best B³ F1 is chosen on bootstrap
   resamples of the gold stories and scored on the stories left out; the spread of
   the choices and of the held-out F1 is printed.
4. **Time** for the real corpus and for 10,000 synthetic articles (the generator of
   ``benchmarks/link_speed.py``: stories of five outlets sharing names and figures).
5. **Date window**: the largest gap in days between two reports of one gold story,
   and how many cross-story pairs of the gold lie within it.
6. **Real corpus, linked**: the real articles imported and linked as ``claimdesk link``
   does, then the stories computed with the sentence links as evidence, for a sweep of
   the score from which a suggestion counts (``LINK_EVIDENCE_SCORE``), beside the gold's
   B³ with links at the same score: how much topic mixing the linker's low-scored
   suggestions bring in.

    python benchmarks/stories_quality.py
    python benchmarks/stories_quality.py --corpus ../shared/corpora/gnad10k-test.jsonl --sizes 10000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from store.db import connect  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.linking.suggest import link_documents  # noqa: E402
from store.stories.cluster import DEFAULT_THRESHOLD, centroid_linkage  # noqa: E402
from store.stories.detect import Detection, StoryInput, detect_stories  # noqa: E402
from store.stories.pairs import LINK_WEIGHT  # noqa: E402
from store.stories.storage import LINK_EVIDENCE_SCORE, link_share  # noqa: E402

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
Clusters = dict[str, str]  # document name -> cluster key


def pairwise(found: Clusters, gold: Clusters) -> tuple[float, float, float]:
    names = sorted(gold)
    same_found = {(a, b) for a, b in itertools.combinations(names, 2) if found[a] == found[b]}
    same_gold = {(a, b) for a, b in itertools.combinations(names, 2) if gold[a] == gold[b]}
    hit = len(same_found & same_gold)
    precision = hit / len(same_found) if same_found else 1.0
    recall = hit / len(same_gold) if same_gold else 1.0
    return precision, recall, _f1(precision, recall)


def bcubed(found: Clusters, gold: Clusters) -> tuple[float, float, float]:
    names = sorted(gold)
    by_found: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for name in names:
        by_found[found[name]].add(name)
        by_gold[gold[name]].add(name)
    precision = recall = 0.0
    for name in names:
        mine, truth = by_found[found[name]], by_gold[gold[name]]
        both = len(mine & truth)
        precision += both / len(mine)
        recall += both / len(truth)
    precision /= len(names)
    recall /= len(names)
    return precision, recall, _f1(precision, recall)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def read_gold(path: Path) -> Clusters:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {doc: story["id"] for story in data["stories"] for doc in story["documents"]}


def _inputs(db_rows: Sequence[tuple[object, ...]]) -> list[StoryInput]:
    return [StoryInput(*(None if v is None else str(v) for v in r[1:7])) for r in db_rows]  # type: ignore[arg-type]


def sample_database(link: bool):  # type: ignore[no-untyped-def]
    db = connect(":memory:")
    import_paths(db, [ROOT / "sample_corpus"])
    if link:
        link_documents(db)
    return db


def _rows(db) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return list(
        db.conn.execute(
            "SELECT id, source_name, outlet, title, published, language, text FROM documents"
            " ORDER BY source_name"
        )
    )


def groups_at(
    detection: Detection,
    inputs: Sequence[StoryInput],
    threshold: float,
    share: dict[tuple[int, int], float] | None = None,
) -> list[int]:
    """The grouping ``detect_stories`` would give at another threshold (pairs reused)."""
    bonus = {pair: LINK_WEIGHT * min(value, 1.0) for pair, value in (share or {}).items()}
    dates = [doc.published for doc in inputs]
    return centroid_linkage(detection.vectors, detection.edges, bonus, dates, threshold)


def _found(names: list[str], groups: list[int]) -> Clusters:
    return {name: names[g] for name, g in zip(names, groups, strict=True)}


def gold_section(gold: Clusters) -> dict[float, float]:
    print("== gold: sample_corpus/gold_stories.json ==")
    f1_by_threshold: dict[float, float] = {}
    for link in (False, True):
        db = sample_database(link)
        rows = _rows(db)
        names = [str(r[1]) for r in rows]
        index = {int(str(r[0])): i for i, r in enumerate(rows)}
        share = link_share(db, index) if link else {}
        inputs = _inputs(rows)
        detection = detect_stories(inputs, share)
        print(f"-- {'with' if link else 'without'} sentence links ({len(names)} articles) --")
        print("threshold  pair-P  pair-R  pair-F1   B3-P   B3-R  B3-F1  stories>1")
        for threshold in THRESHOLDS:
            found = _found(names, groups_at(detection, inputs, threshold, share))
            pp, pr, pf = pairwise(found, gold)
            bp, br, bf = bcubed(found, gold)
            multi = sum(1 for key in set(found.values()) if list(found.values()).count(key) > 1)
            mark = " <- default" if threshold == DEFAULT_THRESHOLD else ""
            print(
                f"{threshold:9.2f}  {pp:6.3f}  {pr:6.3f}  {pf:7.3f}  {bp:5.3f}  {br:5.3f}"
                f"  {bf:5.3f}  {multi:9d}{mark}"
            )
            if link:
                f1_by_threshold[threshold] = bf
        db.close()
    return f1_by_threshold


def stability_section(gold: Clusters, rounds: int = 200) -> None:
    """Choose the threshold on bootstrap resamples of gold stories; score it out of bag."""
    db = sample_database(False)
    rows = _rows(db)
    names = [str(r[1]) for r in rows]
    inputs = _inputs(rows)
    detection = detect_stories(inputs)
    db.close()
    found_by = {t: _found(names, groups_at(detection, inputs, t)) for t in THRESHOLDS}
    stories = sorted(set(gold.values()))
    rng = random.Random(7)
    chosen: list[float] = []
    held_out: list[float] = []
    for _ in range(rounds):
        picked = [rng.choice(stories) for _ in stories]
        left = [s for s in stories if s not in picked]
        if not left:
            continue
        train = {n: g for n, g in gold.items() if g in picked}
        test = {n: g for n, g in gold.items() if g in left}
        best = max(THRESHOLDS, key=lambda t: (bcubed(found_by[t], train)[2], -abs(t - 0.3)))
        chosen.append(best)
        held_out.append(bcubed(found_by[best], test)[2])
    print("== threshold chosen on bootstrap resamples of the gold stories ==")
    counts = {t: chosen.count(t) for t in THRESHOLDS}
    print("chosen: " + ", ".join(f"{t}: {n}" for t, n in counts.items() if n))
    held_out.sort()
    q = lambda p: held_out[int(p * (len(held_out) - 1))]  # noqa: E731
    print(
        f"held-out B3-F1 over {len(held_out)} rounds: median {q(0.5):.3f},"
        f" 10th-90th percentile {q(0.1):.3f}-{q(0.9):.3f}, min {held_out[0]:.3f}"
    )


def date_section(gold: Clusters) -> None:
    db = sample_database(False)
    dated = {
        str(name): date.fromisoformat(str(day)[:10])
        for name, day in db.conn.execute("SELECT source_name, published FROM documents")
        if day
    }
    db.close()
    same = [
        abs((dated[a] - dated[b]).days)
        for a, b in itertools.combinations(sorted(dated), 2)
        if a in gold and b in gold and gold[a] == gold[b]
    ]
    widest = max(same)
    other = [
        abs((dated[a] - dated[b]).days)
        for a, b in itertools.combinations(sorted(dated), 2)
        if a in gold and b in gold and gold[a] != gold[b]
    ]
    within = sum(1 for gap in other if gap <= widest)
    print("== date window ==")
    print(
        f"largest gap between two reports of one gold story: {widest} day(s);"
        f" cross-story pairs within it: {within} of {len(other)}"
    )


def real_section(corpus: Path, gold: Clusters) -> None:
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    inputs = [
        StoryInput(
            r["id"], r.get("outlet"), r.get("title"), r.get("date"), r.get("language"), r["text"]
        )
        for r in records
    ]
    started = time.perf_counter()
    detection = detect_stories(inputs)
    seconds = time.perf_counter() - started
    print(f"== real corpus: {corpus.name} ({len(records)} articles, {seconds:.1f} s) ==")
    print(
        "threshold  stories>1  articles in them  mixing categories  share  (90% bootstrap)  largest"
    )
    categories = [r["category"] for r in records]
    rng = random.Random(11)
    for threshold in THRESHOLDS:
        multi, flags = _multi_stories(groups_at(detection, inputs, threshold), categories)
        mixed = sum(flags)
        share = mixed / len(multi) if multi else 0.0
        # Resampling the stories shows how far the share could move on another sample.
        shares = (
            sorted(sum(rng.choice(flags) for _ in flags) / len(flags) for _ in range(1000))
            if flags
            else [0.0]
        )
        low, high = shares[int(0.05 * (len(shares) - 1))], shares[int(0.95 * (len(shares) - 1))]
        mark = " <- default" if threshold == DEFAULT_THRESHOLD else ""
        print(
            f"{threshold:9.2f}  {len(multi):9d}  {sum(map(len, multi)):16d}  {mixed:17d}"
            f"  {share:5.1%}  ({low:5.1%}-{high:5.1%})  {max(map(len, multi), default=0):7d}{mark}"
        )
    # The sample corpus among the real articles: do the gold stories stay whole and pure?
    db = sample_database(False)
    rows = _rows(db)
    db.close()
    together = _inputs(rows) + inputs
    names = [str(r[1]) for r in rows] + [r["id"] for r in records]
    groups_all = detect_stories(together).groups
    found = _found(names, groups_all)
    pp, pr, _pf = pairwise(found, gold)
    bp, br, bf = bcubed(found, gold)
    gold_keys = {found[n] for n in gold}
    intruders = sum(1 for n in names[len(rows) :] if found[n] in gold_keys)
    print(
        f"sample corpus + real corpus ({len(names)} articles), threshold {DEFAULT_THRESHOLD}:"
        f" gold pair-P {pp:.3f} R {pr:.3f}; B3-P {bp:.3f} R {br:.3f} F1 {bf:.3f};"
        f" real articles pulled into a gold story: {intruders}"
    )


EVIDENCE_SCORES = (0.12, 0.15, 0.2, 0.25, 0.3)


def _multi_stories(
    groups: Sequence[int], categories: Sequence[str]
) -> tuple[list[list[int]], list[bool]]:
    """The stories of two or more documents (their members), and whether each mixes categories."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    multi = [m for m in members.values() if len(m) > 1]
    return multi, [len({categories[i] for i in m}) > 1 for m in multi]


def linked_section(corpus: Path, gold: Clusters) -> None:
    records = {
        r["id"]: r
        for r in (json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line)
    }
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "linked.db")
        import_paths(db, [corpus])
        started = time.perf_counter()
        link_documents(db)
        seconds = time.perf_counter() - started
        rows = _rows(db)
        index = {int(str(r[0])): i for i, r in enumerate(rows)}
        categories = [records[str(r[1])]["category"] for r in rows]
        inputs = _inputs(rows)
        real = {e: link_share(db, index, e) for e in EVIDENCE_SCORES}
        db.close()
    sample = sample_database(True)
    sample_rows = _rows(sample)
    sample_index = {int(str(r[0])): i for i, r in enumerate(sample_rows)}
    names = [str(r[1]) for r in sample_rows]
    sample_inputs = _inputs(sample_rows)
    print(
        f"== real corpus, linked: {corpus.name} ({len(rows)} articles; link {seconds:.1f} s),"
        f" threshold {DEFAULT_THRESHOLD} =="
    )
    print("evidence from  stories>1  mixing categories  share  largest   gold B3-P  B3-R  B3-F1")
    for evidence in EVIDENCE_SCORES:
        detection = detect_stories(inputs, real[evidence])
        stories, flags = _multi_stories(detection.groups, categories)
        multi, mixed = len(stories), sum(flags)
        largest = max(map(len, stories), default=0)
        share = link_share(sample, sample_index, evidence)
        found = _found(names, detect_stories(sample_inputs, share).groups)
        bp, br, bf = bcubed(found, gold)
        mark = " <- default" if evidence == LINK_EVIDENCE_SCORE else ""
        print(
            f"{evidence:13.2f}  {multi:9d}  {mixed:17d}  {mixed / max(multi, 1):5.1%}  {largest:7d}"
            f"   {bp:9.3f}  {br:4.3f}  {bf:5.3f}{mark}"
        )
    sample.close()


def speed_section(sizes: Sequence[int]) -> None:
    from link_speed import generate

    for size in sizes:
        articles, _planted, _texts = generate(size, seed=1)
        inputs = [
            StoryInput(name, outlet, None, None, "de", text) for name, outlet, text in articles
        ]
        started = time.perf_counter()
        detection = detect_stories(inputs)
        seconds = time.perf_counter() - started
        truth = {name: name.split("-")[0] for name, _o, _t in articles}
        found = _found([a[0] for a in articles], detection.groups)
        bp, br, bf = bcubed(found, truth)
        print(
            f"== synthetic {size} articles (stories of 5): {seconds:.1f} s;"
            f" B3-P {bp:.3f} R {br:.3f} F1 {bf:.3f} =="
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "gnad10k-test.jsonl"
    )
    parser.add_argument("--sizes", default="10000", help="synthetic sizes, comma-separated")
    parser.add_argument(
        "--skip", default="", help="sections to skip: gold,stability,real,linked,speed"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    gold = read_gold(ROOT / "sample_corpus" / "gold_stories.json")
    if "gold" not in skip:
        gold_section(gold)
        date_section(gold)
    if "stability" not in skip:
        stability_section(gold)
    if "real" not in skip:
        if args.corpus.is_file():
            real_section(args.corpus, gold)
        else:
            print(f"{args.corpus}: not found; real-corpus figures skipped")
    if "linked" not in skip:
        if args.corpus.is_file():
            linked_section(args.corpus, gold)
        else:
            print(f"{args.corpus}: not found; linked real-corpus figures skipped")
    if "speed" not in skip:
        speed_section([int(s) for s in args.sizes.split(",") if s])


if __name__ == "__main__":
    main()
