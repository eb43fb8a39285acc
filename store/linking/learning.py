"""Fitting the fused score's mix to this corpus from the annotators' decisions.

``claimdesk link`` reads the accepted and rejected links whose two sides are
sentences of the corpus, computes their score components, and fits a logistic
regression ``P(accepted) = sigmoid(a · (mix · parts) · factors + b)`` over the
similarity weights (words, chars, fuzzy, numbers). The penalty pulls the
weights towards the untrained mix (the prior), so a few decisions move them a
little and many decisions more. The learned mix is rescaled to the untrained
mix's sum, so scores keep their range and the threshold keeps its meaning.
Decisions are only read: learning never changes one. The fitted mix is used only
when it orders held-out folds of the decisions clearly better than the untrained
one (:func:`held_out_check`): on the development gold's simulated decisions a fit
ordered its own decisions better and the other facts worse.

Three choices make the fit fit decisions as annotators take them:

- **Balanced classes.** A review session rejects many more suggestions than it
  accepts; each class carries half the weight, so the fit separates them instead
  of learning that "no" is the usual answer.
- **Reasons.** A rejection's reason (the review queue's keys, stored in
  ``links.reason``) says how strong a negative it is: :data:`REASON_WEIGHTS`.
  A *near miss* or a *different figure* is two sentences that are alike on
  purpose — the same story, a neighbouring fact — so as a full negative it would
  teach the fit to distrust the very overlap true duplicates have; it counts half.
  A *different event* (or no reason) counts fully.
- **Prior strength by cross-validation.** The pull towards the untrained mix is
  chosen among :data:`STRENGTHS` by the weighted log-loss on held-out groups of
  decisions (:func:`choose_strength`): a group is a set of sentences the accepted
  links join (one fact), so no fact's decisions are on both sides of a split.

| caller            | calls                                                    |
|-------------------|----------------------------------------------------------|
| ``link_documents`` | :func:`decided_pairs`, :func:`learn_mix` before computing suggestions |
| benchmarks        | :func:`fit_mix`, :func:`choose_strength`, :func:`decision_weights` |
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import sqlite_utils

from store.linking.chains import Chains
from store.linking.features import LinkCorpus
from store.linking.score import (
    DEFAULT_WEIGHTS,
    components,
    evidence_scale,
    factors,
    mixed_scores,
)

# Fewer decisions than this say too little about a corpus: the untrained mix stays.
MIN_DECISIONS = 20
# Strength of the pull towards the untrained mix (L2, per weight) when not cross-validated.
PRIOR_STRENGTH = 1.0
# The strengths cross-validation chooses among (a decade apart: the choice is coarse). The
# pull per decision is strength / decisions, so thousands of decisions need the upper end.
STRENGTHS = (0.1, 1.0, 10.0, 100.0, 1_000.0, 10_000.0)
# Folds of decision groups for choosing the strength; fewer groups, fewer folds.
FOLDS = 3
# How clear the held-out gain must be before a fitted mix replaces the untrained one:
# the one-sided 5% point of the normal, for the sign test in HeldOut.better.
CLEAR_GAIN_Z = 1.645
_STEPS = 3_000
_RATE = 0.1

# How much a rejection counts, by its reason (normalised: lower case, '-' for spaces).
# Not fitted: a near miss or a different figure is a weaker "no" than another event.
REASON_WEIGHTS = {"near-miss": 0.5, "different-figure": 0.5, "different-event": 1.0}
# A rejection with no reason, or one the table does not know, counts fully.
DEFAULT_REASON_WEIGHT = 1.0

Mix = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Learned:
    """What learning did: how many decisions, and the mix before and after."""

    decisions: int
    accepted: int
    before: Mix
    after: Mix
    # The prior strength cross-validation chose, and how many rejections had a reason.
    strength: float = PRIOR_STRENGTH
    with_reason: int = 0
    # Accepted partners compared with rejected rivals of their sentence (0: not fitted to rank).
    comparisons: int = 0
    # The held-out check (:func:`held_out_check`): pairs of decisions the fitted and the
    # untrained mix ordered right, of how many. When the fit did no better, ``after``
    # is ``before``: a mix that only fits its own decisions would rank the rest worse.
    held_out: HeldOut | None = None

    @property
    def kept(self) -> bool:
        """Whether the untrained mix was kept: the fit ordered held-out pairs no better."""
        return self.held_out is not None and not self.held_out.better

    def describe(self) -> str:
        names = ("words", "chars", "fuzzy", "numbers")
        changes = ", ".join(
            f"{name} {old:.3f}→{new:.3f}"
            for name, old, new in zip(names, self.before, self.after, strict=False)
        )
        reasons = f", {self.with_reason} rejection(s) with a reason" if self.with_reason else ""
        ranked = f", {self.comparisons} ranking comparison(s)" if self.comparisons else ""
        told = (
            f"learned from {self.decisions} decision(s) ({self.accepted} accepted{reasons}{ranked};"
            f" prior strength {self.strength:g})"
        )
        if self.held_out is None:
            return f"{told}: {changes}"
        check = self.held_out.describe()
        if self.kept:
            return f"{told}: kept the untrained mix; {check}"
        return f"{told}: {changes}; {check}"


@dataclass(frozen=True, slots=True)
class HeldOut:
    """Pairs of decisions ordered right on held-out folds, by the fitted and the untrained mix.

    A pair is an accepted link and a rejected one (of the same sentence and document
    when fitted to rank); a tie counts half.
    """

    fitted: float
    untrained: float
    pairs: int
    # Pairs only the fitted mix orders right, and pairs only the untrained mix does.
    gained: int = 0
    lost: int = 0

    @property
    def better(self) -> bool:
        """Whether the fit orders clearly more pairs right: a one-sided sign test
        (McNemar's) on the pairs the two mixes order differently, at about 5%. Fewer
        pairs than that can tell a real gain from a fit that suits its folds by chance."""
        return self.gained - self.lost > CLEAR_GAIN_Z * math.sqrt(self.gained + self.lost)

    def describe(self) -> str:
        return (
            f"on held-out decisions the fitted mix orders {self.fitted:g} of {self.pairs}"
            f" pair(s) right, the untrained {self.untrained:g}"
            f" ({self.gained} gained, {self.lost} lost)"
        )


def reason_weight(reason: str | None) -> float:
    """How much a rejection with this reason counts (see :data:`REASON_WEIGHTS`)."""
    if not reason:
        return DEFAULT_REASON_WEIGHT
    key = "-".join(reason.strip().lower().replace("_", " ").split())
    return REASON_WEIGHTS.get(key, DEFAULT_REASON_WEIGHT)


def decision_weights(
    accepted: npt.NDArray[np.bool_], reasons: Sequence[str | None] | None = None
) -> npt.NDArray[np.float64]:
    """Per decision: its reason's weight, then classes balanced to half the total each."""
    weights = np.ones(len(accepted), dtype=np.float64)
    if reasons is not None:
        weights = np.asarray(
            [1.0 if ok else reason_weight(r) for ok, r in zip(accepted, reasons, strict=True)],
            dtype=np.float64,
        )
    for cls in (True, False):
        members = accepted == cls
        total = float(weights[members].sum())
        if total > 0:
            weights[members] *= len(accepted) / (2 * total)
    return weights


def _score_features(
    parts: npt.NDArray[np.float64], multiplier: npt.NDArray[np.float64], prior: Mix
) -> npt.NDArray[np.float64]:
    """Per pair, the components the mix weighs, times the pair's multiplier."""
    return parts[:, : len(prior)] * multiplier[:, None]


def _in_prior_units(features: npt.NDArray[np.float64], prior: Mix) -> npt.NDArray[np.float64]:
    # Features in units of the untrained score's spread: the prior mix then gives
    # logits of unit spread, and one learning rate suits every corpus.
    spread = float((features @ np.asarray(prior, dtype=np.float64)).std()) or 1.0
    return features / spread


def _prepared(
    parts: npt.NDArray[np.float64], multiplier: npt.NDArray[np.float64], prior: Mix
) -> npt.NDArray[np.float64]:
    return _in_prior_units(_score_features(parts, multiplier, prior), prior)


def _fit(
    features: npt.NDArray[np.float64],
    target: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    centre: npt.NDArray[np.float64],
    strength: float,
    *,
    fit_bias: bool = True,
) -> tuple[npt.NDArray[np.float64], float]:
    """Weighted logistic regression by gradient steps, pulled towards ``centre``.

    Without ``fit_bias`` the bias stays 0 (a pairwise ranking: only the order counts).
    """
    coefficients = centre.copy()
    bias = -float((features @ centre).mean()) if fit_bias else 0.0
    total = float(weights.sum()) or 1.0
    for _ in range(_STEPS):
        logits = np.clip(features @ coefficients + bias, -30.0, 30.0)
        error = (1.0 / (1.0 + np.exp(-logits)) - target) * weights
        # A proximal step for the pull towards the prior: stable however strong it is.
        pull = _RATE * strength / total
        coefficients = (coefficients - _RATE * (features.T @ error / total) + pull * centre) / (
            1 + pull
        )
        if fit_bias:
            bias -= _RATE * float(error.sum() / total)
    return coefficients, bias


def _as_mix(coefficients: npt.NDArray[np.float64], prior: Mix) -> Mix:
    clipped = np.maximum(coefficients, 0.0)
    total = float(clipped.sum())
    if total <= 0:
        return prior
    scaled = clipped * (sum(prior) / total)
    return (float(scaled[0]), float(scaled[1]), float(scaled[2]), float(scaled[3]))


def fit_mix(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    accepted: npt.NDArray[np.bool_],
    prior: Mix = DEFAULT_WEIGHTS.mix,
    strength: float = PRIOR_STRENGTH,
    weights: npt.NDArray[np.float64] | None = None,
) -> Mix:
    """The mix that best separates accepted from rejected pairs, near ``prior``.

    ``parts`` holds the similarity components per pair (the first ``len(prior)``
    columns are used), ``multiplier`` the pair's evidence and document factor. The
    regression's features are the components times the multiplier, so the prior
    mix reproduces the untrained score. ``weights`` (per decision; default
    :func:`decision_weights` without reasons) weigh the decisions.
    """
    if weights is None:
        weights = decision_weights(accepted)
    features = _prepared(parts, multiplier, prior)
    centre = np.asarray(prior, dtype=np.float64)
    coefficients, _bias = _fit(features, accepted.astype(np.float64), weights, centre, strength)
    return _as_mix(coefficients, prior)


def decision_groups(pairs: npt.NDArray[np.int64], accepted: npt.NDArray[np.bool_]) -> list[int]:
    """Per decision, its group: sentences joined by accepted links are one group (one fact).

    A rejected pair belongs to the group of its first sentence, so a fact's
    accepted and rejected decisions fall on the same side of a split.
    """
    chains = Chains()
    for (first, second), ok in zip(pairs.tolist(), accepted.tolist(), strict=True):
        chains.root(first)
        if ok:
            chains.join(first, second)
    return [chains.root(first) for first, _second in pairs.tolist()]


def _log_loss(
    features: npt.NDArray[np.float64],
    target: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    coefficients: npt.NDArray[np.float64],
    bias: float,
) -> float:
    logits = np.clip(features @ coefficients + bias, -30.0, 30.0)
    # log(1 + exp(-y·z)) for y in {-1, +1}, computed stably.
    signed = np.where(target > 0.5, logits, -logits)
    return float((np.logaddexp(0.0, -signed) * weights).sum() / (weights.sum() or 1.0))


def _decision_folds(
    groups: Sequence[int], accepted: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], int]:
    """Each decision's fold (whole groups to a fold), and the number of folds (< 2: none)."""
    labels = sorted(set(groups))
    with_accepted = {g for g, ok in zip(groups, accepted.tolist(), strict=True) if ok}
    folds = min(FOLDS, len(with_accepted))
    # Groups with an accepted decision are spread over the folds first, so every
    # fold has positives; the rest follow in turn.
    ordered = sorted(labels, key=lambda g: (g not in with_accepted, g))
    fold_of = {g: i % max(folds, 1) for i, g in enumerate(ordered)}
    return np.asarray([fold_of[g] for g in groups], dtype=np.int64), folds


