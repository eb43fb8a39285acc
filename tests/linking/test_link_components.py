"""The fused score's parts: character n-grams, soft numbers, evidence."""

from __future__ import annotations

import numpy as np

from store.linking.features import DocInput, build_corpus, word_grams
from store.linking.score import components, pair_score, soft_numbers

# Unrelated sentences, so that words the test sentences share are rare in the corpus.
_FILLER = [
    "Der Gemeinderat berät im Herbst über den neuen Radweg.",
    "Im Stadion gewann die Heimmannschaft knapp mit zwei Toren.",
    "Die Bibliothek öffnet nach dem Umbau wieder ihre Lesesäle.",
    "Ein Konzert im Park zog am Wochenende viele Besucher an.",
]


def _corpus(*sentences: str, lang: str = "de") -> list[DocInput]:
    texts = [*sentences, *_FILLER]
    return [
        DocInput(index, f"outlet{index}", lang, text, [(None, 0, len(text))])
        for index, text in enumerate(texts)
    ]


def test_soft_numbers_support_approximate_figures_and_ranges() -> None:
    assert soft_numbers((4000.0,), (4500.0,)) == 1.0
    assert soft_numbers((4200.0,), (4000.0, 5000.0), (), ((4000.0, 5000.0),)) == 1.0
    assert soft_numbers((200.0,), (200.0,)) == 1.0
    # Clearly different figures count against; a moderate gap is neutral.
    assert soft_numbers((4000.0,), (12000.0,)) < 0
    assert soft_numbers((4000.0,), (5600.0,)) == 0.0
    assert soft_numbers((), (5.0,)) == 0.0


def test_approximate_figures_score_above_different_ones() -> None:
    corpus = build_corpus(
        _corpus(
            "Etwa 4.000 Menschen mussten die Altstadt von Kressbrunn verlassen.",
            "Rund 4.500 Menschen mussten die Altstadt von Kressbrunn verlassen.",
            "Rund 12.000 Menschen mussten die Altstadt von Kressbrunn verlassen.",
        )
    )
    assert pair_score(corpus, 0, 1) > pair_score(corpus, 0, 2)


def test_character_grams_join_compound_and_its_parts() -> None:
    corpus = build_corpus(
        _corpus(
            "Der Hochwasserschutzplan wurde vom Landrat vorgestellt.",
            "Der Landrat stellte den Schutzplan gegen das Hochwasser vor.",
            "Der Landrat stellte den Haushalt der Feuerwehr vor.",
        )
    )
    parts = components(corpus, np.asarray([[0, 1], [0, 2]], dtype=np.int64))
    assert parts[0, 1] > parts[1, 1] + 0.1
    assert parts[0, 1] > parts[0, 0]
    assert "<ho" in word_grams("hochwasser")
    assert "ser>" in word_grams("hochwasser")


def test_short_generic_sentences_rest_on_little_evidence() -> None:
    corpus = build_corpus(
        _corpus(
            "Das ist absurd.",
            "Aber das ist absurd.",
            "Die Stadt Kressbrunn evakuierte am Dienstag 11.000 Bewohner der Unterstadt.",
            "Kressbrunn hat am Dienstag 11.000 Bewohner der Unterstadt evakuiert.",
        )
    )
    assert pair_score(corpus, 2, 3) > pair_score(corpus, 0, 1)
