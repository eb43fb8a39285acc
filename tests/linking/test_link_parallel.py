"""A corpus normalised by worker processes is the one a single process builds."""

from __future__ import annotations

import random

from store.linking.features import PARALLEL_MIN_DOCUMENTS, DocInput, build_corpus

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


def test_a_corpus_built_by_workers_equals_one_built_in_process() -> None:
    documents = _documents(PARALLEL_MIN_DOCUMENTS + 50)
    parallel = build_corpus(documents, workers=2)
    single = build_corpus(documents, workers=1)
    assert parallel.clauses, "some sentences divide"
    for field in ("vocabulary", "token_ids", "texts", "weights", "norms", "values", "ranges"):
        assert getattr(parallel, field) == getattr(single, field), field
    assert parallel.clauses == single.clauses
    assert parallel.borrowed == single.borrowed
