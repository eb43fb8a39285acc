"""jsonl --tokens as Prodigy tasks, and Prodigy's own output read back by
import-annotations: spans without ids get derived ones, rejected tasks are skipped
and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from store.annotations_import import import_annotations
from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportOptions
from store.formats import ParsedArticle
from store.labels import ensure_default_labels

TEXT = "Die 78-Jährige kam am Montag."


def _fresh() -> sqlite_utils.Database:
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("aged.txt", TEXT))
    return db


def test_tokens_export_carries_prodigy_task_keys(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    stats = export(fixed_db, "jsonl", tmp_path / "t.jsonl", options=ExportOptions(tokens=True))
    tasks = [json.loads(line) for line in (tmp_path / "t.jsonl").open(encoding="utf-8")]
    for task in tasks:
        assert isinstance(task["_input_hash"], int)
        assert isinstance(task["_task_hash"], int)
        assert -(2**31) <= task["_task_hash"] < 2**31
        assert task["answer"] == "accept"
    assert len({t["_input_hash"] for t in tasks}) == len(tasks)
    # The fixture's s04 ends after "😀" and s08 spans a ZWJ family: both on bounds,
    # so nothing is reported as off bounds unless a span really is.
    for task in tasks:
        tokens = task["tokens"]
        for span in task["spans"]:
            first, last = tokens[span["token_start"]], tokens[span["token_end"]]
            on_bounds = (first["start"], last["end"]) == (span["start"], span["end"])
            assert on_bounds or "not on token bounds" in " ".join(stats.notes)


def test_a_span_of_whitespace_alone_is_counted_as_touching_no_token(tmp_path: Path) -> None:
    # Counted as "not on token bounds … name the tokens they touch", with null tokens.
    from store.changelog import user_action
    from store.spans import create_span

    db = _fresh()
    with user_action(db, "ana") as action:
        create_span(action, 1, 3, 4, "CLAIM")  # the space after "Die"
        create_span(action, 1, 4, 14, "CLAIM")
    stats = export(db, "jsonl", tmp_path / "t.jsonl", options=ExportOptions(tokens=True))
    (task,) = [json.loads(line) for line in (tmp_path / "t.jsonl").open(encoding="utf-8")]
    blank = next(span for span in task["spans"] if span["start"] == 3)
    assert (blank["token_start"], blank["token_end"]) == (None, None)
    assert stats.notes == [
        "1 span(s) cover only whitespace (CLAIM 1): exact start/end kept,"
        " token_start/token_end null"
    ]


def test_prodigy_output_imports_with_ids_made_and_rejects_skipped(tmp_path: Path) -> None:
    db = _fresh()
    accepted = {
        "text": TEXT,
        "meta": {"source": "aged.txt"},
        "_input_hash": 1,
        "_task_hash": 2,
        "spans": [{"start": 22, "end": 28, "label": "EVENT", "token_start": 5, "token_end": 5}],
        "answer": "accept",
    }
    rejected = {
        **accepted,
        "_task_hash": 3,
        "answer": "reject",
        "spans": [{"start": 4, "end": 6, "label": "FIGURE"}],
    }
    path = tmp_path / "prodigy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (accepted, rejected)), encoding="utf-8")
    report = import_annotations(db, path, importer="alice")
    assert (report.added, report.not_accepted, report.refused) == (1, 1, [])
    rows = list(db.conn.execute('SELECT id, start, "end", label FROM spans'))
    assert [tuple(r[1:]) for r in rows] == [(22, 28, "EVENT")]
    assert rows[0][0]
    again = import_annotations(db, path, importer="alice")
    assert (again.added, again.present) == (0, 1)
    db.close()


def test_per_annotator_tasks_round_trip(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    from store.annotations_import import import_annotations
    from tests.export.conftest import build_fixed_db

    options = ExportOptions(tokens=True, per_annotator=True)
    stats = export(fixed_db, "jsonl", tmp_path / "t.jsonl", options=options)
    tasks = [json.loads(line) for line in (tmp_path / "t.jsonl").open(encoding="utf-8")]
    # a-tagesblatt: alice, bob, model:ner; b-morning-post: alice, bob, model:ner; c-quiet: one.
    assert [t.get("_annotator_id") for t in tasks] == [
        "alice",
        "bob",
        "model:ner",
        "alice",
        "bob",
        "model:ner",
        None,
    ]
    assert stats.records == 7
    assert len({t["_task_hash"] for t in tasks}) == 7
    for task in tasks:
        assert {s["annotator"] for s in task["spans"]} <= {task.get("_annotator_id")}
    other = connect(":memory:")
    build_fixed_db(other)
    other.execute("DELETE FROM spans")
    report = import_annotations(other, tmp_path / "t.jsonl", importer="carol")
    assert (report.added, report.refused) == (9, [])
    other.close()


LAID_OUT = " Police said so.\n\nThe mayor\tagreed  twice.\xa0Done \n"


def test_tokens_rebuild_the_text_as_spacy_lays_them_out(tmp_path: Path) -> None:
    # ws was true before any whitespace and the whitespace itself was no token, so a
    # consumer's Doc(words, spaces) lost every line break and tab and the spans behind
    # them pointed at other words.
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    from store.changelog import user_action
    from store.spans import create_span

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("laid.txt", LAID_OUT))
    marks = ["mayor\tagreed", "Police", "twice", "Done"]
    with user_action(db, "ana") as action:
        for quote in marks:
            start = LAID_OUT.index(quote)
            create_span(action, 1, start, start + len(quote), "CLAIM")
    export(db, "jsonl", tmp_path / "t.jsonl", options=ExportOptions(tokens=True))
    (task,) = [json.loads(line) for line in (tmp_path / "t.jsonl").open(encoding="utf-8")]
    tokens = task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert all(task["text"][t["start"] : t["end"]] == t["text"] for t in tokens)
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
    assert doc.text == LAID_OUT
    # The same layout spaCy's own tokenizer gives at whitespace.
    assert [(t.text, bool(t.whitespace_)) for t in nlp(LAID_OUT) if t.is_space] == [
        (t["text"], t["ws"]) for t in tokens if t["text"].isspace()
    ]
    for span in task["spans"]:
        by_tokens = doc[span["token_start"] : span["token_end"] + 1]
        assert by_tokens.text == span["text"] == doc.char_span(span["start"], span["end"]).text
    assert sorted(span["text"] for span in task["spans"]) == sorted(marks)
    db.close()


MARKED = "\u200fהנשיא אמר\u200f: \u2067הממשלה\u2069 פועלת.\u200f foo\u200bbar \u200e"


def test_tokens_hold_format_characters_but_none_is_a_token_alone(tmp_path: Path) -> None:
    # A bidi mark, an isolate or a zero-width space was a token of its own: an empty box
    # in Prodigy, and a span could start on one.
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    from store.changelog import user_action
    from store.combining import is_default_ignorable
    from store.spans import create_span

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("marked.txt", MARKED))
    marks = ["הנשיא", "הממשלה\u2069 פועלת", "bar"]
    with user_action(db, "ana") as action:
        for quote in marks:
            start = MARKED.index(quote)
            create_span(action, 1, start, start + len(quote), "CLAIM")
    stats = export(db, "jsonl", tmp_path / "t.jsonl", options=ExportOptions(tokens=True))
    (task,) = [json.loads(line) for line in (tmp_path / "t.jsonl").open(encoding="utf-8")]
    tokens = task["tokens"]
    assert all(task["text"][t["start"] : t["end"]] == t["text"] for t in tokens)
    assert not [t["text"] for t in tokens if all(map(is_default_ignorable, t["text"]))]
    # After a space a mark goes with it; elsewhere the next word's token takes it.
    assert [t["text"] for t in tokens] == [
        "\u200fהנשיא",
        "אמר",
        "\u200f:",
        " \u2067",
        "הממשלה",
        "\u2069 ",
        "פועלת",
        ".",
        "\u200f ",
        "foo",
        "\u200bbar",
        " \u200e",
    ]
    doc = Doc(
        spacy.blank("xx").vocab,
        words=[t["text"] for t in tokens],
        spaces=[t["ws"] for t in tokens],
    )
    assert doc.text == MARKED
    for span in task["spans"]:
        first = tokens[span["token_start"]]
        assert not is_default_ignorable(first["text"][-1])
    # "הנשיא" follows an RLM at the start of the text and "bar" a ZWSP: those tokens
    # take the mark before them, so the two spans are off their tokens' bounds, and
    # counted; the span ending at the isolate is on them.
    assert "2 span(s) not on token bounds (CLAIM 2)" in stats.notes[0]
    db.close()
