"""Clusters of accepted links, their disagreements, and the conflict check before a merge."""

from __future__ import annotations

import itertools

import sqlite_utils

from store.linking.clusters import Claim, cluster_disagreements
from store.session import Session
from tests.conftest import add_document
from tests.linking.corpus import add_flood_corpus, sentence_at

_DOCS = itertools.count(1)


def _claim(quote: str, name: str = "x.txt", doc: int | None = None) -> Claim:
    """A claim in a document of its own unless ``doc`` names one."""
    return Claim(next(_DOCS) if doc is None else doc, 0, len(quote), quote, name, None)


def test_disagreement_on_numbers_and_months() -> None:
    found = cluster_disagreements(
        [_claim("Die Feuerwehr war mit 300 Kräften vor Ort."), _claim("600 firefighters came.")]
    )
    assert [d.kind for d in found] == ["number"]
    assert [values for _claim_, values in found[0].values] == [("300",), ("600",)]
    months = cluster_disagreements([_claim("am 11. Juni"), _claim("on July 11")])
    assert [d.kind for d in months] == ["month"]


def test_one_documents_claims_state_their_figures_together() -> None:
    # One outlet's long sentence linked to another's three short ones: the clusters said
    # "numbers differ: 7.8, 11000, 40000000 · 11000 · 40000000 · 7.8" of figures that agree.
    long = _claim("11.000 Menschen evakuiert, 40 Millionen Euro Schaden, Pegel 7,80 Meter.")
    parts = [
        Claim(99, start, start + 10, quote, "c.txt", "C")
        for start, quote in enumerate(
            ["11.000 Menschen evakuiert.", "40 Millionen Euro Schaden.", "Pegel 7,80 Meter."]
        )
    ]
    assert cluster_disagreements([long, *parts]) == []
    # Another document with another figure still disagrees.
    other = _claim("12.000 Menschen evakuiert.")
    assert [d.kind for d in cluster_disagreements([long, *parts, other])] == ["number"]


def test_leaving_out_a_value_is_not_a_disagreement() -> None:
    assert (
        cluster_disagreements(
            [
                _claim("Am 11. März mussten 11.000 Menschen gehen."),
                _claim("Elftausend Menschen gingen."),
            ]
        )
        == []
    )
    assert cluster_disagreements([_claim("am 11. Juni"), _claim("on June 11")]) == []


def _accept(session: Session, a: tuple[int, int, int], b: tuple[int, int, int]) -> str:
    return session.link_spans(a, b).id


Key = tuple[int, int, int]


def _flood_claims(db: sqlite_utils.Database) -> tuple[Key, Key, Key, Key, Key]:
    """Three reports of the evacuation (t, r, k) and two of the fire brigade (f1, f2)."""
    add_flood_corpus(db)
    return (
        sentence_at(db, "tagesblatt.txt", "Rund 11.000 Menschen"),
        sentence_at(db, "rundschau.txt", "Elftausend Bewohner"),
        sentence_at(db, "kurier.txt", "Wegen des Hochwassers"),
        sentence_at(db, "tagesblatt.txt", "Die Feuerwehr war"),
        sentence_at(db, "rundschau.txt", "Die Feuerwehr rückte"),
    )


def test_clusters_are_connected_components(db: sqlite_utils.Database, session: Session) -> None:
    t, r, k, f1, f2 = _flood_claims(db)
    _accept(session, t, r)
    _accept(session, k, r)
    _accept(session, f1, f2)
    found = session.clusters()
    assert [len(c.claims) for c in found] == [3, 2]
    assert {c.key for c in found[0].claims} == {t, r, k}
    assert session.cluster_disagreements(found[0]) == []
    assert [d.kind for d in session.cluster_disagreements(found[1])] == ["number"]
    assert found[0].id != found[1].id
    assert found[0].id.startswith("fact-")


def test_merge_conflicts_show_rejections_and_new_disagreements(
    db: sqlite_utils.Database, session: Session
) -> None:
    t, r, k, f1, f2 = _flood_claims(db)
    _accept(session, t, r)
    _accept(session, f1, f2)
    session.link_spans(t, f2, status="rejected")
    # Joining the evacuation fact with the fire-brigade fact contradicts that rejection.
    bridge = session.link_spans(r, f1, status="rejected").id
    check = session.merge_conflicts(bridge)
    assert check.merges
    assert [
        {(x.a_doc, x.a_start, x.a_end), (x.b_doc, x.b_start, x.b_end)} for x in check.rejected
    ] == [{t, f2}]
    assert not check.ok
    # The rejected pair's own sides, once not in two clusters, merge nothing.
    lone = session.link_spans(k, f2, status="rejected").id
    assert session.merge_conflicts(lone).merges is False
    # A link inside one cluster merges nothing.
    inside = _accept(session, k, t)
    assert session.merge_conflicts(inside).merges is False
    assert session.merge_conflicts(inside).ok


def test_a_claims_cluster_walked_from_it_is_its_connected_component(
    db: sqlite_utils.Database, session: Session
) -> None:
    """The merge check walks out from the two claims; what it finds must be exactly the
    component that the union of every accepted link gives, whatever the link graph."""
    import random

    from store.linking.clusters import _cluster_of

    add_flood_corpus(db)
    claims = [
        (int(doc), int(start), int(end))
        for doc, start, end in db.conn.execute(
            'SELECT doc_id, start, "end" FROM sentences ORDER BY doc_id, start'
        )
    ]
    rng = random.Random(7)
    for _ in range(25):
        first, second = rng.sample(claims, 2)
        if first[0] != second[0]:
            session.link_spans(first, second, status=rng.choice(["accepted", "rejected"]))
    components = {
        claim.key: {c.key for c in cluster.claims}
        for cluster in session.clusters()
        for claim in cluster.claims
    }
    for claim in claims:
        links, found = _cluster_of(db, claim, exclude="")
        assert found == components.get(claim, {claim})
        assert all(link.status == "accepted" for link in links)


def test_a_merge_that_brings_a_new_figure_warns_though_one_side_already_disagreed(
    db: sqlite_utils.Database, session: Session
) -> None:
    # Compared by kind only, a side already disagreeing on numbers (300 vs 600) let a
    # merge with a side saying 900 through without a word.
    texts = (
        "Es mussten 300 Menschen gehen.",
        "Rund 600 Menschen verließen ihre Häuser.",
        "900 Menschen wurden evakuiert.",
        "Die Behörden brachten 900 Menschen in Sicherheit.",
    )
    sides = [(add_document(db, t, f"d{n}.txt"), 0, len(t)) for n, t in enumerate(texts)]
    _accept(session, sides[0], sides[1])
    _accept(session, sides[2], sides[3])
    bridge = session.link_spans(sides[1], sides[2], status="rejected").id
    check = session.merge_conflicts(bridge)
    assert check.merges
    assert not check.ok
    assert [d.kind for d in check.disagreements] == ["number"]
    # A merge whose figures one side already states brings nothing new.
    text = "Auch heute waren es 600 Menschen."
    same = add_document(db, text, "d4.txt")
    again = session.link_spans(sides[1], (same, 0, len(text)), status="rejected").id
    assert session.merge_conflicts(again).disagreements == ()
