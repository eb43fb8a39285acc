"""The conll export read by seqeval (``claimdesk[consumers]``), the scorer CoNLL files
are fed to: the entities it finds are the spans written plus the extra pieces of
spans split at sentence ends, exactly as the export's message counts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.changelog import user_action
from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportFilter
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.spans import create_span
from tests.export.conftest import person_and_model_db

sequence_labeling = pytest.importorskip("seqeval.metrics.sequence_labeling")

TEXT = "Die 78-Jährige kam am Montag. Sie blieb lange."


def _column(path: Path, index: int) -> list[list[str]]:
    """Column ``index`` of each sentence of a CoNLL file (0: tokens, 1: tags)."""
    sentences: list[list[str]] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
            current = []
            continue
        current.append(line.split("\t")[index])
    if current:
        sentences.append(current)
    return sentences


def _sentences(path: Path) -> list[list[str]]:
    return _column(path, 1)


def test_seqeval_finds_what_the_message_counts(tmp_path: Path) -> None:
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        doc_id = insert_document(db, ParsedArticle("aged.txt", TEXT, language="de"))
        assert doc_id is not None
        db.conn.executemany(
            'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
            [(doc_id, 0, 29), (doc_id, 30, 46)],
        )
    with user_action(db, "alice", "spans") as action:
        # "Jähr" inside the token "Jährige": widened to the whole token.
        create_span(action, doc_id, 7, 11, "FIGURE", quote="Jähr")
        # "Montag. Sie" crosses the sentence end: two entities.
        create_span(action, doc_id, 22, 33, "EVENT", quote="Montag. Sie")
    stats = export(db, "conll", tmp_path / "out.conll")
    notes = " ".join(stats.notes)
    assert "1 span(s) start or end inside a token and were widened" in notes
    assert "1 span(s) cross a sentence end and were split into 2 entities" in notes
    entities = [
        entity
        for sentence in _sentences(tmp_path / "out.conll")
        for entity in sequence_labeling.get_entities(sentence)
    ]
    assert sorted(label for label, _, _ in entities) == ["EVENT", "EVENT", "FIGURE"]
    assert len(entities) == stats.spans + 1
    db.close()


def _entities(path: Path) -> list[tuple[str, str]]:
    """(label, first token) of every entity seqeval finds."""
    found = []
    for sentence_tags, sentence_tokens in zip(_sentences(path), _tokens(path), strict=True):
        for label, first, _last in sequence_labeling.get_entities(sentence_tags):
            found.append((label, sentence_tokens[first]))
    return found


def _tokens(path: Path) -> list[list[str]]:
    return _column(path, 0)


def test_model_pre_annotations_are_not_gold_tags(tmp_path: Path) -> None:
    db = person_and_model_db()
    stats = export(db, "conll", tmp_path / "out.conll")
    # CoNLL has no annotator column: a model's spans would read as gold, and its CLAIM
    # used to win the tie on 11.000 by label order.
    assert _entities(tmp_path / "out.conll") == [("FIGURE", "11.000")]
    assert "2 span(s) by a model (annotator model:NAME) left out" in " ".join(stats.notes)
    db.close()


def test_a_selected_model_is_exported_but_never_wins_a_tie_against_a_person(
    tmp_path: Path,
) -> None:
    db = person_and_model_db()
    both = ExportFilter(annotators=("alice", "model:ner"))
    stats = export(db, "conll", tmp_path / "both.conll", both)
    assert _entities(tmp_path / "both.conll") == [("SOURCE", "Die"), ("FIGURE", "11.000")]
    assert "by a model" not in " ".join(stats.notes)
    export(db, "conll", tmp_path / "model.conll", ExportFilter(annotators=("model:ner",)))
    assert _entities(tmp_path / "model.conll") == [("SOURCE", "Die"), ("CLAIM", "11.000")]
    db.close()
