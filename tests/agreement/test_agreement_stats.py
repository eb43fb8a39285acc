"""Agreement statistics on small examples whose expected values are worked out in comments."""

from __future__ import annotations

import math

import pytest
import sqlite_utils

from store.agreement import agreement, cohen_kappa, krippendorff_alpha, span_scores
from store.agreement_tokens import OUTSIDE, token_labels, tokenize
from store.errors import ClaimdeskError
from store.export import tokens as export_tokens
from store.session import Session
from tests.conftest import add_document

TEXT = "Alpha beta gamma delta."
# tokens: Alpha(0,5) beta(6,10) gamma(11,16) delta(17,22) .(22,23)


def test_tokenizer_is_words_and_single_punctuation() -> None:
    assert tokenize(TEXT) == [(0, 5), (6, 10), (11, 16), (17, 22), (22, 23)]
    # 3.5 is one number, as the export cuts it.
    assert tokenize("a–b  3.5%") == [(0, 1), (1, 2), (2, 3), (5, 8), (8, 9)]
    assert tokenize("") == []


def test_tokens_are_the_exports_tokens() -> None:
    # A word with a joiner is one token; a mark alone is none.
    persian = "\u200fمی\u200cخواهند \u200b\u200e۳۰۰\u200e."
    assert tokenize(persian) == [(1, 10), (13, 16), (17, 18)]
    assert tokenize(persian) == [(t.start, t.end) for t in export_tokens.tokenize(persian)]
    # A Devanagari vowel sign belongs to its word.
    assert tokenize("हिन्दी समाचार") == [(0, 6), (7, 13)]


# Hebrew as scraped news carries it: RLM after words, LRM around a number, a ZWSP.
RTL = "\u200fהממשלה אישרה\u200f \u200e300\u200e דירות\u200b חדשות\u200f."
# visible tokens: הממשלה(1,7) אישרה(8,13) 300(16,19) דירות(21,26) חדשות(28,33) .(34,35)


def test_annotators_who_marked_the_same_visible_words_agree_fully(
    db: sqlite_utils.Database,
) -> None:
    # Each RLM, LRM and ZWSP was a token of its own: alice's spans, which take the marks
    # in, and bob's, which leave them out, disagreed on those tokens nobody can see.
    doc = add_document(db, RTL)
    alice = Session.for_db(db, "alice")
    alice.add_span(doc, 0, 14, "CLAIM")  # with the RLM before and after
    alice.add_span(doc, 15, 20, "FIGURE")  # with both LRMs
    alice.add_span(doc, 21, 27, "SOURCE")  # with the ZWSP
    bob = Session.for_db(db, "bob")
    bob.add_span(doc, 1, 13, "CLAIM")
    bob.add_span(doc, 16, 19, "FIGURE")
    bob.add_span(doc, 21, 26, "SOURCE")
    report = agreement(db)
    (pair,) = report.pairs
    assert pair.tokens == 6
    assert pair.kappa == pytest.approx(1.0)
    assert report.alpha == pytest.approx(1.0)
    kappas = {s.label: s.token_kappa for s in report.spans if s.a_spans}
    assert kappas == {label: pytest.approx(1.0) for label in ("CLAIM", "FIGURE", "SOURCE")}


def test_token_labels_innermost_span_wins_and_partial_cover_counts() -> None:
    tokens = tokenize(TEXT)
    nested = [(0, 16, "CLAIM"), (6, 10, "FIGURE")]
    assert token_labels(tokens, nested) == ["CLAIM", "FIGURE", "CLAIM", OUTSIDE, OUTSIDE]
    # Order of the spans does not matter.
    assert token_labels(tokens, list(reversed(nested))) == token_labels(tokens, nested)
    # A span cutting into words labels both words it touches.
    assert token_labels(tokens, [(3, 8, "QUOTE")]) == ["QUOTE", "QUOTE", OUTSIDE, OUTSIDE, OUTSIDE]
    # Same extent, two labels: alphabetical first, deterministically.
    assert token_labels(tokens, [(17, 23, "SOURCE"), (17, 23, "EVENT")])[3:] == ["EVENT", "EVENT"]
    # Labels outside ``keep`` become O.
    assert token_labels(tokens, nested, keep=frozenset({"CLAIM"})) == [
        "CLAIM",
        "CLAIM",
        "CLAIM",
        OUTSIDE,
        OUTSIDE,
    ]


def test_cohen_kappa_hand_worked() -> None:
    a = ["C", "C", "O", "O", "O"]
    b = ["C", "C", "F", "O", "O"]
    # po = 4/5; pe = (2*2 + 3*2) / 25 = 0.4; kappa = 0.4 / 0.6
    observed, kappa = cohen_kappa(a, b)
    assert observed == pytest.approx(0.8)
    assert kappa == pytest.approx(2 / 3)
    assert cohen_kappa(a, a)[1] == pytest.approx(1.0)
    # Both all-O: chance agreement is 1, kappa undefined rather than "perfect".
    assert cohen_kappa(["O", "O"], ["O", "O"]) == (1.0, None)
    # Systematic disagreement goes below zero.
    assert cohen_kappa(["X", "Y"], ["Y", "X"])[1] == pytest.approx(-1.0)


