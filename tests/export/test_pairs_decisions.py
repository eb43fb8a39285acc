"""The pairs export against the annotators' own decisions: a pair a link joins directly is
written once, as decided, and a cluster never adds a pair an annotator rejected as a
positive (it did, so one split held the same two sentences labelled 1 and 0). Wire copy
puts one sentence in several documents: its copies share a split, and two texts are
written once, with one label or (decided both ways) not at all."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportFilter, ExportOptions
from store.export.pairs import same_text
from store.formats import ParsedArticle
from store.labels import ensure_default_labels

CLAIMS_PER_DOC = 2


def _claim(n: int) -> str:
    return f"Claim {n} was made."


def _place(n: int) -> tuple[int, int, int]:
    """Claim ``n``'s document id (from 1, in insertion order), start and end."""
    index = n % CLAIMS_PER_DOC
    start = sum(len(_claim(n - index + i)) + 1 for i in range(index))
    return n // CLAIMS_PER_DOC + 1, start, start + len(_claim(n))


def _insert_links(db: sqlite_utils.Database, rows: Sequence[tuple[object, ...]]) -> None:
    """Links as stored rows (id, both sides' doc, start, end and quote, status)."""
    db.conn.executemany(
        "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
        " b_quote, status, method, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,'manual','t','t')",
        rows,
    )


def _db(claims: int, links: list[tuple[int, int, str]]) -> sqlite_utils.Database:
    """``claims`` claims, two to a document, and ``links`` (a, b, status) between them."""
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        for first in range(0, claims, CLAIMS_PER_DOC):
            text = " ".join(_claim(n) for n in range(first, min(claims, first + CLAIMS_PER_DOC)))
            insert_document(db, ParsedArticle(f"d{first // CLAIMS_PER_DOC}.txt", text))
        rows = [
            (f"l{a}-{b}", *_place(a), _claim(a), *_place(b), _claim(b), status)
            for a, b, status in links
        ]
        _insert_links(db, rows)
    return db


