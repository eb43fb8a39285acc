"""Gold mentions written from another copy of an article still find their stored sentence.

A gold file made by someone else quotes sentences as their copy of the article spells
them: decomposed umlauts, plain quotes for „…“, a line break inside, an entity or a
soft hyphen that the stored text does not hold. Each such mention used to count as
"not found" and left the benchmark measuring fewer pairs than the gold has.
"""

from __future__ import annotations

import unicodedata

import sqlite_utils

from store.linking.gold import Mention, locate
from tests.conftest import add_document
from tests.linking.corpus import sentence_at

ARTICLE = (
    "Streit um den Hochwasserschutzplan\n"
    "„Wir haben keine Zeit mehr“, sagte Bürgermeisterin Karla Odenwald am Dienstag. "
    "Rund 4.500 Menschen mussten ihre Häuser verlassen. "
    "Die Feuerwehr war mit 300 Einsatzkräften vor Ort. "
    "Der Schaden wird auf 1,5 Millionen Euro geschätzt."
)


def _stored(db: sqlite_utils.Database) -> int:
    return add_document(db, ARTICLE, "tagesblatt.txt", "tagesblatt")


def test_a_sentence_quoted_as_stored_maps_to_itself(db: sqlite_utils.Database) -> None:
    _stored(db)
    wanted = sentence_at(db, "tagesblatt.txt", "Rund 4.500")
    mention = Mention("tagesblatt.txt", "Rund 4.500 Menschen mussten ihre Häuser verlassen.")
    assert locate(db, [mention]) == {mention: wanted}


def test_another_copys_spelling_maps_to_the_same_sentence(db: sqlite_utils.Database) -> None:
    _stored(db)
    wanted = sentence_at(db, "tagesblatt.txt", "„Wir haben")
    copies = [
        # Decomposed umlauts (NFD), as some exports write them.
        unicodedata.normalize(
            "NFD", "„Wir haben keine Zeit mehr“, sagte Bürgermeisterin Karla Odenwald am Dienstag."
        ),
        # Plain quotes and a line break where the stored text has a space.
        '"Wir haben keine Zeit mehr", sagte Bürgermeisterin\nKarla Odenwald am Dienstag.',
        # A soft hyphen and a no-break space the stored text does not hold.
        "„Wir haben keine Zeit mehr“, sagte Bürger\u00admeisterin Karla\u00a0Odenwald am Dienstag.",
        # One letter different (a typo fixed in one copy): found by alignment.
        "„Wir haben keine Zeit mehr“, sagte Bürgermeisterin Karla Odenwalt am Dienstag.",
    ]
    mentions = [Mention("tagesblatt.txt", text) for text in copies]
    assert locate(db, mentions) == dict.fromkeys(mentions, wanted)


def test_a_gold_sentence_the_splitter_cut_maps_to_its_larger_part(
    db: sqlite_utils.Database,
) -> None:
    _stored(db)
    # The gold's sentence ends inside the next stored sentence: most of it is the first.
    mention = Mention(
        "tagesblatt.txt", "Rund 4.500 Menschen mussten ihre Häuser verlassen. Die Feuerwehr"
    )
    assert locate(db, [mention]) == {mention: sentence_at(db, "tagesblatt.txt", "Rund 4.500")}
    # Mostly the second: the part it shares with the first is shorter.
    mention = Mention(
        "tagesblatt.txt", "verlassen. Die Feuerwehr war mit 300 Einsatzkräften vor Ort."
    )
    assert locate(db, [mention]) == {mention: sentence_at(db, "tagesblatt.txt", "Die Feuerwehr")}


def test_text_not_in_the_article_stays_missing(db: sqlite_utils.Database) -> None:
    _stored(db)
    mentions = [
        Mention("tagesblatt.txt", "Der Landrat eröffnete am Freitag die neue Kreisstraße."),
        # Short text that merely resembles a stretch: no fuzzy alignment under 20 characters.
        Mention("tagesblatt.txt", "Rund 4.600 Menschen"),
        Mention("tagesblatt.txt", "   "),
        Mention("elsewhere.txt", "Rund 4.500 Menschen mussten ihre Häuser verlassen."),
    ]
    assert locate(db, mentions) == {}
