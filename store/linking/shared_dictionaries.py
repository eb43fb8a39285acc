"""The lemma dictionaries read once, by the process that forks the normalising workers.

simplemma reads a language's dictionary on its first lookup: ~1.5-2 s of CPU and
~100 MB for German. Each normalising worker used to read it for itself, the same
work once per worker. Read in the parent just before the pool forks, the workers
inherit it (copy-on-write) and look words up at once. The parent drops it again
once the workers exist, unless it held it before (the TUI warms it up at start),
so the parent's memory while it builds the corpus is what it was.

Only with the ``fork`` start method: workers started another way would not inherit
it, and the parent's read would be wasted.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable

import simplemma
from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY

_PROBE = "haus"


def _loaded() -> int:
    """How many languages' dictionaries simplemma holds (its cache, pinned version 2.0.0)."""
    return int(DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize)


def load_for_workers(languages: Iterable[str]) -> Callable[[], None]:
    """Read the dictionaries of ``languages`` now, for workers forked next.

    Returns the function to call once the workers are forked: it drops what this
    call read (nothing when the dictionaries were held before, or without fork).
    """
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return _nothing
    held_before = _loaded()
    for language in sorted(set(languages)):
        try:
            simplemma.is_known(_PROBE, lang=language)
        except ValueError:
            # A language simplemma does not know: normalising leaves its words as they are.
            continue
    if held_before:
        return _nothing
    return _drop


def _drop() -> None:
    DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_clear()


def _nothing() -> None:
    return None
