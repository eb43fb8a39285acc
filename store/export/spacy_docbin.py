"""A spaCy ``DocBin`` (``.spacy``): each document as a blank-pipeline ``Doc`` with all
spans in ``doc.spans["sc"]`` and the non-overlapping longest ones in ``doc.ents``.

Needs the optional extra ``claimdesk[spacy]``; without it the export stops with a
message naming the extra. Spans are aligned to spaCy's tokens by expanding to the
tokens they touch. A DocBin is serialised in one piece, so this format, unlike the
others, holds the exported documents in memory.
"""

from __future__ import annotations

from typing import IO, Any

import sqlite_utils

from store.errors import ClaimdeskError
from store.export.common import ExportOptions, ExportStats, ResolvedFilter, iter_documents

EXTRA_MESSAGE = (
    "the spacy format needs spaCy, which is not installed; install the extra:"
    " pip install 'claimdesk[spacy]'"
)


def require_spacy() -> Any:
    try:
        import spacy
    except ImportError as error:
        raise ClaimdeskError(EXTRA_MESSAGE) from error
    return spacy


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[bytes], options: ExportOptions
) -> ExportStats:
    spacy = require_spacy()
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    stats = ExportStats()
    pipelines: dict[str, Any] = {}
    docbin = DocBin(store_user_data=True)
    for document, spans in iter_documents(db, flt):
        language = (document.language or "xx").split("-")[0].lower()
        if language not in pipelines:
            try:
                pipelines[language] = spacy.blank(language)
            except (ImportError, KeyError, ValueError):
                pipelines[language] = spacy.blank("xx")
        doc = pipelines[language].make_doc(document.text)
        doc.user_data["source"] = document.source_name
        doc.user_data["sha256"] = document.sha256
        aligned = []
        for span in spans:
            piece = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if piece is not None:
                aligned.append(piece)
        doc.spans["sc"] = aligned
        doc.ents = filter_spans(aligned)
        docbin.add(doc)
        stats.documents += 1
        stats.spans += len(aligned)
    out.write(docbin.to_bytes())
    return stats
