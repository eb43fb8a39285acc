"""Export formats by name: what each writes and where its writer lives.

Writers are imported when used, so a format whose module is missing (or whose
optional dependency is not installed) fails alone with a clear message.

| output   | writer signature                                                     |
|----------|----------------------------------------------------------------------|
| text     | ``write(db, filter, out: IO[str], options) -> ExportStats``           |
| binary   | ``write(db, filter, out: IO[bytes], options) -> ExportStats``         |
| folder   | ``write(db, filter, folder: Path, options) -> ExportStats``           |
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import sqlite_utils

from store.db import db_label
from store.errors import ClaimdeskError
from store.export.common import (
    STDOUT,
    ExportFilter,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    read_snapshot,
    resolve_filter,
)
from store.export.output import atomic_binary, atomic_folder, atomic_text

Output = Literal["text", "binary", "folder"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    output: Output
    module: str
    summary: str
    function: str = "write"

    def writer(self) -> Callable[..., ExportStats]:
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as error:
            if error.name == self.module:
                raise ClaimdeskError(
                    f"export format {self.name} is not available in this build"
                ) from error
            raise
        writer: Callable[..., ExportStats] = getattr(module, self.function)
        return writer


def _links_jsonl(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    """``links-jsonl`` (the linking issue's contract), limited to ``--doc`` documents."""
    from store.export.links_jsonl import write_links_jsonl

    written = write_links_jsonl(db, out, doc_ids=flt.doc_ids)
    return ExportStats(links=written, records=written)


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat(
            "jsonl",
            "text",
            "store.export.jsonl",
            "claimdesk JSON Lines: a document a line with spans and links",
        ),
        ExportFormat("doccano", "text", "store.export.doccano", "doccano sequence-labelling JSONL"),
        ExportFormat(
            "conll",
            "text",
            "store.export.conll",
            "CoNLL IOB2, a token a line (overlaps: longest span wins)",
        ),
        ExportFormat(
            "brat", "folder", "store.export.brat", "brat standoff folder: NAME.txt + NAME.ann"
        ),
        ExportFormat(
            "xmi",
            "folder",
            "store.export.xmi",
            "UIMA CAS XMI folder for INCEpTION: NAME.xmi + TypeSystem.xml (needs claimdesk[xmi])",
        ),
        ExportFormat(
            "label-studio", "text", "store.export.label_studio", "Label Studio JSON task list"
        ),
        ExportFormat("w3c", "text", "store.export.w3c", "W3C Web Annotation JSON-LD collection"),
        ExportFormat("csv", "text", "store.export.csv_spans", "CSV, one span a row"),
        ExportFormat(
            "links-jsonl",
            "text",
            "store.export",
            "every link suggestion and decision, a line each",
            "_links_jsonl",
        ),
        ExportFormat(
            "pairs",
            "folder",
            "store.export.pairs",
            "sentence pairs (train/dev/test.jsonl) from decided links, split by cluster",
        ),
        ExportFormat(
            "markdown", "text", "store.export.markdown_report", "readable report per fact cluster"
        ),
        ExportFormat(
            "spacy", "binary", "store.export.spacy_docbin", "spaCy DocBin (needs claimdesk[spacy])"
        ),
    )
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ClaimdeskError(
            f"unknown export format {name!r}; use one of {', '.join(FORMATS)}"
        ) from None


def export(
    db: sqlite_utils.Database,
    name: str,
    target: str | Path = STDOUT,
    wanted: ExportFilter | None = None,
    options: ExportOptions | None = None,
    *,
    force: bool = False,
) -> ExportStats:
    """Write format ``name`` to ``target`` (a file, a folder for brat, or ``-``).

    The output appears only if every check passes; otherwise nothing is left behind
    and the previous file at ``target`` is untouched. An existing file or export
    folder is replaced only with ``force``; the database itself, its companions and
    any other SQLite file never are (:mod:`store.export.output`).
    """
    fmt = get_format(name)
    writer = fmt.writer()
    if fmt.name == "spacy":
        from store.export.spacy_docbin import require_spacy

        require_spacy()
    if fmt.name == "xmi":
        from store.export.xmi import require_cassis

        require_cassis()
    options = options or ExportOptions()
    label = db_label(db)
    protected = [] if label == ":memory:" else [Path(label)]
    with read_snapshot(db):
        flt = resolve_filter(db, wanted or ExportFilter())
        if fmt.output == "folder":
            with atomic_folder(target, protected=protected, force=force) as folder:
                return writer(db, flt, folder, options)
        if fmt.output == "binary":
            with atomic_binary(target, protected=protected, force=force) as raw:
                return writer(db, flt, raw, options)
        with atomic_text(target, protected=protected, force=force) as text:
            return writer(db, flt, text, options)
