"""Units of an article that are not its prose: credits, datelines, navigation, scripts, repeats.

A page carries more than the article: photo credits, an agency stamp such as
``(APA, 12.9.2015)``, "read more" links, update stamps, script fragments, a
disclaimer the outlet prints under every agency story. They stay in the text
(offsets never change) but are flagged on their sentence, so the linker never
suggests them and the review queue and "next unannotated sentence" skip them.

Three kinds of evidence, none a list of one site's strings:

| rule         | recognises                                                             |
|--------------|------------------------------------------------------------------------|
| shape        | fewer than three words and no verb-like one (a lone dateline, "Tore: 1:0"); |
|              | a bracketed stamp of source and date; a short credit, navigation or    |
|              | update line (generic words in de/en); code (braces, ``function(``);     |
|              | a unit that ends with a web address (an embedded post, a link line)    |
| position     | headline-shaped units listed under a navigation heading ("Mehr zum     |
|              | Thema", "Related"), up to the first unit that ends as a sentence        |
| repetition   | the same line (digits folded) in :data:`REPEATED_MIN_DOCS` or more      |
|              | documents of one outlet                                                 |

| caller          | calls                                                    |
|-----------------|----------------------------------------------------------|
| importer        | :func:`shape_flags` per document, :func:`mark_repeated`  |
|                 | once after the import                                    |
| linker, TUI     | :func:`boilerplate_sentences`                            |
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from store.db import write
from store.web_addresses import ends_with_link

if TYPE_CHECKING:
    import sqlite_utils

# A line repeated in this many documents of one outlet is the outlet's furniture.
# Two documents can share a stock sentence of real prose ("An official confirmation
# was not available at first."); measured on 1,028 real articles of one outlet, the
# lines found in three or more are all disclaimers, stamps or fragments.
REPEATED_MIN_DOCS = 3
# Lines longer than this are prose even when they match a shape rule by accident.
SHAPE_MAX_CHARS = 100
# A navigation phrase heading a list of links is a few words, not a sentence.
LIST_HEADING_MAX_CHARS = 40
# Headlines listed under such a heading: a line, not a paragraph.
HEADLINE_MAX_CHARS = 160

_WORD = re.compile(r"[^\W\d_]{2,}")
# A unit that ends as a sentence does: final punctuation, maybe inside closing quotes.
_SENTENCE_END = re.compile(r"[.!?…:;][\s\"'“”„«»‘’)\]]*$")
_DIGIT = re.compile(r"\d")
# "(APA, 12.9.2015)", "(dpa/AFP, 3.4.)", "(red, 12:30)", "(2.1.2016)": a bracketed
# stamp of at most a few short words and a date or time, alone on its unit.
_STAMP = re.compile(
    r"^\s*[\(\[]\s*(?:[\w./&+-]{1,20}\s*(?:[,/]\s*[\w./&+-]{1,20}\s*){0,3}[,;:]?\s*)?"
    r"\d{1,4}(?:[./:]\s?\d{1,4}){1,2}\.?\s*(?:uhr|h|cet|mez|utc)?\s*[\)\]]\s*[.;]?\s*$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^\s*(?:foto|fotos|bild|bilder|grafik|photo|photos|picture|image|credit|credits|quelle|"
    r"source|copyright|video|illustration)\s*[:|/©]|©|\(c\)\s*\d{4}|"
    r"\b(?:getty images|ap photo|imago|istock|shutterstock)\b",
    re.IGNORECASE,
)
_NAVIGATION = re.compile(
    r"^\s*(?:mehr zum thema|(?:lesen|hören|sehen|hoeren) sie (?:dazu |hier )?(?:auch|mehr)|"
    r"weiterlesen|weiter lesen|zum artikel|"
    r"zum inhalt|zur startseite|springe? zum|read more|continue reading|skip to|"
    r"related:|see also|more news|mehr news|more:|mehr:|share (?:this|on)|teilen (?:sie|auf)|"
    r"zur(?:ück)? (?:übersicht|startseite)|back to top|nach oben|advertisement|"
    r"newsletter|abonnieren|subscribe|sign up|jetzt (?:abonnieren|anmelden|lesen))\b",
    re.IGNORECASE,
)
_UPDATE = re.compile(
    r"^\s*(?:aktualisiert|zuletzt aktualisiert|update[d]?|stand|veröffentlicht|published|"
    r"erstellt|last modified|posted)\b[\s:,]*(?:am|on|at|um)?\s*[\w.,: ]{0,40}\d",
    re.IGNORECASE,
)
_SCRIPT = re.compile(
    r"[{};]\s*$|function\s*\(|=>|\bvar\s+\w+\s*=|window\.|document\.|"
    r"</?[a-z]+[^>]*>|\bjavascript\b|\bcookies?\b.{0,40}\b(?:akzeptieren|accept|zustimmen)",
    re.IGNORECASE,
)


def is_shape_boilerplate(text: str) -> bool:
    """True when the unit's shape alone says it is not article prose."""
    stripped = text.strip()
    if not stripped:
        return True
    words = _WORD.findall(stripped)
    if len(words) < 3:
        # Too short to be a report unless it reads as a clause: German nouns are
        # capitalised, so a lower-case content word there is usually the verb
        # ("18 Menschen verschleppt.", "Das passt."), unlike "Tore: 1:0 (51.)".
        return not (len(words) == 2 and any(w.islower() and len(w) >= 4 for w in words))
    if ends_with_link(stripped):
        # An embedded post or a link line: prose ends with a stop, not an address.
        return True
    if len(stripped) > SHAPE_MAX_CHARS:
        return bool(_SCRIPT.search(stripped) and "{" in stripped)
    return bool(
        _STAMP.match(stripped)
        or _CREDIT.search(stripped)
        or _NAVIGATION.match(stripped)
        or _UPDATE.match(stripped)
        or _SCRIPT.search(stripped)
    )


