"""The doccano export as Hugging Face ``datasets`` reads it (``claimdesk[consumers]``):
``--no-overlap`` is one reading of each text, so a model's pre-annotations stay out
of it unless selected, and never win a tie against a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store.changelog import user_action
from store.export import export
from store.export.common import ExportFilter, ExportOptions
from store.spans import create_span
from tests.export.conftest import person_and_model_db

datasets = pytest.importorskip("datasets")

NO_OVERLAP = ExportOptions(no_overlap=True)


def _loaded(path: Path, tmp_path: Path) -> list[dict[str, Any]]:
    dataset = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )
    return list(dataset)


def _utf16_slice(text: str, start: int, end: int) -> str:
    """``text`` between two offsets in UTF-16 code units, doccano's count."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def _labels(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (_utf16_slice(record["text"], start, end), label, annotator)
        for (start, end, label), annotator in zip(
            [(int(s), int(e), str(lab)) for s, e, lab in record["label"]],
            record["meta"]["annotators"],
            strict=True,
        )
    ]


def test_no_overlap_leaves_model_pre_annotations_out(tmp_path: Path) -> None:
    db = person_and_model_db()
    stats = export(db, "doccano", tmp_path / "d.jsonl", options=NO_OVERLAP)
    (record,) = _loaded(tmp_path / "d.jsonl", tmp_path)
    assert _labels(record) == [("11.000", "FIGURE", "alice")]
    assert "--no-overlap: 2 span(s) by a model" in " ".join(stats.notes)
    db.close()


def test_no_overlap_with_a_selected_model_keeps_the_person_on_a_tie(tmp_path: Path) -> None:
    db = person_and_model_db()
    both = ExportFilter(annotators=("alice", "model:ner"))
    stats = export(db, "doccano", tmp_path / "d.jsonl", both, NO_OVERLAP)
    (record,) = _loaded(tmp_path / "d.jsonl", tmp_path)
    assert _labels(record) == [
        ("Die Stadt", "SOURCE", "model:ner"),
        ("11.000", "FIGURE", "alice"),
    ]
    assert "by a model" not in " ".join(stats.notes)
    db.close()


def test_relations_never_tie_two_spans_on_the_same_words(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # alice also marks her linked first sentence (s01, CLAIM) as an EVENT: the same
    # words, so the same fact key, but no second claim of the fact.
    with user_action(fixed_db, "alice", "twin") as action:
        create_span(action, 1, 0, 44, "EVENT", span_id="s01-event", annotator="alice")
    export(fixed_db, "doccano", tmp_path / "r.jsonl", options=ExportOptions(relations=True))
    first = _loaded(tmp_path / "r.jsonl", tmp_path)[0]
    extent = {e["id"]: (e["start_offset"], e["end_offset"]) for e in first["entities"]}
    tied = [(extent[r["from_id"]], extent[r["to_id"]]) for r in first["relations"]]
    assert tied == [((0, 44), (17, 32))]
