"""Label Studio's JSON task list: one task per document, one annotation per annotator.

Checked against Label Studio's import format (its task serializer and the SDK's
``LabelInterface`` validation and ``Converter``):

| Label Studio field                  | claimdesk                                              |
|-------------------------------------|--------------------------------------------------------|
| ``id``                              | the document's database id (the SDK's converter needs it) |
| ``data.text/source/outlet``         | the document                                           |
| ``annotations[]``                   | one per human annotator, spans sorted by offsets       |
| ``annotations[].completed_by``      | only with ``--ls-users FILE`` (name → user id or email); |
|                                     | the server refuses names, and without it every         |
|                                     | annotation belongs to the importing user               |
| ``predictions[]``                   | one per ``model:NAME`` annotator, ``model_version`` NAME |
| ``result[].meta``                   | ``annotator`` (always: survives the import), ``text`` = |
|                                     | [note] (Label Studio's region note), ``fact`` = cluster |
| ``result[]`` of type ``relation``   | two claims of one fact cluster in the same annotation  |

The store keeps no confidence for a model's span, so predictions carry no
``score`` rather than a made-up one. The project's labelling config must name the
tags ``label`` and ``text``: ``--label-config FILE`` writes one for the label set
(:func:`labeling_config`). Label Studio counts ``start``/``end`` in code points
since its fix for emoji offsets (label-studio issue 1008, frontend PR 308), as
claimdesk does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import sqlite_utils

from store.errors import ClaimdeskError, ImportRefused, quoted
from store.export.common import (
    MODEL_PREFIX,
    ClaimKey,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    dumps,
    fact_clusters,
    is_model,
    iter_documents,
    same_fact_pairs,
)
from store.export.output import (
    STDOUT,
    atomic_text,
    check_file_target,
    names_folder,
    same_file,
)
from store.formats.files import read_bytes
from store.formats.json_line import BadJsonLine, loads_line
from store.model import Document, Span

SAME_FACT = "SAME_FACT"
LABELING_CONFIG_TEMPLATE = (
    "<View>\n"
    '  <Labels name="label" toName="text">\n{labels}  </Labels>\n'
    '  <Relations>\n    <Relation value="{same_fact}"/>\n  </Relations>\n'
    '  <Text name="text" value="$text"/>\n'
    "</View>\n"
)

UserIds = dict[str, int | str]


def labeling_config(db: sqlite_utils.Database) -> str:
    """A labelling config for Label Studio that matches the exported tag names."""
    rows = db.conn.execute("SELECT name, colour FROM labels ORDER BY position, name")
    labels = "".join(
        f"    <Label value={quoteattr(name)} background={quoteattr(colour)}/>\n"
        for name, colour in rows
    )
    return LABELING_CONFIG_TEMPLATE.format(labels=labels, same_fact=SAME_FACT)


def read_user_ids(path: Path) -> UserIds:
    """``--ls-users FILE``: a JSON object mapping annotator names to Label Studio user
    ids (numbers) or e-mail addresses, the two forms its server accepts."""
    try:
        # loads_line, not json.loads: nesting deeper than Python parses (RecursionError)
        # and a "\ud800" half of a surrogate pair (UnicodeEncodeError when the export was
        # written) both ended the export with an "unexpected error".
        # read_bytes refuses a FIFO or device, where read_text() waited for ever.
        mapping = loads_line(read_bytes(path).decode("utf-8"))
    except ImportRefused as error:
        raise ClaimdeskError(f"{path}: --ls-users file: {error.reason}") from None
    except (UnicodeDecodeError, BadJsonLine) as error:
        raise ClaimdeskError(f"{path}: --ls-users file is not JSON: {error}") from error
    if not isinstance(mapping, dict):
        raise ClaimdeskError(f"{path}: --ls-users file must be a JSON object {{name: user id}}")
    for name, user in mapping.items():
        if isinstance(user, bool) or not isinstance(user, int | str) or user == "":
            raise ClaimdeskError(
                f"{path}: --ls-users entry {quoted(name)} must be a user id number or an"
                " e-mail address"
            )
    return mapping


def region(span: Span, fact: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"annotator": span.annotator}
    if span.note:
        meta["text"] = [span.note]
    if fact is not None:
        meta["fact"] = fact
    return {
        "id": span.id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.quote, "labels": [span.label]},
        "meta": meta,
    }


def relations(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims of one fact inside one annotation, each tied to the fact's first claim
    (:func:`~store.export.common.same_fact_pairs`: never two regions on the same words)."""
    claims = [
        (item["meta"].get("fact"), item["value"]["start"], item["value"]["end"]) for item in regions
    ]
    return [
        {
            "from_id": regions[first]["id"],
            "to_id": regions[other]["id"],
            "type": "relation",
            "direction": "bi",
            "labels": [SAME_FACT],
        }
        for first, other in same_fact_pairs(claims)
    ]