def repetition_key(text: str) -> str:
    """The line as repetition compares it: case, spacing and digits folded."""
    return _DIGIT.sub("0", " ".join(text.casefold().split()))


def is_link_list_heading(text: str) -> bool:
    """A navigation phrase alone on its unit ("Mehr zum Thema", "Read more:")."""
    stripped = text.strip()
    return len(stripped) <= LIST_HEADING_MAX_CHARS and bool(_NAVIGATION.match(stripped))


def is_headline_shaped(text: str) -> bool:
    """A short unit that does not end as a sentence ends: a headline or a link's text."""
    stripped = text.strip()
    return 0 < len(stripped) <= HEADLINE_MAX_CHARS and not _SENTENCE_END.search(stripped)


def shape_flags(text: str, sentences: Sequence[tuple[int, int]]) -> list[int]:
    """1 for each sentence whose shape says boilerplate, else 0 (the column's values).

    Beside each unit's own shape, one rule of position: under a heading such as
    "Mehr zum Thema" a page lists other articles' headlines, each a unit of prose
    shape. The run of headline-shaped units after such a heading is flagged; the
    first unit that ends as a sentence ends it.
    """
    units = [text[start:end] for start, end in sentences]
    flags = [int(is_shape_boilerplate(unit)) for unit in units]
    in_list = False
    for index, unit in enumerate(units):
        if is_link_list_heading(unit):
            in_list = True
        elif in_list and is_headline_shaped(unit):
            flags[index] = 1
        else:
            in_list = False
    return flags


