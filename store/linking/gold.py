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


# Typographic characters a gold file written from another copy of the article may spell
# plainly (or the other way round); folded one for one, so offsets survive.
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u00b4`", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a", " "),
        "\u2026": ".",
    }
)
# Invisible characters one copy may hold and the other not: skipped when folding.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# Below this rapidfuzz alignment score a mention counts as not found: a sentence that
# differs in a character or two (an entity, a dropped soft hyphen) still maps; another
# sentence of the same article does not. Shorter mentions than MIN_FUZZY_CHARS are only
# found as written or folded: a few characters align well with too many places.
MIN_ALIGNMENT = 90.0
MIN_FUZZY_CHARS = 20


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with typography folded, invisible characters left out and each run of
    spaces as one space, and for each character of the result its offset in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for offset, char in enumerate(text.translate(_PLAIN)):
        if char in _INVISIBLE:
            continue
        if char.isspace():
            if not out or out[-1] == " ":
                continue
            char = " "
        out.append(char)
        where.append(offset)
    return "".join(out), where


def _place(text: str, mention: str) -> tuple[int, int] | None:
    """Where ``mention`` stands in the stored ``text``: exactly, with typography and spacing
    folded, or (failing both) at its best fuzzy alignment of at least :data:`MIN_ALIGNMENT`."""
    from store.formats.normalize import normalize_text

    needle = normalize_text(mention).strip()
    if not needle:
        return None
    position = text.find(needle)
    if position >= 0:
        return position, position + len(needle)
    haystack, where = _folded(text)
    folded = _folded(needle)[0].strip()
    position = haystack.find(folded)
    if position < 0:
        if len(folded) < MIN_FUZZY_CHARS:
            return None
        from rapidfuzz import fuzz

        aligned = fuzz.partial_ratio_alignment(folded, haystack, score_cutoff=MIN_ALIGNMENT)
        if aligned is None or aligned.dest_end <= aligned.dest_start:
            return None
        return where[aligned.dest_start], where[aligned.dest_end - 1] + 1
    return where[position], where[position + len(folded) - 1] + 1


def _sentence_holding(
    sentences: list[tuple[int, int]], start: int, end: int
) -> tuple[int, int] | None:
    """The sentence sharing the most characters with ``start:end`` (the first of equals)."""
    best: tuple[int, int] | None = None
    most = 0
    for s, e in sentences:
        shared = min(e, end) - max(s, start)
        if shared > most:
            best, most = (s, e), shared
    return best


def locate(db: sqlite_utils.Database, mentions: Iterable[Mention]) -> dict[Mention, SentenceKey]:
    """The stored sentence of each mention that can be found (missing ones are left out).

    A mention maps to the sentence equal to its text, else to the sentence that shares
    most of it. Its text is looked for as written, then with quotes, dashes and spaces
    folded, then by fuzzy alignment, so a gold file written from another copy of the
    article (an HTML page's entities, NFD, a soft hyphen, ``"`` for ``„``) still counts,
    and so does a gold sentence that the splitter cut differently.
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
        placed = _place(text, mention.text)
        sentence = _sentence_holding(sentences, *placed) if placed else None
        if sentence is not None:
            found[mention] = (doc_id, *sentence)
    return found


@dataclass(frozen=True, slots=True)
class Quality:
    """Ranking and decision measures of one method on one gold set."""

    pairs: int
    directions: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    precision: float
    recall: float
    f1: float
    threshold: float
    missing_mentions: int


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def expected_rank_measures(better: int, tied: int) -> tuple[float, float, float]:
    """Expected hit@1, hit@3 and reciprocal rank when ``tied`` rivals share the partner's score.

    The partner's rank is uniform over ``better + 1 .. better + tied + 1``.
    """
    ranks = range(better + 1, better + tied + 2)
    places = tied + 1
    return (
        sum(1 for r in ranks if r <= 1) / places,
        sum(1 for r in ranks if r <= 3) / places,
        sum(1 / r for r in ranks) / places,
    )


def evaluate(
    scores: dict[tuple[SentenceKey, SentenceKey], float],
    sentences_by_doc: dict[int, list[SentenceKey]],
    positives: list[tuple[SentenceKey, SentenceKey]],
    negatives: list[tuple[SentenceKey, SentenceKey]],
    *,
    threshold: float,
    suggested: set[tuple[SentenceKey, SentenceKey]] | None = None,
    missing_mentions: int = 0,
) -> Quality:
    """recall@1, recall@3 and MRR over both directions of each gold pair, and P/R/F1.

    ``scores`` holds a score for every pair the method scored (either orientation);
    a partner the method never scored, or did not store (when ``suggested`` is
    given), has no rank. The rank of ``y`` for ``x`` is one
    plus the number of sentences in ``y``'s document that score higher for ``x``.
    Partners scoring exactly as much as ``y`` share its place: the measures are
    their expected values when ties are broken at random (a score that puts many
    sentences at 0 must not rank a partner first among them).
    A pair counts as predicted when it is in ``suggested`` (all scored pairs when
    None) and scores at least ``threshold``; near misses are the negatives.
    """

    def score(x: SentenceKey, y: SentenceKey) -> float | None:
        return scores.get((x, y), scores.get((y, x)))

    hits1 = hits3 = 0.0
    reciprocal = 0.0
    directions = 0
    for first, second in positives:
        for x, y in ((first, second), (second, first)):
            directions += 1
            own = score(x, y)
            if own is None or (
                suggested is not None and (x, y) not in suggested and (y, x) not in suggested
            ):
                continue
            rivals = [
                s
                for other in sentences_by_doc[y[0]]
                if other != y and (s := score(x, other)) is not None and s >= own
            ]
            better = sum(1 for s in rivals if s > own)
            hit1, hit3, rr = expected_rank_measures(better, len(rivals) - better)
            hits1 += hit1
            hits3 += hit3
            reciprocal += rr

    def predicted(x: SentenceKey, y: SentenceKey) -> bool:
        value = score(x, y)
        if value is None or value < threshold:
            return False
        return suggested is None or (x, y) in suggested or (y, x) in suggested

    true_positive = sum(predicted(x, y) for x, y in positives)
    false_positive = sum(predicted(x, y) for x, y in negatives)
    precision = true_positive / (true_positive + false_positive) if true_positive else 0.0
    recall = true_positive / len(positives) if positives else 0.0
    return Quality(
        pairs=len(positives),
        directions=directions,
        recall_at_1=hits1 / directions if directions else 0.0,
        recall_at_3=hits3 / directions if directions else 0.0,
        mrr=reciprocal / directions if directions else 0.0,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        threshold=threshold,
        missing_mentions=missing_mentions,
    )


def gold_pairs(
    db: sqlite_utils.Database, gold: GoldSet
) -> tuple[list[tuple[SentenceKey, SentenceKey]], list[tuple[SentenceKey, SentenceKey]], int]:
    """Gold positives and negatives as stored-sentence pairs; and how many mentions were lost.

    Negatives are the near misses and every other pair of annotated sentences.
    """
    mentions = {m for pair in gold.positives + gold.negatives for m in pair}
    found = locate(db, mentions)
    missing = len(mentions - set(found))

    def mapped(pairs: list[tuple[Mention, Mention]]) -> list[tuple[SentenceKey, SentenceKey]]:
        result = []
        for a, b in pairs:
            if a in found and b in found and found[a][0] != found[b][0]:
                result.append((found[a], found[b]))
        return sorted(set(result))

    positives = mapped(gold.positives)
    # Closed world: two annotated sentences that no fact joins report different facts,
    # so every such pair is a negative, the listed near misses among them.
    known = set(positives)
    sentences = sorted(set(found.values()))
    negatives = {
        (a, b)
        for index, a in enumerate(sentences)
        for b in sentences[index + 1 :]
        if a[0] != b[0] and (a, b) not in known and (b, a) not in known
    }
    return positives, sorted(negatives | set(mapped(gold.negatives))), missing