def _records(folder: Path) -> list[dict[str, object]]:
    return [
        {**json.loads(line), "split": path.stem}
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


@pytest.mark.parametrize("reject", [(0, 4, "rejected"), (4, 0, "rejected")])
def test_a_rejected_pair_of_one_cluster_is_a_negative_only(
    tmp_path: Path, reject: tuple[int, int, str]
) -> None:
    # 0–2 and 2–4 accepted make 0 and 4 one fact, but an annotator rejected 0–4.
    db = _db(6, [(0, 2, "accepted"), (2, 4, "accepted"), reject])
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    ends = {_claim(0), _claim(4)}
    about = [r for r in records if {r["sentence1"], r["sentence2"]} == ends]
    assert [(r["label"], r["status"]) for r in about] == [(0, "rejected")]
    assert len(records) == 3 == stats.records
    assert "1 implied pair(s) left out: an annotator rejected them directly" in stats.notes
    assert not any("implied by fact clusters added" in note for note in stats.notes)
    db.close()


def test_a_rejection_outside_doc_still_keeps_the_implied_positive_out(tmp_path: Path) -> None:
    # --doc d1.txt (claims 2, 3) reads 0–2 and 2–4; the rejection 0–4 touches neither.
    db = _db(6, [(0, 2, "accepted"), (2, 4, "accepted"), (0, 4, "rejected")])
    stats = export(
        db,
        "pairs",
        tmp_path / "p",
        ExportFilter(docs=("d1.txt",)),
        ExportOptions(with_meta=True),
    )
    records = _records(tmp_path / "p")
    assert sorted(r["status"] for r in records) == ["accepted", "accepted"]  # type: ignore[type-var]
    assert "1 implied pair(s) left out: an annotator rejected them directly" in stats.notes
    db.close()


def _components(claims: int, accepted: list[tuple[int, int]]) -> dict[int, int]:
    root = list(range(claims))

    def find(n: int) -> int:
        while root[n] != n:
            n = root[n]
        return n

    for a, b in accepted:
        root[max(find(a), find(b))] = min(find(a), find(b))
    return {n: find(n) for n in range(claims)}


CLAIMS = 8
_cross_doc = [
    (a, b) for a, b in combinations(range(CLAIMS), 2) if a // CLAIMS_PER_DOC != b // CLAIMS_PER_DOC
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    decisions=st.dictionaries(
        st.sampled_from(_cross_doc),
        st.tuples(st.sampled_from(["accepted", "rejected"]), st.booleans()),
        max_size=14,
    )
)
def test_no_pair_carries_two_labels(
    tmp_path_factory: pytest.TempPathFactory,
    decisions: dict[tuple[int, int], tuple[str, bool]],
) -> None:
    links = [
        (b, a, status) if swap else (a, b, status) for (a, b), (status, swap) in decisions.items()
    ]
    db = _db(CLAIMS, links)
    folder = tmp_path_factory.mktemp("pairs")
    stats = export(db, "pairs", folder / "p", options=ExportOptions(with_meta=True))
    again = export(db, "pairs", folder / "q", options=ExportOptions(with_meta=True))
    db.close()
    assert stats.notes == again.notes
    assert {p.name: p.read_bytes() for p in (folder / "p").glob("*.jsonl")} == {
        p.name: p.read_bytes() for p in (folder / "q").glob("*.jsonl")
    }
    records = _records(folder / "p")

    labels: dict[frozenset[object], set[object]] = {}
    split_of: dict[object, object] = {}
    for record in records:
        pair = frozenset((record["sentence1"], record["sentence2"]))
        labels.setdefault(pair, set()).add(record["label"])
        for text in pair:
            assert split_of.setdefault(text, record["split"]) == record["split"]
    assert all(len(found) == 1 for found in labels.values()), labels

    # The implied positives are exactly the cluster pairs no link decides directly.
    fact = _components(
        CLAIMS, [pair for pair, (status, _) in decisions.items() if status == "accepted"]
    )
    linked = {n for pair, (status, _) in decisions.items() if status == "accepted" for n in pair}
    same_fact = [
        (a, b) for a, b in _cross_doc if a in linked and b in linked and fact[a] == fact[b]
    ]
    implied = {frozenset((_claim(a), _claim(b))) for a, b in same_fact if (a, b) not in decisions}
    rejected = sum(decisions.get(pair, ("",))[0] == "rejected" for pair in same_fact)
    written = {
        frozenset((r["sentence1"], r["sentence2"])) for r in records if r["status"] == "implied"
    }
    assert written == implied
    assert len(records) == len(decisions) + len(implied) == stats.records
    assert (f"{len(implied)} positive pair(s) implied by fact clusters added" in stats.notes) == (
        len(implied) > 0
    )
    said = f"{rejected} implied pair(s) left out: an annotator rejected them directly"
    assert (said in stats.notes) == (rejected > 0)


def _wire_db(sentences: list[str], links: list[tuple[int, int, str]]) -> sqlite_utils.Database:
    """Document ``n`` (``w{n:02}.txt``) opens with ``sentences[n]``, so wire copy is one
    sentence in several documents; ``links`` (a, b, status) join those opening sentences."""
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        for n, sentence in enumerate(sentences):
            # A tail of its own: the store keeps one copy of a text, and a wire story's
            # outlets add their own lines around the copy.
            insert_document(db, ParsedArticle(f"w{n:02}.txt", f"{sentence} Outlet {n} adds this."))
        rows = [
            (
                f"l{a}-{b}",
                a + 1,
                0,
                len(sentences[a]),
                sentences[a],
                b + 1,
                0,
                len(sentences[b]),
                sentences[b],
                status,
            )
            for a, b, status in links
        ]
        _insert_links(db, rows)
    return db


def _same(text: object) -> str:
    visible = "".join(c for c in str(text) if unicodedata.category(c) != "Cf")
    return " ".join(visible.split()).casefold()


@pytest.mark.parametrize(
    "copy",
    [
        lambda s: s,
        lambda s: s.replace(" ", "  ").upper(),
        lambda s: s.replace(" ", "\u00a0"),
        # Scraped copies carry invisible format characters a tokenizer drops.
        lambda s: s.replace("river", "ri\u200bver").replace("says", "says\u00ad"),
    ],
    ids=["exact", "spacing-and-case", "no-break-spaces", "zero-width-and-soft-hyphen"],
)
def test_a_sentence_repeated_in_two_documents_lies_in_one_split(
    tmp_path: Path, copy: Callable[[str], str]
) -> None:
    # Per story: w(4g) and w(4g+2) carry the same wire sentence, each accepted with a
    # sentence of its own outlet, and no link joins the two copies.
    sentences = []
    links = []
    for g in range(20):
        wire = f"Wire story {g} says the river rose."
        sentences += [wire, f"Outlet A on story {g}.", copy(wire), f"Outlet B on story {g}."]
        links += [(4 * g, 4 * g + 1, "accepted"), (4 * g + 2, 4 * g + 3, "accepted")]
    db = _wire_db(sentences, links)
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    assert len({r["split"] for r in records}) > 1
    split_of: dict[str, object] = {}
    for record in records:
        for text in (record["sentence1"], record["sentence2"]):
            assert split_of.setdefault(_same(text), record["split"]) == record["split"], text
    # Both copies are still written, each at its own place.
    assert len(records) == 40 == stats.records
    texts = {r["a_doc"]: r["sentence1"] for r in records} | {
        r["b_doc"]: r["sentence2"] for r in records
    }
    assert texts == {f"w{n:02}.txt": s for n, s in enumerate(sentences)}
    db.close()


def test_the_same_two_sentences_accepted_and_rejected_are_not_written(tmp_path: Path) -> None:
    # w0/w2 and w1/w3 are copies: w0–w1 accepted, w2–w3 rejected, the same two texts.
    x, y, z = "The dam held overnight.", "Officials said the dam held.", "Rain fell all day."
    db = _wire_db([x, y, x, y, z, x], [(0, 1, "accepted"), (3, 2, "rejected"), (4, 5, "accepted")])
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    assert [(r["sentence1"], r["sentence2"], r["label"]) for r in records] == [(z, x, 1)]
    assert stats.records == 1
    assert stats.links == 3
    assert (
        "1 sentence pair(s) left out: the same two texts accepted and rejected (2 link(s))"
        in stats.notes
    )
    db.close()


def test_a_pair_rejected_outside_the_selected_documents_is_not_written_as_a_positive(
    tmp_path: Path,
) -> None:
    # w0–w1 accepted; w2–w3, the same two texts, rejected. Exporting w0 and w1 alone wrote
    # the positive the whole database holds as a contradiction, without a word.
    x, y = "The dam held overnight.", "Officials said the dam held."
    db = _wire_db([x, y, x, y], [(0, 1, "accepted"), (2, 3, "rejected")])
    selected = ExportFilter(docs=("w00.txt", "w01.txt"))
    stats = export(db, "pairs", tmp_path / "p", selected, ExportOptions(with_meta=True))
    assert _records(tmp_path / "p") == []
    assert (
        "1 sentence pair(s) left out: the same two texts accepted and rejected (1 link(s))"
        in stats.notes
    )
    db.close()


def test_copies_of_one_text_get_one_key_however_their_marks_are_ordered() -> None:
    # Both are NFC "ᾴ"; folding case before decomposing made them two keys.
    assert same_text("\u03b1\u0345\u0301") == same_text("\u03b1\u0301\u0345")
    assert same_text("STRASSE  Wire\u200b") == same_text("straße wire")


def test_a_repeated_sentence_pair_is_written_once(tmp_path: Path) -> None:
    x, y = "The dam held overnight.", "Officials said the dam held."
    # Three outlets' copies of the same two sentences, each pair accepted.
    db = _wire_db([x, y, y, x, x, y], [(0, 1, "accepted"), (2, 3, "accepted"), (4, 5, "accepted")])
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    assert [(r["sentence1"], r["sentence2"], r["link"]) for r in records] == [(x, y, "l0-1")]
    assert stats.records == 1
    assert "2 repeated sentence pair(s) left out: the same two texts already written" in (
        " ".join(stats.notes)
    )
    db.close()


def test_a_pair_of_two_copies_of_one_sentence_is_left_out(tmp_path: Path) -> None:
    x, y = "The dam held overnight.", "Officials said the dam held."
    # An outlet's copy of x linked to x (accepted) and, elsewhere, rejected.
    db = _wire_db([x, x, y, x, x], [(0, 1, "accepted"), (1, 2, "accepted"), (3, 4, "rejected")])
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    assert all(r["sentence1"] != r["sentence2"] for r in records)
    assert {(r["sentence1"], r["sentence2"], r["label"]) for r in records} == {(x, y, 1)}
    assert "2 pair(s) of two copies of one sentence left out: the same text twice" in stats.notes
    db.close()


def test_an_implied_pair_whose_texts_were_rejected_elsewhere_is_left_out(tmp_path: Path) -> None:
    # w0–w1 and w1–w2 accepted imply x–z; w3 and w4 repeat x and z, and that pair was rejected.
    x, y, z = "The dam held overnight.", "Officials said the dam held.", "The dam broke at noon."
    db = _wire_db([x, y, z, x, z], [(0, 1, "accepted"), (1, 2, "accepted"), (3, 4, "rejected")])
    stats = export(db, "pairs", tmp_path / "p", options=ExportOptions(with_meta=True))
    records = _records(tmp_path / "p")
    about = [r for r in records if {r["sentence1"], r["sentence2"]} == {x, z}]
    assert [(r["label"], r["status"]) for r in about] == [(0, "rejected")]
    assert len(records) == 3 == stats.records
    assert "1 implied pair(s) left out: an annotator rejected them directly" in stats.notes
    db.close()


WIRE = ["The dam held.", "THE  DAM HELD.", "Rain fell.", "The river rose.", "Roads closed."]
DOCS = 8


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sentences=st.lists(st.sampled_from(WIRE), min_size=DOCS, max_size=DOCS),
    decisions=st.dictionaries(
        st.sampled_from(list(combinations(range(DOCS), 2))),
        st.sampled_from(["accepted", "rejected"]),
        max_size=12,
    ),
)
def test_repeated_sentences_keep_one_split_and_one_label(
    tmp_path_factory: pytest.TempPathFactory,
    sentences: list[str],
    decisions: dict[tuple[int, int], str],
) -> None:
    db = _wire_db(sentences, [(a, b, status) for (a, b), status in decisions.items()])
    folder = tmp_path_factory.mktemp("pairs")
    stats = export(db, "pairs", folder / "p", options=ExportOptions(with_meta=True))
    again = export(db, "pairs", folder / "q", options=ExportOptions(with_meta=True))
    db.close()
    assert stats.notes == again.notes
    assert {p.name: p.read_bytes() for p in (folder / "p").glob("*.jsonl")} == {
        p.name: p.read_bytes() for p in (folder / "q").glob("*.jsonl")
    }
    records = _records(folder / "p")
    assert len(records) == stats.records

    decided: dict[frozenset[str], set[str]] = {}
    for (a, b), status in decisions.items():
        decided.setdefault(frozenset((_same(sentences[a]), _same(sentences[b]))), set()).add(status)
    split_of: dict[str, object] = {}
    seen = set()
    for record in records:
        pair = frozenset((_same(record["sentence1"]), _same(record["sentence2"])))
        assert len(pair) == 2, record
        assert pair not in seen, record
        seen.add(pair)
        statuses = decided.get(pair, set())
        assert statuses != {"accepted", "rejected"}, record
        if "rejected" in statuses:
            assert record["label"] == 0
        for text in pair:
            assert split_of.setdefault(text, record["split"]) == record["split"]
        a, b = (int(str(record[side])[1:3]) for side in ("a_doc", "b_doc"))
        assert (record["sentence1"], record["sentence2"]) == (sentences[a], sentences[b])
    # Every text pair decided one way only is written.
    assert {p for p, s in decided.items() if len(s) == 1 and len(p) == 2} <= seen


def test_a_stored_link_with_a_side_of_zero_width_characters_gives_no_pair(
    tmp_path: Path,
) -> None:
    # Stored before link_spans refused it: written as {"sentence1": "\u200b\u200b", ...}.
    x = "Officials said the dam held."
    db = _wire_db(
        ["\u200b\u200b", x, "The dam held overnight."], [(0, 1, "accepted"), (2, 1, "accepted")]
    )
    stats = export(db, "pairs", tmp_path / "p")
    records = _records(tmp_path / "p")
    assert [(r["sentence1"], r["sentence2"]) for r in records] == [("The dam held overnight.", x)]
    assert any(
        note.startswith("1 decided link(s) with a side of whitespace or invisible")
        for note in stats.notes
    )
    db.close()
