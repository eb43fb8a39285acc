"""Small validators for the shapes that doccano, Label Studio and brat document, written
from their documentation rather than from claimdesk's writers, so a writer bug shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

BRAT_TEXTBOUND = re.compile(r"^T(\d+)\t([A-Za-z][\w\-]*) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
BRAT_NOTE = re.compile(r"^#(\d+)\tAnnotatorNotes (T\d+)\t(.*)$")
BRAT_EQUIV = re.compile(r"^\*\t([A-Za-z][\w\-]*)((?: T\d+)+)$")
BRAT_RELATION = re.compile(r"^R(\d+)\t([A-Za-z][\w\-]*) Arg1:(T\d+) Arg2:(T\d+)$")
LINE_BREAKS = set("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_doccano(lines: list[str]) -> int:
    """doccano sequence labelling JSONL: {"text": str, "label": [[start, end, label], ...]}."""
    count = 0
    for line in lines:
        record = json.loads(line)
        text = record["text"]
        assert isinstance(text, str)
        for item in record["label"]:
            assert isinstance(item, list), item
            assert len(item) == 3, item
            start, end, label = item
            assert isinstance(start, int)
            assert isinstance(end, int)
            assert isinstance(label, str)
            # UTF-16 code units, as doccano counts them.
            assert 0 <= start < end <= len(text.encode("utf-16-le")) // 2, item
            count += 1
    return count


def _validate_ls_result(result: list[dict[str, Any]], text: str) -> int:
    ids = {region["id"] for region in result if region["type"] != "relation"}
    relations = [region for region in result if region["type"] == "relation"]
    for relation in relations:
        assert {relation["from_id"], relation["to_id"]} <= ids, relation
        assert relation["direction"] in ("left", "right", "bi")
    result = [region for region in result if region["type"] != "relation"]
    for region in result:
        assert set(region) <= {"id", "from_name", "to_name", "type", "value", "meta"}, region
        assert isinstance(region["id"], str)
        assert region["id"]
        assert region["from_name"] == "label"
        assert region["to_name"] == "text"
        assert region["type"] == "labels"
        value = region["value"]
        assert set(value) == {"start", "end", "text", "labels"}
        assert 0 <= value["start"] < value["end"] <= len(text)
        assert text[value["start"] : value["end"]] == value["text"]
        assert value["labels"]
        assert all(isinstance(lb, str) for lb in value["labels"])
    return len(result)


def validate_label_studio(content: str) -> int:
    """Label Studio's JSON task list with labels results on a Text tag named ``text``."""
    tasks = json.loads(content)
    assert isinstance(tasks, list)
    count = 0
    for task in tasks:
        assert set(task) <= {"id", "data", "annotations", "predictions"}, task.keys()
        assert isinstance(task["id"], int)
        text = task["data"]["text"]
        assert isinstance(text, str)
        for annotation in task["annotations"]:
            count += _validate_ls_result(annotation["result"], text)
        for prediction in task.get("predictions", []):
            assert isinstance(prediction["model_version"], str)
            count += _validate_ls_result(prediction["result"], text)
    return count


def _conf_entities(conf: str) -> set[str]:
    section = conf.split("[entities]", 1)[1].split("[", 1)[0]
    return {line.strip() for line in section.splitlines() if line.strip()}


def validate_brat_folder(folder: Path) -> int:
    """Every ``.ann`` line in brat's grammar, every text-bound annotation matching the
    ``.txt`` beside it as brat reads it (UTF-8, universal newlines, code points)."""
    entities = _conf_entities((folder / "annotation.conf").read_text(encoding="utf-8"))
    count = 0
    for ann in sorted(folder.rglob("*.ann")):
        with ann.with_suffix(".txt").open(encoding="utf-8", newline=None) as handle:
            text = handle.read()
        ids: set[str] = set()
        for line in ann.read_text(encoding="utf-8").split("\n")[:-1]:
            if match := BRAT_TEXTBOUND.match(line):
                number, label, offsets, quote = match.groups()
                assert f"T{number}" not in ids, line
                ids.add(f"T{number}")
                assert label in entities, label
                pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
                for start, end in pieces:
                    assert 0 <= start < end <= len(text), line
                    assert not LINE_BREAKS & set(text[start:end]), line
                assert " ".join(text[s:e] for s, e in pieces) == quote, line
                # pybrat strips a line's end; bratly keeps only up to the next tab.
                assert quote == quote.rstrip(), line
                assert "\t" not in quote, line
                count += 1
            elif match := BRAT_NOTE.match(line):
                assert match.group(2) in ids, line
                assert not LINE_BREAKS & set(match.group(3))
            elif match := BRAT_EQUIV.match(line):
                members = match.group(2).split()
                assert len(members) >= 2, line
                assert set(members) <= ids, line
            elif match := BRAT_RELATION.match(line):
                assert {match.group(3), match.group(4)} <= ids, line
            else:
                raise AssertionError(f"{ann.name}: not a brat line: {line!r}")
    return count
