"""Sentence frequencies and the token index, counted in bulk, equal counting by hand."""

from __future__ import annotations

from collections import Counter

from store.linking.features import build_corpus
from tests.linking.corpus import sentences_document

_SENTENCES = [
    "Die Feuerwehr pumpte die Keller in Passau leer, die Feuerwehr blieb bis Montag",
    "In Passau standen 300 Keller unter Wasser",
    "The bridge stays closed; traffic is diverted through Bonn and Passau",
    "",
    "Passau Passau Passau",
]


def test_each_token_counts_once_per_sentence_that_holds_it() -> None:
    documents = [sentences_document(k + 1, f"o{k}", _SENTENCES) for k in range(3)]
    corpus = build_corpus(documents)
    counted = Counter(token for ids in corpus.token_ids for token in set(ids))
    assert corpus.document_frequency == [counted[k] for k in range(len(corpus.vocabulary))]
    assert corpus.document_frequency[corpus.vocabulary["passau"]] == 3 * 4
    index = corpus.token_index()
    assert index.sentences == len(corpus)
    assert index.vocabulary == len(corpus.weights)
    rows = [
        index.indices[index.indptr[k] : index.indptr[k + 1]].tolist() for k in range(len(corpus))
    ]
    assert rows == corpus.token_ids
    expected = sorted(
        k * index.vocabulary + t for k, ids in enumerate(corpus.token_ids) for t in ids
    )
    assert index.keys.tolist() == expected
