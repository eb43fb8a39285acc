"""The spacy export loaded by spaCy itself (``claimdesk[consumers]``): span groups per
annotator plus the gold group, span ids and notes kept, each document in its own
language, and every span off token bounds counted per label in the message."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from store.changelog import user_action
from store.db import write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportOptions, ExportStats
from store.formats import ParsedArticle
from store.spans import create_span

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

AGED = "Die 78-Jährige sagte es."
SPACED = "Die Stadt meldet  11.000 Besucher."


def _with_off_bounds_span(db: sqlite_utils.Database) -> None:
    """``78`` inside the token ``78-Jährige``, and ``Die`` by the curator ``gold``."""
    with write(db):
        doc_id = insert_document(db, ParsedArticle("d-aged.txt", AGED, language="de"))
    assert doc_id is not None
    with user_action(db, "alice", "aged") as action:
        create_span(action, doc_id, 4, 6, "FIGURE", quote="78", span_id="x1", annotator="alice")
        create_span(action, doc_id, 0, 3, "SOURCE", quote="Die", span_id="x2", annotator="gold")


def _with_whitespace_spans(db: sqlite_utils.Database) -> None:
    """By ``alice``: `` `` between two words (no spaCy token at all), ``  `` of which spaCy
    makes one whitespace token, and `` meldet `` with a space at either end."""
    with write(db):
        doc_id = insert_document(db, ParsedArticle("d-spaced.txt", SPACED, language="de"))
    assert doc_id is not None
    plan = [
        ("w1", 9, 10, "CLAIM"),
        ("w2", 16, 18, "CLAIM"),
        ("w3", 9, 17, "FIGURE"),
        ("w4", 0, 3, "SOURCE"),
    ]
    with user_action(db, "alice", "spaced") as action:
        for span_id, start, end, label in plan:
            quote = SPACED[start:end]
            create_span(
                action, doc_id, start, end, label, quote=quote, span_id=span_id, annotator="alice"
            )


def _docs(
    db: sqlite_utils.Database, path: Path, options: ExportOptions
) -> tuple[list, ExportStats]:
    stats = export(db, "spacy", path, options=options)
    docbin = DocBin().from_bytes(path.read_bytes())
    return list(docbin.get_docs(spacy.blank("xx").vocab)), stats


def test_groups_ids_and_languages(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions())
    by_source = {doc.user_data["claimdesk"]["source"]: doc for doc in docs}
    tagesblatt = by_source["a-tagesblatt.txt"]
    assert set(tagesblatt.spans) == {"alice", "bob", "model:ner", "sc"}
    assert [s.id_ for s in tagesblatt.spans["alice"]] == ["s01", "s02"]
    assert [s.id_ for s in tagesblatt.spans["model:ner"]] == ["s05"]
    # No "gold" annotator here: sc holds every person's spans, not the model's.
    assert sorted(s.id_ for s in tagesblatt.spans["sc"]) == ["s01", "s02", "s03", "s04"]
    assert "every person's spans" in " ".join(stats.notes)
    spans = {row[0]: row for row in tagesblatt.user_data["claimdesk"]["spans"]}
    assert list(spans["s02"][4:]) == ["alice", "=1+1 looks odd\nsecond line"]
    post = by_source["b-morning-post.md"]
    assert post.user_data["claimdesk"]["language"] == "en"
    assert [t.text for t in post] == [t.text for t in spacy.blank("en")(post.text)]
    assert stats.spans == 9


@pytest.mark.parametrize(
    ("align", "kept", "note"),
    [
        (
            "expand",
            "78-Jährige",
            "1 span(s) not on token bounds (FIGURE 1): aligned to whole tokens (widened or"
            " narrowed, --align expand)",
        ),
        (
            "contract",
            None,
            "1 span(s) not on token bounds (FIGURE 1): left out, no whole token inside them"
            " (--align contract)",
        ),
        ("strict", None, "1 span(s) not on token bounds (FIGURE 1): left out"),
    ],
)
def test_off_bounds_spans_are_counted_and_aligned(
    fixed_db: sqlite_utils.Database, tmp_path: Path, align: str, kept: str | None, note: str
) -> None:
    _with_off_bounds_span(fixed_db)
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions(align=align))
    aged = next(d for d in docs if d.user_data["claimdesk"]["source"] == "d-aged.txt")
    alice = [s.text for s in aged.spans.get("alice", [])]
    assert alice == ([kept] if kept else [])
    assert note in " ".join(stats.notes)
    # The exact offsets stay in user_data whatever was done to the spaCy span.
    exact = [list(row) for row in aged.user_data["claimdesk"]["spans"]]
    assert ["x1", 4, 6, "FIGURE", "alice", None] in exact


@pytest.mark.parametrize(
    ("align", "kept", "notes"),
    [
        (
            "expand",
            ["78-Jährige", "sagte"],
            [
                "2 span(s) not on token bounds (EVENT 1, FIGURE 1): aligned to whole tokens"
                " (widened or narrowed, --align expand)"
            ],
        ),
        (
            "contract",
            ["sagte"],
            [
                "1 span(s) not on token bounds (EVENT 1): narrowed to the tokens inside them"
                " (--align contract)",
                "1 span(s) not on token bounds (FIGURE 1): left out, no whole token inside"
                " them (--align contract)",
            ],
        ),
        (
            "strict",
            [],
            ["2 span(s) not on token bounds (EVENT 1, FIGURE 1): left out (--align strict)"],
        ),
    ],
)
def test_each_span_off_bounds_is_counted_once_under_what_was_done(
    fixed_db: sqlite_utils.Database,
    tmp_path: Path,
    align: str,
    kept: list[str],
    notes: list[str],
) -> None:
    # "contract" called 78 (no whole token inside) narrowed and then left out, and
    # "strict" counted it in two notes: two spans read as four.
    _with_off_bounds_span(fixed_db)
    aged = fixed_db.conn.execute("SELECT id FROM documents WHERE source_name = 'd-aged.txt'")
    with user_action(fixed_db, "alice", "spaced") as action:
        create_span(action, aged.fetchone()[0], 14, 20, "EVENT", quote=" sagte", span_id="x3")
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions(align=align))
    doc = next(d for d in docs if d.user_data["claimdesk"]["source"] == "d-aged.txt")
    assert [s.text for s in doc.spans.get("alice", [])] == kept
    suffix = "; exact offsets are in user_data"
    about = [
        note.removesuffix(suffix)
        for note in stats.notes
        if "token bounds" in note or "want of whole tokens" in note
    ]
    assert about == notes


@pytest.mark.parametrize("align", ["expand", "contract"])
def test_whitespace_only_spans_are_left_out_and_counted(
    fixed_db: sqlite_utils.Database, tmp_path: Path, align: str
) -> None:
    # "expand" made a zero-token Span of " " (9-10), labelled CLAIM, in alice's group and
    # in sc, and the message called it widened.
    _with_whitespace_spans(fixed_db)
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions(align=align))
    spaced = next(d for d in docs if d.user_data["claimdesk"]["source"] == "d-spaced.txt")
    for key in ("alice", "sc"):
        assert [(s.id_, s.text) for s in spaced.spans[key]] == [("w4", "Die"), ("w3", "meldet")]
    assert all(len(span) > 0 for key in spaced.spans for span in spaced.spans[key])
    assert [e.text for e in spaced.ents] == ["Die", "meldet"]
    notes = " ".join(stats.notes)
    assert "2 span(s) cover only whitespace (CLAIM 2): left out" in notes
    assert "widened to" not in notes
    # The fixture's 9 spans and Die and meldet here: the two of whitespace are not exported.
    assert stats.spans == 11
    exact = [row[0] for row in spaced.user_data["claimdesk"]["spans"]]
    assert sorted(exact) == ["w1", "w2", "w3", "w4"]


def _with_annotator_called_sc(db: sqlite_utils.Database) -> None:
    """``11.000`` by an annotator whose login is ``sc``, spaCy's key for the gold group, and
    ``Besucher`` by ``annotator:sc``, whose name is what a renamed ``sc`` group is called."""
    with write(db):
        doc_id = insert_document(db, ParsedArticle("d-sc.txt", SPACED, language="de"))
    assert doc_id is not None
    plan = [
        ("c1", 0, 3, "SOURCE", "alice"),
        ("c2", 18, 24, "FIGURE", "sc"),
        ("c3", 25, 33, "FIGURE", "annotator:sc"),
    ]
    with user_action(db, "alice", "sc") as action:
        for span_id, start, end, label, annotator in plan:
            quote = SPACED[start:end]
            create_span(
                action, doc_id, start, end, label, quote=quote, span_id=span_id, annotator=annotator
            )


@pytest.mark.parametrize(("gold", "sc"), [("gold", ["c1", "c2", "c3"]), ("alice", ["c1"])])
def test_an_annotator_called_sc_keeps_its_own_group(
    fixed_db: sqlite_utils.Database, tmp_path: Path, gold: str, sc: list[str]
) -> None:
    # doc.spans["sc"] = gold overwrote the group of the annotator "sc": with --gold alice
    # its span was in no group at all.
    _with_annotator_called_sc(fixed_db)
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions(gold=gold))
    doc = next(d for d in docs if d.user_data["claimdesk"]["source"] == "d-sc.txt")
    groups = {key: [s.id_ for s in group] for key, group in doc.spans.items()}
    assert groups == {
        "alice": ["c1"],
        "annotator:sc": ["c2"],
        "annotator:annotator:sc": ["c3"],
        "sc": sc,
    }
    assert (
        "2 annotator(s) have their span group renamed, so that none is the gold group 'sc':"
        " 'annotator:sc' in doc.spans['annotator:annotator:sc'], 'sc' in"
        " doc.spans['annotator:sc']"
    ) in stats.notes


def test_gold_annotator_fills_sc_and_ents(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    _with_off_bounds_span(fixed_db)
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions())
    aged = next(d for d in docs if d.user_data["claimdesk"]["source"] == "d-aged.txt")
    assert [s.text for s in aged.spans["sc"]] == ["Die"]
    assert [(e.text, e.label_) for e in aged.ents] == [("Die", "SOURCE")]
    tagesblatt = next(d for d in docs if d.user_data["claimdesk"]["source"] == "a-tagesblatt.txt")
    assert list(tagesblatt.spans["sc"]) == []
    assert "'gold' annotator's spans" in " ".join(stats.notes)


def test_gold_spans_left_out_of_ents_are_counted(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # doc.ents = filter_spans(sc) kept the longest of overlapping spans and said nothing:
    # 221 gold spans gave 60 entities on a real corpus. Here "11.000 Besucher" and
    # "3. Juni.\nDer Bürgermeister" overlap the whole first sentence, "12,000 visitors" the
    # English one.
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions())
    missing: Counter[str] = Counter()
    for doc in docs:
        ents = {(e.start, e.end, e.label_) for e in doc.ents}
        missing.update(s.label_ for s in doc.spans["sc"] if (s.start, s.end, s.label_) not in ents)
    assert missing == Counter({"FIGURE": 2, "EVENT": 1})
    assert (
        "3 gold span(s) overlap a longer or earlier one (EVENT 1, FIGURE 2):"
        " in doc.spans['sc'] only, not in doc.ents"
    ) in stats.notes


def test_a_docbin_cut_short_by_its_reader_is_not_reported_as_exported(tmp_path: Path) -> None:
    # A buffered write into a pipe whose reader had gone returned the 64 KB that fitted
    # and said nothing: "exported … as spacy to stdout", exit status 0, for a file of
    # which the reader got 10 bytes.
    import subprocess
    import sys

    database = tmp_path / "sample.db"
    command = [sys.executable, "-c", "from claimdesk.cli import main; raise SystemExit(main())"]
    subprocess.run([*command, "--db", str(database), "import", "--sample", "-q"], check=True)
    export_ = subprocess.Popen(
        [*command, "--db", str(database), "export", "--format", "spacy"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export_.stdout is not None
    assert export_.stderr is not None
    assert len(export_.stdout.read(10)) == 10
    export_.stdout.close()
    err = export_.stderr.read().decode()
    assert export_.wait(timeout=60) == 0
    assert "exported" not in err


def test_an_article_longer_than_spacys_max_length_is_exported(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """spaCy's nlp.max_length (1,000,000 characters) guards its parser's memory; the
    export only tokenizes, and one such article stopped the whole export with an
    "unexpected error"."""
    text = ("Der Pegel stieg am Dienstag wieder. " * 30_000)[:1_050_000].rstrip()
    with write(db):
        doc_id = insert_document(db, ParsedArticle("d-long.txt", text, language="de"))
    assert doc_id is not None
    start = text.rindex("Pegel")  # past spaCy's limit
    end = start + len("Pegel")
    assert start > 1_000_000
    with user_action(db, "alice", "long") as action:
        create_span(
            action,
            doc_id,
            start,
            end,
            "CLAIM",
            quote=text[start:end],
            span_id="l1",
            annotator="alice",
        )
    docs, stats = _docs(db, tmp_path / "out.spacy", ExportOptions())
    (doc,) = docs
    assert doc.text == text
    assert [(s.id_, s.start_char, s.end_char) for s in doc.spans["alice"]] == [("l1", start, end)]
    assert stats.spans == 1


@pytest.mark.parametrize("language", ["en.examples", "de.punctuation", "../en", "english", b"\xff"])
def test_a_stored_language_spacy_cannot_load_is_tokenized_as_multi_language(
    fixed_db: sqlite_utils.Database, tmp_path: Path, language: str | bytes
) -> None:
    # A page's lang="en.examples" was stored as it was; spaCy imported the submodule
    # spacy.lang.en.examples as a language and failed, and one such article stopped the
    # whole corpus's export with "unexpected error".
    with write(fixed_db):
        fixed_db.execute(
            "UPDATE documents SET language = ? WHERE source_name = ?", [language, "c-quiet.txt"]
        )
    docs, stats = _docs(fixed_db, tmp_path / "out.spacy", ExportOptions())
    assert len(docs) == 3
    if isinstance(language, str):
        assert any("no spaCy tokenizer for" in note for note in stats.notes)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("en-US", "en"),
        ("de_AT", "de"),
        ("en.examples", None),
        ("German", None),
        ("", None),
        ("und", None),
        ("zxx", None),
    ],
)
def test_a_language_that_is_not_a_tag_is_left_to_detection(given: str, stored: str | None) -> None:
    from store.formats.metadata import language_code

    assert language_code(given) == stored