def _comparison_folds(
    groups: Sequence[int], winners: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], int]:
    """Each comparison's fold, by its accepted pair's group, and the number of folds."""
    labels = sorted({groups[int(w)] for w in winners})
    folds = min(FOLDS, len(labels))
    fold_of = {g: i % max(folds, 1) for i, g in enumerate(labels)}
    return np.asarray([fold_of[groups[int(w)]] for w in winners], dtype=np.int64), folds


def choose_strength(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    accepted: npt.NDArray[np.bool_],
    groups: Sequence[int],
    weights: npt.NDArray[np.float64] | None = None,
    prior: Mix = DEFAULT_WEIGHTS.mix,
    strengths: Sequence[float] = STRENGTHS,
) -> float:
    """The prior strength with the lowest held-out log-loss over folds of decision groups.

    With fewer than two groups holding an accepted decision there is nothing to
    hold out and :data:`PRIOR_STRENGTH` is kept.
    """
    if weights is None:
        weights = decision_weights(accepted)
    fold, folds = _decision_folds(groups, accepted)
    if folds < 2:
        return PRIOR_STRENGTH
    features = _prepared(parts, multiplier, prior)
    target = accepted.astype(np.float64)
    centre = np.asarray(prior, dtype=np.float64)
    losses = []
    for strength in strengths:
        loss = 0.0
        for held in range(folds):
            train, test = fold != held, fold == held
            if not accepted[train].any() or accepted[train].all():
                continue
            coefficients, bias = _fit(
                features[train], target[train], weights[train], centre, strength
            )
            loss += _log_loss(features[test], target[test], weights[test], coefficients, bias)
        losses.append(loss)
    return float(strengths[int(np.argmin(losses))])


