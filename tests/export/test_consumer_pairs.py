"""The pairs export loaded by Hugging Face ``datasets`` as its users load it
(``claimdesk[consumers]``), both by naming the written files in ``data_files`` and by
pointing it at the folder: the splits that have pairs (an empty one is left out, not
written empty), the three columns sentence-transformers' trainers take, positives
implied by fact clusters, no claim in two splits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportOptions
from store.formats import ParsedArticle
from store.labels import ensure_default_labels

datasets = pytest.importorskip("datasets")

GROUPS = 30


def _chains_db(groups: int = GROUPS) -> sqlite_utils.Database:
    """Thirty facts (or ``groups``), each reported by three outlets: a–b and b–c accepted (so a–c is
    implied), and a rejected near miss from c to a fourth outlet."""
    db = connect(":memory:")
    rows = []
    with write(db):
        ensure_default_labels(db)
        for group in range(groups):
            for outlet in "abcd":
                insert_document(
                    db,
                    ParsedArticle(f"g{group:02}-{outlet}.txt", f"Fact {group} told by {outlet}."),
                )
        for group in range(groups):
            first = group * 4 + 1
            for offset_a, offset_b, status in (
                (0, 1, "accepted"),
                (1, 2, "accepted"),
                (2, 3, "rejected"),
            ):
                a_doc, b_doc = first + offset_a, first + offset_b
                a_text = f"Fact {group} told by {'abcd'[offset_a]}."
                b_text = f"Fact {group} told by {'abcd'[offset_b]}."
                rows.append(
                    (
                        f"l{group}-{offset_a}",
                        a_doc,
                        0,
                        len(a_text),
                        a_text,
                        b_doc,
                        0,
                        len(b_text),
                        b_text,
                        status,
                        "near-miss" if status == "rejected" else None,
                    )
                )
        db.conn.executemany(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, reason, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,'manual','t','t')",
            rows,
        )
    return db


# load_dataset(DIR) names the dev split as datasets always does.
BY_FOLDER = {"train": "train", "dev": "validation", "test": "test"}


def _load(folder: Path) -> dict[str, object]:
    """Every split file the export wrote, loaded both ways a user would: named in
    ``data_files``, and by pointing ``load_dataset`` at the folder; the two agree."""
    written = sorted(
        path.name for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")
    )
    files = {split: str(folder / f"{split}.jsonl") for split in BY_FOLDER}
    files = {split: path for split, path in files.items() if Path(path).name in written}
    assert sorted(Path(path).name for path in files.values()) == written
    loaded = dict(
        datasets.load_dataset("json", data_files=files, cache_dir=str(folder.parent / "c"))
    )
    by_folder = dict(datasets.load_dataset(str(folder), cache_dir=str(folder.parent / "d")))
    assert set(by_folder) == {BY_FOLDER[split] for split in loaded}
    for split, data in loaded.items():
        assert list(by_folder[BY_FOLDER[split]]) == list(data)  # type: ignore[call-overload]
    return loaded


def test_pairs_load_as_a_dataset_with_three_columns(tmp_path: Path) -> None:
    db = _chains_db()
    stats = export(db, "pairs", tmp_path / "pairs")
    loaded = _load(tmp_path / "pairs")
    assert len(loaded) >= 2
    rows = []
    for split, data in loaded.items():
        assert data.column_names == ["sentence1", "sentence2", "label"]  # type: ignore[attr-defined]
        rows += [(split, row) for row in data]  # type: ignore[attr-defined]
    # Per fact: two accepted, one implied (a–c), one rejected.
    assert len(rows) == GROUPS * 4 == stats.records
    assert sum(row["label"] for _, row in rows) == GROUPS * 3
    implied = {(f"Fact {g} told by a.", f"Fact {g} told by c.") for g in range(GROUPS)}
    assert implied <= {(row["sentence1"], row["sentence2"]) for _, row in rows}
    seen: dict[str, str] = {}
    for split, row in rows:
        for text in (row["sentence1"], row["sentence2"]):
            assert seen.setdefault(text, split) == split, f"{text} in two splits"
    assert "implied by fact clusters" in " ".join(stats.notes)
    db.close()


def test_with_meta_adds_the_rest(tmp_path: Path) -> None:
    db = _chains_db()
    export(db, "pairs", tmp_path / "pairs", options=ExportOptions(with_meta=True))
    loaded = _load(tmp_path / "pairs")
    data = next(iter(loaded.values()))
    assert data.column_names[:3] == ["sentence1", "sentence2", "label"]  # type: ignore[attr-defined]
    statuses = {row["status"] for split in loaded.values() for row in split}  # type: ignore[attr-defined]
    assert statuses == {"accepted", "implied", "rejected"}
    rejected = [
        row
        for split in loaded.values()
        for row in split
        if row["status"] == "rejected"  # type: ignore[attr-defined]
    ]
    assert {row["reason"] for row in rejected} == {"near-miss"}
    db.close()


def test_an_empty_split_is_left_out_and_said(tmp_path: Path) -> None:
    db = _chains_db(groups=1)
    stats = export(db, "pairs", tmp_path / "pairs")
    loaded = _load(tmp_path / "pairs")
    # One group lies in one split: the other two have nothing to write.
    assert len(loaded) == 1
    (data,) = loaded.values()
    assert len(data) == 4 == stats.records  # type: ignore[arg-type]
    empty = [note for note in stats.notes if "is empty" in note]
    assert len(empty) == 2
    for split in set(BY_FOLDER) - set(loaded):
        assert f"split {split} is empty (1 link group(s) in all); {split}.jsonl not written" in (
            stats.notes
        )
        assert not (tmp_path / "pairs" / f"{split}.jsonl").exists()
    db.close()


def test_a_stored_link_with_a_whitespace_only_side_gives_no_pair(tmp_path: Path) -> None:
    db = _chains_db(groups=3)
    # Links stored before import-links and link_spans refused blank sides: a
    # "\n\n" – " " pair accepted, and one joining a real claim to a blank, which must not
    # imply pairs through the blank either.
    blank = "Erster Satz hier.\n\nZweiter Satz."
    with write(db):
        blank_doc = insert_document(db, ParsedArticle("blank.txt", blank))
        assert blank_doc is not None
        db.conn.executemany(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, reason, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,'accepted',NULL,'manual','t','t')",
            [
                ("ws", blank_doc, 17, 19, "\n\n", 1, 4, 5, " "),
                (
                    "half",
                    2,
                    0,
                    len("Fact 0 told by b."),
                    "Fact 0 told by b.",
                    blank_doc,
                    17,
                    19,
                    "\n\n",
                ),
            ],
        )
    stats = export(db, "pairs", tmp_path / "pairs", options=ExportOptions(with_meta=True))
    rows = [row for split in _load(tmp_path / "pairs").values() for row in split]  # type: ignore[attr-defined]
    assert rows
    assert all(row["sentence1"].strip() and row["sentence2"].strip() for row in rows)
    assert {row["link"] for row in rows} & {"ws", "half"} == set()
    assert "2 decided link(s) with a side of whitespace or invisible characters only left out" in (
        " ".join(stats.notes)
    )
    # The three facts as before: per fact two accepted, one implied, one rejected.
    assert len(rows) == 3 * 4
    db.close()


def test_meta_columns_load_when_one_split_has_no_reason_or_fact(tmp_path: Path) -> None:
    # Facts with accepted links only, and a few rejected near misses on their own: a
    # split without any near miss had reason null on every row, another had text, and
    # datasets refused the folder ("Couldn't cast array of type string to null").
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        rows = []
        for group in range(24):
            a_text, b_text = f"Claim {group} in one.", f"Claim {group} in two."
            a = insert_document(db, ParsedArticle(f"h{group:02}-a.txt", a_text))
            b = insert_document(db, ParsedArticle(f"h{group:02}-b.txt", b_text))
            status = "rejected" if group % 8 == 0 else "accepted"
            reason = "near-miss" if status == "rejected" else None
            rows.append(
                (f"m{group}", a, 0, len(a_text), a_text, b, 0, len(b_text), b_text, status, reason)
            )
        db.conn.executemany(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, reason, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,'manual','t','t')",
            rows,
        )
    export(db, "pairs", tmp_path / "pairs", options=ExportOptions(with_meta=True))
    written = {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()]
        for path in (tmp_path / "pairs").glob("*.jsonl")
    }
    # The case in question: one split with a near miss, another without any.
    with_reason = {split for split, rows in written.items() if any(r["reason"] for r in rows)}
    assert with_reason
    assert with_reason != set(written)
    loaded = _load(tmp_path / "pairs")
    reasons = {row["reason"] for split in loaded.values() for row in split}  # type: ignore[attr-defined]
    assert reasons == {"", "near-miss"}
    db.close()
