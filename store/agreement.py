"""Inter-annotator agreement: span matches, token kappa, Krippendorff's alpha, link decisions.

| statistic                     | over                                                      |
|-------------------------------|-----------------------------------------------------------|
| exact / overlap P, R, F1      | spans of one label, per pair, documents both annotated    |
| Cohen's kappa (all labels)    | token labels (see ``agreement_tokens``), per pair         |
| Cohen's kappa (one label)     | token labels as label-or-not, per pair and label          |
| Krippendorff's alpha, nominal | token labels of every chosen annotator, documents ≥2 did  |
| link agreement + kappa        | links both annotators accepted or rejected (change log)   |

In a pair (A, B), A is the reference: precision is the share of B's spans that A
also has, recall the share of A's spans that B also has. "Annotated a document"
means having a live span in it or having marked it done, so an annotator who read a
document and found nothing contributes all-``O`` tokens instead of being skipped.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from store.agreement_links import LinkKey, link_decisions
from store.agreement_tokens import OUTSIDE, token_labels, tokenize
from store.documents import find_document
from store.errors import ClaimdeskError

SpanKey = tuple[int, int, int]  # doc, start, end


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1; None where a denominator is zero."""

    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True, slots=True)
class LabelPairAgreement:
    label: str
    a: str
    b: str
    a_spans: int
    b_spans: int
    exact: Scores
    overlap: Scores
    token_kappa: float | None


@dataclass(frozen=True, slots=True)
class PairAgreement:
    a: str
    b: str
    documents: int
    tokens: int
    observed: float | None
    kappa: float | None


@dataclass(frozen=True, slots=True)
class LinkPairAgreement:
    a: str
    b: str
    both_decided: int
    agreed: int
    observed: float | None
    kappa: float | None


