"""Clauses of multi-fact sentences and context of anaphoric ones, in the linker's score."""

from __future__ import annotations

import math

import numpy as np
import pytest

from store.linking.clauses import clause_spans
from store.linking.context import CONTEXT_WEIGHT, opens_with_anaphor, previous_sentences
from store.linking.features import DocInput, SentenceRef, build_corpus
from store.linking.score import components, pair_score
from store.session import Session
from tests.conftest import add_document
from tests.linking.corpus import FILLER, sentences_document

TWO_FACTS = (
    "Die Brücke über die Mulde bleibt nach dem Hochwasser bis Freitag für den gesamten"
    " Verkehr gesperrt, und in Grimma verteilen Helfer 2.000 Sandsäcke an die Anwohner"
)
SANDBAGS = "In Grimma verteilen die Stadtwerke 2.000 Sandsäcke an die Anwohner"
METERS = "Die Stadtwerke in Grimma verteilen ab Montag 2.000 neue Wasserzähler an die Anwohner"


def _documents(*documents: list[str]) -> list[DocInput]:
    found = [sentences_document(k + 1, f"outlet{k}", s) for k, s in enumerate(documents)]
    return found + [sentences_document(10 + k, f"filler{k}", [f]) for k, f in enumerate(FILLER)]


def _clauses(sentence: str) -> list[str]:
    return [sentence[a:b] for a, b in clause_spans(sentence, 0, len(sentence))]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Die Brücke bleibt bis Freitag gesperrt; der Verkehr wird über Bonn umgeleitet.",
            ["Die Brücke bleibt bis Freitag gesperrt", "der Verkehr wird über Bonn umgeleitet."],
        ),
        (
            "Der Landrat warnte am Montag: Die Deiche an der Mulde halten nicht mehr lange.",
            ["Der Landrat warnte am Montag", "Die Deiche an der Mulde halten nicht mehr lange."],
        ),
        (
            "Das Dach des Rathauses ist eingestürzt – niemand wurde dabei verletzt.",
            ["Das Dach des Rathauses ist eingestürzt", "niemand wurde dabei verletzt."],
        ),
        (
            "Die Feuerwehr pumpte drei Keller leer, aber die Tiefgarage bleibt überflutet.",
            ["Die Feuerwehr pumpte drei Keller leer", "aber die Tiefgarage bleibt überflutet."],
        ),
        (
            "Der Bürgermeister lobte die Helfer, die seit Montag Deiche am Fluss sichern.",
            ["Der Bürgermeister lobte die Helfer", "die seit Montag Deiche am Fluss sichern."],
        ),
        (
            "The bridge stays closed until Friday, while traffic is diverted through Bonn.",
            ["The bridge stays closed until Friday", "while traffic is diverted through Bonn."],
        ),
        (
            "Firefighters rescued twelve residents, who had been trapped on rooftops overnight.",
            [
                "Firefighters rescued twelve residents",
                "who had been trapped on rooftops overnight.",
            ],
        ),
        # Too few content words on one side: no clause of its own.
        ("Polizei und Feuerwehr waren mit 300 Kräften im Einsatz.", []),
        # A dash between two figures is a range, not a split.
        ("Zwischen 4.000 - 5.000 Menschen mussten ihre Häuser verlassen.", []),
    ],
)
def test_sentences_divide_at_general_clause_boundaries(sentence: str, expected: list[str]) -> None:
    assert _clauses(sentence) == expected


def test_clause_offsets_are_code_points_into_the_whole_text() -> None:
    before = "Überschrift: Flut 🌊 an der Mulde. "
    text = before + TWO_FACTS + ". Danach regnete es."
    start, end = len(before), len(before) + len(TWO_FACTS)
    spans = clause_spans(text, start, end)
    assert len(spans) == 2
    assert [text[a:b] for a, b in spans] == [
        TWO_FACTS[: TWO_FACTS.index(",")],
        TWO_FACTS[TWO_FACTS.index("und in") :],
    ]
    assert all(start <= a < b <= end for a, b in spans)
    corpus = build_corpus([DocInput(1, "a", "de", text, [(None, start, end)])])
    (clauses,) = corpus.clauses.values()
    assert [(c.start, c.end) for c in clauses] == spans
    assert "sandsack" in clauses[1].text.split()
    assert clauses[1].values == (2000.0,)


def test_a_clause_matching_another_report_ranks_its_sentence_first() -> None:
    documents = _documents([SANDBAGS], [TWO_FACTS, METERS])
    whole = build_corpus(documents, clauses=False)
    assert pair_score(whole, 0, 1) < pair_score(whole, 0, 2), "without clauses the other wins"
    with_clauses = build_corpus(documents)
    assert set(with_clauses.clauses) == {1}
    assert pair_score(with_clauses, 0, 1) > pair_score(with_clauses, 0, 2)
    # Pairs without a dividing side keep their score.
    assert pair_score(with_clauses, 0, 2) == pair_score(whole, 0, 2)


def test_a_claim_span_inside_a_sentence_is_matched_as_itself(session: Session) -> None:
    bridge = "Die Brücke über die Mulde ist bis Freitag für den Verkehr gesperrt"
    text_a = f"{TWO_FACTS}. Der Landrat eröffnete am Freitag die neue Kreisstraße."
    text_b = f"{METERS}. {SANDBAGS}. {bridge}. Im Stadion gewann die Heimmannschaft knapp."
    a = add_document(session.db, text_a, "a.txt", "a")
    b = add_document(session.db, text_b, "b.txt", "b")
    # Each half of the two-fact sentence, tagged as a claim, finds its own fact.
    for claim, expected in (
        ("in Grimma verteilen Helfer 2.000 Sandsäcke an die Anwohner", SANDBAGS),
        ("Die Brücke über die Mulde bleibt nach dem Hochwasser bis Freitag", bridge),
    ):
        start = text_a.index(claim)
        found = session.link_suggestions(a, start, start + len(claim), [b], k=1)
        assert [text_b[s.start : s.end] for s in found] == [f"{expected}."]
        assert found[0].quote == f"{expected}."


