"""The brat export read by pybrat and bratly (``claimdesk[consumers]``): every folder
parses, spans keep their offsets and labels, two annotators marking the same words
do not break the reader, relations between claims of one fact survive, and spans with
whitespace at their ends or a tab inside read back equal to the text at their offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from store.changelog import user_action
from store.export import export
from store.export.common import ExportFilter
from store.export.output import MARKER
from store.spans import create_span
from tests.export.conftest import MORNING_POST

pybrat = pytest.importorskip("pybrat.parser")
bratly = pytest.importorskip("bratly.annotation_types")


def _same_words_by_carol(db: sqlite_utils.Database) -> None:
    """carol marks exactly alice's first sentence: the duplicate that broke pybrat."""
    with user_action(db, "carol", "duplicate") as action:
        create_span(action, 1, 0, 44, "CLAIM", span_id="c01", annotator="carol")


def test_pybrat_parses_every_annotator_folder(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    _same_words_by_carol(fixed_db)
    export(fixed_db, "brat", tmp_path / "brat")
    examples = pybrat.BratParser(error="raise").parse(str(tmp_path / "brat"))
    texts = dict(fixed_db.conn.execute("SELECT source_name, text FROM documents"))
    by_id = {example.id: example for example in examples}
    # Four annotators (alice, bob, carol, model:ner) × three documents.
    assert len(examples) == 12
    found = set()
    for key, example in by_id.items():
        annotator, base = key.split("/")
        source = next(name for name in texts if name.rsplit(".", 1)[0] == base)
        for entity in example.entities:
            pieces = [texts[source][s.start : s.end] for s in entity.spans]
            assert " ".join(pieces) == entity.mention
            found.add((annotator, source, entity.spans[0].start, entity.spans[-1].end, entity.type))
    assert ("carol", "a-tagesblatt.txt", 0, 44, "CLAIM") in found
    assert ("alice", "a-tagesblatt.txt", 0, 44, "CLAIM") in found
    s08 = MORNING_POST.index("Cafe\u0301 owners")
    s08_end = s08 + len("Cafe\u0301 owners 👩\u200d👩\u200d👧")
    assert ("model_ner-2f693747", "b-morning-post.md", s08, s08_end, "SOURCE") in found
    assert len(found) == 10
    relations = by_id["alice/a-tagesblatt"].relations
    assert [(r.type, r.arg1.mention, r.arg2.mention) for r in relations] == [
        ("SAME_FACT", "Die Stadt meldet 11.000 Besucher am 3. Juni.", "11.000 Besucher")
    ]


def test_bratly_reads_every_line(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "brat", tmp_path / "brat")
    count = 0
    for ann in sorted((tmp_path / "brat").rglob("*.ann")):
        entities: dict[str, object] = {}
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                entity = bratly.EntityAnnotation.from_line(line)
                entities[entity.id] = entity
                count += 1
            elif line.startswith("R"):
                bratly.RelationAnnotation.from_line(line, entities)
            else:
                bratly.NoteAnnotation.from_line(line, entities)
    assert count == 9


def test_no_relation_between_two_spans_on_the_same_words(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # alice also marks her linked first sentence (s01, CLAIM) as an EVENT: the same
    # words, so the same fact key, but no second claim of the fact.
    with user_action(fixed_db, "alice", "twin") as action:
        create_span(action, 1, 0, 44, "EVENT", span_id="s01-event", annotator="alice")
    export(fixed_db, "brat", tmp_path / "brat")
    entities: dict[str, object] = {}
    relations = []
    for line in (tmp_path / "brat" / "alice" / "a-tagesblatt.ann").read_text().splitlines():
        if line.startswith("T"):
            entity = bratly.EntityAnnotation.from_line(line)
            entities[entity.id] = entity
        elif line.startswith("R"):
            relation = bratly.RelationAnnotation.from_line(line, entities)
            relations.append(
                tuple(
                    (arg.label, arg.fragments[0].start, arg.fragments[-1].end)
                    for _, arg in (relation.argument1, relation.argument2)
                )
            )
    assert relations == [(("CLAIM", 0, 44), ("FIGURE", 17, 32))]


def _annotators_tsv(folder: Path) -> dict[str, str]:
    header, *rows = (folder / "annotators.tsv").read_text(encoding="utf-8").splitlines()
    assert header == "folder\tannotator"
    return dict(row.split("\t") for row in rows)


def _read_by_pybrat(folder: Path) -> set[tuple[str, str, int, int]]:
    """(annotator, label, start, end) of every entity pybrat reads, the annotator found
    through annotators.tsv from the folder pybrat names."""
    annotators = _annotators_tsv(folder)
    return {
        (
            annotators[example.id.split("/")[0]],
            entity.type,
            entity.spans[0].start,
            entity.spans[-1].end,
        )
        for example in pybrat.BratParser(error="raise").parse(str(folder))
        for entity in example.entities
    }


def test_an_annotator_keeps_its_folder_whoever_else_is_exported(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # "model/ner" sorts before "model:ner" and took "model_ner", pushing model:ner to
    # "model_ner-2" in a full export but not in one filtered to model:ner.
    with user_action(fixed_db, "model/ner", "pre-annotations") as action:
        create_span(action, 1, 4, 9, "SOURCE", span_id="slash", annotator="model/ner")
    export(fixed_db, "brat", tmp_path / "all")
    export(fixed_db, "brat", tmp_path / "one", ExportFilter(annotators=("model:ner",)))
    everyone = _annotators_tsv(tmp_path / "all")
    assert sorted(everyone.values()) == ["alice", "bob", "model/ner", "model:ner"]
    assert _annotators_tsv(tmp_path / "one") == {
        folder: name for folder, name in everyone.items() if name == "model:ner"
    }
    assert everyone["alice"] == "alice"
    in_all = _read_by_pybrat(tmp_path / "all")
    in_one = _read_by_pybrat(tmp_path / "one")
    assert ("model/ner", "SOURCE", 4, 9) in in_all
    assert in_one == {entry for entry in in_all if entry[0] == "model:ner"} != set()


def test_documents_without_any_span_are_reported_not_lost_silently(tmp_path: Path) -> None:
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("a.txt", "Nothing marked."))
    stats = export(db, "brat", tmp_path / "brat")
    assert stats.documents == 0
    assert "1 document(s) not written" in " ".join(stats.notes)
    assert sorted(p.name for p in (tmp_path / "brat").iterdir() if p.name != MARKER) == [
        "annotation.conf",
        "annotators.tsv",
        "documents.tsv",
        "links.tsv",
    ]
    assert pybrat.BratParser(error="raise").parse(str(tmp_path / "brat")) == []
    db.close()


def test_a_document_named_like_anothers_suffixed_file_keeps_its_own_files(
    tmp_path: Path,
) -> None:
    # a.txt beside a.md was written as a-1, the own name of a-1.txt: one document's
    # text and spans replaced the other's, and the summary still counted both.
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    texts = {"a.txt": "Erster Text.", "a.md": "Zweiter Text.", "a-1.txt": "Dritter Text."}
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        ids = {name: insert_document(db, ParsedArticle(name, text)) for name, text in texts.items()}
    with user_action(db, "alice", "mark") as action:
        for name, text in texts.items():
            create_span(action, ids[name], 0, len(text.split()[0]), "CLAIM", annotator="alice")
    stats = export(db, "brat", tmp_path / "brat")
    assert stats.documents == 3
    rows = (tmp_path / "brat" / "documents.tsv").read_text(encoding="utf-8").splitlines()[1:]
    files = {row.split("\t")[1]: row.split("\t")[0] for row in rows}
    assert len(set(files.values())) == 3
    parsed = pybrat.BratParser(error="raise").parse(str(tmp_path / "brat" / "alice"))
    by_file = {Path(example.id).name: example for example in parsed}
    for name, text in texts.items():
        example = by_file[files[name]]
        assert example.text == text
        (entity,) = example.entities
        assert entity.mention == text.split()[0]
    db.close()


def test_spans_alike_once_trimmed_are_one_entity_pybrat_reads(tmp_path: Path) -> None:
    # "Alpha" and "Alpha " with one label became two identical T lines, which pybrat
    # refuses as a duplicate entity, and the note spoke of "another label".
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        doc = insert_document(db, ParsedArticle("w.txt", "Alpha said yes. Beta agreed."))
    assert doc is not None
    with user_action(db, "alice", "mark") as action:
        create_span(action, doc, 0, 5, "SOURCE", span_id="s1", note="first")
        create_span(action, doc, 0, 6, "SOURCE", span_id="s2", note="second")
        create_span(action, doc, 16, 20, "SOURCE", span_id="s4")
    stats = export(db, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "alice" / "w.ann").read_text(encoding="utf-8").splitlines()
    assert [line for line in ann if line.startswith("T")] == [
        "T1\tSOURCE 0 5\tAlpha",
        "T2\tSOURCE 16 20\tBeta",
    ]
    # Both notes stay, on the one entity.
    assert sorted(line.split("\t", 1)[1] for line in ann if line.startswith("#")) == [
        "AnnotatorNotes T1\tfirst",
        "AnnotatorNotes T1\tsecond",
    ]
    notes = " ".join(stats.notes)
    assert "1 span(s) written as the T line of another span of the same annotator" in notes
    assert "share their offsets" not in notes
    (example,) = pybrat.BratParser(error="raise").parse(str(tmp_path / "brat" / "alice"))
    assert sorted((e.mention, e.start, e.end) for e in example.entities) == [
        ("Alpha", 0, 5),
        ("Beta", 16, 20),
    ]
    db.close()


WHITESPACE_TEXT = "Der Minister sagte\tam Montag, es gehe voran."


def _whitespace_spans(tmp_path: Path) -> tuple[sqlite_utils.Database, list[str]]:
    """Spans as imported annotations bring them: whitespace at either end, a tab inside,
    whitespace alone. Returns the database and the export's notes."""
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        doc_id = insert_document(db, ParsedArticle("ws.txt", WHITESPACE_TEXT))
    assert doc_id is not None
    with user_action(db, "alice", "imported") as action:
        for quote in (
            "Minister ",
            " sagte",
            "sagte\tam",
            "\tam Montag",
            " ",
        ):
            start = WHITESPACE_TEXT.index(quote)
            create_span(action, doc_id, start, start + len(quote), "CLAIM", quote=quote)
    stats = export(db, "brat", tmp_path / "brat")
    return db, stats.notes


def test_whitespace_and_tabs_read_back_exactly_in_pybrat_and_bratly(tmp_path: Path) -> None:
    db, notes = _whitespace_spans(tmp_path)
    text = WHITESPACE_TEXT
    minister = text.index("Minister")
    sagte = text.index("sagte")
    am = text.index("am Montag")
    expected = {
        ((minister, minister + len("Minister")),),
        ((sagte, sagte + len("sagte")),),
        ((sagte, sagte + len("sagte")), (am, am + len("am"))),
        ((am, am + len("am Montag")),),
    }

    (example,) = pybrat.BratParser(error="raise").parse(str(tmp_path / "brat"))
    assert example.text == text
    read_by_pybrat = set()
    for entity in example.entities:
        pieces = tuple((s.start, s.end) for s in entity.spans)
        assert entity.mention == " ".join(text[s:e] for s, e in pieces)
        read_by_pybrat.add(pieces)
    assert read_by_pybrat == expected

    read_by_bratly = set()
    ann = tmp_path / "brat" / "alice" / "ws.ann"
    for line in ann.read_text(encoding="utf-8").splitlines():
        entity = bratly.EntityAnnotation.from_line(line)
        pieces = tuple((f.start, f.end) for f in entity.fragments)
        assert entity.content == " ".join(text[s:e] for s, e in pieces)
        read_by_bratly.add(pieces)
    assert read_by_bratly == expected

    joined = " ".join(notes)
    assert "1 span(s) holding only whitespace or line breaks could not be written" in joined
    assert "3 span(s) written without the whitespace at their ends" in joined
    assert "1 span(s) holding a tab written as fragments around it" in joined
    db.close()


def test_spans_on_one_annotators_same_offsets_are_named_where_pybrat_refuses(
    tmp_path: Path,
) -> None:
    import shutil

    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.labels import ensure_default_labels

    text = "Die Stadt meldet 11.000 Besucher am 3. Juni."
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        # Texts differ: the store keeps one document per text.
        ids = [insert_document(db, ParsedArticle(f"d{n}.txt", f"{text} {n}")) for n in range(6)]
    with user_action(db, "alice", "imported") as action:
        for doc_id in ids:
            assert doc_id is not None
            create_span(action, doc_id, 0, 9, "SOURCE", span_id=f"ok-{doc_id}")
        # Five documents hold a CLAIM and an EVENT on the same words; d0 only the SOURCE.
        for doc_id in ids[1:]:
            assert doc_id is not None
            create_span(action, doc_id, 0, 44, "CLAIM", span_id=f'c, "{doc_id}"')
            create_span(action, doc_id, 0, 44, "EVENT", span_id=f"e {doc_id}")
    stats = export(db, "brat", tmp_path / "brat")
    (note,) = [n for n in stats.notes if "share their offsets" in n]
    assert note.startswith("5 span(s) share their offsets")
    # The first three, quoted, then a count of the rest.
    assert "'d1.txt' ('alice'): 'c, \"2\"' and 'e 2'" in note
    assert "'d3.txt' ('alice'): 'c, \"4\"' and 'e 4'" in note
    assert "d4.txt" not in note
    assert note.endswith("; and 2 more")
    # pybrat refuses each document with such a pair (d1 to d5) and reads d0.
    for n in range(6):
        alone = tmp_path / f"alone{n}"
        alone.mkdir()
        for suffix in (".txt", ".ann"):
            shutil.copy(tmp_path / "brat" / "alice" / f"d{n}{suffix}", alone)
        if n == 0:
            (example,) = pybrat.BratParser(error="raise").parse(str(alone))
            assert [e.type for e in example.entities] == ["SOURCE"]
        else:
            with pytest.raises(RuntimeError, match="identical span"):
                pybrat.BratParser(error="raise").parse(str(alone))
    db.close()
