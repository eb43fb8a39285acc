"""Token labels for agreement: a deterministic tokenizer and the one-label-per-token policy.

Token-level statistics (Cohen's kappa, Krippendorff's alpha) need every annotator's
spans turned into one label per token of the same token sequence. The policy:

* tokens are the export's tokens (:mod:`store.export.tokens`): words with their
  combining marks and joiners, numbers such as ``11.000``, single other visible
  characters; no token is invisible characters alone (RLM, LRM, ZWSP). Cut on the
  stored normalised text by a tokenizer without a model, every run and every machine
  cuts a document identically, and the statistics count the tokens a CoNLL
  export trains on. A tokenizer of its own made each bidi mark a token
  that both annotators left ``O``, and split words at joiners and combining marks;
* a token takes the label of a span when the span covers at least one of its
  characters (spans that cut a word still label that word);
* when an annotator's spans overlap on a token, the innermost (shortest) span wins,
  then the one that starts later, then the label name in alphabetical order, so
  nested annotations ("a FIGURE inside a CLAIM") keep the more specific label;
* a token no span covers is labelled :data:`OUTSIDE` (``"O"``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from store.export import tokens as export_tokens

OUTSIDE = "O"

Extent = tuple[int, int]


def tokenize(text: str) -> list[Extent]:
    """The (start, end) code-point offsets of each token of ``text``, in order."""
    return [(token.start, token.end) for token in export_tokens.tokenize(text)]


def _rank(start: int, end: int, label: str) -> tuple[int, int, str]:
    return (end - start, -start, label)


def token_labels(
    tokens: Sequence[Extent],
    spans: Iterable[tuple[int, int, str]],
    *,
    keep: frozenset[str] | None = None,
) -> list[str]:
    """One label per token from one annotator's ``(start, end, label)`` spans.

    Spans whose label is not in ``keep`` (when given) are ignored, so restricting the
    statistics to some labels turns the others into :data:`OUTSIDE`.
    """
    labels = [OUTSIDE] * len(tokens)
    best: list[tuple[int, int, str] | None] = [None] * len(tokens)
    starts = [start for start, _ in tokens]
    for start, end, label in spans:
        if keep is not None and label not in keep:
            continue
        rank = _rank(start, end, label)
        # Start at the last token beginning at or before the span start: it may straddle it.
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        for index in range(first, len(tokens)):
            token_start, token_end = tokens[index]
            if token_start >= end:
                break
            if token_end <= start:
                continue
            current = best[index]
            if current is None or rank < current:
                best[index] = rank
                labels[index] = label
    return labels