def mark_repeated(db: sqlite_utils.Database, outlets: Iterable[str | None]) -> int:
    """Flag lines repeated across the documents of ``outlets``; returns sentences newly flagged.

    Repetition is counted over every document of each outlet, so a disclaimer that
    becomes frequent with this import is flagged in the older documents too. The
    counting reads; only the flagging takes the write lock.
    """
    outlets = sorted(set(outlets), key=lambda outlet: (outlet is not None, outlet or ""))
    flagged: set[int] = set()
    for outlet in outlets:
        flagged |= _repeated(db, outlet)
    if not flagged:
        return 0
    with write(db):
        before = db.conn.total_changes
        db.conn.executemany(
            "UPDATE sentences SET boilerplate = 1 WHERE id = ? AND boilerplate = 0",
            [[sentence_id] for sentence_id in sorted(flagged)],
        )
        return db.conn.total_changes - before


def flag_all(db: sqlite_utils.Database) -> None:
    """Flag every stored sentence by both rules, inside the caller's transaction (migration)."""
    flagged: set[int] = set()
    for doc_id, text in db.conn.execute("SELECT id, text FROM documents").fetchall():
        rows = db.conn.execute(
            'SELECT id, start, "end" FROM sentences WHERE doc_id = ? ORDER BY start', [doc_id]
        ).fetchall()
        flags = shape_flags(text, [(start, end) for _id, start, end in rows])
        flagged |= {row[0] for row, flag in zip(rows, flags, strict=True) if flag}
    for (outlet,) in db.conn.execute("SELECT DISTINCT outlet FROM documents").fetchall():
        flagged |= _repeated(db, outlet)
    db.conn.executemany(
        "UPDATE sentences SET boilerplate = 1 WHERE id = ?", [[i] for i in sorted(flagged)]
    )


def _repeated(db: sqlite_utils.Database, outlet: str | None) -> set[int]:
    """Sentences of ``outlet`` whose line stands in many of its documents."""
    if outlet is None:
        texts = db.conn.execute("SELECT id, text FROM documents WHERE outlet IS NULL")
    else:
        texts = db.conn.execute("SELECT id, text FROM documents WHERE outlet = ?", [outlet])
    documents: dict[str, set[int]] = {}
    sentences: dict[str, list[int]] = {}
    # Sliced here, one document at a time: SQLite's substr() walks the text from its
    # first character for every sentence, which made a 9 MB article (500,000 sentences,
    # within the import limit) take over five minutes, again at every import of its outlet.
    for doc_id, text in texts:
        rows = db.conn.execute('SELECT id, start, "end" FROM sentences WHERE doc_id = ?', [doc_id])
        for sentence_id, start, end in rows:
            key = repetition_key(text[start:end])
            documents.setdefault(key, set()).add(doc_id)
            sentences.setdefault(key, []).append(sentence_id)
    return {
        sentence_id
        for key, docs in documents.items()
        if len(docs) >= REPEATED_MIN_DOCS
        for sentence_id in sentences[key]
    }


def boilerplate_sentences(db: sqlite_utils.Database, doc_id: int) -> list[tuple[int, int]]:
    """(start, end) of the document's boilerplate sentences, in text order."""
    return [
        (start, end)
        for start, end in db.conn.execute(
            'SELECT start, "end" FROM sentences WHERE doc_id = ? AND boilerplate = 1'
            " ORDER BY start",
            [doc_id],
        )
    ]


def is_boilerplate(db: sqlite_utils.Database, doc_id: int, start: int, end: int) -> bool:
    """Whether ``start:end`` lies inside one boilerplate sentence of the document."""
    row = db.conn.execute(
        'SELECT 1 FROM sentences WHERE doc_id = ? AND boilerplate = 1 AND start <= ? AND "end" >= ?'
        " LIMIT 1",
        [doc_id, start, end],
    ).fetchone()
    return row is not None


def boilerplate_keys(db: sqlite_utils.Database, doc_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(doc, start) of every boilerplate sentence of ``doc_ids``."""
    return {
        (doc_id, start)
        for doc_id, start in db.conn.execute(
            "SELECT doc_id, start FROM sentences WHERE boilerplate = 1"
            " AND doc_id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(doc_ids))],
        )
    }
