"""The xmi export read back by dkpro-cassis (``claimdesk[xmi]``, also in
``claimdesk[consumers]``), as INCEpTION reads it: the type system loads, every span
covers its text, the features carry label, annotator, note, id and fact, and the
XMI's own offsets are UTF-16 code units, so spans after an emoji are not shifted."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from lxml import etree

from store.export import export
from store.export.output import MARKER
from store.export.xmi import SPAN_TYPE

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
