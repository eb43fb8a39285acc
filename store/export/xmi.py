"""UIMA CAS XMI for INCEpTION and other UIMA tools: a folder with ``TypeSystem.xml``,
``NAME.xmi`` per document and ``documents.tsv``, written with dkpro-cassis
(``claimdesk[xmi]``).

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
spans after an emoji land where they should in INCEpTION. A note counts the spans (and
their documents) whose offsets the conversion changed, as the doccano export's does. The
document language
goes into the CAS's document annotation.

Which document a file holds: ``NAME`` is the source name made safe for a file name
(``a.txt`` and ``a.md`` become ``a`` and ``a-ID``), so each CAS's document annotation is
DKPro Core's :data:`METADATA_TYPE`, as DKPro readers and INCEpTION write it: a
``uima.tcas.DocumentAnnotation`` covering the whole text with ``documentId`` (the source
name, unique in the database), ``documentTitle`` (the title, else the source name),
``documentUri`` (the article's URL, if known) and ``language``. ``documents.tsv`` maps each
``NAME`` to its source, outlet, date, language and story, the same file the brat export
writes.

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
from store.export.brat import documents_row, file_base, write_documents_tsv
from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    fact_clusters,
    iter_documents,
)
from store.formats.normalize import XML_FORBIDDEN
from store.utf16 import MovedSpans, Utf16Offsets

SPAN_TYPE = "webanno.custom.ClaimdeskSpan"
FEATURES = ("label", "annotator", "note", "spanId", "fact")
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
# DKPro Core's features of it (dkpro-core-api-metadata-asl), all strings but the last.
METADATA_FEATURES = (
    "documentTitle",
    "documentId",
    "documentUri",
    "collectionId",
    "documentBaseUri",
)
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
    """The type system every exported CAS uses: UIMA's built-ins, DKPro Core's document
    metadata and the span layer."""
    cassis = require_cassis()
    system = cassis.TypeSystem()
    metadata = system.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for name in METADATA_FEATURES:
        system.create_feature(metadata, name, "uima.cas.String")
    system.create_feature(metadata, "isLastSegment", "uima.cas.Boolean")
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
    Metadata = system.get_type(METADATA_TYPE)
    used: set[str] = set()
    rows: list[str] = []
    safe = XmlSafe()
    replaced_in: list[str] = []
    moved = MovedSpans()
    for document, spans in iter_documents(db, flt):
        # cassis converts when it writes; counted here, on the same text (one character
        # for one, see XmlSafe), to say how many offsets in the files are not claimdesk's.
        moved.count(Utf16Offsets(document.text), (span.end for span in spans))
        before = safe.replaced
        cas = cassis.Cas(typesystem=system, sofa_string=safe(document.text))
        # The document annotation: cassis finds it (document_language reads it) rather
        # than adding a bare DocumentAnnotation of its own, which had end 0.
        cas.add(
            Metadata(
                begin=0,
                end=len(document.text),
                language=safe(document.language) or "x-unspecified",
                documentId=safe(document.source_name),
                documentTitle=safe(document.title or document.source_name),
                documentUri=safe(document.url),
            )
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
        base = file_base(document, used)
        rows.append(documents_row(base, document))
        cas.to_xmi(folder / f"{base}.xmi")
        stats.documents += 1
        stats.spans += len(spans)
    write_documents_tsv(folder, rows)
    moved_note = moved.note(
        "UIMA's count, as in Java",
        "INCEpTION places them right, but a script comparing them with claimdesk's must convert",
    )
    if moved_note:
        stats.notes.append(moved_note)
    if replaced_in:
        stats.notes.append(replaced_note(safe.replaced, replaced_in))
    return stats
