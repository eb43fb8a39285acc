"""The score's evidence and the cross-language document factor."""

from __future__ import annotations

import numpy as np

from store.linking.features import DocInput, build_corpus
from store.linking.languages import cross_language_factors, language_scales
from store.linking.score import INFORMATION, components, evidence_scale, fused_scores

_FILLER = [
    "Der Gemeinderat berät im Herbst über den neuen Radweg.",
    "Im Stadion gewann die Heimmannschaft knapp mit zwei Toren.",
    "Die Bibliothek öffnet nach dem Umbau wieder ihre Lesesäle.",
    "Ein Konzert im Park zog am Wochenende viele Besucher an.",
]


def _documents(texts: list[tuple[str, str]]) -> list[DocInput]:
    return [
        DocInput(index, f"outlet{index}", lang, text, [(None, 0, len(text))])
        for index, (lang, text) in enumerate(texts)
    ]


def test_a_pair_sharing_no_whole_word_still_scores_by_its_other_components() -> None:
    # A compound against its parts: no word in common, most character n-grams shared.
    corpus = build_corpus(
        _documents(
            [
                ("de", "Der Hochwasserschutzplan der Stadt Kressbrunn wurde beschlossen."),
                ("de", "Der Plan zum Schutz gegen das Hochwasser ist verabschiedet."),
                *[("de", text) for text in _FILLER],
            ]
        )
    )
    parts = components(corpus, np.asarray([[0, 1]], dtype=np.int64), documents=False)
    assert parts[0, 0] == 0.0  # no word in common
    assert parts[0, 1] > 0.2  # the n-grams see the compound's parts
    assert parts[0, INFORMATION] > 0
    assert fused_scores(parts, evidence_scale(corpus), story=False)[0] > 0.1


def test_short_generic_pairs_rest_on_less_evidence_than_informative_ones() -> None:
    corpus = build_corpus(
        _documents(
            [
                ("de", "Das ist absurd."),
                ("de", "Das ist absurd."),
                ("de", "Rund 4.000 Menschen mussten die Altstadt von Kressbrunn verlassen."),
                ("de", "Rund 4.000 Menschen mussten die Altstadt von Kressbrunn verlassen."),
                *[("de", text) for text in _FILLER],
            ]
        )
    )
    parts = components(corpus, np.asarray([[0, 1], [2, 3]], dtype=np.int64), documents=False)
    generic, informative = fused_scores(parts, evidence_scale(corpus), story=False)
    assert generic < informative


def _bilingual(copies: int) -> list[DocInput]:
    """``copies`` stories, each a German and an English report and a second German one."""
    texts: list[tuple[str, str]] = []
    for story in range(copies):
        place = ["Kressbrunn", "Altdorf", "Seefeld", "Bergheim", "Talhausen", "Neuried"][story]
        texts += [
            (
                "de",
                f"In {place} stieg der Fluss auf {story + 5} Meter, die Feuerwehr pumpte.",
            ),
            ("de", f"Der Fluss in {place} erreichte {story + 5} Meter, die Feuerwehr half."),
            (
                "en",
                f"In {place} the river rose to {story + 5} metres and firefighters pumped cellars.",
            ),
        ]
    return _documents(texts)


def test_cross_language_cosines_are_put_on_the_same_language_scale() -> None:
    corpus = build_corpus(_bilingual(6))
    scales = language_scales(corpus)
    assert set(scales) == {("de", "en")}
    # English reports share only the place and the figure with the German ones.
    assert scales[("de", "en")] > 1.0
    # Document positions 0 and 2 (German, English) get the factor; 0 and 1 (German) do not.
    factors = cross_language_factors(
        corpus, np.asarray([0, 0], dtype=np.int64), np.asarray([2, 1], dtype=np.int64)
    )
    assert factors.tolist() == [scales[("de", "en")], 1.0]


def test_a_corpus_in_one_language_is_left_as_it_is() -> None:
    corpus = build_corpus(_documents([("de", text) for text in _FILLER * 2]))
    assert language_scales(corpus) == {}
    first = np.asarray([0, 1], dtype=np.int64)
    assert cross_language_factors(corpus, first, first + 2).tolist() == [1.0, 1.0]
