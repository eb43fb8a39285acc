"""Normalising workers inherit the parent's lemma dictionaries and give what one process gives."""

from __future__ import annotations

import multiprocessing
import random

import pytest

from store.linking import shared_dictionaries
from store.linking.features import PARALLEL_MIN_DOCUMENTS, DocInput, build_corpus
from store.linking.shared_dictionaries import load_for_workers
from store.linking.workers import parent_death_pool

pytestmark = pytest.mark.skipif(
    multiprocessing.get_start_method(allow_none=False) != "fork",
    reason="workers inherit the dictionaries only when forked",
)


def _held_in_worker() -> int:
    return shared_dictionaries._loaded()


@pytest.fixture
def no_dictionaries() -> None:
    """Start from a process that has read no dictionary (later lookups read them again)."""
    shared_dictionaries._drop()


@pytest.mark.usefixtures("no_dictionaries")
def test_workers_start_with_the_dictionaries_and_the_parent_drops_them() -> None:
    with parent_death_pool(1) as pool:
        release = load_for_workers(["de", "de", "en"])
        assert shared_dictionaries._loaded() == 2
        future = pool.submit(_held_in_worker)
        release()
        assert future.result() == 2, "the worker reads no dictionary of its own"
    assert shared_dictionaries._loaded() == 0


@pytest.mark.usefixtures("no_dictionaries")
def test_dictionaries_held_before_are_kept() -> None:
    load_for_workers(["de"])()
    assert shared_dictionaries._loaded() == 0
    load_for_workers(["de"])
    load_for_workers(["de", "en", "xx"])()
    assert shared_dictionaries._loaded() == 2, "an unknown language is skipped, none dropped"


_WORDS = (
    "Hochwasser Feuerwehr Keller Deiche Passau Grimma Sandsäcke Brücke Verkehr Helfer"
    " evakuiert gesperrt verteilen pumpte überflutet warnte meldete Bürgermeisterin"
    " Anwohner Tiefgarage Straße Häuser flood bridge residents diverted rescued"
).split()
_JOINS = [
    " ",
    " ",
    " ",
    ", die ",
    " und ",
    "; ",
    ": ",
    " – ",
    ", which ",
    " 4.000–5.000 ",
    " am 3. Mai ",
]


def _documents(count: int) -> list[DocInput]:
    rng = random.Random(7)
    documents = []
    for number in range(1, count + 1):
        sentences = []
        for _ in range(3):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 14))]
            sentence = words[0].capitalize()
            for word in words[1:]:
                sentence += rng.choice(_JOINS) + word
            sentences.append(sentence + ".")
        text = " ".join(sentences)
        spans, start = [], 0
        for sentence in sentences:
            spans.append((None, start, start + len(sentence)))
            start += len(sentence) + 1
        documents.append(DocInput(number, f"o{number % 5}", rng.choice(["de", "en"]), text, spans))
    return documents


@pytest.mark.usefixtures("no_dictionaries")
def test_a_corpus_built_by_workers_equals_one_built_in_process() -> None:
    documents = _documents(PARALLEL_MIN_DOCUMENTS + 50)
    parallel = build_corpus(documents, workers=2)
    assert shared_dictionaries._loaded() == 0, "dropped again after the workers forked"
    single = build_corpus(documents, workers=1)
    assert parallel.clauses, "some sentences divide"
    for field in ("vocabulary", "token_ids", "texts", "weights", "norms", "values", "ranges"):
        assert getattr(parallel, field) == getattr(single, field), field
    assert parallel.clauses == single.clauses
    assert parallel.borrowed == single.borrowed
