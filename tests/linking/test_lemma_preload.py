"""Lemma dictionaries read once before the normalising workers fork, then dropped."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# Each check runs in a fresh interpreter: whether simplemma holds a dictionary is
# process state that other tests (any normalise call) change.
_PRELUDE = """
import multiprocessing
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY
from store.linking.lemma_preload import preload_for_fork

def held():
    return DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize
"""


def _run(body: str) -> str:
    code = _PRELUDE + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the start method on Linux only")
def test_dictionaries_are_read_for_the_workers_and_dropped_after() -> None:
    out = _run(
        """
        release = preload_for_fork(["de", "de", "xx"])
        loaded = held()
        # A forked worker finds the dictionary already read.
        with multiprocessing.get_context("fork").Pool(1) as pool:
            in_worker = pool.apply(held)
        release()
        print(loaded, in_worker, held())
        """
    )
    assert out == "1 1 0"


def test_dictionaries_held_before_are_left_alone() -> None:
    out = _run(
        """
        from store.linking.normalize import normalise
        normalise("Die Häuser wurden evakuiert.", "de")
        before = held()
        preload_for_fork(["de", "en"])()
        print(before, held())
        """
    )
    assert out == "1 1"