def task(
    document: Document,
    spans: list[Span],
    clusters: dict[ClaimKey, str],
    user_ids: UserIds | None = None,
) -> dict[str, Any]:
    by_annotator = sorted(spans, key=lambda s: (s.annotator, s.start, s.end, s.label, s.id))
    annotations: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for annotator, group in groupby(by_annotator, key=lambda s: s.annotator):
        result = [
            region(span, clusters.get((document.source_name, span.start, span.end)))
            for span in group
        ]
        result += relations(result)
        if is_model(annotator):
            predictions.append({"model_version": annotator[len(MODEL_PREFIX) :], "result": result})
            continue
        annotation: dict[str, Any] = {"result": result}
        if user_ids is not None:
            if annotator not in user_ids:
                raise ClaimdeskError(
                    f"--ls-users: no Label Studio user for annotator {annotator!r}"
                    " (add it to the file, or leave --ls-users out)"
                )
            annotation["completed_by"] = user_ids[annotator]
        annotations.append(annotation)
    record: dict[str, Any] = {
        "id": document.id,
        "data": {
            "text": document.text,
            "source": document.source_name,
            "outlet": document.outlet,
            "story": document.story,
        },
        "annotations": annotations,
    }
    if predictions:
        record["predictions"] = predictions
    return record


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    clusters = fact_clusters(db)
    user_ids = read_user_ids(options.ls_users) if options.ls_users is not None else None
    out.write("[")
    for document, spans in iter_documents(db, flt):
        out.write("\n" if stats.documents == 0 else ",\n")
        out.write(dumps(task(document, spans, clusters, user_ids)))
        stats.documents += 1
        stats.spans += len(spans)
    out.write("\n]\n")
    if user_ids is None:
        stats.notes.append(
            "annotators are named in each region's meta.annotator; Label Studio assigns"
            " every annotation to the importing user unless --ls-users maps names to user ids"
        )
    return stats


@contextlib.contextmanager
def label_config_beside(
    db: sqlite_utils.Database,
    target: str | Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
) -> Iterator[None]:
    """``--label-config FILE``, put in place only if the block (the task export) succeeds.

    The config is written and synced first, into the temporary file the rename will
    move: a full disk stops before the long task list, and a failed task list leaves
    no new config. Written after the tasks, a config that failed left exit status 1
    with a complete task file in place and no config for it.
    """
    with atomic_text(target, protected=protected, force=force, what="--label-config") as out:
        out.write(labeling_config(db))
        out.flush()
        if str(target) != STDOUT:
            os.fsync(out.fileno())
        yield


def check_label_config_target(
    target: str | Path,
    tasks: str | Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
) -> None:
    """Refuse ``--label-config FILE`` before the task list at ``tasks`` is written.

    Checked only as it was written, after the tasks, an existing config was refused with
    the new task file already in place behind exit status 1, and a config named like the
    task file replaced it while the summary said the tasks were exported there.
    """
    path = Path(target)
    # A name ending in "/" is refused as a folder below, not taken for --out's file.
    if str(tasks) != STDOUT and not names_folder(target) and same_file(path, Path(tasks)):
        raise ClaimdeskError(f"{path}: is also --out; --label-config must name another file")
    check_file_target(target, protected=protected, force=force, what="--label-config")
