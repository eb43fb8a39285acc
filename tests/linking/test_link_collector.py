"""build_corpus runs with the cyclic garbage collector off and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from store.linking.features import build_corpus
from tests.linking.corpus import sentences_document

DOCUMENTS = [
    sentences_document(1, "a", ["Rund 11.000 Menschen verließen Passau.", "Dabei halfen viele."]),
    sentences_document(2, "b", ["Etwa 11 000 Menschen verließen die Stadt Passau."]),
]


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_collector_off_while_normalising_and_as_before_after(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()
    seen: list[bool] = []
    corpus = build_corpus(DOCUMENTS, progress=lambda _done, _total: seen.append(gc.isenabled()))
    assert seen == [False, False]
    assert gc.isenabled() is enabled
    assert len(corpus) == 3


@pytest.mark.usefixtures("collector_state")
def test_collector_back_on_when_building_fails() -> None:
    gc.enable()

    def fail(_done: int, _total: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        build_corpus(DOCUMENTS, progress=fail)
    assert gc.isenabled()
