"""The label-studio export checked by Label Studio's own SDK (``claimdesk[consumers]``):
the generated labelling config parses, every annotation and prediction validates
against it, and the SDK's converter reads the task list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from store.errors import ClaimdeskError
from store.export import export
from store.export.common import ExportOptions
from store.export.label_studio import labeling_config

label_interface = pytest.importorskip("label_studio_sdk.label_interface")
converter = pytest.importorskip("label_studio_sdk.converter")


def _tasks(db: sqlite_utils.Database, tmp_path: Path, options: ExportOptions | None = None) -> list:
    export(db, "label-studio", tmp_path / "ls.json", options=options, force=True)
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert isinstance(tasks, list)
    return tasks


def test_every_annotation_validates_against_the_generated_config(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    interface = label_interface.LabelInterface(labeling_config(fixed_db))
    interface.validate()
    tasks = _tasks(fixed_db, tmp_path)
    regions = 0
    for task in tasks:
        # LabelInterface.validate_task() itself is broken in the SDK (calls
        # validate_annotation() without its argument), so its data check is done here.
        assert all(task["data"].get(obj.value_name) is not None for obj in interface.objects)
        for item in [*task["annotations"], *task.get("predictions", [])]:
            assert interface.validate_prediction(item, return_errors=True) == []
            regions += sum(1 for r in item["result"] if r["type"] == "labels")
    assert regions == 9


def test_annotators_and_models_are_kept(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    tasks = _tasks(fixed_db, tmp_path)
    assert [t["id"] for t in tasks] == sorted({t["id"] for t in tasks})
    people = [
        {r["meta"]["annotator"] for r in a["result"] if r["type"] == "labels"}
        for t in tasks
        for a in t["annotations"]
    ]
    # One annotation per annotator, so each holds one name.
    assert sorted(next(iter(names)) for names in people) == ["alice", "alice", "bob", "bob"]
    assert all("completed_by" not in a for t in tasks for a in t["annotations"])
    predictions = [p for t in tasks for p in t.get("predictions", [])]
    assert {p["model_version"] for p in predictions} == {"ner"}


def test_the_converter_reads_every_annotation(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    config = labeling_config(fixed_db)
    _tasks(fixed_db, tmp_path)
    out = tmp_path / "converted"
    converter.Converter(config, project_dir=str(tmp_path)).convert(
        str(tmp_path / "ls.json"), str(out), "JSON_MIN", is_dir=False
    )
    records = json.loads((out / "result.json").read_text(encoding="utf-8"))
    # One record per annotation, plus one for the document nobody annotated.
    assert len(records) == 5
    labelled = [r for r in records if "label" in r]
    assert sum(len(r["label"]) for r in labelled) == 7
    for record in labelled:
        for item in record["label"]:
            assert record["text"][item["start"] : item["end"]] == item["text"]


def test_claims_of_one_fact_become_a_relation(tmp_path: Path) -> None:
    from store.db import connect
    from tests.export.conftest import build_fixed_db

    db = connect(":memory:")
    build_fixed_db(db)
    # "11.000 Besucher" (s02) and the whole first sentence (s01) are one fact by l1/l2.
    tasks = _tasks(db, tmp_path)
    alice = next(
        a for a in tasks[0]["annotations"] if a["result"][0]["meta"]["annotator"] == "alice"
    )
    relation = [r for r in alice["result"] if r["type"] == "relation"]
    assert relation == [
        {
            "from_id": "s01",
            "to_id": "s02",
            "type": "relation",
            "direction": "bi",
            "labels": ["SAME_FACT"],
        }
    ]
    interface = label_interface.LabelInterface(labeling_config(db))
    assert interface.validate_annotation(alice)
    db.close()


def test_no_relation_between_two_regions_on_the_same_words(tmp_path: Path) -> None:
    from store.changelog import user_action
    from store.db import connect
    from store.spans import create_span
    from tests.export.conftest import build_fixed_db

    db = connect(":memory:")
    build_fixed_db(db)
    # alice also marks her linked first sentence (s01, CLAIM) as an EVENT: the same
    # words, so the same fact key, but no second claim of the fact.
    with user_action(db, "alice", "twin") as action:
        create_span(action, 1, 0, 44, "EVENT", span_id="s01-event", annotator="alice")
    tasks = _tasks(db, tmp_path)
    alice = next(
        a for a in tasks[0]["annotations"] if a["result"][0]["meta"]["annotator"] == "alice"
    )
    interface = label_interface.LabelInterface(labeling_config(db))
    assert interface.validate_annotation(alice)
    out = tmp_path / "converted"
    converter.Converter(labeling_config(db), project_dir=str(tmp_path)).convert(
        str(tmp_path / "ls.json"), str(out), "JSON", is_dir=False
    )
    (converted,) = [
        a
        for task in json.loads((out / "result.json").read_text(encoding="utf-8"))
        for a in task["annotations"]
        if any(r.get("id") == "s01-event" for r in a["result"])
    ]
    relations = [(r["from_id"], r["to_id"]) for r in converted["result"] if r["type"] == "relation"]
    assert relations == [("s01", "s02")]
    db.close()


def test_user_ids_come_only_from_the_mapping(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    users = tmp_path / "users.json"
    users.write_text('{"alice": 3, "bob": "bob@example.org"}', encoding="utf-8")
    tasks = _tasks(fixed_db, tmp_path, ExportOptions(ls_users=users))
    given = {
        (a["result"][0]["meta"]["annotator"], a["completed_by"])
        for t in tasks
        for a in t["annotations"]
    }
    assert given == {("alice", 3), ("bob", "bob@example.org")}
    users.write_text('{"alice": 3}', encoding="utf-8")
    with pytest.raises(ClaimdeskError, match="no Label Studio user for annotator 'bob'"):
        _tasks(fixed_db, tmp_path, ExportOptions(ls_users=users))
