"""Story detection on the sample gold and on hand-made corpora: grouping without chaining."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import sqlite_utils

from store.changelog import user_action
from store.db import connect
from store.importer import import_paths
from store.linking.decisions import accept_link
from store.linking.score import DEFAULT_THRESHOLD as DEFAULT_LINK_THRESHOLD
from store.linking.suggest import LinkSettings, link_documents
from store.paths import sample_corpus_path
from store.stories.cluster import DEFAULT_THRESHOLD
from store.stories.detect import StoryInput, detect_stories, strip_boilerplate
from store.stories.pairs import DEFAULT_MAX_DF
from store.stories.queries import list_stories, story_ids
from store.stories.storage import LINK_EVIDENCE_SCORE, link_share, refresh_stories

GOLD = sample_corpus_path() / "gold_stories.json"


def _gold() -> dict[str, str]:
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    return {doc: story["id"] for story in data["stories"] for doc in story["documents"]}


@pytest.fixture(scope="module")
def sample_stories() -> dict[str, str]:
    """Document name → story id after importing the sample corpus."""
    db = connect(":memory:")
    try:
        import_paths(db, [sample_corpus_path()])
        refresh_stories(db)
        names = dict(db.conn.execute("SELECT id, source_name FROM documents").fetchall())
        return {names[doc]: story for doc, story in story_ids(db).items()}
    finally:
        db.close()


def test_gold_names_every_imported_article_once(sample_stories: dict[str, str]) -> None:
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    listed = [doc for story in data["stories"] for doc in story["documents"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(sample_stories)
    stories = {story["id"] for story in data["stories"]}
    assert all(miss["story"] in stories and miss["doc"] in listed for miss in data["near_misses"])


def test_no_two_documents_of_different_gold_stories_share_a_story(
    sample_stories: dict[str, str],
) -> None:
    gold = _gold()
    wrong = [
        (a, b)
        for a, b in itertools.combinations(sorted(gold), 2)
        if sample_stories[a] == sample_stories[b] and gold[a] != gold[b]
    ]
    assert wrong == []


def test_near_misses_stay_out_and_small_stories_come_together(
    sample_stories: dict[str, str],
) -> None:
    flood = sample_stories["kurier-tag1-evakuierung.txt"]
    assert sample_stories["kurier-haushalt-2026.txt"] != flood
    assert sample_stories["nws-velthausen-sarn.txt"] != flood
    assert (
        sample_stories["rundschau-klinik-neubau.txt"] != sample_stories["nws-klinik-notbetrieb.txt"]
    )
    assert (
        sample_stories["nws-velthausen-sarn.txt"]
        == sample_stories["meridian-velthausen-old-town.txt"]
    )
    assert (
        sample_stories["nws-klinik-notbetrieb.txt"]
        == sample_stories["rundschau-klinik-cyberangriff.txt"]
    )
    # Within each language the flood's days come together as one story.
    german_days = [
        "kurier-tag1-evakuierung.txt",
        "nws-tag3-rettung.txt",
        "kurier-tag5-rueckkehr-cp1252.txt",
    ]
    assert len({sample_stories[d] for d in german_days}) == 1


def _doc(name: str, text: str, outlet: str = "o", published: str | None = None) -> StoryInput:
    return StoryInput(name, outlet, None, published, "en", text)


def _letters(number: int) -> str:
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += chr(ord("a") + digit)
        if not number:
            return word


def _filler(seed: int, count: int = 60) -> str:
    """Unrelated text whose words (letters only) occur in one document only."""
    return " ".join(f"qz{_letters(seed)}v{_letters(i)}" for i in range(count))


def test_one_shared_word_does_not_chain_unrelated_documents() -> None:
    # Each document shares one rare name with the next: single link would make one group.
    docs = [
        _doc(
            f"d{i}",
            f"{_filler(i)} Name{_letters(i)}alpha Name{_letters(i + 1)}alpha {_filler(i + 100)}",
        )
        for i in range(6)
    ]
    groups = detect_stories(docs).groups
    assert len(set(groups)) == len(docs)


def test_reports_sharing_names_places_and_figures_are_one_story() -> None:
    core = "Mayor Quendolin Harrowgate said the Brisvale dam held at 7.42 meters in Tolmarsh"
    docs = [_doc(f"r{i}", f"{core}. {_filler(i, 15)}", outlet=f"o{i}") for i in range(3)]
    docs.append(_doc("other", _filler(99)))
    groups = detect_stories(docs).groups
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_dates_far_apart_weaken_the_pair() -> None:
    core = "Quendolin Harrowgate Brisvale Tolmarsh dam vote"
    near = [_doc("a", core, published="2025-01-01"), _doc("b", core, published="2025-01-03")]
    far = [_doc("a", core, published="2025-01-01"), _doc("b", core, published="2025-09-03")]
    assert detect_stories(near).edges[(0, 1)] > detect_stories(far).edges[(0, 1)]


def test_sentence_links_add_to_the_pair_score() -> None:
    docs = [_doc("a", f"Harrowgate {_filler(1)}"), _doc("b", f"Harrowgate {_filler(2)}")]
    without = detect_stories(docs).groups
    with_links = detect_stories(docs, {(0, 1): 0.8}).groups
    assert without[0] != without[1]
    assert with_links[0] == with_links[1]


def test_boilerplate_an_outlet_repeats_is_dropped() -> None:
    notice = "The full text of this article is no longer available."
    docs = [_doc(f"n{i}", f"{notice} Then {_filler(i, 10)}.") for i in range(3)]
    assert all(notice not in text for text in strip_boilerplate(docs))
    groups = detect_stories(docs).groups
    assert len(set(groups)) == 3


def test_threshold_and_document_frequency_cap_are_the_documented_ones() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"threshold {DEFAULT_THRESHOLD}" in readme
    assert f"{DEFAULT_MAX_DF} documents" in readme


def test_listing_gives_stories_of_two_or_more_largest_first(db: sqlite_utils.Database) -> None:
    import_paths(db, [sample_corpus_path()])
    refresh_stories(db)
    stories = list_stories(db)
    assert all(len(s.documents) >= 2 for s in stories)
    assert [len(s.documents) for s in stories] == sorted(
        (len(s.documents) for s in stories), reverse=True
    )
    everything = list_stories(db, include_single=True)
    assert (
        sum(len(s.documents) for s in everything)
        == db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    )
    assert all(s.label and s.label != s.id for s in stories)


def test_only_confident_suggestions_and_decisions_count_as_link_evidence(
    db: sqlite_utils.Database,
) -> None:
    # Suggestions just over the linker's threshold mostly join articles that name the
    # same people in different matters (real corpus): they must not pull stories together.
    import_paths(db, [sample_corpus_path()])
    link_documents(db, settings=LinkSettings(workers=1))
    index = {doc: i for i, (doc,) in enumerate(db.conn.execute("SELECT id FROM documents"))}
    rows = db.conn.execute(
        "SELECT id, a_doc, b_doc, score FROM suggested_links ORDER BY score DESC"
    ).fetchall()
    best: dict[tuple[int, int], float] = {}
    weak: dict[tuple[int, int], str] = {}
    for link_id, a, b, score in rows:
        key = (min(index[a], index[b]), max(index[a], index[b]))
        best[key] = max(best.get(key, 0.0), score)
        if DEFAULT_LINK_THRESHOLD <= score < LINK_EVIDENCE_SCORE:
            weak.setdefault(key, link_id)
    strong = {key for key, score in best.items() if score >= LINK_EVIDENCE_SCORE}
    assert set(link_share(db, index)) == strong
    assert set(link_share(db, index, DEFAULT_LINK_THRESHOLD)) == strong | set(weak)
    # An annotator's acceptance counts whatever the score.
    only_weak = sorted(set(weak) - strong)
    assert only_weak, "the sample has no document pair joined only by weak suggestions"
    with user_action(db, "ann") as action:
        accept_link(action, weak[only_weak[0]])
    assert only_weak[0] in link_share(db, index)
