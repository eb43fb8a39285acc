"""Load what the first match needs before anyone asks for it.

The first call of :func:`store.linking.decisions.suggestions_for` used to take
1–7 s: importing numpy and rapidfuzz and, above all, simplemma reading its
lemma dictionaries. The TUI calls :func:`warm_linking` in a worker thread at
start-up so that the first match panel answers as fast as later ones.
"""

from __future__ import annotations

import time

# One sentence per language the linker lemmatizes; each loads that language's dictionary.
_SAMPLES = {
    "de": "Die Stadt meldete am Montag 4.700 Besucher, sagte die Bürgermeisterin.",
    "en": "The city reported 4,700 visitors on Monday, the mayor said.",
}


def warm_linking() -> float:
    """Import the linker and fill its lemma caches; the seconds it took."""
    started = time.perf_counter()
    from store.linking import decisions, suggest  # noqa: F401  (imported for their side effect)
    from store.linking.normalize import normalise

    for language, sentence in _SAMPLES.items():
        normalise(sentence, language)
    return time.perf_counter() - started
