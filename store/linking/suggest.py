"""Computing link suggestions for a corpus; storing them is in :mod:`store.linking.storing`.

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

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import sqlite_utils

from store.errors import StoreUnwritable, stopped_part_way
from store.linking.alignment import placed_scores
from store.linking.candidates import (
    DEFAULT_MAX_POSTINGS,
    DEFAULT_MIN_COSINE,
    DEFAULT_PER_SENTENCE,
    candidate_pairs,
)
from store.linking.document_pairs import (
    DEFAULT_PER_DOCUMENT,
    document_pair_candidates,
    union_pairs,
)
from store.linking.features import DocInput, LinkCorpus, build_corpus, default_workers
from store.linking.learning import Learned, decided_pairs, learn_mix
from store.linking.normalize import Stemmer, language_of
from store.linking.pair_threads import pair_threads
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
    ScoreWeights,
    components,
    document_cosines,
    evidence_scale,
    fused_scores,
    looks_like_chance,
    score_pairs,
    shared_likeness,
    word_overlap,
)
from store.linking.storing import _changes as _changes
from store.linking.storing import _new_rows as _new_rows
from store.linking.storing import store_suggestions

DEFAULT_TOP_K = 3
# An annotator reviews a handful of matches per sentence; in a large corpus the
# top K of every other document would be thousands of mostly weak suggestions.
DEFAULT_MAX_PER_SENTENCE = 30
DEFAULT_CHANCE_PER_SENTENCE = 1
# Candidates per sentence that get the full score (the best by word overlap and
# evidence; a pair counts when either sentence ranks it this high). The rest
# would mostly fall below the top K per document or the floor anyway.
DEFAULT_SCORED_PER_SENTENCE = 20

# (done, total, stage)
Progress = Callable[[int, int, str], None]

# The tail of a link stopped while storing: batches already committed stay.
PARTLY_STORED = (
    "the suggestions were partly updated (decisions untouched); claimdesk link again completes them"
)


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
    # Accepted links whose documents' other pairs were re-weighted (store.linking.alignment).
    aligned: int = 0
    # Decided links between sentences that learning read (rejected ones too).
    decided: int = 0


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
    # Related documents whose every sentence pair is a candidate (0: words alone).
    document_partners: int = DEFAULT_PER_DOCUMENT
    # Fit the fused score's mix to the accepted and rejected links (store.linking.learning).
    learn: bool = True


def compute_suggestions(
    corpus: LinkCorpus,
    settings: LinkSettings = LinkSettings(),
    *,
    progress: Progress | None = None,
    report: LinkReport | None = None,
    accepted: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int, float]]:
    """``(i, j, score)`` with ``i < j``: each sentence's best K per other document, unioned.

    Only the candidates among a sentence's ``scored_per_sentence`` best by word
    overlap get the full score; the others are not suggested. ``accepted`` (index
    pairs of accepted links) re-weights the other pairs of their two documents
    (:mod:`store.linking.alignment`).
    """
    # The chunked pair stages run on ``workers`` threads (store.linking.pair_threads):
    # the same chunks, so the same results, as on one.
    with pair_threads(settings.workers):
        return _computed(corpus, settings, progress=progress, report=report, accepted=accepted)


def _computed(
    corpus: LinkCorpus,
    settings: LinkSettings,
    *,
    progress: Progress | None,
    report: LinkReport | None,
    accepted: Sequence[tuple[int, int]],
) -> list[tuple[int, int, float]]:
    """:func:`compute_suggestions` within its thread setting."""
    if progress is not None:
        progress(0, 1, "finding candidates")
    pairs = candidate_pairs(
        corpus,
        min_cosine=settings.min_cosine,
        max_postings=settings.max_postings,
        per_sentence=settings.per_sentence,
        different_outlets=settings.different_outlets,
    )
    stories = document_pair_candidates(
        corpus,
        per_document=settings.document_partners,
        different_outlets=settings.different_outlets,
    )
    pairs = union_pairs(pairs, stories.pairs, len(corpus))
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
            # A story partner's pair shares few words by nature; there are at most
            # MAX_PAIRS of them (store.linking.document_pairs).
            best |= stories.of(pairs)
            del strength
            pairs, words = pairs[best], (words[0][best], words[1][best])
        if report is not None:
            report.scored = len(pairs)
        # The floor needs only the sentences' likeness; the document factor (the
        # costliest part) is computed for the pairs that pass it.
        parts = components(corpus, pairs, documents=False, words=words)
        del words
        mix = settings.weights.mix
        likeness = shared_likeness(parts, evidence_scale(corpus), mix)
        # Two reports of one story keep every pair: the annotator's match is among
        # them even when a paraphrase or a second language leaves its likeness low.
        keep = (likeness >= settings.floor) | stories.of(pairs)
        del likeness
        pairs, parts = pairs[keep], _kept_rows(parts, keep)
        del keep
        parts[:, 5] = document_cosines(corpus, pairs)
        scores = fused_scores(parts, evidence_scale(corpus), mix=mix)
        # A copy: a view of the column would keep all of ``parts`` alive to the end.
        char_cosine = parts[:, 1].copy()
        del parts
    else:
        scores = score_pairs(corpus, pairs, settings.weights)
        keep = scores >= settings.floor
        pairs, scores = pairs[keep], scores[keep]
        char_cosine = np.zeros(len(pairs), dtype=np.float64)
    count = len(pairs)
    if count == 0:
        return []
    if accepted:
        scores = placed_scores(scores, document_positions(corpus), accepted, pairs)
    chosen = top_per_document(pairs, scores, document_positions(corpus), settings.top_k)
    # Pairs of two reports of one story are never crowded out or taken for chance:
    # they are what the annotator links, and a paraphrase scores low.
    related = stories.of(pairs)
    if settings.max_per_sentence is not None:
        chosen &= best_per_sentence(pairs, scores, chosen, settings.max_per_sentence) | related
    if settings.chance_per_sentence is not None:
        # A pair under the threshold that shares no number, date or name and at most
        # one word looks like chance; a large corpus has millions of those. Each
        # sentence keeps only its best few of them. A pair the character n-grams
        # support (a shared compound part) is not chance, whatever its words.
        candidates = np.flatnonzero(chosen & ~related)
        chance = np.zeros(count, dtype=bool)
        chance[candidates] = looks_like_chance(
            corpus,
            pairs[candidates],
            scores[candidates],
            char_cosine[candidates],
            settings.threshold,
        )
        chosen &= ~chance | best_per_sentence(pairs, scores, chance, settings.chance_per_sentence)
    if progress is not None:
        progress(1, 1, "scoring")
    # Column by column: no list per pair on the way (a million of them at scale).
    pairs, scores = pairs[chosen], scores[chosen]
    return list(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), scores.tolist(), strict=True))


def _kept_rows(
    parts: npt.NDArray[np.float64], keep: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """``parts[keep]`` moved to the top of ``parts`` a column at a time, without a second copy.

    ``parts`` is the largest array of a run (seven columns per fully scored pair); a
    copy of its kept rows beside it was the peak of linking's memory.
    """
    rows = np.flatnonzero(keep)
    for column in range(parts.shape[1]):
        # The kept rows ascend, so no row is overwritten before it is read.
        parts[: len(rows), column] = parts[rows, column]
    return parts[: len(rows)]


def load_documents(
    db: sqlite_utils.Database, doc_ids: Sequence[int] | None = None
) -> list[DocInput]:
    """The documents to link (all when ``doc_ids`` is None) with their prose sentences.

    Boilerplate sentences (see :mod:`store.boilerplate`) are left out: never suggested.
    """
    sql = "SELECT id, outlet, language, text, published FROM documents"
    params: list[object] = []
    if doc_ids is not None:
        sql += " WHERE id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(doc_ids)))
    sql += " ORDER BY id"
    documents = []
    for doc_id, outlet, language, text, published in db.conn.execute(sql, params).fetchall():
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
                published=published,
            )
        )
    return documents


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
    accepted: list[tuple[int, int]] = []
    if settings.learn:
        # Read once: they fit the mix and place the pairs around them.
        decided = decided_pairs(db, corpus)
        pairs, was_accepted, _reasons = decided
        accepted = [(int(i), int(j)) for i, j in pairs[was_accepted].tolist()]
        report.aligned = len(accepted)
        report.decided = len(pairs)
        if settings.weights.fused:
            report.learned = learn_mix(corpus, decided)
            if report.learned is not None:
                weights = replace(settings.weights, mix=report.learned.after)
                settings = replace(settings, weights=weights)
    selected = compute_suggestions(
        corpus, settings, progress=progress, report=report, accepted=accepted
    )
    report.suggestions = len(selected)
    storing = time.perf_counter()
    try:
        store_suggestions(
            db,
            corpus,
            selected,
            scope=None if doc_ids is None else list(doc_ids),
            report=report,
            progress=progress,
        )
    except KeyboardInterrupt:
        # Stored in short transactions so that annotators keep working: some batches are
        # in. Decisions are never touched, and a rerun brings the rest.
        raise KeyboardInterrupt(PARTLY_STORED) from None
    except StoreUnwritable as error:
        # A full disk after some batches: "nothing was changed" was false.
        raise StoreUnwritable(stopped_part_way(error, PARTLY_STORED)) from error
    report.store_seconds = time.perf_counter() - storing
    report.seconds = time.perf_counter() - started
    return report
