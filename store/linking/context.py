"""Context for a sentence that names its subject only in the sentence before.

"Das Hochwasser erreichte Passau am Montag. Dabei wurden 300 Häuser
überschwemmt." The second sentence reports a fact of its own, but "Passau" and
"Hochwasser" are only in the first; another outlet's "In Passau standen 300
Häuser unter Wasser" shares just the figure with it. A sentence that opens with
an anaphor (Dabei, Sie, Das, Dies...; This, It, They...) therefore borrows the
previous sentence's informative tokens (numbers, dates, names, rare words) at
:data:`CONTEXT_WEIGHT` of their weight in its word and character n-gram vectors
(see :mod:`store.linking.units`). Nothing else about the sentence changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.linking.features import LinkCorpus, SentenceRef

# A borrowed token counts for this share of its weight. Half: the anaphor says the
# sentence is about the previous one's subject, not that it repeats all of it.
CONTEXT_WEIGHT = 0.5
# A word in at most this share of the corpus's sentences is rare enough to borrow.
RARE_SHARE = 0.01

_ANAPHORS = {
    "de": frozenset(
        """dabei sie er es das dies diese dieser dieses damit daher dort darauf dazu
        deshalb deswegen dagegen danach davor demnach dafür hierbei hier""".split()
    ),
    "en": frozenset("""this that these those it he she they there such its their then""".split()),
}
_FIRST_WORD = re.compile(r"[\W\d_]*([^\W\d_]+)", re.UNICODE)


def opens_with_anaphor(sentence: str, language: str) -> bool:
    """Whether the sentence's first word points back to the sentence before."""
    found = _FIRST_WORD.match(sentence)
    if found is None:
        return False
    return found.group(1).lower() in _ANAPHORS.get(language, _ANAPHORS["de"])


def previous_sentences(
    refs: Sequence[SentenceRef], first: int, anaphoric: Sequence[bool]
) -> list[tuple[int, int]]:
    """``(sentence, the one before it)`` for the anaphoric sentences of one document.

    The document's sentences are ``refs[first:]``, in any order (a claim span is
    listed first); the one before is the latest that ends where or before the
    sentence starts, so a claim inside a sentence borrows from the sentence before
    that one.
    """
    own = range(first, len(refs))
    by_end = sorted(own, key=lambda k: (refs[k].end, refs[k].start))
    pairs = []
    for offset, is_anaphoric in enumerate(anaphoric):
        if not is_anaphoric:
            continue
        index = first + offset
        start = refs[index].start
        before = [k for k in by_end if refs[k].end <= start and k != index]
        if before:
            pairs.append((index, before[-1]))
    return pairs


def borrowed_tokens(
    corpus: LinkCorpus, anaphoric: Sequence[tuple[int, int]]
) -> dict[int, list[int]]:
    """For each anaphoric sentence, the informative tokens of the previous one it lacks.

    Informative: a number, date or name (``corpus.anchors``), or a word in at most
    :data:`RARE_SHARE` of the sentences. Needs the corpus's frequencies.
    """
    rare = max(2.0, RARE_SHARE * len(corpus))
    frequency, anchors = corpus.document_frequency, corpus.anchors
    found: dict[int, list[int]] = {}
    for index, before in anaphoric:
        own = set(corpus.token_ids[index])
        tokens = [
            t
            for t in corpus.token_ids[before]
            if t not in own and (anchors[t] or frequency[t] <= rare)
        ]
        if tokens:
            found[index] = tokens
    return found
