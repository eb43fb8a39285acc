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
from typing import IO, Any, Literal

import sqlite_utils

from store.errors import ClaimdeskError
from store.export.common import ExportOptions, ExportStats, ResolvedFilter

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
    """Adapter to the linking engineer's ``write_links_jsonl(db, out)``."""
    writer = ExportFormat(
        "links-jsonl", "text", "store.export.links_jsonl", "", "write_links_jsonl"
    ).writer()
    written: Any = writer(db, out)
    return ExportStats(records=written if isinstance(written, int) else 0)


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
            "text",
            "store.export.pairs",
            "sentence pairs from decided links, split by cluster",
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
