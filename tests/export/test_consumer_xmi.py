"""The xmi export read back by dkpro-cassis (``claimdesk[xmi]``, also in
``claimdesk[consumers]``), as INCEpTION reads it: the type system loads, every span
covers its text, the features carry label, annotator, note, id and fact, and the
XMI's own offsets are UTF-16 code units, so spans after an emoji are not shifted."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from lxml import etree

from claimdesk.cli import main
from store.changelog import user_action
from store.db import connect
from store.export import export
from store.export.output import MARKER
from store.export.xmi import METADATA_TYPE, SPAN_TYPE
from store.spans import create_span
from tests.conftest import add_document_to_file

cassis = pytest.importorskip("cassis")


def test_cassis_loads_every_span_with_its_features(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    export(fixed_db, "xmi", tmp_path / "xmi")
    folder = tmp_path / "xmi"
    assert sorted(p.name for p in folder.iterdir() if p.name != MARKER) == [
        "TypeSystem.xml",
        "a-tagesblatt.xmi",
        "b-morning-post.xmi",
        "c-quiet.xmi",
        "documents.tsv",
    ]
    with (folder / "TypeSystem.xml").open("rb") as handle:
        system = cassis.load_typesystem(handle)
    expected = {
        row[0]: row[1:]
        for row in fixed_db.conn.execute(
            "SELECT id, quote, label, annotator, note FROM spans WHERE deleted_at IS NULL"
        )
    }
    seen = {}
    languages = set()
    for xmi in sorted(folder.glob("*.xmi")):
        with xmi.open("rb") as handle:
            cas = cassis.load_cas_from_xmi(handle, typesystem=system)
        languages.add(cas.document_language)
        for annotation in cas.select(SPAN_TYPE):
            seen[annotation.spanId] = (
                annotation.get_covered_text(),
                annotation.label,
                annotation.annotator,
                annotation.note,
            )
            if annotation.spanId in ("s01", "s02"):
                assert annotation.fact is not None
    assert seen == expected
    assert languages == {"de", "en"}


def test_each_cas_names_its_document_and_documents_tsv_maps_the_files(
    tmp_path: Path,
) -> None:
    # a.txt and a.md became a.xmi and a-1.xmi, and nothing in either said which was
    # which; the DocumentAnnotation had end 0.
    source = tmp_path / "a.jsonl"
    source.write_text(
        '{"id": "a.txt", "title": "Erster", "url": "https://blatt.example/a", "language": "de",'
        ' "text": "😀 Text A."}\n'
        '{"id": "a.md", "text": "Text B."}\n'
        '{"id": "../evil/../path", "text": "Text C."}\n'
        # Its own stem is the one a.txt is given beside a.md: a.txt overwrote it.
        '{"id": "a-1.txt", "text": "Text D."}\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "n.db"
    assert main(["--db", str(db_path), "import", "-q", str(source)]) == 0
    folder = tmp_path / "xmi"
    assert main(["--db", str(db_path), "export", "-q", "-f", "xmi", "--out", str(folder)]) == 0
    with (folder / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle]
    assert rows[0] == ["file", "source", "outlet", "date", "language", "story"]
    files = {row[0]: row[1] for row in rows[1:]}
    assert sorted(files.values()) == ["../evil/../path", "a-1.txt", "a.md", "a.txt"]
    assert sorted(p.stem for p in folder.glob("*.xmi")) == sorted(files)
    with (folder / "TypeSystem.xml").open("rb") as handle:
        system = cassis.load_typesystem(handle)
    texts = {
        "a.txt": "😀 Text A.",
        "a.md": "Text B.",
        "../evil/../path": "Text C.",
        "a-1.txt": "Text D.",
    }
    for stem, name in files.items():
        with (folder / f"{stem}.xmi").open("rb") as handle:
            cas = cassis.load_cas_from_xmi(handle, typesystem=system)
        (meta,) = cas.select("uima.tcas.DocumentAnnotation")
        assert meta.type.name == METADATA_TYPE
        assert meta.documentId == name
        assert meta.get_covered_text() == texts[name] == cas.sofa_string
        if name == "a.txt":
            assert (meta.documentTitle, meta.documentUri) == ("Erster", "https://blatt.example/a")
            assert cas.document_language == "de"
        else:
            # Without a title import takes the text's first line.
            assert (meta.documentTitle, meta.documentUri) == (texts[name], None)
        # In the file, the end is in UTF-16 units: 😀 counts two.
        root = etree.parse(str(folder / f"{stem}.xmi")).getroot()
        (element,) = root.iter("{http:///de/tudarmstadt/ukp/dkpro/core/api/metadata/type.ecore}*")
        assert element.get("begin") == "0"
        assert int(element.get("end")) == len(texts[name].encode("utf-16-le")) // 2


def test_xmi_offsets_are_utf16_units(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "xmi", tmp_path / "xmi")
    texts = dict(fixed_db.conn.execute("SELECT source_name, text FROM documents"))
    spans = {
        row[0]: (texts[row[1]], row[2], row[3])
        for row in fixed_db.conn.execute(
            'SELECT s.id, d.source_name, s.start, s."end" FROM spans s'
            " JOIN documents d ON d.id = s.doc_id WHERE s.deleted_at IS NULL"
        )
    }

    def utf16(text: str, offset: int) -> int:
        return len(text[:offset].encode("utf-16-le")) // 2

    checked = 0
    for xmi in (tmp_path / "xmi").glob("*.xmi"):
        root = etree.parse(str(xmi)).getroot()
        for element in root.iter("{http:///webanno/custom.ecore}ClaimdeskSpan"):
            text, start, end = spans[element.get("spanId")]
            assert int(element.get("begin")) == utf16(text, start)
            assert int(element.get("end")) == utf16(text, end)
            checked += 1
    assert checked == 9
    # s04 ends after 😀, one code point but two UTF-16 units.
    text, _, end = spans["s04"]
    assert utf16(text, end) == end + 1


UIMA_NOTE = (
    "(UIMA's count, as in Java: an emoji is two) other than their code-point offsets;"
    " INCEpTION places them right, but a script comparing them with claimdesk's must convert"
)


def test_a_note_counts_the_spans_whose_offsets_the_conversion_changed(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # The conversion was silent: offsets in the files differed from claimdesk's own
    # and nothing said so, where the doccano export counts them.
    stats = export(fixed_db, "xmi", tmp_path / "xmi")
    offsets = {
        row[0]: (row[1], row[2], row[3])
        for row in fixed_db.conn.execute(
            'SELECT s.id, d.source_name, s.start, s."end" FROM spans s'
            " JOIN documents d ON d.id = s.doc_id WHERE s.deleted_at IS NULL"
        )
    }
    changed: list[str] = []
    for xmi in (tmp_path / "xmi").glob("*.xmi"):
        root = etree.parse(str(xmi)).getroot()
        for element in root.iter("{http:///webanno/custom.ecore}ClaimdeskSpan"):
            source, start, end = offsets[element.get("spanId")]
            if (int(element.get("begin")), int(element.get("end"))) != (start, end):
                changed.append(source)
    assert changed
    counted = f"{len(changed)} span(s) in {len(set(changed))} document(s)"
    assert stats.notes == [f"{counted} have UTF-16 offsets {UIMA_NOTE}"]
    # Counted by the same code as doccano's, so the two exports say the same numbers.
    doccano = export(fixed_db, "doccano", tmp_path / "d.jsonl")
    assert doccano.notes[0].startswith(f"{counted} have UTF-16 offsets (doccano's count")


def test_no_note_when_no_offset_changes(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    add_document_to_file(path, "Ein normaler Satz ohne Emoji.", name="ok.txt")
    db = connect(path)
    with user_action(db, "alice", "span") as action:
        create_span(action, 1, 4, 10, "CLAIM")
    stats = export(db, "xmi", tmp_path / "xmi")
    db.close()
    assert (stats.spans, stats.notes) == (1, [])


def _old_database_with_noncharacters(tmp_path: Path) -> Path:
    """A database as import left it before U+FFFE and U+FFFF were removed: one document
    holds both (after an emoji, so UTF-16 offsets differ), a note holds a control."""
    path = tmp_path / "old.db"
    add_document_to_file(path, "Ein normaler Satz.", name="ok.txt")
    add_document_to_file(path, "😀 Nichtzeichen hier und dort.", name="bad.txt")
    db = connect(path)
    with user_action(db, "alice", "span") as action:
        create_span(action, 1, 4, 10, "CLAIM", span_id="ok1")
        create_span(action, 2, 2, 14, "CLAIM", span_id="bad1", note="siehe")
        create_span(action, 2, 20, 29, "CLAIM", span_id="bad2")
    # Written behind claimdesk's back, one character for one, as the old import stored it.
    db.execute(
        "UPDATE documents SET text = ? WHERE id = 2", ["😀 Nicht\ufffeeichen hier \uffffnd dort."]
    )
    db.execute(
        "UPDATE spans SET quote ="
        ' (SELECT substr(text, spans.start + 1, spans."end" - spans.start) FROM documents'
        " WHERE documents.id = spans.doc_id)"
    )
    db.execute("UPDATE spans SET note = 'siehe' || char(65535) || char(7) WHERE id = 'bad1'")
    db.close()
    return path


def test_characters_xml_cannot_hold_are_written_as_replacement_characters(
    tmp_path: Path,
) -> None:
    # lxml refused U+FFFE inside cassis, and the whole corpus's export died with an
    # "unexpected error" naming no document.
    db = connect(_old_database_with_noncharacters(tmp_path))
    stats = export(db, "xmi", tmp_path / "xmi")
    quotes = dict(db.conn.execute("SELECT id, quote FROM spans"))
    db.close()
    assert stats.documents == 2
    assert stats.notes == [
        f"2 span(s) in 1 document(s) have UTF-16 offsets {UIMA_NOTE}",
        "4 character(s) XML cannot hold (C0 controls, U+FFFE, U+FFFF) written as U+FFFD,"
        " offsets unchanged, in 1 document(s): bad.txt; claimdesk check lists them",
    ]
    folder = tmp_path / "xmi"
    with (folder / "TypeSystem.xml").open("rb") as handle:
        system = cassis.load_typesystem(handle)
    with (folder / "bad.xmi").open("rb") as handle:
        cas = cassis.load_cas_from_xmi(handle, typesystem=system)
    assert cas.sofa_string == "😀 Nicht\ufffdeichen hier \ufffdnd dort."
    spans = {a.spanId: a for a in cas.select(SPAN_TYPE)}
    # The covered text is the stored quote with each such character as U+FFFD.
    for span_id in ("bad1", "bad2"):
        expected = quotes[span_id].replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")
        assert spans[span_id].get_covered_text() == expected
    assert spans["bad1"].note == "siehe\ufffd\ufffd"
    # One character for one: UTF-16 offsets are as for the stored text (😀 counts two).
    root = etree.parse(str(folder / "bad.xmi")).getroot()
    begins = sorted(
        int(e.get("begin")) for e in root.iter("{http:///webanno/custom.ecore}ClaimdeskSpan")
    )
    assert begins == [3, 21]
    with (folder / "ok.xmi").open("rb") as handle:
        ok = cassis.load_cas_from_xmi(handle, typesystem=system)
    assert [a.get_covered_text() for a in ok.select(SPAN_TYPE)] == ["normal"]


def test_the_note_on_replaced_characters_names_the_document_visibly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _old_database_with_noncharacters(tmp_path)
    db = connect(path)
    db.execute(
        "UPDATE documents SET source_name = 'bad\u202e' || char(65534) || '.txt' WHERE id = 2"
    )
    db.close()
    out = tmp_path / "xmi"
    assert main(["--db", str(path), "export", "-f", "xmi", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "in 1 document(s): bad\\u202e\\ufffe.txt;" in err
    assert "\u202e" not in err
    assert "\ufffe" not in err
    assert sorted(p.name for p in out.glob("*.xmi")) == ["bad.xmi", "ok.xmi"]
