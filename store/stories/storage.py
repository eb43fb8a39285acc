"""Stories in the database: recomputation, annotators' corrections, and reading.

| table                | holds                                                         |
|----------------------|---------------------------------------------------------------|
| ``document_stories`` | per document: the algorithm's group (``computed``) and the    |
|                      | story in effect (``story_id``)                                |
| ``story_pins``       | annotators' decisions: this document is in this story         |
| ``stories``          | each story in effect with its label                           |

| caller                                  | calls                                      |
|-----------------------------------------|--------------------------------------------|
| ``claimdesk import`` / ``claimdesk link`` | :func:`refresh_stories` (text, links, dates) |
| ``Session.move_to_story`` and friends   | :mod:`store.stories.corrections`           |
| every write above, undo and redo        | :func:`apply_pins` (no text work: cheap)    |

Corrections win: a pinned document stays in its pinned story whatever the
algorithm says, and an unpinned document that the algorithm groups with pinned ones
joins the story most of them are pinned to.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from store.clock import now
from store.db import write
from store.stories.cluster import DEFAULT_THRESHOLD
from store.stories.detect import StoryInput, detect_stories
from store.stories.label import story_label, title_frequency

# A suggested link counts as evidence of one story from this score on. The linker's
# "likely the same fact" threshold (0.12) is too low for it: on the real corpus, once
# linked, suggestions between 0.12 and 0.2 mostly join articles that name the same
# people in different matters, and counting them put 15 of 65 stories across topic
# categories. 0.2 is the lowest score that keeps that share under 10%
# (``benchmarks/stories_quality.py``, "real corpus, linked"). Accepted links always count.
LINK_EVIDENCE_SCORE = 0.2


def story_id_for(source_name: str) -> str:
    """A stable id for the story whose first document (by source name) is ``source_name``."""
    return "story-" + hashlib.sha256(source_name.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class RefreshReport:
    documents: int
    stories: int
    multi_document: int
    changed: int
    seconds: float


def link_share(
    db: sqlite_utils.Database, index: dict[int, int], evidence: float = LINK_EVIDENCE_SCORE
) -> dict[tuple[int, int], float]:
    """Share of the shorter document's sentences with a likely or accepted link to the other."""
    sentences = dict(
        db.conn.execute("SELECT doc_id, count(*) FROM sentences GROUP BY doc_id").fetchall()
    )
    rows = db.conn.execute(
        "SELECT a_doc, b_doc, count(DISTINCT a_start), count(DISTINCT b_start) FROM ("
        " SELECT a_doc, a_start, b_doc, b_start FROM links"
        " WHERE status = 'accepted' OR (status = 'suggested' AND score >= ?)"
        # Undecided suggestions (schema 10); no quote is read.
        " UNION ALL SELECT a_doc, a_start, b_doc, b_start FROM suggested_links"
        " WHERE score >= ?)"
        " GROUP BY a_doc, b_doc",
        [evidence, evidence],
    )
    share: dict[tuple[int, int], float] = {}
    for a, b, a_linked, b_linked in rows:
        if a not in index or b not in index:
            continue
        shorter = min(sentences.get(a, 1), sentences.get(b, 1)) or 1
        key = (min(index[a], index[b]), max(index[a], index[b]))
        share[key] = max(share.get(key, 0.0), min(a_linked, b_linked) / shorter)
    return share