@pytest.mark.parametrize(
    ("sentence", "language", "anaphoric"),
    [
        ("Dabei liefen 300 Keller voll.", "de", True),
        ("„Sie haben alles verloren“, sagte der Pfarrer.", "de", True),
        ("Diese Entscheidung fiel am Montag.", "de", True),
        ("Die Feuerwehr rückte aus.", "de", False),
        ("This was the worst flood since 1954.", "en", True),
        ("They had to leave their homes.", "en", True),
        ("The river rose overnight.", "en", False),
    ],
)
def test_anaphoric_openings(sentence: str, language: str, anaphoric: bool) -> None:
    assert opens_with_anaphor(sentence, language) is anaphoric


def test_context_comes_from_the_sentence_before_in_the_text() -> None:
    refs = [
        SentenceRef(None, 1, 40, 60),  # a claim span, listed first
        SentenceRef(None, 1, 0, 20),
        SentenceRef(None, 1, 21, 70),  # the sentence holding the claim
        SentenceRef(None, 1, 71, 90),
    ]
    assert previous_sentences(refs, 0, [True, False, True, True]) == [(0, 1), (2, 1), (3, 2)]
    assert previous_sentences(refs, 0, [False, True, False, False]) == []


FLOOD = ["Das Hochwasser der Donau erreichte am Montag die Altstadt von Passau"]
CELLARS = "Dabei liefen 300 Keller voll"
PASSAU = "In der Altstadt von Passau standen 300 Keller unter Wasser"
REGENSBURG = "In Regensburg meldete die Feuerwehr 300 volle Keller"


def test_an_anaphoric_sentence_borrows_the_previous_ones_subject() -> None:
    documents = _documents([*FLOOD, CELLARS], [PASSAU, REGENSBURG])
    plain = build_corpus(documents, clauses=False, context=False)
    assert pair_score(plain, 1, 2) < pair_score(plain, 1, 3), "without context Regensburg wins"
    corpus = build_corpus(documents, clauses=False)
    assert set(corpus.borrowed) == {1}, "the first sentence has no sentence before it"
    names = corpus.vocabulary
    assert {names["passau"], names["altstadt"]} <= set(corpus.borrowed[1])
    assert pair_score(corpus, 1, 2) > pair_score(corpus, 1, 3)


def test_borrowed_tokens_count_at_the_context_weight() -> None:
    corpus = build_corpus(_documents([*FLOOD, CELLARS], [PASSAU]), clauses=False)
    weights = corpus.weights
    own, borrowed, other = corpus.token_ids[1], corpus.borrowed[1], corpus.token_ids[2]
    vector = {t: weights[t] for t in own} | {t: CONTEXT_WEIGHT * weights[t] for t in borrowed}
    partner = {t: weights[t] for t in other}
    dot = sum(value * partner.get(t, 0.0) for t, value in vector.items())
    norm = math.sqrt(sum(v * v for v in vector.values())) * math.sqrt(
        sum(v * v for v in partner.values())
    )
    evidence = sum(
        (1.0 if t in own else CONTEXT_WEIGHT) * weights[t] for t in vector if t in partner
    )
    parts = components(corpus, np.asarray([[1, 2]], dtype=np.int64))
    assert parts[0, 0] == pytest.approx(dot / norm)
    assert parts[0, 4] == pytest.approx(evidence)
    plain = build_corpus(_documents([*FLOOD, CELLARS], [PASSAU]), clauses=False, context=False)
    plain_parts = components(plain, np.asarray([[1, 2]], dtype=np.int64))
    assert parts[0, 1] > plain_parts[0, 1], "the n-gram cosine borrows too"


def test_the_gram_bound_and_blocks_skip_only_clause_pairs_that_cannot_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from store.linking import units

    documents = _documents(
        [SANDBAGS, *FLOOD, CELLARS, TWO_FACTS],
        [TWO_FACTS.replace("Helfer", "Soldaten"), METERS, PASSAU, REGENSBURG],
        [f"{METERS}, die seit Montag in Grimma verteilt werden", CELLARS],
    )
    corpus = build_corpus(documents)
    count = len(corpus)
    pairs = np.asarray(
        [
            (i, j)
            for i in range(count)
            for j in range(i + 1, count)
            if corpus.refs[i].doc_id != corpus.refs[j].doc_id
        ],
        dtype=np.int64,
    )
    sizes: list[int] = []
    measured = units._unit_cosine

    def spy(sides: units._Sides, *args: object) -> list[np.ndarray]:
        sizes.append(len(sides.clause_a))
        return measured(sides, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(units, "_unit_cosine", spy)
    pruned = components(corpus, pairs)
    # Words for every unit pair, n-grams for fewer: the bound did skip some.
    assert len(sizes) == 2
    assert sizes[1] < sizes[0]
    monkeypatch.setattr(units, "_gram_bounds", lambda *args: np.ones(len(args[2].clause_a)))
    # Refined a few pairs at a time, too: blocks change nothing.
    monkeypatch.setattr(units, "_CLAUSE_BLOCK", 3)
    exhaustive = components(corpus, pairs)
    assert len(corpus.clauses) >= 2
    np.testing.assert_array_equal(pruned, exhaustive)
