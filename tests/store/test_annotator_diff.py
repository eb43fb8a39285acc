"""Mine vs theirs in the store: pairwise differences from one annotator's point of view."""

from __future__ import annotations

import pytest
import sqlite_utils

from store.annotator_diff import differences, other_annotators, span_kinds
from store.errors import NotFound
from store.session import Session
from tests.conftest import add_document

TEXT = "The council approved 300 new flats on Monday. The mayor said the plan was overdue."


def spans_of(db: sqlite_utils.Database, annotator: str, *marks: tuple[str, str]) -> None:
    session = Session.for_db(db, annotator)
    for quote, label in marks:
        start = TEXT.index(quote)
        session.add_span(1, start, start + len(quote), label)


def test_compares_me_with_each_other_annotator_separately(db: sqlite_utils.Database) -> None:
    add_document(db, TEXT)
    spans_of(db, "alice", ("300 new flats", "FIGURE"), ("The mayor", "SOURCE"))
    spans_of(db, "bob", ("300 new flats", "FIGURE"), ("The mayor", "SOURCE"))
    spans_of(db, "carol", ("300 new flats", "CLAIM"))
    found = differences(db, 1, "alice")
    # bob agrees with alice everywhere; carol differs twice. bob vs carol is not alice's business.
    assert [(d.other, d.kind, TEXT[d.start : d.end]) for d in found] == [
        ("carol", "label", "300 new flats"),
        ("carol", "only_mine", "The mayor"),
    ]
    assert found[1].theirs == ()
    assert [s.label for s in found[0].theirs] == ["CLAIM"]
    # From carol's side the same regions read the other way round, once per other annotator.
    kinds = sorted((d.other, d.kind) for d in differences(db, 1, "carol"))
    assert kinds == [
        ("alice", "label"),
        ("alice", "only_theirs"),
        ("bob", "label"),
        ("bob", "only_theirs"),
    ]


def test_gold_is_compared_like_anyone(db: sqlite_utils.Database) -> None:
    add_document(db, TEXT)
    spans_of(db, "alice", ("The council approved", "CLAIM"))
    spans_of(db, "gold", ("council approved", "CLAIM"))
    assert other_annotators(db, 1, "alice") == ["gold"]
    found = differences(db, 1, "alice")
    assert [d.kind for d in found] == ["extent"]
    assert set(span_kinds(found).values()) == {"extent"}
    assert [d.kind for d in differences(db, 1, "gold")] == ["extent"]


def test_alone_or_unannotated_means_no_differences(db: sqlite_utils.Database) -> None:
    add_document(db, TEXT)
    assert differences(db, 1, "alice") == []
    spans_of(db, "alice", ("The mayor", "SOURCE"))
    assert differences(db, 1, "alice") == []
    # Someone who has not annotated the document compares against everyone who has.
    assert [d.kind for d in differences(db, 1, "zoe")] == ["only_theirs"]


def test_missing_document_is_not_found(db: sqlite_utils.Database) -> None:
    with pytest.raises(NotFound):
        differences(db, 404, "alice")