# Corpus index pairs of the accepted and rejected links, which were accepted, and reasons.
Decided = tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], list[str | None]]


def decided_pairs(db: sqlite_utils.Database, corpus: LinkCorpus) -> Decided:
    """Corpus index pairs of the accepted and rejected links, which were accepted, and reasons."""
    where = {(r.doc_id, r.start, r.end): index for index, r in enumerate(corpus.refs)}
    pairs: list[tuple[int, int]] = []
    accepted: list[bool] = []
    reasons: list[str | None] = []
    for row in db.conn.execute(
        "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, status, reason FROM links"
        " WHERE status IN ('accepted', 'rejected') ORDER BY id"
    ):
        first, second = where.get(tuple(row[0:3])), where.get(tuple(row[3:6]))
        if first is not None and second is not None:
            pairs.append((first, second))
            accepted.append(row[6] == "accepted")
            reasons.append(row[7] if row[6] == "rejected" else None)
    return (
        np.asarray(pairs, dtype=np.int64).reshape(-1, 2),
        np.asarray(accepted, dtype=bool),
        reasons,
    )


def why_not_learning(decisions: int, accepted: int) -> str:
    """Why :func:`learn_mix` fitted nothing to ``decisions`` decided pairs, ``accepted`` of
    them accepted: what the annotator can do about it, not only the minimum."""
    if decisions < MIN_DECISIONS:
        return (
            f"not learning: {decisions} decided link(s) between sentences; it takes {MIN_DECISIONS}"
        )
    if 0 < accepted < decisions:
        return "not learning: the v1 score has no mix to fit"
    missing = "rejected" if accepted == decisions else "accepted"
    return (
        f"not learning: all {decisions} decided links between sentences are"
        f" {'accepted' if missing == 'rejected' else 'rejected'}; it takes {missing} ones too"
    )


