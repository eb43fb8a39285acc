"""Reading ``gold_links.json`` and finding its mentions among the stored sentences.

The gold file names, for pairs of sentences in different articles, whether they
report the same fact (``links``) or only look alike (``near_misses``). A mention
is a document (its file name) and the sentence's exact text; it is mapped to the
stored sentence holding that text, so the measures use the store's own
segmentation. The reader accepts a few equivalent shapes (pairs as objects or
two-element lists; facts as groups of mentions, which stand for all their pairs).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from store.errors import ClaimdeskError

SentenceKey = tuple[int, int, int]

_DOC_KEYS = ("doc", "document", "file", "source", "source_name", "article")
_TEXT_KEYS = ("text", "sentence", "quote")
_POSITIVE_KEYS = ("links", "pairs", "same_fact", "duplicates", "positives")
_NEGATIVE_KEYS = ("near_misses", "near-misses", "nearmisses", "negatives", "near_miss")
_GROUP_KEYS = ("facts", "clusters", "groups")


@dataclass(frozen=True, slots=True)
class Mention:
    doc: str
    text: str


@dataclass(frozen=True, slots=True)
class GoldSet:
    positives: list[tuple[Mention, Mention]]
    negatives: list[tuple[Mention, Mention]]


def _mention(value: Any, where: str) -> Mention:
    if isinstance(value, dict):
        doc = next((value[k] for k in _DOC_KEYS if k in value), None)
        text = next((value[k] for k in _TEXT_KEYS if k in value), None)
        if isinstance(doc, str) and isinstance(text, str):
            return Mention(doc, text)
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
    ):
        return Mention(value[0], value[1])
    raise ClaimdeskError(f"{where}: a mention needs a document name and a sentence text")


def _pair(value: Any, where: str) -> tuple[Mention, Mention]:
    if isinstance(value, dict):
        if "a" in value and "b" in value:
            return _mention(value["a"], where), _mention(value["b"], where)
        for key in ("mentions", "pair", "sentences"):
            if key in value:
                return _pair(value[key], where)
    if isinstance(value, list | tuple) and len(value) == 2:
        return _mention(value[0], where), _mention(value[1], where)
    raise ClaimdeskError(f"{where}: a pair needs two mentions")


def _group_pairs(value: Any, where: str) -> list[tuple[Mention, Mention]]:
    members = value.get("mentions", value.get("sentences")) if isinstance(value, dict) else value
    if not isinstance(members, list):
        raise ClaimdeskError(f"{where}: a fact needs a list of mentions")
    mentions = [_mention(m, where) for m in members]
    return [(a, b) for a, b in itertools.combinations(mentions, 2) if a.doc != b.doc]


def parse_gold(data: Any, where: str = "gold_links.json") -> GoldSet:
    """The positive and near-miss pairs of a parsed gold file."""
    if not isinstance(data, dict):
        raise ClaimdeskError(f"{where}: expected a JSON object")
    positives: list[tuple[Mention, Mention]] = []
    negatives: list[tuple[Mention, Mention]] = []
    for key in _POSITIVE_KEYS:
        for index, item in enumerate(data.get(key) or []):
            if (
                isinstance(item, dict)
                and not ("a" in item and "b" in item)
                and ("mentions" in item and len(item["mentions"]) > 2)
            ):
                positives += _group_pairs(item, f"{where}: {key}[{index}]")
            else:
                positives.append(_pair(item, f"{where}: {key}[{index}]"))
    for key in _GROUP_KEYS:
        for index, item in enumerate(data.get(key) or []):
            positives += _group_pairs(item, f"{where}: {key}[{index}]")
    for key in _NEGATIVE_KEYS:
        for index, item in enumerate(data.get(key) or []):
            negatives.append(_pair(item, f"{where}: {key}[{index}]"))
    if not positives:
        raise ClaimdeskError(f"{where}: no gold pairs found")
    return GoldSet(positives, negatives)


def read_gold(path: Path) -> GoldSet:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ClaimdeskError(f"{path}: cannot read gold links: {error}") from error
    return parse_gold(data, str(path))


def _documents(db: sqlite_utils.Database) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for doc_id, name, path, text in db.conn.execute(
        "SELECT id, source_name, source_path, text FROM documents ORDER BY id"
    ):
        found.setdefault(name, (doc_id, text))
        if path:
            found.setdefault(Path(path).name, (doc_id, text))
            found.setdefault(Path(path).stem, (doc_id, text))
        found.setdefault(Path(name).stem, (doc_id, text))
    return found


def _normal_space(text: str) -> str:
    return " ".join(text.split())


def locate(db: sqlite_utils.Database, mentions: Iterable[Mention]) -> dict[Mention, SentenceKey]:
    """The stored sentence of each mention that can be found (missing ones are left out).

    A mention maps to the sentence equal to its text, else to the sentence where
    its text begins, so a gold sentence that the splitter cut differently still
    counts, at the sentence that holds its start.
    """
    documents = _documents(db)
    found: dict[Mention, SentenceKey] = {}
    for mention in mentions:
        document = documents.get(mention.doc) or documents.get(Path(mention.doc).stem)
        if document is None:
            continue
        doc_id, text = document
        sentences = db.conn.execute(
            'SELECT start, "end" FROM sentences WHERE doc_id = ? ORDER BY start', [doc_id]
        ).fetchall()
        wanted = _normal_space(mention.text)
        exact = [(s, e) for s, e in sentences if _normal_space(text[s:e]) == wanted]
        if exact:
            found[mention] = (doc_id, *exact[0])
            continue
        position = text.find(mention.text.strip()[:60])
        if position < 0:
            continue
        for start, end in sentences:
            if start <= position < end:
                found[mention] = (doc_id, start, end)
                break
    return found
