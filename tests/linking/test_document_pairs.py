"""Two reports of one story: their sentence pairs are candidates even without shared words."""

from __future__ import annotations

import numpy as np

from store.linking.document_pairs import document_pair_candidates, related_documents
from store.linking.features import DocInput, build_corpus
from store.linking.suggest import LinkSettings, compute_suggestions
from tests.linking.corpus import sentences_document

# Two outlets on one warehouse fire; the second sentences report one fact with no
# content word in common (a paraphrase), which word-based candidates cannot find.
FIRE_A = [
    "In Lindach brannte am Montag eine Lagerhalle der Firma Kestner Chemie vollständig nieder.",
    "Die Anwohner mussten ihre Wohnungen für mehrere Stunden räumen.",
    "Die Feuerwehr Lindach war mit 120 Kräften im Einsatz.",
]
FIRE_B = [
    "Ein Großbrand zerstörte die Lagerhalle von Kestner Chemie in Lindach.",
    "Wer in der Nähe wohnte, wurde bis zum Abend in Sicherheit gebracht.",
    "Rund 120 Einsatzkräfte der Feuerwehr bekämpften die Flammen.",
]
UNRELATED = [
    "Der Stadtrat von Ortenfeld beschloss den Haushalt für das kommende Jahr.",
    "Die Opposition kritisierte die geplanten Ausgaben für den Straßenbau.",
]


def _corpus() -> list[DocInput]:
    return [
        sentences_document(1, "kurier", FIRE_A),
        sentences_document(2, "rundschau", FIRE_B),
        sentences_document(3, "anzeiger", UNRELATED),
    ]


def test_related_documents_pair_the_two_reports_not_the_unrelated_one() -> None:
    corpus = build_corpus(_corpus())
    related = {(a, b) for _cosine, a, b in related_documents(corpus, per_document=1)}
    assert (0, 1) in related
    assert all(2 not in pair for pair in related)


def test_every_sentence_pair_of_related_documents_is_a_candidate() -> None:
    corpus = build_corpus(_corpus())
    stories = document_pair_candidates(corpus, per_document=1)
    found = {tuple(pair) for pair in stories.pairs.tolist()}
    assert found == {(i, j) for i in range(3) for j in range(3, 6)}
    assert stories.of(np.array([[1, 4], [1, 6]])).tolist() == [True, False]


def test_a_budget_of_zero_expands_nothing() -> None:
    corpus = build_corpus(_corpus())
    assert len(document_pair_candidates(corpus, budget_per_sentence=0).pairs) == 0


def test_the_paraphrased_fact_is_suggested_only_with_document_partners() -> None:
    corpus = build_corpus(_corpus())
    evacuation = (1, 4)  # "räumen" vs "in Sicherheit gebracht"

    def suggested(partners: int) -> set[tuple[int, int]]:
        settings = LinkSettings(document_partners=partners, workers=1, learn=False)
        return {(i, j) for i, j, _score in compute_suggestions(corpus, settings)}

    assert evacuation not in suggested(0)
    assert evacuation in suggested(3)