def refresh_stories(
    db: sqlite_utils.Database, *, threshold: float = DEFAULT_THRESHOLD
) -> RefreshReport:
    """Recompute the stories of every document, then apply the annotators' pins.

    Reads happen outside the write lock; only rows whose group changed are written.
    """
    started = time.perf_counter()
    rows = db.conn.execute(
        "SELECT id, source_name, outlet, title, published, language, text FROM documents"
        " ORDER BY source_name"
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    inputs = [StoryInput(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    detection = detect_stories(inputs, link_share(db, index), threshold=threshold)
    # Documents are in source-name order, so a group's number is its first name's index.
    computed = {ids[i]: story_id_for(inputs[g].source_name) for i, g in enumerate(detection.groups)}
    # Labelling every story costs ~1.3 s of CPU at 10,000 documents: done here, before the
    # write lock, for the stories as they will most likely be; inside, only stories whose
    # members differ by then (an annotator's pin meanwhile) are labelled again.
    labelled = _label_in_advance(db, computed)
    with write(db):
        before = dict(db.conn.execute("SELECT doc_id, computed FROM document_stories").fetchall())
        changed = [(doc, group) for doc, group in computed.items() if before.get(doc) != group]
        db.conn.executemany(
            "INSERT INTO document_stories (doc_id, computed, story_id) VALUES (?, ?, ?)"
            " ON CONFLICT(doc_id) DO UPDATE SET computed = excluded.computed",
            [(doc, group, group) for doc, group in changed],
        )
        apply_pins(db, labelled)
        counts = Counter(
            r[0] for r in db.conn.execute("SELECT story_id FROM document_stories").fetchall()
        )
    return RefreshReport(
        documents=len(ids),
        stories=len(counts),
        multi_document=sum(1 for n in counts.values() if n > 1),
        changed=len(changed),
        seconds=time.perf_counter() - started,
    )


def apply_pins(db: sqlite_utils.Database, labelled: Labelled | None = None) -> None:
    """Set every document's story in effect from the computed groups and the pins.

    Runs inside the caller's write transaction; touches only rows that change.
    ``labelled`` holds labels worked out in advance (:func:`_label_in_advance`).
    """
    rows = db.conn.execute(
        "SELECT ds.doc_id, ds.computed, ds.story_id, p.story_id FROM document_stories ds"
        " LEFT JOIN story_pins p ON p.doc_id = ds.doc_id"
    ).fetchall()
    wanted = _in_effect([(doc, group, pin) for doc, group, _current, pin in rows])
    updates = [(wanted[doc], doc) for doc, _group, current, _pin in rows if wanted[doc] != current]
    db.conn.executemany("UPDATE document_stories SET story_id = ? WHERE doc_id = ?", updates)
    _write_labels(db, labelled)


def _in_effect(rows: list[tuple[int, str, str | None]]) -> dict[int, str]:
    """Each document's story in effect, from ``(doc, computed group, pinned story)``."""
    pinned_in_group: dict[str, Counter[str]] = {}
    for _doc, group, pin in rows:
        if pin is not None:
            pinned_in_group.setdefault(group, Counter())[pin] += 1
    wanted: dict[int, str] = {}
    for doc, group, pin in rows:
        if pin is not None:
            wanted[doc] = pin
        elif group in pinned_in_group:
            # Join the story most of the group's pinned documents are in.
            wanted[doc] = min(pinned_in_group[group].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            wanted[doc] = group
    return wanted


# Untitled articles (some corpora store none) are labelled from their opening words.
_LABEL_SOURCE = (
    "SELECT {story}, coalesce(d.title, substr(d.text, 1, 160)), d.source_name FROM {tables}"
    " ORDER BY d.source_name"
)
Members = tuple[tuple[str | None, str], ...]


@dataclass(slots=True)
class Labelled:
    """Story labels worked out ahead: the titles they were counted over, and by members."""

    titles: list[str | None]
    frequency: Counter[str]
    by_members: dict[Members, str]


def _label_in_advance(db: sqlite_utils.Database, computed: dict[int, str]) -> Labelled:
    """Labels of the stories that ``computed`` and the current pins give, read without a lock."""
    pins = dict(db.conn.execute("SELECT doc_id, story_id FROM story_pins").fetchall())
    wanted = _in_effect([(doc, group, pins.get(doc)) for doc, group in computed.items()])
    rows = [
        (wanted[doc], title, name)
        for doc, title, name in db.conn.execute(
            _LABEL_SOURCE.format(story="d.id", tables="documents d")
        ).fetchall()
        if doc in wanted
    ]
    titles = [r[1] for r in rows]
    labelled = Labelled(titles, title_frequency(titles), {})
    for docs in _members(rows).values():
        labelled.by_members[docs] = _label(docs, labelled.frequency, len(rows))
    return labelled


def _members(rows: list[tuple[str, str | None, str]]) -> dict[str, Members]:
    grouped: dict[str, list[tuple[str | None, str]]] = {}
    for story, title, name in rows:
        grouped.setdefault(story, []).append((title, name))
    return {story: tuple(docs) for story, docs in grouped.items()}


def _label(docs: Members, frequency: Counter[str], total: int) -> str:
    return story_label([t for t, _ in docs], frequency, total, docs[0][1])


def _write_labels(db: sqlite_utils.Database, labelled: Labelled | None = None) -> None:
    rows = db.conn.execute(
        _LABEL_SOURCE.format(
            story="ds.story_id",
            tables="document_stories ds JOIN documents d ON d.id = ds.doc_id",
        )
    ).fetchall()
    titles = [r[1] for r in rows]
    # A label depends only on its story's titles and names, the titles' word counts and
    # how many documents there are: one worked out ahead over the same titles is reused.
    if labelled is not None and labelled.titles != titles:
        labelled = None
    frequency = title_frequency(titles) if labelled is None else labelled.frequency
    known = {} if labelled is None else labelled.by_members
    old = dict(db.conn.execute("SELECT id, label FROM stories").fetchall())
    labels = {
        story: known.get(docs) or _label(docs, frequency, len(rows))
        for story, docs in _members(rows).items()
    }
    gone = [(story,) for story in old if story not in labels]
    db.conn.executemany("DELETE FROM stories WHERE id = ?", gone)
    stamp = now()
    db.conn.executemany(
        "INSERT INTO stories (id, label, computed_at) VALUES (?, ?, ?) ON CONFLICT(id)"
        " DO UPDATE SET label = excluded.label, computed_at = excluded.computed_at",
        [(story, label, stamp) for story, label in labels.items() if old.get(story) != label],
    )


def story_summary(report: RefreshReport) -> str:
    """The one line ``import`` and ``link`` print after recomputing the stories."""
    return (
        f"stories: {report.multi_document} of two or more documents among"
        f" {report.documents} document(s); {report.changed} document(s) regrouped"
        f" ({report.seconds:.1f} s)"
    )
