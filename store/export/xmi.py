"""UIMA CAS XMI for INCEpTION and other UIMA tools: a folder with ``TypeSystem.xml``
and ``NAME.xmi`` per document, written with dkpro-cassis (``claimdesk[xmi]``).

Each span is one annotation of the custom layer :data:`SPAN_TYPE` (INCEpTION's
``webanno.custom`` namespace, so a project with a span layer of that name and
these features takes the file as it is):

| feature     | value                                                  |
|-------------|--------------------------------------------------------|
| ``label``   | the span's label                                       |
| ``annotator``| who marked it (``model:NAME`` for a model)            |
| ``note``    | the span's note, if any                                |
| ``spanId``  | claimdesk's span id                                    |
| ``fact``    | the fact cluster of a linked claim (accepted links)    |

Offsets: UIMA counts ``begin``/``end`` in UTF-16 code units (Java strings), so a
character outside the Basic Multilingual Plane (most emoji) counts twice. cassis
holds code points, as claimdesk does, and converts when it writes the XMI, so
spans after an emoji land where they should in INCEpTION. The document language
goes into the CAS's ``DocumentAnnotation``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from store.errors import ClaimdeskError
from store.export.brat import file_base
from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    fact_clusters,
    iter_documents,
)

SPAN_TYPE = "webanno.custom.ClaimdeskSpan"
FEATURES = ("label", "annotator", "note", "spanId", "fact")
TYPESYSTEM_FILE = "TypeSystem.xml"
EXTRA_MESSAGE = (
    "the xmi format needs dkpro-cassis, which is not installed; install the extra:"
    " pip install 'claimdesk[xmi]'"
)


def require_cassis() -> Any:
    try:
        import cassis
    except ImportError as error:
        raise ClaimdeskError(EXTRA_MESSAGE) from error
    return cassis


def type_system() -> Any:
    """The type system every exported CAS uses: UIMA's built-ins plus the span layer."""
    cassis = require_cassis()
    system = cassis.TypeSystem()
    span_type = system.create_type(SPAN_TYPE, supertypeName="uima.tcas.Annotation")
    for name in FEATURES:
        system.create_feature(span_type, name, "uima.cas.String")
    return system


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, folder: Path, options: ExportOptions
) -> ExportStats:
    cassis = require_cassis()
    stats = ExportStats()
    clusters = fact_clusters(db)
    system = type_system()
    system.to_xml(folder / TYPESYSTEM_FILE)
    Span = system.get_type(SPAN_TYPE)
    used: set[str] = set()
    for document, spans in iter_documents(db, flt):
        cas = cassis.Cas(
            typesystem=system,
            sofa_string=document.text,
            document_language=document.language or "x-unspecified",
        )
        for span in spans:
            cas.add(
                Span(
                    begin=span.start,
                    end=span.end,
                    label=span.label,
                    annotator=span.annotator,
                    note=span.note,
                    spanId=span.id,
                    fact=clusters.get((document.source_name, span.start, span.end)),
                )
            )
        cas.to_xmi(folder / f"{file_base(document, used)}.xmi")
        stats.documents += 1
        stats.spans += len(spans)
    return stats
