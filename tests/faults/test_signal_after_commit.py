"""A ctrl+c or SIGTERM that lands just after a batch's COMMIT still counts that batch.

The count was added after the transaction's block: a signal between the COMMIT and that
line said "0 document(s) were imported" while 50 were (and 20500 spans for 21000).
The signal is raised here at exactly that point, or just before the COMMIT.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

import store.annotations_import as annotations_import
import store.importer as importer
from store.annotations_import import import_annotations
from store.db import connect, write
from store.documents import insert_document, text_sha256
from store.formats import ParsedArticle
from store.importer import ImportReport, import_paths
from store.labels import ensure_default_labels

Block = Callable[..., contextlib.AbstractContextManager[Any]]


def _signal_at(number: int, real: Block, *, committed: bool) -> Block:
    """``real``, except that its ``number``-th block ends in a ctrl+c: after its COMMIT
    (``committed``) or at the end of its body, before the COMMIT."""
    calls = 0

    @contextlib.contextmanager
    def wrapped(*args: object, **kwargs: object) -> Iterator[Any]:
        nonlocal calls
        calls += 1
        with real(*args, **kwargs) as value:
            yield value
            if calls == number and not committed:
                raise KeyboardInterrupt
        if calls == number:
            raise KeyboardInterrupt

    return wrapped


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"a{number:03d}.txt").write_text(f"Artikel {number}. Die Stadt meldet es.")
    return folder


def _count(db: sqlite_utils.Database, table: str) -> int:
    return int(db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize("committed", [True, False], ids=["after COMMIT", "before COMMIT"])
def test_an_article_import_counts_the_batch_a_signal_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, committed: bool
) -> None:
    corpus = _corpus(tmp_path / "corpus", 60)
    # The first block adds the default labels; the third stores the second batch.
    monkeypatch.setattr(importer, "write", _signal_at(3, write, committed=committed))
    db = connect(tmp_path / "t.db")
    with pytest.raises(KeyboardInterrupt) as caught:
        import_paths(db, [corpus], batch_size=20)
    stored = _count(db, "documents")
    assert stored >= 20 if committed else stored < 40
    assert str(caught.value) == (
        f"{stored} document(s) were imported before it; importing again adds the rest"
    )
    monkeypatch.setattr(importer, "write", write)
    assert import_paths(db, [corpus]).added == 60 - stored
    db.close()


def test_a_batch_stopped_before_its_commit_is_rolled_back_and_not_counted(
    tmp_path: Path,
) -> None:
    # The signal can also land in write() between the block and its COMMIT, where the
    # transaction is still open.
    db = connect(tmp_path / "t.db")
    report = ImportReport()
    db.conn.execute("BEGIN IMMEDIATE")
    article = ParsedArticle("a.txt", "Die Stadt meldet es.")
    doc_id = insert_document(db, article)
    assert doc_id is not None
    report.in_flight = ([doc_id], text_sha256(article.text))
    importer._count_committed(db, report)
    assert (report.added, db.conn.in_transaction, _count(db, "documents")) == (0, False, 0)
    db.close()


@pytest.mark.parametrize("committed", [True, False], ids=["after COMMIT", "before COMMIT"])
def test_an_annotation_import_counts_the_batch_a_signal_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, committed: bool
) -> None:
    text = " ".join(f"w{n:03d}" for n in range(400))
    db = connect(tmp_path / "t.db")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("a.txt", text))
    spans = [
        {"id": f"s{n}", "start": n * 5, "end": n * 5 + 4, "label": "CLAIM", "annotator": "ana"}
        for n in range(350)
    ]
    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps({"meta": {"source": "a.txt"}, "spans": spans}) + "\n")
    real = annotations_import.user_action
    monkeypatch.setattr(annotations_import, "user_action", _signal_at(2, real, committed=committed))
    with pytest.raises(KeyboardInterrupt) as caught:
        import_annotations(db, path, importer="ana", batch_size=100)
    stored = _count(db, "spans")
    assert stored == (200 if committed else 100)
    assert str(caught.value) == (
        f"{stored} span(s) of {path} were imported before it; importing the file again adds"
        " the rest"
    )
    monkeypatch.setattr(annotations_import, "user_action", real)
    assert import_annotations(db, path, importer="ana").added == 350 - stored
    db.close()


def test_a_batch_counted_before_the_signal_is_not_counted_twice(tmp_path: Path) -> None:
    # The signal can land between the count and the line that clears the batch in flight.
    db = connect(tmp_path / "t.db")
    article = ParsedArticle("a.txt", "Die Stadt meldet es.")
    with write(db):
        doc_id = insert_document(db, article)
    assert doc_id is not None
    report = ImportReport()
    report.in_flight = ([doc_id], text_sha256(article.text))
    report.added_ids.append(doc_id)
    importer._count_committed(db, report)
    assert report.added == 1
    db.close()