def learn_mix(corpus: LinkCorpus, decided: Decided) -> Learned | None:
    """The mix fitted to the decisions (:func:`decided_pairs`), or None with fewer than
    MIN_DECISIONS.

    When some rejected pair shares a sentence with an accepted one and its rejected
    partner sits in the accepted partner's document, the mix is fitted to rank
    (:func:`fit_ranking_mix`): the choice the suggestions make. Otherwise to
    separate accepted from rejected pairs (:func:`fit_mix`).
    """
    from store.linking.ranking import document_positions

    pairs, accepted, reasons = decided
    if len(pairs) < MIN_DECISIONS or accepted.all() or not accepted.any():
        return None
    parts = components(corpus, pairs)
    multiplier = factors(parts, evidence_scale(corpus))
    groups = decision_groups(pairs, accepted)
    winners, losers = comparisons(pairs, accepted, document_positions(corpus))
    if len(winners):
        strength = choose_ranking_strength(parts, multiplier, winners, losers, groups)
        after = fit_ranking_mix(parts, multiplier, winners, losers, strength=strength)
        check = held_out_check(
            parts, multiplier, accepted, groups, strength, winners=winners, losers=losers
        )
    else:
        weights = decision_weights(accepted, reasons)
        strength = choose_strength(parts, multiplier, accepted, groups, weights)
        after = fit_mix(parts, multiplier, accepted, strength=strength, weights=weights)
        check = held_out_check(parts, multiplier, accepted, groups, strength, weights=weights)
    if check is not None and not check.better:
        after = DEFAULT_WEIGHTS.mix
    return Learned(
        len(pairs),
        int(accepted.sum()),
        DEFAULT_WEIGHTS.mix,
        after,
        strength=strength,
        with_reason=sum(1 for r in reasons if r),
        comparisons=len(winners),
        held_out=check,
    )


