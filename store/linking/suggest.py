"""Computing link suggestions for a corpus and storing them, idempotently.

| caller                 | calls                                               |
|------------------------|-----------------------------------------------------|
| CLI ``link``           | :func:`link_documents`                              |
| benchmarks, tests      | :func:`compute_suggestions` on a :class:`LinkCorpus` |

For each sentence, its best ``top_k`` partners in each other document above a
floor are kept; the stored set is the union over both directions. Re-running
updates the scores of suggestions, never touches accepted or rejected rows, and
removes suggestions of the same scope that the run no longer produces. Writes go
in bounded batches so other annotators on the same database keep working.
Suggestions are machine output, not user actions: they are not in the undo log.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import sqlite_utils

from store.bulk import write_in_batches
from store.clock import now
from store.linking.candidates import (
    DEFAULT_MAX_POSTINGS,
    DEFAULT_MIN_COSINE,
    DEFAULT_PER_SENTENCE,
    candidate_pairs,
)
from store.linking.features import DocInput, LinkCorpus, build_corpus, default_workers
from store.linking.learning import Learned, learn_mix
from store.linking.normalize import Stemmer, language_of
from store.linking.ranking import (
    best_of_either,
    best_per_sentence,
    document_positions,
    top_per_document,
)
from store.linking.score import (
    DEFAULT_FLOOR,
    DEFAULT_THRESHOLD,
    DEFAULT_WEIGHTS,
    METHOD,
    ScoreWeights,
    components,
    document_cosines,
    evidence_scale,
    fused_scores,
    round_score,
    score_pairs,
    shares_anchor,
    word_overlap,
)

STORE_CACHE_KIB = 64 * 1024
DEFAULT_TOP_K = 3
# An annotator reviews a handful of matches per sentence; in a large corpus the
# top K of every other document would be thousands of mostly weak suggestions.
DEFAULT_MAX_PER_SENTENCE = 30
DEFAULT_CHANCE_PER_SENTENCE = 1
# Candidates per sentence that get the full score (the best by word overlap and
# evidence; a pair counts when either sentence ranks it this high). The rest
# would mostly fall below the top K per document or the floor anyway.
DEFAULT_SCORED_PER_SENTENCE = 20
# Character n-gram cosine from which a pair is never treated as chance.
CHAR_SUPPORT = 0.3

# (done, total, stage)
Progress = Callable[[int, int, str], None]
Triple = tuple[int, int, int]
LinkKey = tuple[Triple, Triple]


@dataclass(slots=True)
class LinkReport:
    """What one ``link`` run did."""

    documents: int = 0
    sentences: int = 0
    candidates: int = 0
    # Candidates given the full score (see LinkSettings.scored_per_sentence).
    scored: int = 0
    suggestions: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_decisions: int = 0
    seconds: float = 0.0
    store_seconds: float = 0.0
    # What learning from decisions did (None: off, or too few decisions).
    learned: Learned | None = None


@dataclass(frozen=True, slots=True)
class LinkSettings:
    top_k: int = DEFAULT_TOP_K
    floor: float = DEFAULT_FLOOR
    weights: ScoreWeights = DEFAULT_WEIGHTS
    min_cosine: float = DEFAULT_MIN_COSINE
    max_postings: int = DEFAULT_MAX_POSTINGS
    per_sentence: int | None = DEFAULT_PER_SENTENCE
    # Each sentence's candidates fully scored, best by word overlap (None: all).
    scored_per_sentence: int | None = DEFAULT_SCORED_PER_SENTENCE
    max_per_sentence: int | None = DEFAULT_MAX_PER_SENTENCE
    different_outlets: bool = False
    stemmer: Stemmer = "lemma"
    threshold: float = DEFAULT_THRESHOLD
    chance_per_sentence: int | None = DEFAULT_CHANCE_PER_SENTENCE
    workers: int = field(default_factory=default_workers)
    # Fit the fused score's mix to the accepted and rejected links (store.linking.learning).
    learn: bool = True


def compute_suggestions(
    corpus: LinkCorpus,
    settings: LinkSettings = LinkSettings(),
    *,
    progress: Progress | None = None,
    report: LinkReport | None = None,
) -> list[tuple[int, int, float]]:
    """``(i, j, score)`` with ``i < j``: each sentence's best K per other document, unioned.

    Only the candidates among a sentence's ``scored_per_sentence`` best by word
    overlap get the full score; the others are not suggested.
    """
    if progress is not None:
        progress(0, 1, "finding candidates")
    pairs = candidate_pairs(
        corpus,
        min_cosine=settings.min_cosine,
        max_postings=settings.max_postings,
        per_sentence=settings.per_sentence,
        different_outlets=settings.different_outlets,
    )
    if report is not None:
        report.candidates = len(pairs)
    if progress is not None:
        progress(0, 1, "scoring")
    if settings.weights.fused:
        # The word overlap is cheap; the character n-grams, rapidfuzz and figures
        # are computed only for each sentence's best few candidates by it.
        words = word_overlap(corpus, pairs)
        if settings.scored_per_sentence is not None:
            strength = words[0] * (1.0 - np.exp(-words[1] / evidence_scale(corpus)))
            best = best_of_either(pairs, strength, settings.scored_per_sentence)
            del strength
            pairs, words = pairs[best], (words[0][best], words[1][best])
        if report is not None:
            report.scored = len(pairs)
        # The floor needs only the sentences' likeness; the document factor (the
        # costliest part) is computed for the pairs that pass it.
        parts = components(corpus, pairs, documents=False, words=words)
        del words
        mix = settings.weights.mix
        likeness = fused_scores(parts, evidence_scale(corpus), story=False, mix=mix)
        keep = likeness >= settings.floor
        pairs, parts = pairs[keep], parts[keep]
        parts[:, 5] = document_cosines(corpus, pairs)
        scores = fused_scores(parts, evidence_scale(corpus), mix=mix)
        char_cosine = parts[:, 1]
        del parts
    else:
        scores = score_pairs(corpus, pairs, settings.weights)
        keep = scores >= settings.floor
        pairs, scores = pairs[keep], scores[keep]
        char_cosine = np.zeros(len(pairs), dtype=np.float64)
    count = len(pairs)
    if count == 0:
        return []
    chosen = top_per_document(pairs, scores, document_positions(corpus), settings.top_k)
    if settings.max_per_sentence is not None:
        chosen &= best_per_sentence(pairs, scores, chosen, settings.max_per_sentence)
    if settings.chance_per_sentence is not None:
        # A pair under the threshold that shares no number, date or name and at most
        # one word looks like chance; a large corpus has millions of those. Each
        # sentence keeps only its best few of them. A pair the character n-grams
        # support (a shared compound part) is not chance, whatever its words.
        weak = np.flatnonzero(chosen & (scores < settings.threshold) & (char_cosine < CHAR_SUPPORT))
        chance = np.zeros(count, dtype=bool)
        chance[weak] = ~shares_anchor(corpus, pairs[weak, 0], pairs[weak, 1])
        chosen &= ~chance | best_per_sentence(pairs, scores, chance, settings.chance_per_sentence)
    if progress is not None:
        progress(1, 1, "scoring")
    return [
        (int(i), int(j), float(s))
        for (i, j), s in zip(pairs[chosen].tolist(), scores[chosen].tolist(), strict=True)
    ]


def load_documents(
    db: sqlite_utils.Database, doc_ids: Sequence[int] | None = None
) -> list[DocInput]:
    """The documents to link (all when ``doc_ids`` is None) with their prose sentences.

    Boilerplate sentences (see :mod:`store.boilerplate`) are left out: never suggested.
    """
    sql = "SELECT id, outlet, language, text FROM documents"
    params: list[object] = []
    if doc_ids is not None:
        sql += " WHERE id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(doc_ids)))
    sql += " ORDER BY id"
    documents = []
    for doc_id, outlet, language, text in db.conn.execute(sql, params).fetchall():
        sentences = db.conn.execute(
            'SELECT id, start, "end" FROM sentences WHERE doc_id = ? AND boilerplate = 0'
            " ORDER BY start",
            [doc_id],
        ).fetchall()
        documents.append(
            DocInput(
                doc_id=doc_id,
                outlet=outlet,
                language=language_of(language, text[:2_000]),
                text=text,
                sentences=[(s, a, b) for s, a, b in sentences],
            )
        )
    return documents


def _key(first: Triple, second: Triple) -> LinkKey:
    return (first, second) if first <= second else (second, first)


def link_documents(
    db: sqlite_utils.Database,
    *,
    doc_ids: Sequence[int] | None = None,
    settings: LinkSettings = LinkSettings(),
    progress: Progress | None = None,
) -> LinkReport:
    """Compute suggestions for the corpus (or among ``doc_ids``) and store them."""
    started = time.perf_counter()
    report = LinkReport()
    documents = load_documents(db, doc_ids)
    report.documents = len(documents)
    corpus = build_corpus(
        documents,
        stemmer=settings.stemmer,
        workers=settings.workers,
        progress=None
        if progress is None
        else lambda done, total: progress(done, total, "normalising"),
    )
    report.sentences = len(corpus)
    if settings.learn and settings.weights.fused:
        report.learned = learn_mix(db, corpus)
        if report.learned is not None:
            weights = replace(settings.weights, mix=report.learned.after)
            settings = replace(settings, weights=weights)
    selected = compute_suggestions(corpus, settings, progress=progress, report=report)
    report.suggestions = len(selected)
    storing = time.perf_counter()
    store_suggestions(
        db,
        corpus,
        selected,
        scope=None if doc_ids is None else list(doc_ids),
        report=report,
        progress=progress,
    )
    report.store_seconds = time.perf_counter() - storing
    report.seconds = time.perf_counter() - started
    return report


def store_suggestions(
    db: sqlite_utils.Database,
    corpus: LinkCorpus,
    selected: Sequence[tuple[int, int, float]],
    *,
    scope: Sequence[int] | None,
    report: LinkReport,
    method: str = METHOD,
    progress: Progress | None = None,
) -> None:
    """Insert, update and prune suggested rows for ``scope`` (documents; None: all)."""
    existing = _existing_links(db, scope)
    stamp = now()
    updates: list[Row] = []
    stale: list[str] = []
    if existing:
        inserts, updates, stale = _changes(corpus, selected, existing, report, method, stamp)
    else:
        inserts = _new_rows(corpus, selected, method, stamp)
    # A bigger page cache for this bulk write: the link indexes outgrow the default 2 MB.
    previous = {
        pragma: db.conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        for pragma in ("cache_size", "synchronous", "wal_autocheckpoint")
    }
    db.conn.execute(f"PRAGMA cache_size = {-STORE_CACHE_KIB}")
    # Suggestions are machine output that a re-run restores, so this connection does
    # not wait for the disk at every batch: in WAL mode a crash still leaves the
    # database consistent, only the last batches may be lost on a power cut.
    # Annotators' connections keep synchronous=FULL. store.bulk checkpoints between
    # batches itself (PASSIVE), so no commit here also copies the log.
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        _write_batches(db, inserts, updates, stale, progress)
    finally:
        for pragma, value in previous.items():
            db.conn.execute(f"PRAGMA {pragma} = {int(value)}")
    report.inserted = len(inserts)
    report.updated = len(updates)
    report.removed = len(stale)


Row = Sequence[object]


def _new_rows(
    corpus: LinkCorpus, selected: Sequence[tuple[int, int, float]], method: str, stamp: str
) -> list[Row]:
    """Insert rows for a scope with no stored links yet, built column-wise.

    The first run on a large corpus stores hundreds of thousands of rows; numpy
    columns zipped into tuples cost a fraction of a Python loop over them.
    """
    if not selected:
        return []
    table = np.asarray(selected, dtype=np.float64)
    first, second = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    count = len(corpus)
    _, unique = np.unique(
        np.minimum(first, second) * count + np.maximum(first, second), return_index=True
    )
    unique.sort()
    first, second, raw = first[unique], second[unique], table[unique, 2]
    refs = corpus.refs
    position = np.array([(r.doc_id, r.start, r.end) for r in refs], dtype=np.int64).reshape(-1, 3)
    pa, pb = position[first], position[second]
    # Each link is stored with its smaller (doc, start, end) as side a.
    swap = (pa[:, 0] > pb[:, 0]) | (
        (pa[:, 0] == pb[:, 0])
        & ((pa[:, 1] > pb[:, 1]) | ((pa[:, 1] == pb[:, 1]) & (pa[:, 2] > pb[:, 2])))
    )
    a = np.where(swap, second, first)
    b = np.where(swap, first, second)
    quotes = np.asarray(corpus.quotes, dtype=object)
    scores = np.floor(raw * 10_000 + 0.5) / 10_000  # round_score, column-wise
    ids = _ordered_ids()
    return list(
        zip(
            [next(ids) for _ in range(len(a))],
            *position[a].T.tolist(),
            quotes[a].tolist(),
            *position[b].T.tolist(),
            quotes[b].tolist(),
            itertools.repeat("suggested"),
            scores.tolist(),
            itertools.repeat(method),
            itertools.repeat(stamp),
            itertools.repeat(stamp),
            strict=False,
        )
    )


def _changes(
    corpus: LinkCorpus,
    selected: Sequence[tuple[int, int, float]],
    existing: dict[LinkKey, tuple[str, str, float | None, str]],
    report: LinkReport,
    method: str,
    stamp: str,
) -> tuple[list[Row], list[Row], list[str]]:
    """Inserts, score updates and stale suggestion ids against the stored links."""
    ids = _ordered_ids()
    produced: set[LinkKey] = set()
    inserts: list[Row] = []
    updates: list[Row] = []
    refs, quotes = corpus.refs, corpus.quotes
    for first, second, raw_score in selected:
        score = round_score(raw_score)
        a, b = refs[first], refs[second]
        ta, tb = (a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end)
        qa, qb = quotes[first], quotes[second]
        if ta > tb:
            ta, tb, qa, qb = tb, ta, qb, qa
        key = (ta, tb)
        if key in produced:
            continue
        produced.add(key)
        found = existing.get(key)
        if found is None:
            inserts.append([next(ids), *ta, qa, *tb, qb, "suggested", score, method, stamp, stamp])
        elif found[1] != "suggested":
            report.kept_decisions += 1
        elif found[2] != score or found[3] != method:
            updates.append([score, method, stamp, found[0]])
        else:
            report.unchanged += 1
    stale = [
        link_id
        for key, (link_id, status, _score, _method) in existing.items()
        if status == "suggested" and key not in produced
    ]
    return inserts, updates, stale


def _ordered_ids() -> Iterator[str]:
    """Link ids that grow within a run (time prefix, random tail).

    Random UUIDs would scatter inserts across the primary-key index; increasing
    ids append to it, which keeps storing hundreds of thousands of suggestions fast.
    """
    start = time.time_ns()
    # One random tail a run keeps two runs started in the same nanosecond apart.
    tail = os.urandom(8).hex()
    for offset in itertools.count():
        yield f"{start + offset:016x}{tail}"


def _write_batches(
    db: sqlite_utils.Database,
    inserts: list[Row],
    updates: list[Row],
    stale: list[str],
    progress: Progress | None,
) -> None:
    statements: list[tuple[str, Sequence[Row]]] = [
        (
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, score, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            inserts,
        ),
        # The status guards keep a decision an annotator took meanwhile.
        (
            "UPDATE links SET score = ?, method = ?, updated_at = ?"
            " WHERE id = ? AND status = 'suggested'",
            updates,
        ),
        (
            "DELETE FROM links WHERE id = ? AND status = 'suggested'",
            [[link_id] for link_id in stale],
        ),
    ]
    total = sum(len(rows) for _sql, rows in statements)
    written = 0

    def done(count: int) -> None:
        nonlocal written
        written += count
        if progress is not None:
            progress(written, total, "storing")

    for sql, rows in statements:
        write_in_batches(db, sql, rows, done=done)


def _existing_links(
    db: sqlite_utils.Database, scope: Sequence[int] | None
) -> dict[LinkKey, tuple[str, str, float | None, str]]:
    sql = (
        "SELECT id, a_doc, a_start, a_end, b_doc, b_start, b_end, status, score, method FROM links"
    )
    params: list[object] = []
    if scope is not None:
        sql += (
            " WHERE a_doc IN (SELECT value FROM json_each(?))"
            " AND b_doc IN (SELECT value FROM json_each(?))"
        )
        params += [json.dumps(list(scope))] * 2
    found: dict[LinkKey, tuple[str, str, float | None, str]] = {}
    for link_id, ad, as_, ae, bd, bs, be, status, score, method in db.conn.execute(sql, params):
        key = _key((ad, as_, ae), (bd, bs, be))
        previous = found.get(key)
        # A decision outranks a suggestion for the same pair stored the other way round.
        if previous is None or previous[1] == "suggested":
            found[key] = (link_id, status, score, method)
    return found