def test_krippendorff_alpha_hand_worked_and_missing_values() -> None:
    # Coincidences: o_CC=4, o_OO=4, o_OF=o_FO=1; n_C=4, n_O=5, n_F=1, n=10.
    # alpha = 1 - (2/10) / ((100 - 42) / 90) = 20/29
    rows: list[list[str | None]] = [["C", "C", "O", "O", "O"], ["C", "C", "F", "O", "O"]]
    assert krippendorff_alpha(rows) == pytest.approx(20 / 29)
    # A third coder who coded nothing adds nothing.
    assert krippendorff_alpha([*rows, [None] * 5]) == pytest.approx(20 / 29)
    assert krippendorff_alpha([["O", "O"], ["O", "O"]]) is None
    assert krippendorff_alpha([["C", None], [None, "O"]]) is None


def test_span_scores_exact_and_overlap() -> None:
    a = [(1, 0, 10), (1, 20, 30), (2, 0, 5)]
    b = [(1, 0, 10), (1, 25, 40), (2, 6, 9)]
    exact, overlap = span_scores(a, b)
    assert (exact.precision, exact.recall) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert exact.f1 == pytest.approx(1 / 3)
    # b's (1,25,40) overlaps a's (1,20,30); (2,6,9) touches nothing of a's.
    assert overlap.precision == pytest.approx(2 / 3)
    assert overlap.recall == pytest.approx(2 / 3)
    none, _ = span_scores([], [(1, 0, 1)])
    assert none.precision == 0.0
    assert none.recall is None
    assert none.f1 is None


def _two_annotators(db: sqlite_utils.Database) -> int:
    doc = add_document(db, TEXT)
    Session.for_db(db, "alice").add_span(doc, 0, 10, "CLAIM")
    bob = Session.for_db(db, "bob")
    bob.add_span(doc, 0, 10, "CLAIM")
    bob.add_span(doc, 11, 16, "FIGURE")
    return doc


def test_report_on_the_store(db: sqlite_utils.Database) -> None:
    _two_annotators(db)
    report = agreement(db)
    assert report.annotators == ["alice", "bob"]
    assert report.documents == 1
    (pair,) = report.pairs
    assert (pair.documents, pair.tokens) == (1, 5)
    assert pair.kappa == pytest.approx(2 / 3)
    by_label = {s.label: s for s in report.spans}
    assert by_label["CLAIM"].exact.f1 == pytest.approx(1.0)
    assert by_label["CLAIM"].token_kappa == pytest.approx(1.0)
    assert (by_label["FIGURE"].a_spans, by_label["FIGURE"].b_spans) == (0, 1)
    assert by_label["FIGURE"].exact.precision == 0.0
    assert report.alpha == pytest.approx(20 / 29)
    assert report.alpha_by_label["CLAIM"] == pytest.approx(1.0)
    assert report.links[0].both_decided == 0


def test_label_filter_turns_other_labels_into_o(db: sqlite_utils.Database) -> None:
    _two_annotators(db)
    report = agreement(db, labels=["CLAIM"])
    assert [s.label for s in report.spans] == ["CLAIM"]
    assert report.pairs[0].kappa == pytest.approx(1.0)
    with pytest.raises(ClaimdeskError, match="unknown label 'NOPE'"):
        agreement(db, labels=["NOPE"])


def test_deleted_spans_and_unshared_documents_do_not_count(db: sqlite_utils.Database) -> None:
    doc = _two_annotators(db)
    other = add_document(db, "Only carol read this one.", name="other.txt")
    Session.for_db(db, "carol").add_span(other, 0, 4, "CLAIM")
    bob = Session.for_db(db, "bob")
    figure = next(s for s in bob.spans(doc) if s.label == "FIGURE")
    bob.delete_span(figure.id)
    report = agreement(db, annotators=["alice", "bob", "carol"])
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert pairs[("alice", "bob")].kappa == pytest.approx(1.0)
    assert pairs[("alice", "carol")].documents == 0
    assert pairs[("alice", "carol")].kappa is None


def test_done_with_no_spans_counts_as_all_o(db: sqlite_utils.Database) -> None:
    doc = _two_annotators(db)
    Session.for_db(db, "dan").set_status(doc, "done")
    report = agreement(db, annotators=["alice", "dan"])
    (pair,) = report.pairs
    assert pair.documents == 1
    assert pair.observed == pytest.approx(3 / 5)


def test_needs_two_annotators_and_gold_is_left_out(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    Session.for_db(db, "alice").add_span(doc, 0, 5, "CLAIM")
    Session.for_db(db, "gold").add_span(doc, 0, 5, "CLAIM")
    with pytest.raises(ClaimdeskError, match="at least two annotators; found alice"):
        agreement(db, exclude=["gold"])
    assert agreement(db, annotators=["alice", "gold"]).pairs[0].kappa == pytest.approx(1.0)


def test_json_has_stable_keys(db: sqlite_utils.Database) -> None:
    _two_annotators(db)
    data = agreement(db).to_json()
    assert sorted(data) == [
        "alpha",
        "alpha_by_label",
        "annotators",
        "documents",
        "labels",
        "links",
        "pairs",
        "spans",
    ]
    assert sorted(data["spans"][0]) == [
        "a",
        "a_spans",
        "b",
        "b_spans",
        "exact",
        "label",
        "overlap",
        "token_kappa",
    ]
    assert sorted(data["spans"][0]["exact"]) == ["f1", "precision", "recall"]
    assert sorted(data["pairs"][0]) == ["a", "b", "documents", "kappa", "observed", "tokens"]
    assert sorted(data["links"][0]) == ["a", "agreed", "b", "both_decided", "kappa", "observed"]
    assert not any(isinstance(v, float) and math.isnan(v) for v in data["alpha_by_label"].values())
