"""Lemma dictionaries read once for all normalising workers, not once in each.

simplemma decodes a language's dictionary (~1.1 million entries for German) in
pure Python on first use: ~1.6 s of CPU and ~100 MB. Each normalising worker
(:func:`store.linking.features._normalise_all`) used to pay that itself. When the
workers are forked, the parent reads the dictionaries just before they start, so
they inherit them, and drops them again as soon as they have started: the link's
memory peak comes later and does not grow.

Where the parent already holds dictionaries (the TUI warms the linker up, see
:mod:`store.linking.warmup`), they are left alone: the workers inherit them anyway.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable

import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY


def _nothing() -> None:
    return None


def preload_for_fork(languages: Iterable[str]) -> Callable[[], None]:
    """Read the lemma dictionaries of ``languages`` if forked workers would inherit them.

    Returns what to call once the workers have started: it drops the
    dictionaries read here (it does nothing when none were).
    """
    cached = getattr(DEFAULT_DICTIONARY_FACTORY, "_get_dictionary", None)
    cache_info = getattr(cached, "cache_info", None)
    cache_clear = getattr(cached, "cache_clear", None)
    if (
        cache_info is None
        or cache_clear is None
        or multiprocessing.get_start_method() != "fork"
        # Dictionaries the process holds already are inherited as they are.
        or cache_info().currsize
    ):
        return _nothing
    loaded = False
    for language in sorted(set(languages)):
        try:
            simplemma.is_known("a", lang=language)
        except ValueError:
            # Not a language simplemma knows: normalising keeps its words as they are.
            continue
        loaded = True
    return cache_clear if loaded else _nothing
