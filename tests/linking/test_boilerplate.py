"""Boilerplate units: recognised on import by shape and by repetition, never suggested."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from store.boilerplate import boilerplate_sentences, is_boilerplate, is_shape_boilerplate
from store.importer import import_paths
from store.linking.decisions import review_queue
from store.linking.suggest import LinkSettings, link_documents, load_documents
from store.session import Session


@pytest.mark.parametrize(
    "text",
    [
        "(APA, 12.9.2015)",
        "(dpa/AFP, 3.4.2016)",
        "(Birgit Riegler, 30.5.2016)",
        "Tore: 1:0 (51.)",
        "Weiter: 10.",
        "– 3.",
        "Foto: Reuters/Leonhard Foeger",
        "Mehr zum Thema Hochwasser",
        "Hören Sie dazu auch den Beitrag unserer Reporterin um 12 Uhr.",
        "Read more about the flood",
        "Aktualisiert am 12.03.2025, 14:20",
        "var x = function() { track(); }",
        # Embedded posts and link lines end with their address, of any length.
        "First refugees arrive at #Hauptbahnhof railwaystation in #Vienna after #Hungary"
        " decided to let them go pic.example.com/nOsgggWATY",
        "Empörung über Gauland: Boateng reagiert gelassen https://t.example/Gt1m #AfD #Boateng",
        "https://example.org/a/b?c=d",
    ],
)
def test_shape_rules_recognise_non_prose(text: str) -> None:
    assert is_shape_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Stadt hat die Evakuierung der Unterstadt angeordnet.",
        "18 Menschen verschleppt.",
        "Das passt.",
        "Hochwasser in Bayern",
        "Berlin (dpa) – Die Regierung hat am Dienstag 200 Millionen Euro zugesagt.",
        "Eine Anzeige gegen den Bürgermeister wurde am Montag erstattet.",
        "Informationen gibt es unter www.example.at.",
        "Die Teilnehmerliste ist unter www.example.org einsehbar.",
        "Die Gewerkschaft schreibt an info@example.org und wartet auf Antwort.",
    ],
)
def test_shape_rules_keep_prose(text: str) -> None:
    assert not is_shape_boilerplate(text)


LINK_LIST_PAGE = (
    "Flut im Ilmenztal: Deich hält\n\n"
    "Der Pegel stieg am Dienstag auf 7,40 Meter.\n\n"
    "Die Stadt rief den Katastrophenfall aus.\n\n"
    "Mehr zum Thema\n\n"
    "Kreisklinik: Notaufnahme nach Cyberangriff wieder am Netz\n\n"
    "Gewerbegebiet Nord: Stadtrat billigt Erweiterung um zwölf Hektar\n\n"
    "„Wir bleiben“: Warum Anwohner nicht gehen wollen\n\n"
    "Am Abend sank der Pegel wieder unter sechs Meter.\n\n"
    "Schäden an der Brücke\n"
)


def test_headlines_listed_under_a_navigation_heading_are_flagged() -> None:
    from store.boilerplate import shape_flags
    from store.segment import split_sentences

    sentences = split_sentences(LINK_LIST_PAGE)
    flags = shape_flags(LINK_LIST_PAGE, sentences)
    flagged = {
        LINK_LIST_PAGE[start:end].strip()
        for (start, end), flag in zip(sentences, flags, strict=True)
        if flag
    }
    assert flagged == {
        "Mehr zum Thema",
        "Kreisklinik: Notaufnahme nach Cyberangriff wieder am Netz",
        "Gewerbegebiet Nord: Stadtrat billigt Erweiterung um zwölf Hektar",
        "„Wir bleiben“: Warum Anwohner nicht gehen wollen",
    }, "the title, the prose after the list and a later subheading stay prose"


def _corpus(folder: Path, count: int, disclaimer: str) -> None:
    outlet = folder / "wire"
    outlet.mkdir()
    topics = ["Hafen", "Schule", "Brücke", "Flughafen", "Museum"]
    for index in range(count):
        topic = topics[index % len(topics)]
        (outlet / f"a{index}.txt").write_text(
            f"Der Stadtrat beschloss am Montag den Ausbau von {topic} Nummer {index}.\n"
            f"Die Kosten für {topic} liegen bei {index + 3} Millionen Euro.\n"
            f"{disclaimer}\n"
            f"(APA, {index + 1}.9.2015)\n",
            encoding="utf-8",
        )


def test_repeated_lines_are_flagged_and_never_linked(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    disclaimer = (
        "Der Volltext dieses auf Agenturmeldungen basierenden Artikels steht"
        " aus rechtlichen Gründen nicht mehr zur Verfügung."
    )
    _corpus(tmp_path, 5, disclaimer)
    import_paths(db, [tmp_path])
    texts = {
        text
        for (text,) in db.conn.execute(
            'SELECT substr(d.text, s.start + 1, s."end" - s.start) FROM sentences s'
            " JOIN documents d ON d.id = s.doc_id WHERE s.boilerplate = 1"
        )
    }
    assert disclaimer in texts
    assert "(APA, 1.9.2015)" in texts
    assert not any(t.startswith("Der Stadtrat") for t in texts)
    # Offsets are unchanged: the flagged sentence is still the text at its offsets.
    doc_id, text = db.conn.execute("SELECT id, text FROM documents ORDER BY id").fetchone()
    flagged = boilerplate_sentences(db, doc_id)
    assert [text[s:e] for s, e in flagged] == [disclaimer, "(APA, 1.9.2015)"]
    assert is_boilerplate(db, doc_id, *flagged[0])
    assert Session.for_db(db, "alice").boilerplate(doc_id) == flagged
    linked = {(s, e) for d in load_documents(db) if d.doc_id == doc_id for _i, s, e in d.sentences}
    assert linked
    assert not linked & set(flagged)
    link_documents(db, settings=LinkSettings(workers=1))
    quotes = {
        q
        for (q,) in db.conn.execute(
            "SELECT a_quote FROM all_links UNION SELECT b_quote FROM all_links"
        )
    }
    assert quotes
    assert disclaimer not in quotes
    assert all(link.a_quote != disclaimer for link in review_queue(db, limit=1000))


def test_a_line_in_two_documents_is_not_repetition(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    stock = "Eine offizielle Bestätigung gab es zunächst nicht."
    _corpus(tmp_path, 2, stock)
    import_paths(db, [tmp_path])
    flagged = db.conn.execute("SELECT count(*) FROM sentences WHERE boilerplate = 1").fetchone()[0]
    assert flagged == 2  # only the two agency stamps