# --- learning to rank: accepted partners against rejected rivals --------------------


def comparisons(
    pairs: npt.NDArray[np.int64],
    accepted: npt.NDArray[np.bool_],
    document: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Decision rows ``(winner, loser)``: an accepted pair against a rejected one it outranks.

    An annotator who accepts ``x``–``y`` and rejects ``x``–``o``, ``o`` in ``y``'s
    document, says that for ``x`` the partner ``y`` ranks above ``o`` — the choice the
    ranking makes. ``document`` gives each sentence's document.
    """
    rejected: dict[tuple[int, int], list[int]] = {}
    for row, ((first, second), ok) in enumerate(
        zip(pairs.tolist(), accepted.tolist(), strict=True)
    ):
        if not ok:
            rejected.setdefault((first, int(document[second])), []).append(row)
            rejected.setdefault((second, int(document[first])), []).append(row)
    winners: list[int] = []
    losers: list[int] = []
    for row, ((first, second), ok) in enumerate(
        zip(pairs.tolist(), accepted.tolist(), strict=True)
    ):
        if ok:
            for own, other in ((first, second), (second, first)):
                for loser in rejected.get((own, int(document[other])), []):
                    winners.append(row)
                    losers.append(loser)
    return np.asarray(winners, dtype=np.int64), np.asarray(losers, dtype=np.int64)


def _ranking_features(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    winners: npt.NDArray[np.int64],
    losers: npt.NDArray[np.int64],
    prior: Mix,
) -> npt.NDArray[np.float64]:
    raw = _score_features(parts, multiplier, prior)
    return _in_prior_units(raw[winners] - raw[losers], prior)


def _fit_ranking(
    features: npt.NDArray[np.float64], centre: npt.NDArray[np.float64], strength: float
) -> npt.NDArray[np.float64]:
    """Every comparison's winner should outrank its loser: target 1, no bias."""
    ones = np.ones(len(features), dtype=np.float64)
    coefficients, _bias = _fit(features, ones, ones, centre, strength, fit_bias=False)
    return coefficients


def fit_ranking_mix(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    winners: npt.NDArray[np.int64],
    losers: npt.NDArray[np.int64],
    prior: Mix = DEFAULT_WEIGHTS.mix,
    strength: float = PRIOR_STRENGTH,
) -> Mix:
    """The mix under which accepted partners outrank the rejected rivals of their sentence.

    A pairwise logistic regression (no bias: only the order of two partners of one
    sentence counts) on the difference of the two pairs' score features, pulled
    towards ``prior``. The document factor, the same for both partners, cancels.
    """
    if len(winners) == 0:
        return prior
    features = _ranking_features(parts, multiplier, winners, losers, prior)
    centre = np.asarray(prior, dtype=np.float64)
    return _as_mix(_fit_ranking(features, centre, strength), prior)


def choose_ranking_strength(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    winners: npt.NDArray[np.int64],
    losers: npt.NDArray[np.int64],
    groups: Sequence[int],
    prior: Mix = DEFAULT_WEIGHTS.mix,
    strengths: Sequence[float] = STRENGTHS,
) -> float:
    """The prior strength whose fit orders held-out groups' comparisons best (log-loss).

    ``groups`` is each decision's group (:func:`decision_groups`); a comparison
    belongs to its accepted pair's group, so no fact is on both sides of a split.
    """
    fold, folds = _comparison_folds(groups, winners)
    if folds < 2:
        return PRIOR_STRENGTH
    features = _ranking_features(parts, multiplier, winners, losers, prior)
    centre = np.asarray(prior, dtype=np.float64)
    losses = []
    for strength in strengths:
        loss = 0.0
        for held in range(folds):
            train, test = fold != held, fold == held
            coefficients = _fit_ranking(features[train], centre, strength)
            logits = np.clip(features[test] @ coefficients, -30.0, 30.0)
            loss += float(np.logaddexp(0.0, -logits).sum())
        losses.append(loss)
    return float(strengths[int(np.argmin(losses))])


# --- the held-out check: does the fitted mix order unseen decisions better? ----------


def _ordered_right(higher: npt.NDArray[np.float64], lower: npt.NDArray[np.float64]) -> float:
    return float((higher > lower).sum() + 0.5 * (higher == lower).sum())


def _changed(
    fitted: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    untrained: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> tuple[int, int]:
    """Pairs only the fitted mix orders right, and pairs only the untrained one does."""
    by_fit = fitted[0] > fitted[1]
    by_prior = untrained[0] > untrained[1]
    return int((by_fit & ~by_prior).sum()), int((by_prior & ~by_fit).sum())


def held_out_check(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    accepted: npt.NDArray[np.bool_],
    groups: Sequence[int],
    strength: float,
    *,
    winners: npt.NDArray[np.int64] | None = None,
    losers: npt.NDArray[np.int64] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
    prior: Mix = DEFAULT_WEIGHTS.mix,
) -> HeldOut | None:
    """How the fitted and the untrained mix order decisions the fit did not see.

    The decisions are split into folds of whole groups (facts); each fold is ordered by
    a mix fitted on the others. With ``winners``/``losers`` (a ranking fit) a pair is a
    comparison: the accepted partner should outrank the rejected rival. Otherwise every
    accepted decision of a fold against every rejected one. None with too few groups.
    The choice of strength saw every fold, so the check is a little optimistic for
    the fit; keeping the untrained mix when it fails is the cautious side.
    """
    fitted = untrained = 0.0
    pairs = gained = lost = 0
    if winners is not None and losers is not None and len(winners):
        fold, folds = _comparison_folds(groups, winners)
        if folds < 2:
            return None
        before = mixed_scores(parts, multiplier, prior)
        for held in range(folds):
            train, test = fold != held, fold == held
            mix = fit_ranking_mix(parts, multiplier, winners[train], losers[train], prior, strength)
            after = mixed_scores(parts, multiplier, mix)
            fitted += _ordered_right(after[winners[test]], after[losers[test]])
            untrained += _ordered_right(before[winners[test]], before[losers[test]])
            pairs += int(test.sum())
            more, fewer = _changed(
                (after[winners[test]], after[losers[test]]),
                (before[winners[test]], before[losers[test]]),
            )
            gained, lost = gained + more, lost + fewer
        return HeldOut(fitted, untrained, pairs, gained, lost)
    if weights is None:
        weights = decision_weights(accepted)
    fold, folds = _decision_folds(groups, accepted)
    if folds < 2:
        return None
    for held in range(folds):
        train, test = fold != held, fold == held
        if not accepted[train].any() or accepted[train].all():
            continue
        mix = fit_mix(
            parts[train], multiplier[train], accepted[train], prior, strength, weights[train]
        )
        ordered = []
        for chosen in (mix, prior):
            scores = mixed_scores(parts[test], multiplier[test], chosen)
            ordered.append((scores[accepted[test]][:, None], scores[~accepted[test]][None, :]))
        fitted += _ordered_right(*ordered[0])
        untrained += _ordered_right(*ordered[1])
        more, fewer = _changed(ordered[0], ordered[1])
        gained, lost = gained + more, lost + fewer
        pairs += int(accepted[test].sum()) * int((~accepted[test]).sum())
    return HeldOut(fitted, untrained, pairs, gained, lost) if pairs else None