@dataclass(slots=True)
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    documents: int
    pairs: list[PairAgreement] = field(default_factory=list)
    spans: list[LabelPairAgreement] = field(default_factory=list)
    alpha: float | None = None
    alpha_by_label: dict[str, float | None] = field(default_factory=dict)
    links: list[LinkPairAgreement] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A plain dict with stable keys, for ``--json``."""
        return asdict(self)


# Statistics ------------------------------------------------------------------------
def prf(matched_b: int, b_total: int, matched_a: int, a_total: int) -> Scores:
    """P = matched_b / b_total, R = matched_a / a_total, F1 their harmonic mean."""
    precision = matched_b / b_total if b_total else None
    recall = matched_a / a_total if a_total else None
    if precision is None or recall is None:
        f1 = None
    elif precision + recall == 0:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return Scores(precision, recall, f1)


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> tuple[float | None, float | None]:
    """(observed agreement, Cohen's kappa) of two equally long label sequences.

    Kappa is None when chance agreement is 1 (both used one and the same label
    throughout): the statistic is undefined there, not perfect.
    """
    if len(first) != len(second):
        raise ValueError("label sequences differ in length")
    total = len(first)
    if total == 0:
        return None, None
    observed = sum(x == y for x, y in zip(first, second, strict=True)) / total
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (total * total)
    if expected >= 1.0:
        return observed, None
    return observed, (observed - expected) / (1 - expected)


def krippendorff_alpha(rows: list[list[str | None]]) -> float | None:
    """Nominal Krippendorff's alpha; ``rows`` are coders, None marks a missing value."""
    import krippendorff
    import numpy as np

    codes: dict[str, int] = {}
    matrix = np.full((len(rows), len(rows[0]) if rows else 0), np.nan)
    for i, row in enumerate(rows):
        for j, code in enumerate(row):
            if code is not None:
                matrix[i, j] = codes.setdefault(code, len(codes))
    if len(codes) < 2 or matrix.shape[1] == 0:
        return None
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    try:
        value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else value


def _overlaps(span: SpanKey, others: list[SpanKey]) -> bool:
    doc, start, end = span
    return any(d == doc and s < end and start < e for d, s, e in others)


def span_scores(a: list[SpanKey], b: list[SpanKey]) -> tuple[Scores, Scores]:
    """(exact, overlap) scores of B's spans against A's, for one label."""
    a_count, b_count = Counter(a), Counter(b)
    exact_hits = sum((a_count & b_count).values())
    exact = prf(exact_hits, len(b), exact_hits, len(a))
    a_by_doc: dict[int, list[SpanKey]] = defaultdict(list)
    b_by_doc: dict[int, list[SpanKey]] = defaultdict(list)
    for key in a:
        a_by_doc[key[0]].append(key)
    for key in b:
        b_by_doc[key[0]].append(key)
    matched_b = sum(_overlaps(key, a_by_doc[key[0]]) for key in b)
    matched_a = sum(_overlaps(key, b_by_doc[key[0]]) for key in a)
    return exact, prf(matched_b, len(b), matched_a, len(a))


# Loading ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Corpus:
    spans: dict[str, dict[int, list[tuple[int, int, str]]]]  # annotator -> doc -> spans
    annotated: dict[str, set[int]]
    texts: dict[int, str] = field(default_factory=dict)


def _load(db: sqlite_utils.Database, annotators: list[str], doc_ids: set[int] | None) -> _Corpus:
    corpus = _Corpus(
        spans={a: defaultdict(list) for a in annotators}, annotated={a: set() for a in annotators}
    )
    marks = ", ".join("?" for _ in annotators)
    for doc_id, start, end, label, annotator in db.conn.execute(
        f'SELECT doc_id, start, "end", label, annotator FROM spans'
        f" WHERE deleted_at IS NULL AND annotator IN ({marks})",
        annotators,
    ):
        if doc_ids is None or doc_id in doc_ids:
            corpus.spans[annotator][doc_id].append((start, end, label))
            corpus.annotated[annotator].add(doc_id)
    for doc_id, annotator in db.conn.execute(
        f"SELECT doc_id, annotator FROM document_status WHERE status = 'done'"
        f" AND annotator IN ({marks})",
        annotators,
    ):
        if doc_ids is None or doc_id in doc_ids:
            corpus.annotated[annotator].add(doc_id)
    return corpus


def _text(db: sqlite_utils.Database, corpus: _Corpus, doc_id: int) -> str:
    if doc_id not in corpus.texts:
        row = db.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        corpus.texts[doc_id] = "" if row is None else str(row[0])
    return corpus.texts[doc_id]


def default_annotators(db: sqlite_utils.Database, exclude: Sequence[str] = ()) -> list[str]:
    """Everyone with a live span, a finished document or a link decision, minus ``exclude``."""
    rows = db.conn.execute(
        "SELECT annotator FROM spans WHERE deleted_at IS NULL"
        " UNION SELECT annotator FROM document_status WHERE status = 'done'"
        " UNION SELECT annotator FROM changes WHERE table_name = 'links'"
    )
    return sorted({str(r[0]) for r in rows} - set(exclude))


# The report ------------------------------------------------------------------------
def agreement(
    db: sqlite_utils.Database,
    *,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> AgreementReport:
    """Every agreement statistic for the chosen annotators, labels and documents.

    ``exclude`` drops names from the default annotator list (the curated ``gold``
    is not an annotator to agree with); an explicit ``annotators`` list is used as given.
    """
    chosen = list(dict.fromkeys(annotators)) if annotators else default_annotators(db, exclude)
    if annotators:
        # A mistyped name used to get a row of zeros, read as an annotator who agreed
        # with nobody.
        known = default_annotators(db)
        for name in chosen:
            if name not in known:
                raise ClaimdeskError(
                    f"annotator {name!r} has no spans, finished documents or link decisions"
                    f" (annotators: {', '.join(known) or 'none'})"
                )
    if len(chosen) < 2:
        raise ClaimdeskError(
            f"agreement needs at least two annotators; found {', '.join(chosen) or 'none'}"
        )
    doc_ids = {find_document(db, name).id for name in documents} if documents else None
    known_labels = [
        str(r[0]) for r in db.conn.execute("SELECT name FROM labels ORDER BY position, name")
    ]
    if labels:
        unknown = sorted(set(labels) - set(known_labels))
        if unknown:
            raise ClaimdeskError(f"unknown label {unknown[0]!r} (labels: {' '.join(known_labels)})")
        chosen_labels = list(dict.fromkeys(labels))
    else:
        chosen_labels = known_labels
    keep = frozenset(chosen_labels)
    corpus = _load(db, chosen, doc_ids)
    all_docs = set().union(*corpus.annotated.values())
    report = AgreementReport(annotators=chosen, labels=chosen_labels, documents=len(all_docs))

    tokens_of = {doc: tokenize(_text(db, corpus, doc)) for doc in sorted(all_docs)}
    labels_of: dict[tuple[str, int], list[str]] = {}

    def labelled(annotator: str, doc: int) -> list[str]:
        key = (annotator, doc)
        if key not in labels_of:
            labels_of[key] = token_labels(
                tokens_of[doc], corpus.spans[annotator].get(doc, []), keep=keep
            )
        return labels_of[key]

    for a, b in itertools.combinations(chosen, 2):
        shared = sorted(corpus.annotated[a] & corpus.annotated[b])
        seq_a = [t for doc in shared for t in labelled(a, doc)]
        seq_b = [t for doc in shared for t in labelled(b, doc)]
        observed, kappa = cohen_kappa(seq_a, seq_b)
        report.pairs.append(PairAgreement(a, b, len(shared), len(seq_a), observed, kappa))
        for label in chosen_labels:
            a_keys = [
                (d, s, e) for d in shared for s, e, lb in corpus.spans[a].get(d, []) if lb == label
            ]
            b_keys = [
                (d, s, e) for d in shared for s, e, lb in corpus.spans[b].get(d, []) if lb == label
            ]
            exact, overlap = span_scores(a_keys, b_keys)
            _, label_kappa = cohen_kappa(
                [str(x == label) for x in seq_a], [str(x == label) for x in seq_b]
            )
            report.spans.append(
                LabelPairAgreement(
                    label, a, b, len(a_keys), len(b_keys), exact, overlap, label_kappa
                )
            )

    multi = [
        doc for doc in sorted(all_docs) if sum(doc in corpus.annotated[a] for a in chosen) >= 2
    ]
    rows: list[list[str | None]] = [
        [
            t
            for doc in multi
            for t in (
                labelled(a, doc) if doc in corpus.annotated[a] else [None] * len(tokens_of[doc])
            )
        ]
        for a in chosen
    ]
    report.alpha = krippendorff_alpha(rows)
    for label in chosen_labels:
        report.alpha_by_label[label] = krippendorff_alpha(
            [[None if t is None else str(t == label) for t in row] for row in rows]
        )

    decided = link_decisions(db, chosen)
    for a, b in itertools.combinations(chosen, 2):
        report.links.append(_link_pair(a, b, decided.get(a, {}), decided.get(b, {})))
    return report


def _link_pair(
    a: str, b: str, first: dict[LinkKey, str], second: dict[LinkKey, str]
) -> LinkPairAgreement:
    both = sorted(set(first) & set(second))
    seq_a = [first[k] for k in both]
    seq_b = [second[k] for k in both]
    observed, kappa = cohen_kappa(seq_a, seq_b)
    agreed = sum(x == y for x, y in zip(seq_a, seq_b, strict=True))
    return LinkPairAgreement(a, b, len(both), agreed, observed, kappa)


__all__ = [
    "OUTSIDE",
    "AgreementReport",
    "LabelPairAgreement",
    "LinkPairAgreement",
    "PairAgreement",
    "Scores",
    "agreement",
    "cohen_kappa",
    "default_annotators",
    "krippendorff_alpha",
    "span_scores",
]
