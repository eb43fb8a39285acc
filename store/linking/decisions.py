"""Annotators' decisions on links: accept, reject, link by hand, and what to review next.

Every write takes an :class:`store.changelog.Action`, so each decision is one
user action in the change log and ``Session.undo()`` reverses it (including a
span created on acceptance).

| caller       | calls                                                           |
|--------------|-----------------------------------------------------------------|
| reader panel | :func:`suggestions_for`, :func:`accept_link`, :func:`reject_link` |
| manual link  | :func:`link_spans`                                              |
| review queue | :func:`review_queue`, :func:`accept_link`, :func:`reject_link`  |

The reader panel and the review queue pass the status they showed (``expected``): a
link another annotator decided in the meantime is refused with
:class:`DecidedMeanwhile` instead of overwritten. Imports and scripts pass none and
re-decide on purpose.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlite_utils

from store import spans
from store.changelog import Action, last_changed_by, named
from store.clock import now
from store.errors import ClaimdeskError, NotFound
from store.formats.metadata import clean_value
from store.formats.normalize import shows_text
from store.formats.titles import bounded
from store.linking.alignment import placed_scores
from store.linking.features import DocInput, LinkCorpus, build_corpus
from store.linking.normalize import language_of
from store.linking.score import (
    DEFAULT_WEIGHTS,
    ScoreWeights,
    components,
    evidence_scale,
    fused_scores,
    looks_like_chance,
    round_score,
    score_pairs,
)
from store.migrations import SUGGESTION_ID_PREFIX
from store.model import Link, LinkStatus

LINK_COLUMNS = (
    "id",
    "a_doc",
    "a_start",
    "a_end",
    "a_quote",
    "a_span",
    "b_doc",
    "b_start",
    "b_end",
    "b_quote",
    "b_span",
    "status",
    "score",
    "method",
    "reason",
    "annotator",
    "created_at",
    "updated_at",
)
# A claim as (document id, start, end).
Claim = tuple[int, int, int]


def stored_order(a: Claim, b: Claim) -> tuple[Claim, Claim]:
    """The two claims of a pair in the order ``links`` and ``suggestions`` keep them.

    One order for every writer and reader, so a pair is one key whichever side the
    annotator started from.
    """
    return (a, b) if a <= b else (b, a)


# Every column of a link, from ``links`` under the name ``l``.
SELECT_LINKS = "SELECT " + ", ".join(f'l."{c}"' for c in LINK_COLUMNS) + " FROM links l"
# The same columns for the undecided suggestions (the ``suggested_links`` view over the
# compact ``suggestions`` table, schema 10: quotes read from the documents' text).
SELECT_SUGGESTED = (
    "SELECT " + ", ".join(f'l."{c}"' for c in LINK_COLUMNS) + " FROM suggested_links l"
)
# The suggestions a review offers, for ``suggested_links l``: undecided, and neither
# side boilerplate (a side can become boilerplate after the suggestion was stored).
OFFERED = (
    "l.status = 'suggested' AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.boilerplate = 1"
    " AND ((s.doc_id = l.a_doc AND s.start = l.a_start)"
    " OR (s.doc_id = l.b_doc AND s.start = l.b_start)))"
)
# Best first, in the order of the suggestions_review index (score, then the pair).
REVIEW_ORDER = (
    " ORDER BY l.score DESC, l.a_doc DESC, l.a_start DESC, l.a_end DESC,"
    " l.b_doc DESC, l.b_start DESC, l.b_end DESC"
)
_PAIR = (
    "l.a_doc = ? AND l.a_start = ? AND l.a_end = ?"
    " AND l.b_doc = ? AND l.b_start = ? AND l.b_end = ?"
)
PairKey = tuple[int, int, int, int, int, int]


def suggestion_id(key: PairKey) -> str:
    """The id a suggestion goes by (and its decision keeps): its pair, spelled out."""
    return SUGGESTION_ID_PREFIX + ":".join(str(part) for part in key)


def suggestion_key(link_id: str) -> PairKey | None:
    """The pair a suggestion id names, or None for the id of a link stored in ``links``."""
    if not link_id.startswith(SUGGESTION_ID_PREFIX):
        return None
    parts = link_id[len(SUGGESTION_ID_PREFIX) :].split(":")
    # ASCII digits only: isdigit() is also true of "²", which int() refuses.
    if len(parts) != 6 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    a_doc, a_start, a_end, b_doc, b_start, b_end = (int(part) for part in parts)
    return (a_doc, a_start, a_end, b_doc, b_start, b_end)


def _link(row: Sequence[Any]) -> Link:
    return Link(*row)


def _stored_link(db: sqlite_utils.Database, link_id: str) -> tuple[Link, bool]:
    """The link ``link_id`` and whether it is a row of ``links`` (else an undecided suggestion)."""
    row = db.conn.execute(SELECT_LINKS + " WHERE id = ?", [link_id]).fetchone()
    if row is not None:
        return _link(row), True
    key = suggestion_key(link_id)
    if key is not None:
        row = db.conn.execute(f"{SELECT_SUGGESTED} WHERE {_PAIR}", key).fetchone()
        if row is not None:
            return _link(row), False
    raise NotFound(f"link {link_id} does not exist")


def get_link(db: sqlite_utils.Database, link_id: str) -> Link:
    """A decided link, or an undecided suggestion (its id names its pair)."""
    return _stored_link(db, link_id)[0]


def find_link(
    db: sqlite_utils.Database, a: tuple[int, int, int], b: tuple[int, int, int]
) -> Link | None:
    """The stored link or suggestion between two (doc, start, end) claims, either orientation."""
    for first, second in ((a, b), (b, a)):
        row = db.conn.execute(
            SELECT_LINKS + " WHERE a_doc = ? AND a_start = ? AND a_end = ?"
            " AND b_doc = ? AND b_start = ? AND b_end = ?",
            [*first, *second],
        ).fetchone()
        if row is not None:
            return _link(row)
    return _suggestion_between(db, a, b)


def _suggestion_between(
    db: sqlite_utils.Database, a: tuple[int, int, int], b: tuple[int, int, int]
) -> Link | None:
    """The undecided suggestion between two claims, looked up by its key.

    By key, not by side: the suggestions table has no index by its side b (one
    more B-tree in random order made storing a million suggestions much dearer).
    """
    first, second = stored_order(a, b)
    row = db.conn.execute(f"{SELECT_SUGGESTED} WHERE {_PAIR}", [*first, *second]).fetchone()
    return None if row is None else _link(row)


class DecidedMeanwhile(ClaimdeskError):
    """A decision on a link that someone decided (or undid) after the caller showed it."""

    def __init__(self, message: str, who: str = "someone", did: str = "decided") -> None:
        super().__init__(message)
        # The refusal's parts, for a screen that says it without the quotes: "bob", "already
        # accepted".
        self.who = who
        self.did = did


def _check_seen(action: Action, link: Link, expected: LinkStatus | None) -> None:
    """Refuse when ``link`` is no longer in the state the annotator decided on.

    Two annotators had one suggestion on screen; the one who pressed second (19 ms
    later) overwrote the other's accept with a reject, and nobody was told.
    """
    refusal = changed_since_shown(action.db, link, expected, action.annotator)
    if refusal is not None:
        raise refusal


def others_linking(db: sqlite_utils.Database, span_id: str, annotator: str) -> list[str]:
    """Who else's decided links use the span ``span_id`` (by name, each once).

    Deleting it left their link without a span in every export (undo already refuses it,
    see ``changelog._refuse_linked_span``)."""
    rows = db.conn.execute(
        "SELECT DISTINCT coalesce(annotator, 'someone') FROM links"
        " WHERE (a_span = ? OR b_span = ?) AND coalesce(annotator, '') <> ? ORDER BY 1",
        [span_id, span_id, annotator],
    )
    return [str(name) for (name,) in rows]


def changed_since_shown(
    db: sqlite_utils.Database, link: Link, expected: LinkStatus | None, annotator: str
) -> DecidedMeanwhile | None:
    """Who decided ``link`` (as it is now) since it was shown as ``expected``, or None."""
    if expected is None or link.status == expected:
        return None
    who = link.annotator if link.status != "suggested" else None
    who = who or last_changed_by(db, "links", {"id": link.id})
    if who is None:
        who = "someone"
    elif who == annotator:
        # The same name in another window or process: still not this screen's decision.
        who = "you"
    what = named("links", {"a_quote": link.a_quote, "b_quote": link.b_quote})
    if link.status == "suggested":
        return DecidedMeanwhile(f"{who} undid the decision on {what}", who, "undid the decision")
    return DecidedMeanwhile(f"{who} already {link.status} {what}", who, f"already {link.status}")


def _update(action: Action, link: Link, changes: dict[str, Any]) -> Link:
    if not action.update("links", link.id, link, changes):
        return link
    return get_link(action.db, link.id)


def _decide(action: Action, link: Link, stored: bool, changes: dict[str, Any]) -> Link:
    """Apply a decision: to the row in ``links``, or as a new row for a suggestion.

    A suggestion's decision is inserted under the suggestion's id and its row in
    ``suggestions`` is left alone (hidden while the decision exists), so undo,
    which deletes the decision, offers the suggestion again.
    """
    if stored:
        return _update(action, link, changes)
    stamp = now()
    values = {column: getattr(link, column) for column in LINK_COLUMNS if column != "id"} | changes
    values |= {"created_at": stamp, "updated_at": stamp}
    _insert_link(action, link.id, values)
    return get_link(action.db, link.id)


def _insert_link(action: Action, link_id: str, values: dict[str, Any]) -> None:
    columns = ["id", *values]
    action.db.execute(
        "INSERT INTO links ("
        + ", ".join(f'"{c}"' for c in columns)
        + ") VALUES ("
        + ", ".join("?" for _ in columns)
        + ")",
        [link_id, *values.values()],
    )
    action.record("links", {"id": link_id}, None, values)


def _live_span_at(
    db: sqlite_utils.Database,
    doc_id: int,
    start: int,
    end: int,
    label: str | None,
    annotator: str | None = None,
) -> str | None:
    """A live span exactly there: ``annotator``'s own first, else the earliest.

    The earliest alone tied alice's accepted link to bob's older span, and when bob
    deleted his, her link named nothing while her own span stood there."""
    sql = 'SELECT id FROM spans WHERE doc_id = ? AND start = ? AND "end" = ? AND deleted_at IS NULL'
    params: list[Any] = [doc_id, start, end]
    if label is not None:
        sql += " AND label = ?"
        params.append(label)
    sql += " ORDER BY annotator IS NOT ?, created_at LIMIT 1"
    params.append(annotator)
    row = db.conn.execute(sql, params).fetchone()
    return None if row is None else str(row[0])


def _attach_spans(
    action: Action,
    link: Link,
    label: str | None,
    named: dict[Claim, str | None] | None = None,
) -> dict[str, Any]:
    """Span ids for sides that have none: the span ``named`` for the side (a links file's,
    checked to be live exactly there), else an existing span at the offsets (the acting
    annotator's own first), or a new one."""
    changes: dict[str, Any] = {}
    for side in ("a", "b"):
        if getattr(link, f"{side}_span") is not None:
            continue
        doc_id, start, end = (getattr(link, f"{side}_{part}") for part in ("doc", "start", "end"))
        span_id = (named or {}).get((doc_id, start, end)) or _live_span_at(
            action.db, doc_id, start, end, label, action.annotator
        )
        if span_id is None and label is not None:
            span_id = spans.create_span(action, doc_id, start, end, label).id
        if span_id is not None:
            changes[f"{side}_span"] = span_id
    return changes


def accept_link(
    action: Action,
    link_id: str,
    *,
    create_span_label: str | None = None,
    expected: LinkStatus | None = None,
    named_spans: dict[Claim, str | None] | None = None,
) -> Link:
    """Mark the link accepted; with ``create_span_label``, give each side a span of that label.

    A side that already has a live span at exactly its offsets is tied to it; with
    a label, a side without one gets a new span, so the claim in the other document
    is marked the same way as the one the annotator started from. With ``expected``
    (the status the caller showed), a link whose status is another by now is refused
    (:class:`DecidedMeanwhile`) and nothing is written.
    """
    link, stored = _stored_link(action.db, link_id)
    _check_seen(action, link, expected)
    changes: dict[str, Any] = {
        "status": "accepted",
        "annotator": action.annotator,
        "reason": None,
    }
    changes |= _attach_spans(action, link, create_span_label, named_spans)
    return _decide(action, link, stored, changes)


REASON_LIMIT = 200
"""Longest rejection reason kept: the review keys store one word, a free text a phrase."""


def stored_reason(reason: str | None) -> str | None:
    """A rejection's reason as stored: one line without controls, NFC, bounded.

    Reasons come from files too (``import-links`` keeps an imported ``reason``), where an
    escape sequence or 100,000 characters were stored as given.
    """
    return bounded(clean_value(reason), REASON_LIMIT)


def reject_link(
    action: Action,
    link_id: str,
    reason: str | None = None,
    *,
    expected: LinkStatus | None = None,
) -> Link:
    """Mark the link rejected: the linker will never suggest this pair again.

    ``expected`` is checked as by :func:`accept_link`.
    """
    link, stored = _stored_link(action.db, link_id)
    _check_seen(action, link, expected)
    return _decide(
        action,
        link,
        stored,
        {
            "status": "rejected",
            "annotator": action.annotator,
            "reason": stored_reason(reason),
        },
    )


def link_spans(
    action: Action,
    a: tuple[int, int, int],
    b: tuple[int, int, int],
    *,
    status: LinkStatus = "accepted",
    reason: str | None = None,
    create_span_label: str | None = None,
    score: float | None = None,
    expected: LinkStatus | None = None,
    span_ids: tuple[str | None, str | None] = (None, None),
) -> Link:
    """Link two (doc, start, end) claims by hand; an existing link between them is updated.

    ``span_ids``: the live spans a new accepted link's sides are tied to (``a``'s, then
    ``b``'s), as a links file names them; a side without one is tied to a live span at
    its offsets, as ever.

    ``score`` is the pair's :func:`claim_score` when the caller has it already (computed
    outside the write transaction, which scoring would otherwise hold). ``expected`` is
    the status the caller showed, ``"suggested"`` for none: an existing link decided
    otherwise is refused as by :func:`accept_link`.
    """
    if a[0] == b[0]:
        raise ClaimdeskError("a link joins claims in two different documents")
    if status not in ("accepted", "rejected"):
        raise ClaimdeskError(f"a manual link is accepted or rejected, not {status!r}")
    existing = find_link(action.db, a, b)
    named: dict[Claim, str | None] = {a: span_ids[0], b: span_ids[1]}
    for side, claim in (("first", a), ("second", b)):
        # Every link is made here (import-links, the reader): a side of blank text is no
        # claim, and pairs exported it as a positive sentence pair ("\n\n", " "). One
        # stored before this rule may still be rejected.
        if existing is not None and status == "rejected":
            break
        if not shows_text(spans.document_slice(action.db, *claim)):
            raise ClaimdeskError(
                f"a link joins two claims: its {side} side shows nothing (whitespace or"
                " invisible characters only)"
            )
    if existing is not None:
        if status == "accepted":
            return accept_link(
                action,
                existing.id,
                create_span_label=create_span_label,
                expected=expected,
                named_spans=named,
            )
        return reject_link(action, existing.id, reason, expected=expected)
    first, second = stored_order(a, b)
    quote_a = spans.document_slice(action.db, *first)
    quote_b = spans.document_slice(action.db, *second)
    stamp = now()
    values: dict[str, Any] = {
        "a_doc": first[0],
        "a_start": first[1],
        "a_end": first[2],
        "a_quote": quote_a,
        "a_span": None,
        "b_doc": second[0],
        "b_start": second[1],
        "b_end": second[2],
        "b_quote": quote_b,
        "b_span": None,
        "status": status,
        # Scored like a suggestion, so every link in an export carries a number.
        "score": claim_score(action.db, first, second) if score is None else score,
        "method": "manual",
        "reason": stored_reason(reason),
        "annotator": action.annotator,
        "created_at": stamp,
        "updated_at": stamp,
    }
    link = Link(id=uuid.uuid4().hex, **values)
    if status == "accepted":
        values |= _attach_spans(action, link, create_span_label, named)
    _insert_link(action, link.id, values)
    return get_link(action.db, link.id)


def review_queue(
    db: sqlite_utils.Database,
    *,
    limit: int = 100,
    min_score: float | None = None,
    doc_ids: Sequence[int] | None = None,
    after: tuple[float, str] | None = None,
) -> list[Link]:
    """Suggestions still to decide, best first; ``after=(score, id)`` pages on."""
    sql = f"{SELECT_SUGGESTED} WHERE {OFFERED}"
    params: list[Any] = []
    if min_score is not None:
        sql += " AND l.score >= ?"
        params.append(min_score)
    if doc_ids is not None:
        sql += (
            " AND l.a_doc IN (SELECT value FROM json_each(?))"
            " AND l.b_doc IN (SELECT value FROM json_each(?))"
        )
        params += [json.dumps(list(doc_ids))] * 2
    if after is not None:
        key = suggestion_key(after[1])
        if key is None:
            sql += " AND l.score < ?"
            params.append(after[0])
        else:
            sql += (
                " AND (l.score, l.a_doc, l.a_start, l.a_end, l.b_doc, l.b_start, l.b_end)"
                " < (?, ?, ?, ?, ?, ?, ?)"
            )
            params += [after[0], *key]
    sql += REVIEW_ORDER + " LIMIT ?"
    params.append(limit)
    return [_link(row) for row in db.conn.execute(sql, params)]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate match for a claim: a sentence in another document, and any decision on it."""

    doc_id: int
    source_name: str
    outlet: str | None
    start: int
    end: int
    quote: str
    score: float
    status: LinkStatus | None
    link_id: str | None


def _live_scores(
    corpus: LinkCorpus, weights: ScoreWeights
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The score of the claim (sentence 0) with every other sentence, and which look like chance."""
    others = np.arange(1, len(corpus), dtype=np.int64)
    pairs = np.stack([np.zeros_like(others), others], axis=1)
    if not weights.fused:
        scores = score_pairs(corpus, pairs, weights)
        return scores, np.zeros(len(pairs), dtype=bool)
    parts = components(corpus, pairs)
    scores = fused_scores(parts, evidence_scale(corpus), mix=weights.mix)
    return scores, looks_like_chance(corpus, pairs, scores, parts[:, 1])


def _placed_by_decisions(
    db: sqlite_utils.Database,
    corpus: LinkCorpus,
    claim: tuple[int, int, int],
    scores: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The claim's ``scores`` with every other sentence, reshaped by
    :func:`store.linking.alignment.placed_scores`.

    The claim's document is not in ``corpus`` beyond the claim: its accepted links
    with the other documents place the claim among them by their offsets. Links with a
    third document count too, through the pairs they imply (a claim linked to a report
    that is linked to a shown one): every accepted link touching the claim's document
    or a shown one is read, so chains of two links are followed, not longer ones.
    """
    others = {ref.doc_id for ref in corpus.refs[1:]}
    touching = json.dumps(sorted({claim[0], *others}))
    links = [
        ((a_doc, a_start, a_end), (b_doc, b_start, b_end))
        for a_doc, a_start, a_end, b_doc, b_start, b_end in db.conn.execute(
            "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end FROM links"
            " WHERE status = 'accepted' AND a_doc <> b_doc"
            " AND (a_doc IN (SELECT value FROM json_each(?))"
            " OR b_doc IN (SELECT value FROM json_each(?)))",
            [touching, touching],
        )
    ]
    if not links:
        return scores
    candidates = [(ref.doc_id, ref.start, ref.end) for ref in corpus.refs[1:]]
    # One index space in text order per document, as placed_scores expects.
    keys = sorted({claim, *candidates, *(side for link in links for side in link)})
    index = {key: position for position, key in enumerate(keys)}
    document = np.asarray([key[0] for key in keys], dtype=np.int64)
    accepted = [(index[a], index[b]) for a, b in links]
    pairs = np.asarray([(index[claim], index[key]) for key in candidates], dtype=np.int64)
    return placed_scores(scores, document, accepted, pairs.reshape(-1, 2))


def suggestions_for(
    db: sqlite_utils.Database,
    doc_id: int,
    start: int,
    end: int,
    other_doc_ids: Sequence[int],
    k: int = 3,
    *,
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> list[Suggestion]:
    """The best ``k`` sentences in each other document for the claim at ``start:end``, best first.

    Scored live against the other documents' sentences (weights computed on the
    documents involved), so it works before ``claimdesk link`` has run and for spans
    that are not whole sentences. Decided links touching the claim are included
    with their status even when they fall outside the top ``k``. A sentence that
    shares nothing with the claim (score 0) is not offered.
    """
    spans.document_slice(db, doc_id, start, end)
    others = [o for o in dict.fromkeys(other_doc_ids) if o != doc_id]
    inputs = [_claims_input(db, doc_id, [(doc_id, start, end)])]
    names: dict[int, tuple[str, str | None]] = {}
    for other in others:
        row = _doc_row(db, other)
        names[other] = (row[0], row[1])
        inputs.append(
            DocInput(
                other,
                row[1],
                language_of(row[2], row[3][:2000]),
                row[3],
                _sentences(db, other),
                published=row[4],
            )
        )
    corpus = build_corpus(inputs)
    decided = _decided_links(db, doc_id, start, end, others)
    scores, chance = _live_scores(corpus, weights)
    # Where the annotator has matched already places the claim (store.linking.alignment).
    scores = _placed_by_decisions(db, corpus, (doc_id, start, end), scores)
    found: list[Suggestion] = []
    for other in others:
        scored = sorted(
            (
                (round_score(float(scores[j - 1])), j)
                for j, ref in enumerate(corpus.refs)
                if ref.doc_id == other
            ),
            key=lambda item: (-item[0], corpus.refs[item[1]].start),
        )[:k]
        for score, j in scored:
            ref = corpus.refs[j]
            stored = decided.pop((other, ref.start, ref.end), None)
            if stored is None:
                suggested = _suggestion_between(
                    db, (doc_id, start, end), (other, ref.start, ref.end)
                )
                if suggested is not None:
                    stored = (suggested.id, "suggested", suggested.score, "")
            if stored is None and (score <= 0.0 or chance[j - 1]):
                # Nothing in common but some likeness of letters: ranked, such rows
                # read as the linker's opinion although they are noise, as
                # `claimdesk link` treats them. The document stays open beside the
                # claim for linking by hand.
                continue
            found.append(
                Suggestion(
                    other,
                    names[other][0],
                    names[other][1],
                    ref.start,
                    ref.end,
                    corpus.quotes[j],
                    score,
                    None if stored is None else stored[1],
                    None if stored is None else stored[0],
                )
            )
    for (other, o_start, o_end), (link_id, status, stored_score, quote) in decided.items():
        # Outside the live top k only decisions are added: a stored suggestion that
        # live scoring no longer ranks among the best is not worth a row.
        if status == "suggested":
            continue
        found.append(
            Suggestion(
                other,
                names[other][0],
                names[other][1],
                o_start,
                o_end,
                quote,
                stored_score or 0.0,
                status,
                link_id,
            )
        )
    found.sort(key=lambda s: (-s.score, s.doc_id, s.start))
    return found


def _claims_input(db: sqlite_utils.Database, doc_id: int, claims: Sequence[Claim]) -> DocInput:
    """The document with ``claims`` as its first sentences (each not again later)."""
    _name, outlet, language, text, published = _doc_row(db, doc_id)
    exclude = {(start, end) for _doc, start, end in claims}
    return DocInput(
        doc_id,
        outlet,
        language_of(language, text[:2000]),
        text,
        [
            *((None, start, end) for _doc, start, end in claims),
            *_sentences(db, doc_id, exclude=exclude),
        ],
        published=published,
    )


def claim_score(
    db: sqlite_utils.Database,
    a: tuple[int, int, int],
    b: tuple[int, int, int],
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> float:
    """The linker's score for two claims, with token weights taken from their two documents."""
    return claim_scores(db, [(a, b)], weights)[(a, b)]


def claim_scores(
    db: sqlite_utils.Database,
    pairs: Sequence[tuple[Claim, Claim]],
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> dict[tuple[Claim, Claim], float]:
    """:func:`claim_score` of many pairs, each pair of documents normalised once.

    An import of thousands of decisions scored each pair on its own, normalising both
    whole documents every time (28 ms a link). The claims of one pair of documents
    are all put first in the same two-document corpus instead. Where every one is an
    article sentence (not boilerplate) that corpus holds the same sentences and the
    scores are :func:`claim_score`'s; other claims shift the token weights a little
    (400 random pairs of sample-corpus units, some boilerplate: 17 moved, by at most
    0.0012).
    """
    by_documents: dict[tuple[int, int], list[tuple[Claim, Claim]]] = {}
    for a, b in dict.fromkeys(pairs):
        if a[0] == b[0]:
            raise ClaimdeskError("a link joins claims in two different documents")
        by_documents.setdefault((a[0], b[0]), []).append((a, b))
    scores: dict[tuple[Claim, Claim], float] = {}
    for (doc_a, doc_b), group in by_documents.items():
        claims_a = list(dict.fromkeys(a for a, _b in group))
        claims_b = list(dict.fromkeys(b for _a, b in group))
        first, second = _claims_input(db, doc_a, claims_a), _claims_input(db, doc_b, claims_b)
        corpus = build_corpus([first, second])
        index_a = {claim: i for i, claim in enumerate(claims_a)}
        index_b = {claim: len(first.sentences) + i for i, claim in enumerate(claims_b)}
        rows = np.asarray([[index_a[a], index_b[b]] for a, b in group], dtype=np.int64)
        for pair, score in zip(group, score_pairs(corpus, rows, weights).tolist(), strict=True):
            scores[pair] = round_score(score)
    return scores


def _doc_row(
    db: sqlite_utils.Database, doc_id: int
) -> tuple[str, str | None, str | None, str, str | None]:
    """(source name, outlet, language, text, published) of one document."""
    row = db.conn.execute(
        "SELECT source_name, outlet, language, text, published FROM documents WHERE id = ?",
        [doc_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"document {doc_id} does not exist")
    return row[0], row[1], row[2], row[3], row[4]


def _sentences(
    db: sqlite_utils.Database, doc_id: int, exclude: Collection[tuple[int, int]] = ()
) -> list[tuple[int | None, int, int]]:
    rows = db.conn.execute(
        'SELECT id, start, "end" FROM sentences WHERE doc_id = ? AND boilerplate = 0'
        " ORDER BY start",
        [doc_id],
    )
    return [(i, s, e) for i, s, e in rows if (s, e) not in exclude]


def _decided_links(
    db: sqlite_utils.Database, doc_id: int, start: int, end: int, others: Sequence[int]
) -> dict[tuple[int, int, int], tuple[str, LinkStatus, float | None, str]]:
    """Stored links whose side in ``doc_id`` is exactly ``start:end``, keyed by the other side."""
    found: dict[tuple[int, int, int], tuple[str, LinkStatus, float | None, str]] = {}
    other_set = set(others)
    for side, other in (("a", "b"), ("b", "a")):
        rows = db.conn.execute(
            f"SELECT id, status, score, {other}_doc, {other}_start, {other}_end, {other}_quote"
            f" FROM links WHERE {side}_doc = ? AND {side}_start = ? AND {side}_end = ?",
            [doc_id, start, end],
        )
        for link_id, status, score, o_doc, o_start, o_end, quote in rows:
            if o_doc in other_set:
                found[(o_doc, o_start, o_end)] = (link_id, status, score, quote)
    return found
