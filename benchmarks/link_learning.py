"""Learning from decisions, simulated: decisions on half the gold facts, ranking of the other half.

Imports ``sample_corpus/``, maps the gold facts to stored sentences (a fact is a
connected group of gold sentences, so two facts sharing a multi-fact sentence are
one group) and splits the groups at random into two halves, ``--splits`` times
with different seeds. For the facts of one half an annotator is simulated: every
gold pair is accepted (a group's other pairs, of two facts sharing a sentence, are
neither accepted nor measured), and for every sentence of those facts its three
best-scored wrong partners in each other document (under the untrained score) are
rejected, with the reason an annotator would give: *different event* when the
partner's article is another story (``gold_stories.json``), *different figure*
when both state figures and every one clearly differs, else *near miss*. The
mix is fitted to those decisions as ``claimdesk link`` does
(:mod:`store.linking.learning`), and recall@1, recall@3 and MRR of the *other*
half's gold pairs are measured with the untrained and the learned mix (each
sentence's partner ranked among all sentences of the partner's document).

Learners compared (the held-out half is never seen by any choice):

- ``v1``: the learner before issue 11's item 7 work (every decision weighs 1,
  prior strength 1);
- ``balanced+cv``: classes balanced, prior strength chosen by cross-validation
  over groups of the training decisions;
- ``balanced+cv+reasons``: the same with the rejections' reasons weighing them
  (what ``claimdesk link`` did before it learned to rank);
- ``ranking+cv``: a pairwise fit: each accepted partner against the rejected
  rivals of its sentence in its document, prior strength by cross-validation
  (what ``claimdesk link`` does);
- ``alignment+cv``: no mix fitted; the accepted links re-weight the other pairs of
  their documents (:mod:`store.linking.alignment`: a partner taken by another
  sentence, a partner inside the window the anchors leave), with both factors chosen
  on the training half alone by two inner folds of its facts;
- ``link as shipped, implied links``: the same with the pairs the accepted links imply
  (:func:`store.linking.alignment.implied_pairs`), as ``claimdesk link`` places them;
- ``in-sample bound``: the last learner fitted on the held-out half's own
  simulated decisions — how far any mix of these components can go, not a result.

``--annotate tree`` has the simulated annotator accept only a random spanning tree of
each fact's gold pairs (the fewest links that join its sentences) instead of every pair.

``--grid`` adds, for each split, the best held-out recall@3 over a grid of mixes scored
on the held-out half itself: an upper bound of any mix, slow (392 mixes a split).

    python benchmarks/link_learning.py [--splits 10] [--grid] [--annotate full|tree]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.link_quality import facts_of
from store.db import connect
from store.importer import import_paths
from store.linking.alignment import TAKEN, WINDOW, apply_flags, decision_flags, implied_pairs
from store.linking.features import build_corpus
from store.linking.gold import SentenceKey, expected_rank_measures, gold_pairs, locate, read_gold
from store.linking.learning import (
    PRIOR_STRENGTH,
    choose_ranking_strength,
    choose_strength,
    comparisons,
    decision_groups,
    decision_weights,
    fit_mix,
    fit_ranking_mix,
    held_out_check,
)
from store.linking.score import (
    DEFAULT_WEIGHTS,
    components,
    evidence_scale,
    factors,
    fused_scores,
)
from store.linking.suggest import load_documents
from store.paths import sample_corpus_path

Mix = tuple[float, float, float, float]
# The grid the alignment factors are chosen from, inside each split's training half.
ALIGNMENT_TAKEN = (1.0, 0.75, 0.5, 0.25, 0.1, 0.0)
ALIGNMENT_WINDOW = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)
ALIGNMENT_OUTSIDE = (1.0, 0.75, 0.5, 0.25)
# Inner folds of the training facts the factors are chosen by: decisions on three
# quarters of them are near the outer split's density (half of all facts).
INNER_FOLDS = 4
Decisions = list[tuple[int, int, bool, str | None]]


class Ranker:
    """Ranks of gold partners among all sentences of the partner's document.

    Rivals scoring exactly as much as the partner share its place (expected measures
    under a random order of ties, as :func:`store.linking.gold.evaluate`).
    """

    def __init__(self, pairs: npt.NDArray[np.int64], doc_of: npt.NDArray[np.int64]) -> None:
        self.pairs = pairs
        self.doc_of = doc_of
        self.members = {int(d): np.flatnonzero(doc_of == d) for d in np.unique(doc_of)}

    def measure(
        self, scores: npt.NDArray[np.float64], held: list[tuple[int, int]]
    ) -> tuple[float, float, float]:
        """recall@1, recall@3 and MRR over both directions of ``held``."""
        size = len(self.doc_of)
        matrix = np.full((size, size), -np.inf)
        matrix[self.pairs[:, 0], self.pairs[:, 1]] = scores
        measures = [
            expected_rank_measures(int((row > own).sum()), int((row == own).sum()) - 1)
            for a, b in held
            for x, y in ((a, b), (b, a))
            for row, own in ((matrix[x, self.members[int(self.doc_of[y])]], matrix[x, y]),)
        ]
        if not measures:
            return 0.0, 0.0, 0.0
        first, third, reciprocal = np.asarray(measures).mean(axis=0).tolist()
        return first, third, reciprocal


def spread(values: list[float]) -> str:
    array = np.asarray(values)
    return (
        f"{array.mean():+.3f} ± {array.std():.3f} (min {array.min():+.3f}, max {array.max():+.3f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=10, help="random half-splits (seeds 0..)")
    parser.add_argument(
        "--grid", action="store_true", help="also the best mix of a grid on the held-out half"
    )
    parser.add_argument(
        "--annotate",
        choices=("full", "tree"),
        default="full",
        help="the simulated annotator accepts every gold pair of a fact (full) or only"
        " enough of them to join its sentences, a random spanning tree (tree)",
    )
    args = parser.parse_args()
    gold = read_gold(sample_corpus_path() / "gold_links.json")
    stories = json.loads((sample_corpus_path() / "gold_stories.json").read_text("utf-8"))
    story_of_name = {doc: s["id"] for s in stories["stories"] for doc in s["documents"]}
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "learning.db")
        import_paths(db, [sample_corpus_path()])
        positives, _negatives, _missing = gold_pairs(db, gold)
        near = locate(db, {m for pair in gold.negatives for m in pair})
        story_of_doc = {
            doc_id: story_of_name.get(name, name)
            for doc_id, name in db.conn.execute("SELECT id, source_name FROM documents")
        }
        documents = load_documents(db)
        db.close()
    corpus = build_corpus(documents)
    keys: list[SentenceKey] = [(r.doc_id, r.start, r.end) for r in corpus.refs]
    where = {key: i for i, key in enumerate(keys)}
    doc_of = np.asarray([key[0] for key in keys], dtype=np.int64)
    language = {d.doc_id: d.language for d in documents}
    count = len(keys)
    first, second = np.meshgrid(np.arange(count), np.arange(count), indexing="ij")
    cross_doc = doc_of[first] != doc_of[second]
    pairs = np.stack([first[cross_doc], second[cross_doc]], axis=1).astype(np.int64)
    index = np.full((count, count), -1, dtype=np.int64)
    index[pairs[:, 0], pairs[:, 1]] = np.arange(len(pairs))
    parts = components(corpus, pairs)
    scale = evidence_scale(corpus)
    multiplier = factors(parts, scale)
    untrained = fused_scores(parts, scale)
    ranker = Ranker(pairs, doc_of)
    facts = [sorted(where[k] for k in fact) for fact in facts_of(positives)]
    gold_set = {(where[a], where[b]) for a, b in positives}
    gold_set |= {(b, a) for a, b in gold_set}
    near_set = {
        (where[near[a]], where[near[b]])
        for a, b in gold.negatives
        if a in near and b in near and near[a] in where and near[b] in where
    }
    near_set |= {(b, a) for a, b in near_set}

    def reason(x: int, o: int) -> str:
        if (x, o) in near_set:
            return "near-miss"
        if story_of_doc[int(doc_of[x])] != story_of_doc[int(doc_of[o])]:
            return "different-event"
        if parts[index[x, o], 3] < 0:
            return "different-figure"
        return "near-miss"

    tree_rng = np.random.default_rng(12345)

    def linked_by_annotator(fact: list[int]) -> list[tuple[int, int]]:
        """The gold pairs of ``fact`` the simulated annotator accepts: all, or (``--annotate
        tree``) a random spanning tree of them, enough for the fact's cluster."""
        every = [(x, y) for x in fact for y in fact if x < y and (x, y) in gold_set]
        if args.annotate == "full":
            return every
        parent = {x: x for x in fact}

        def root(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        kept = []
        for at in tree_rng.permutation(len(every)).tolist():
            x, y = every[at]
            if root(x) != root(y):
                parent[root(x)] = root(y)
                kept.append((x, y))
        return kept

    def simulate(half: list[list[int]]) -> Decisions:
        decided: Decisions = []
        for fact in half:
            members = set(fact)
            decided += [(x, y, True, None) for x, y in linked_by_annotator(fact)]
            for x in fact:
                for doc, sentences in ranker.members.items():
                    if doc == doc_of[x]:
                        continue
                    wrong = sorted(
                        (
                            int(o)
                            for o in sentences
                            if int(o) not in members and (x, int(o)) not in gold_set
                        ),
                        key=lambda o: -untrained[index[x, o]],
                    )[:3]
                    decided += [(x, o, False, reason(x, o)) for o in wrong]
        return decided

    def held_pairs(half: list[list[int]]) -> list[tuple[int, int]]:
        # Gold pairs only: two facts sharing a multi-fact sentence are one group, but
        # their other sentences are not partners.
        return [(a, b) for fact in half for a in fact for b in fact if a < b and (a, b) in gold_set]

    Learner = Callable[[Decisions], tuple[Mix, float]]

    def learner(balanced: bool, reasons: bool) -> Learner:
        def learn(decided: Decisions) -> tuple[Mix, float]:
            rows = np.asarray([index[x, y] for x, y, _ok, _r in decided], dtype=np.int64)
            accepted = np.asarray([ok for _x, _y, ok, _r in decided], dtype=bool)
            if not balanced:
                weights = np.ones(len(rows))
                return fit_mix(parts[rows], multiplier[rows], accepted, weights=weights), (
                    PRIOR_STRENGTH
                )
            weights = decision_weights(
                accepted, [r for _x, _y, _ok, r in decided] if reasons else None
            )
            decided_pairs = np.asarray([(x, y) for x, y, _ok, _r in decided], dtype=np.int64)
            groups = decision_groups(decided_pairs, accepted)
            strength = choose_strength(
                parts[rows], multiplier[rows], accepted, groups, weights=weights
            )
            mix = fit_mix(
                parts[rows], multiplier[rows], accepted, strength=strength, weights=weights
            )
            return mix, strength

        return learn

    def ranking_fit(decided: Decisions, *, checked: bool) -> tuple[Mix, float]:
        """The ranking fit; with ``checked``, as ``claimdesk link`` learns: kept only when
        it orders the decisions' held-out folds clearly better than the untrained mix."""
        rows = np.asarray([index[x, y] for x, y, _ok, _r in decided], dtype=np.int64)
        accepted = np.asarray([ok for _x, _y, ok, _r in decided], dtype=bool)
        decided_pairs = np.asarray([(x, y) for x, y, _ok, _r in decided], dtype=np.int64)
        winners, losers = comparisons(decided_pairs, accepted, doc_of)
        groups = decision_groups(decided_pairs, accepted)
        strength = choose_ranking_strength(parts[rows], multiplier[rows], winners, losers, groups)
        mix = fit_ranking_mix(parts[rows], multiplier[rows], winners, losers, strength=strength)
        if not checked:
            return mix, strength
        check = held_out_check(
            parts[rows],
            multiplier[rows],
            accepted,
            groups,
            strength,
            winners=winners,
            losers=losers,
        )
        kept.append(check is not None and not check.better)
        if check is not None and not check.better:
            return DEFAULT_WEIGHTS.mix, strength
        return mix, strength

    def ranking(decided: Decisions) -> tuple[Mix, float]:
        return ranking_fit(decided, checked=False)

    def ranking_checked(decided: Decisions) -> tuple[Mix, float]:
        return ranking_fit(decided, checked=True)

    kept: list[bool] = []

    def accepted_of(decided: Decisions) -> list[tuple[int, int]]:
        return [(x, y) for x, y, ok, _r in decided if ok]

    def choose_alignment(train: list[list[int]], seed: int) -> tuple[float, float, float]:
        """The (taken, window, outside) factors best on the training facts alone: decisions on
        all but one of ``INNER_FOLDS`` folds of its facts, measured on the one left out."""
        order = np.random.default_rng(1000 + seed).permutation(len(train))
        folds = [[train[i] for i in order[k::INNER_FOLDS]] for k in range(INNER_FOLDS)]
        flagged = [
            (
                decision_flags(
                    doc_of,
                    accepted_of(
                        simulate([f for j, fold in enumerate(folds) if j != k for f in fold])
                    ),
                    pairs,
                ),
                held_pairs(folds[k]),
            )
            for k in range(INNER_FOLDS)
        ]
        best: tuple[float, float, tuple[float, float, float]] = (-1.0, -1.0, (1.0, 0.0, 1.0))
        for taken in ALIGNMENT_TAKEN:
            for window in ALIGNMENT_WINDOW:
                for outside in ALIGNMENT_OUTSIDE:
                    values = [
                        ranker.measure(apply_flags(untrained, flags, taken, window, outside), held)
                        for flags, held in flagged
                    ]
                    third = float(np.mean([v[1] for v in values]))
                    reciprocal = float(np.mean([v[2] for v in values]))
                    if (third, reciprocal) > best[:2]:
                        best = (third, reciprocal, (taken, window, outside))
        return best[2]

    choices: list[tuple[float, float, float]] = []
    learners: dict[str, Learner] = {
        "v1": learner(False, False),
        "balanced+cv": learner(True, False),
        "balanced+cv+reasons": learner(True, True),
        "ranking+cv": ranking,
        "ranking+cv+check": ranking_checked,
    }
    print(
        f"gold: {len(facts)} fact groups, {len(positives)} pairs; {count} sentences;"
        f" {args.splits} random half-splits"
    )
    print()
    print(
        "| split | learner | decisions (accepted) | strength | mix (words, chars, fuzzy,"
        " numbers) | held-out recall@1 | recall@3 | MRR | recall@3 same-lang | cross-lang |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    kinds = ("recall@1", "recall@3", "MRR", "recall@3 same-language", "recall@3 cross-language")
    gains: dict[str, dict[str, list[float]]] = {
        name: {k: [] for k in kinds}
        for name in [
            *learners,
            "alignment+cv",
            "link (mix+alignment)",
            "link as shipped",
            "link as shipped, implied links",
            "in-sample bound",
        ]
    }

    def measured(scores: npt.NDArray[np.float64], held: list[tuple[int, int]]) -> list[float]:
        same = [p for p in held if language[int(doc_of[p[0]])] == language[int(doc_of[p[1]])]]
        cross = [p for p in held if p not in set(same)]
        whole = ranker.measure(scores, held)
        return [*whole, ranker.measure(scores, same)[1], ranker.measure(scores, cross)[1]]

    def show(
        split: str,
        name: str,
        decided: Decisions | None,
        mix: Mix,
        strength: float,
        values: list[float],
    ) -> None:
        told = "—" if decided is None else f"{len(decided)} ({sum(ok for *_p, ok, _r in decided)})"
        print(
            f"| {split} | {name} | {told} | {strength:g} | {', '.join(f'{w:.3f}' for w in mix)}"
            f" | {' | '.join(f'{v:.3f}' for v in values)} |"
        )

    for seed in range(args.splits):
        order = np.random.default_rng(seed).permutation(len(facts))
        train = [facts[i] for i in order[: len(facts) // 2]]
        test = [facts[i] for i in order[len(facts) // 2 :]]
        held = held_pairs(test)
        decided = simulate(train)
        before = measured(untrained, held)
        show(str(seed), "untrained", None, DEFAULT_WEIGHTS.mix, 0, before)
        learned: dict[str, tuple[Mix, float]] = {}
        for name, learn in learners.items():
            mix, strength = learned[name] = learn(decided)
            after = measured(fused_scores(parts, scale, mix=mix), held)
            show(str(seed), name, decided, mix, strength, after)
            for kind, old, new in zip(kinds, before, after, strict=True):
                gains[name][kind].append(new - old)
        if args.grid:
            steps = (0.0, 0.1, 0.2, 1 / 3, 0.5, 0.7, 1.0)
            best, best_mix = -1.0, DEFAULT_WEIGHTS.mix
            for words in steps:
                for chars in steps:
                    for fuzzy in steps:
                        for numbers in (0.0, 0.1, 0.2, 0.4):
                            if words + chars + fuzzy == 0:
                                continue
                            mix = (words, chars, fuzzy, numbers)
                            value = ranker.measure(fused_scores(parts, scale, mix=mix), held)[1]
                            if value > best:
                                best, best_mix = value, mix
            print(
                f"| {seed} | grid bound (on held-out) | — | — |"
                f" {', '.join(f'{w:.3f}' for w in best_mix)} | | {best:.3f} | | | |"
            )
            gains.setdefault("grid bound", {k: [] for k in kinds})["recall@3"].append(
                best - before[1]
            )
        # Decisions as alignment (store.linking.alignment): factors chosen on the
        # training half alone, by two inner folds of its facts.
        chosen = choose_alignment(train, seed)
        flags = decision_flags(doc_of, accepted_of(decided), pairs)
        after = measured(apply_flags(untrained, flags, *chosen), held)
        show(
            str(seed),
            f"alignment {chosen[0]:g}/{chosen[1]:g}",
            decided,
            DEFAULT_WEIGHTS.mix,
            0,
            after,
        )
        choices.append(chosen)
        for kind, old, new in zip(kinds, before, after, strict=True):
            gains["alignment+cv"][kind].append(new - old)
        # What `claimdesk link` does: the checked mix, then the alignment.
        mix, strength = learned["ranking+cv+check"]
        after = measured(apply_flags(fused_scores(parts, scale, mix=mix), flags, *chosen), held)
        show(str(seed), "link (checked mix + alignment)", decided, mix, strength, after)
        for kind, old, new in zip(kinds, before, after, strict=True):
            gains["link (mix+alignment)"][kind].append(new - old)
        # The same with the factors `claimdesk link` uses (alignment.TAKEN, WINDOW),
        # which were set from the factors the splits' inner folds chose: slightly
        # optimistic, but what an annotator gets.
        after = measured(apply_flags(fused_scores(parts, scale, mix=mix), flags), held)
        show(str(seed), f"link as shipped ({TAKEN:g}/{WINDOW:g})", decided, mix, strength, after)
        for kind, old, new in zip(kinds, before, after, strict=True):
            gains["link as shipped"][kind].append(new - old)
        # The same with the pairs the accepted links imply (alignment.implied_pairs).
        implied = decision_flags(doc_of, implied_pairs(doc_of, accepted_of(decided)), pairs)
        after = measured(apply_flags(fused_scores(parts, scale, mix=mix), implied), held)
        show(str(seed), "link as shipped, implied links", decided, mix, strength, after)
        for kind, old, new in zip(kinds, before, after, strict=True):
            gains["link as shipped, implied links"][kind].append(new - old)
        own = simulate(test)
        mix, strength = learners["ranking+cv"](own)
        after = measured(fused_scores(parts, scale, mix=mix), held)
        show(str(seed), "in-sample bound", own, mix, strength, after)
        for kind, old, new in zip(kinds, before, after, strict=True):
            gains["in-sample bound"][kind].append(new - old)
    print()
    print(
        "alignment factors (taken, window, outside) chosen per split: "
        + ", ".join(f"{t:g}/{b:g}/{o:g}" for t, b, o in choices)
    )
    print(f"ranking fit kept out by the held-out check: {sum(kept)} of {len(kept)} splits")
    print(f"held-out gain over the untrained mix, mean ± sd over {args.splits} splits:")
    for name, by_kind in gains.items():
        for kind in kinds:
            if not by_kind[kind]:
                continue
            print(f"  {name:<20} {kind:<24} {spread(by_kind[kind])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
