"""Fitting the fused score's mix to this corpus from the annotators' decisions.

``claimdesk link`` reads the accepted and rejected links whose two sides are
sentences of the corpus, computes their score components, and fits a logistic
regression ``P(accepted) = sigmoid(a · (mix · parts) · factors + b)`` over the
four similarity weights (words, chars, fuzzy, numbers). The penalty pulls the
weights towards the untrained mix (the prior), so a few decisions move them a
little and many decisions more. The learned mix is rescaled to the untrained
mix's sum, so scores keep their range and the threshold keeps its meaning.
Decisions are only read: learning never changes one.

| caller            | calls                                                    |
|-------------------|----------------------------------------------------------|
| ``link_documents`` | :func:`learn_mix` before computing suggestions          |
| benchmarks        | :func:`fit_mix` on simulated decisions                  |
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import sqlite_utils

from store.linking.features import LinkCorpus
from store.linking.score import DEFAULT_WEIGHTS, components, evidence_scale, factors

# Fewer decisions than this say too little about a corpus: the untrained mix stays.
MIN_DECISIONS = 20
# Strength of the pull towards the untrained mix (L2, per weight).
PRIOR_STRENGTH = 1.0
_STEPS = 3_000
_RATE = 0.1

Mix = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Learned:
    """What learning did: how many decisions, and the mix before and after."""

    decisions: int
    accepted: int
    before: Mix
    after: Mix

    def describe(self) -> str:
        names = ("words", "chars", "fuzzy", "numbers")
        changes = ", ".join(
            f"{name} {old:.3f}→{new:.3f}"
            for name, old, new in zip(names, self.before, self.after, strict=True)
        )
        return f"learned from {self.decisions} decision(s) ({self.accepted} accepted): {changes}"


def fit_mix(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    accepted: npt.NDArray[np.bool_],
    prior: Mix = DEFAULT_WEIGHTS.mix,
    strength: float = PRIOR_STRENGTH,
) -> Mix:
    """The mix that best separates accepted from rejected pairs, near ``prior``.

    ``parts`` holds the four similarity components per pair, ``multiplier`` the
    pair's evidence and document factor. The regression's features are the
    components times the multiplier, so the prior mix reproduces the untrained score.
    """
    target = accepted.astype(np.float64)
    centre = np.asarray(prior, dtype=np.float64)
    raw = parts[:, :4] * multiplier[:, None]
    # Features in units of the untrained score's spread: the prior mix then gives
    # logits of unit spread, and one learning rate suits every corpus.
    spread = float((raw @ centre).std()) or 1.0
    features = raw / spread
    weights = centre.copy()
    bias = -float((features @ centre).mean())
    count = len(target)
    for _ in range(_STEPS):
        logits = np.clip(features @ weights + bias, -30.0, 30.0)
        error = 1.0 / (1.0 + np.exp(-logits)) - target
        # A proximal step for the pull towards the prior: stable however strong it is.
        pull = _RATE * strength / count
        weights = (weights - _RATE * (features.T @ error / count) + pull * centre) / (1 + pull)
        bias -= _RATE * float(error.mean())
    weights = np.maximum(weights, 0.0)
    total = float(weights.sum())
    if total <= 0:
        return prior
    scaled = weights * (sum(prior) / total)
    return (float(scaled[0]), float(scaled[1]), float(scaled[2]), float(scaled[3]))


def decided_pairs(
    db: sqlite_utils.Database, corpus: LinkCorpus
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Corpus index pairs of the accepted and rejected links, and which were accepted."""
    where = {(r.doc_id, r.start, r.end): index for index, r in enumerate(corpus.refs)}
    pairs: list[tuple[int, int]] = []
    accepted: list[bool] = []
    for row in db.conn.execute(
        "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, status FROM links"
        " WHERE status IN ('accepted', 'rejected')"
    ):
        first, second = where.get(tuple(row[0:3])), where.get(tuple(row[3:6]))
        if first is not None and second is not None:
            pairs.append((first, second))
            accepted.append(row[6] == "accepted")
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2), np.asarray(accepted, dtype=bool)


def learn_mix(db: sqlite_utils.Database, corpus: LinkCorpus) -> Learned | None:
    """The mix fitted to the database's decisions, or None with fewer than MIN_DECISIONS."""
    pairs, accepted = decided_pairs(db, corpus)
    if len(pairs) < MIN_DECISIONS or accepted.all() or not accepted.any():
        return None
    parts = components(corpus, pairs)
    after = fit_mix(parts, factors(parts, evidence_scale(corpus)), accepted)
    return Learned(len(pairs), int(accepted.sum()), DEFAULT_WEIGHTS.mix, after)
