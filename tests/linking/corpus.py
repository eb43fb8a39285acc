"""A tiny fictional corpus: three outlets report one flood, with known duplicate facts."""

from __future__ import annotations

import sqlite_utils

from store.linking.features import DocInput
from tests.conftest import add_document

TAGESBLATT = (
    "Hochwasser in Neustadt: Tausende evakuiert\n"
    "Nach tagelangem Regen ist die Mulde am 11. März über die Ufer getreten. "
    "Rund 11.000 Menschen mussten ihre Wohnungen verlassen, teilte die Stadt mit. "
    "Bürgermeisterin Karla Odenwald sprach von der schwersten Flut seit 1954. "
    "Der Schaden wird auf 1,5 Millionen Euro geschätzt. "
    "Die Feuerwehr war mit 300 Einsatzkräften vor Ort. "
    "Am Abend öffnete die Stadt drei Notunterkünfte in Schulen."
)
RUNDSCHAU = (
    "Flut an der Mulde\n"
    "Elftausend Bewohner von Neustadt wurden in Sicherheit gebracht, wie die Stadt mitteilte. "
    "Die Mulde trat am 11. März nach starkem Regen über die Ufer. "
    "Die Feuerwehr rückte mit 600 Einsatzkräften aus. "
    "Laut Bürgermeisterin Odenwald ist es die schwerste Flut seit 1954. "
    "Versicherer rechnen mit Schäden von 1.5 Mio. Euro. "
    "Ein Sprecher der Polizei sagte, die Lage sei unter Kontrolle."
)
KURIER = (
    "Neustadt unter Wasser\n"
    "Die Stadt Neustadt hat am 11. Juni ein neues Schwimmbad eröffnet. "
    "Wegen des Hochwassers wurden 11 000 Menschen aus ihren Wohnungen geholt. "
    "Der Schaden beläuft sich nach ersten Schätzungen auf 1,5 Millionen Euro. "
    "Die Polizei sperrte mehrere Straßen im Zentrum."
)
# (tagesblatt sentence start, partner outlet, partner sentence start) of the true duplicates.
DUPLICATES = [
    ("Rund 11.000 Menschen", "rundschau.txt", "Elftausend Bewohner"),
    ("Rund 11.000 Menschen", "kurier.txt", "Wegen des Hochwassers"),
    ("Nach tagelangem Regen", "rundschau.txt", "Die Mulde trat"),
    ("Bürgermeisterin Karla", "rundschau.txt", "Laut Bürgermeisterin"),
    ("Der Schaden wird", "rundschau.txt", "Versicherer rechnen"),
    ("Der Schaden wird", "kurier.txt", "Der Schaden beläuft"),
    ("Die Feuerwehr war", "rundschau.txt", "Die Feuerwehr rückte"),
]


def add_flood_corpus(db: sqlite_utils.Database) -> dict[str, int]:
    """Store the three articles; their ids by file name."""
    return {
        "tagesblatt.txt": add_document(db, TAGESBLATT, "tagesblatt.txt", "tagesblatt"),
        "rundschau.txt": add_document(db, RUNDSCHAU, "rundschau.txt", "rundschau"),
        "kurier.txt": add_document(db, KURIER, "kurier.txt", "kurier"),
    }


def sentence_at(db: sqlite_utils.Database, name: str, prefix: str) -> tuple[int, int, int]:
    """(doc id, start, end) of the stored sentence of document ``name`` starting with ``prefix``."""
    row = db.conn.execute(
        'SELECT s.doc_id, s.start, s."end" FROM sentences s JOIN documents d ON d.id = s.doc_id'
        " WHERE d.source_name = ? AND substr(d.text, s.start + 1, ?) = ?",
        [name, len(prefix), prefix],
    ).fetchone()
    assert row is not None, f"no sentence {prefix!r} in {name}"
    return int(row[0]), int(row[1]), int(row[2])


# Unrelated sentences, so that the words the test sentences share are rare.
FILLER = [
    "Der Gemeinderat berät im Herbst über den neuen Radweg",
    "Im Stadion gewann die Heimmannschaft knapp mit zwei Toren",
    "Die Bibliothek öffnet nach dem Umbau wieder ihre Lesesäle",
    "Ein Konzert im Park zog am Wochenende viele Besucher an",
    "Die Stadtwerke erhöhen zum Jahreswechsel die Preise für Fernwärme",
    "Der Landrat eröffnete am Freitag die neue Kreisstraße",
]


def sentences_document(doc_id: int, outlet: str, sentences: list[str]) -> DocInput:
    """A document for the linker made of ``sentences`` joined by ". ", with their offsets."""
    text = ". ".join(sentences) + "."
    offsets: list[tuple[int | None, int, int]] = []
    cursor = 0
    for sentence in sentences:
        offsets.append((None, cursor, cursor + len(sentence)))
        cursor += len(sentence) + 2
    return DocInput(doc_id, outlet, "de", text, offsets)
