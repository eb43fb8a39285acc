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

XML 1.0 cannot hold C0 controls other than tab and line breaks, U+FFFE or U+FFFF, and
lxml refuses them. Import removes them, but an older database may hold some
(``claimdesk check`` names them): each is written as U+FFFD, one character for one, so
offsets (code points and UTF-16 units alike) stay as they are, and a note names the
documents. One such character used to stop the export of the whole corpus.
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
from store.formats.normalize import XML_FORBIDDEN

SPAN_TYPE = "webanno.custom.ClaimdeskSpan"
FEATURES = ("label", "annotator", "note", "spanId", "fact")
TYPESYSTEM_FILE = "TypeSystem.xml"
REPLACEMENT = "\ufffd"
# How many documents the note on replaced characters names before "and N more".
SHOWN_DOCUMENTS = 5
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


class XmlSafe:
    """Strings as XML can hold them, counting the characters replaced by U+FFFD."""

    def __init__(self) -> None:
        self.replaced = 0

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        safe, count = XML_FORBIDDEN.subn(REPLACEMENT, value)
        self.replaced += count
        return safe


def replaced_note(replaced: int, documents: list[str]) -> str:
    """The export's note on characters written as U+FFFD, naming the documents."""
    shown = ", ".join(documents[:SHOWN_DOCUMENTS])
    more = len(documents) - SHOWN_DOCUMENTS
    tail = f" and {more} more" if more > 0 else ""
    return (
        f"{replaced} character(s) XML cannot hold (C0 controls, U+FFFE, U+FFFF) written as"
        f" U+FFFD, offsets unchanged, in {len(documents)} document(s): {shown}{tail};"
        " claimdesk check lists them"
    )


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
    safe = XmlSafe()
    replaced_in: list[str] = []
    for document, spans in iter_documents(db, flt):
        before = safe.replaced
        cas = cassis.Cas(
            typesystem=system,
            sofa_string=safe(document.text),
            document_language=safe(document.language) or "x-unspecified",
        )
        for span in spans:
            cas.add(
                Span(
                    begin=span.start,
                    end=span.end,
                    label=safe(span.label),
                    annotator=safe(span.annotator),
                    note=safe(span.note),
                    spanId=safe(span.id),
                    fact=clusters.get((document.source_name, span.start, span.end)),
                )
            )
        if safe.replaced > before:
            replaced_in.append(document.source_name)
        cas.to_xmi(folder / f"{file_base(document, used)}.xmi")
        stats.documents += 1
        stats.spans += len(spans)
    if replaced_in:
        stats.notes.append(replaced_note(safe.replaced, replaced_in))
    return stats
