"""CoNLL: the overlap policy, tags re-read as spans, sentences, and the tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from store.changelog import user_action
from store.combining import is_default_ignorable
from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.common import ExportOptions
from store.export.conll import spans_from_tags
from store.export.tokens import tokenize
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.spans import create_span


@pytest.fixture
def plain_db() -> sqlite_utils.Database:
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
    return db


def add_document(
    db: sqlite_utils.Database, text: str, name: str, sentences: list[tuple[int, int]] | None = None
) -> int:
    """A document whose sentences are given (the whole text by default), not segmented."""
    with write(db):
        doc_id = insert_document(db, ParsedArticle(name, text))
        assert doc_id is not None
        db.conn.executemany(
            'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
            [(doc_id, s, e) for s, e in (sentences or [(0, len(text))])],
        )
    return doc_id


def _span(
    db: sqlite_utils.Database,
    doc_id: int,
    text: str,
    quote: str,
    label: str,
    span_id: str,
    occurrence: int = 0,
) -> None:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    with user_action(db, "alice") as action:
        create_span(action, doc_id, start, start + len(quote), label, span_id=span_id)


def _conll(db: sqlite_utils.Database, tmp_path: Path, **options: object) -> list[list[str]]:
    export(db, "conll", tmp_path / "o.conll", options=ExportOptions(**options))  # type: ignore[arg-type]
    blocks = (tmp_path / "o.conll").read_text(encoding="utf-8").split("\n\n")
    return [block.splitlines() for block in blocks if block.strip()]


def test_longest_span_wins_and_the_rest_is_counted(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = "Alpha beta gamma delta epsilon."
    doc = add_document(plain_db, text, "a.txt")
    _span(plain_db, doc, text, "Alpha beta gamma", "CLAIM", "x1")
    _span(plain_db, doc, text, "beta", "FIGURE", "x2")
    _span(plain_db, doc, text, "gamma delta", "EVENT", "x3")
    _span(plain_db, doc, text, "epsilon", "SOURCE", "x4")
    stats = export(plain_db, "conll", tmp_path / "o.conll")
    lines = (tmp_path / "o.conll").read_text(encoding="utf-8").splitlines()
    assert lines == [
        "-DOCSTART- -X- O O",
        "",
        "Alpha\tB-CLAIM",
        "beta\tI-CLAIM",
        "gamma\tI-CLAIM",
        "delta\tO",
        "epsilon\tB-SOURCE",
        ".\tO",
        "",
    ]
    assert stats.spans == 2
    assert "2 overlapping span(s) left out" in stats.notes[0]


def test_ties_go_to_the_label_listed_first(plain_db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = "Alpha beta."
    doc = add_document(plain_db, text, "a.txt")
    _span(plain_db, doc, text, "Alpha beta", "SOURCE", "a-source")
    _span(plain_db, doc, text, "Alpha beta", "CLAIM", "z-claim")
    blocks = _conll(plain_db, tmp_path)
    assert blocks[1][:2] == ["Alpha\tB-CLAIM", "beta\tI-CLAIM"]


def test_conll_label_keeps_one_label(plain_db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = "Alpha beta gamma delta."
    doc = add_document(plain_db, text, "a.txt")
    _span(plain_db, doc, text, "Alpha beta gamma", "CLAIM", "x1")
    _span(plain_db, doc, text, "beta", "FIGURE", "x2")
    blocks = _conll(plain_db, tmp_path, conll_label="FIGURE")
    assert blocks[1] == ["Alpha\tO", "beta\tB-FIGURE", "gamma\tO", "delta\tO", ".\tO"]


def test_partial_tokens_and_sentence_crossing_spans(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = "Prices rose sharply. Officials were surprised."
    doc = add_document(plain_db, text, "a.txt", [(0, 20), (21, 46)])
    _span(plain_db, doc, text, "ose sharply. Officials", "CLAIM", "x1")
    blocks = _conll(plain_db, tmp_path)
    assert blocks[1] == ["Prices\tO", "rose\tB-CLAIM", "sharply\tI-CLAIM", ".\tI-CLAIM"]
    assert blocks[2] == ["Officials\tB-CLAIM", "were\tO", "surprised\tO", ".\tO"]


def test_widened_and_narrowed_spans_are_counted_apart(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = "Alpha beta gamma delta epsilon zeta."
    doc = add_document(plain_db, text, "a.txt")
    # Ends in whitespace: tagged on "beta" alone, narrowed (the note said widened).
    _span(plain_db, doc, text, "beta ", "CLAIM", "x1")
    # Ends inside "gamma": widened to it.
    _span(plain_db, doc, text, "gam", "FIGURE", "x2")
    # Starts in whitespace, ends inside "epsilon": one end each way.
    _span(plain_db, doc, text, " delta eps", "EVENT", "x3")
    _span(plain_db, doc, text, "zeta", "SOURCE", "x4")
    stats = export(plain_db, "conll", tmp_path / "o.conll")
    lines = (tmp_path / "o.conll").read_text(encoding="utf-8").splitlines()
    assert lines[2:9] == [
        "Alpha\tO",
        "beta\tB-CLAIM",
        "gamma\tB-FIGURE",
        "delta\tB-EVENT",
        "epsilon\tI-EVENT",
        "zeta\tB-SOURCE",
        ".\tO",
    ]
    assert stats.notes == [
        "1 span(s) start or end inside a token and were widened to whole tokens",
        "1 span(s) start or end between tokens (in whitespace) and were narrowed to the"
        " tokens inside them",
        "1 span(s) were widened at one end (inside a token) and narrowed at the other"
        " (between tokens)",
    ]


def test_documents_are_separated_by_docstart(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    add_document(plain_db, "One.", "a.txt")
    add_document(plain_db, "Two.", "b.txt")
    text = (tmp_path / "x").as_posix()
    export(plain_db, "conll", text)
    assert Path(text).read_text(encoding="utf-8") == (
        "-DOCSTART- -X- O O\n\nOne\tO\n.\tO\n\n-DOCSTART- -X- O O\n\nTwo\tO\n.\tO\n\n"
    )


def test_spans_from_tags_reads_iob2() -> None:
    tags = ["B-A", "I-A", "O", "I-B", "B-B", "B-B", "I-A"]
    sentence = [0, 0, 0, 0, 0, 1, 1]
    assert spans_from_tags(tags, sentence) == {
        (0, 0, 1, "A"),
        (0, 3, 3, "B"),
        (0, 4, 4, "B"),
        (1, 5, 5, "B"),
        (1, 6, 6, "A"),
    }


# Bidi marks and isolates, zero-width space, word joiner and BOM beside the old alphabet.
_INVISIBLE = "\u200f\u200e\u061c\u2066\u2069\u202b\u202c\u200b\u2060\ufeff\ufe0f"
_texts = st.text(st.sampled_from(list("ab1.,  \n😀\u0301\u200d👩é-שׁל" + _INVISIBLE)), max_size=60)


@given(_texts)
def test_tokens_cover_every_visible_character_once(text: str) -> None:
    tokens = list(tokenize(text))
    covered = [False] * len(text)
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end
        assert token.text == text[token.start : token.end]
        assert not any(char.isspace() for char in token.text)
        # Never a token (a CoNLL line) that shows nothing: it starts with what shows.
        assert not is_default_ignorable(token.text[0])
        for index in range(token.start, token.end):
            covered[index] = True
        previous_end = token.end
    assert all(
        covered[i] or text[i].isspace() or is_default_ignorable(text[i]) for i in range(len(text))
    )


def test_tokenizer_keeps_numbers_marks_and_emoji_together() -> None:
    text = "11.000 Besucher, 1,5 % Cafe\u0301 👩\u200d👩\u200d👧 👍🏽! 🇩🇪🇦🇹"
    assert [t.text for t in tokenize(text)] == [
        "11.000",
        "Besucher",
        ",",
        "1,5",
        "%",
        "Cafe\u0301",
        "👩\u200d👩\u200d👧",
        "👍🏽",
        "!",
        "🇩🇪",
        "🇦🇹",
    ]


def test_a_joiner_inside_a_word_stays_in_it() -> None:
    # CoNLL wrote the joiner as a token of its own, an invisible line: German breaks a
    # ligature with a ZWNJ, Sinhala and Devanagari join a conjunct with a ZWJ.
    text = "Auf\u200clage von ශ්\u200dරී und क्\u200dष; 👩\u200d👧 bleibt."
    assert [t.text for t in tokenize(text)] == [
        "Auf\u200clage",
        "von",
        "ශ්\u200dරී",
        "und",
        "क्\u200dष",
        ";",
        "👩\u200d👧",
        "bleibt",
        ".",
    ]


def _reference_tokens(text: str) -> list[tuple[int, int]]:
    """The tokenizer's rules applied one character at a time, as its docstring states."""
    from store.combining import INSIDE_WORD, JOINERS, attaches
    from store.export.tokens import ZWJ, _is_word, is_regional_indicator

    def word_follows(j: int) -> bool:
        while j < len(text) and text[j] in INSIDE_WORD:
            j += 1
        return j < len(text) and _is_word(text[j])

    found, i = [], 0
    while i < len(text):
        if text[i].isspace() or is_default_ignorable(text[i]):
            i += 1
            continue
        j = i + 1
        if j < len(text) and is_regional_indicator(text[i]) and is_regional_indicator(text[j]):
            j += 1
        while j < len(text):
            if (
                attaches(text[j])
                or (_is_word(text[i]) and (_is_word(text[j]) or text[j] in JOINERS))
                or (_is_word(text[i]) and text[j] in INSIDE_WORD and word_follows(j))
            ):
                j += 1
            elif (
                _is_word(text[i])
                and text[j] in ".,"
                and j + 1 < len(text)
                and text[j - 1].isdigit()
                and text[j + 1].isdigit()
            ) or (
                not _is_word(text[i])
                and text[j] == ZWJ
                and j + 1 < len(text)
                and (not text[j + 1].isspace())
            ):
                j += 2
            else:
                break
        found.append((i, j))
        i = j
    return found


@given(
    st.text(
        st.sampled_from(
            list("ab1_.,  \n😀\u0301\u200d\u200c👩é-\u00a0\u2028٣\u0903क🇩🇪" + _INVISIBLE)
        ),
        max_size=40,
    )
)
def test_fast_tokenizer_matches_the_character_rules(text: str) -> None:
    assert [(t.start, t.end) for t in tokenize(text)] == _reference_tokens(text)


def test_invisible_format_characters_are_never_tokens() -> None:
    # Each was a token of its own (an invisible CoNLL line), and a word joiner, which
    # means "no break here", split record⁠numbers into three.
    text = (
        "\u200fהשר אמר\u200f: \u2067ישראל\u2069 (\u200e12\u200e) record\u2060numbers"
        " foo\u200bbar Zei\ufefftung \u202bמע\u202c, الوزير\u061c قال \u200f ."
    )
    assert [t.text for t in tokenize(text)] == [
        "השר",
        "אמר",
        ":",
        "ישראל",
        "(",
        "12",
        ")",
        "record\u2060numbers",
        "foo",
        "bar",
        "Zei\ufefftung",
        "מע",
        ",",
        "الوزير",
        "قال",
        ".",
    ]


def test_a_bidi_mark_between_two_letters_stays_in_the_word() -> None:
    assert [t.text for t in tokenize("ab\u200fcd x\u2066\u2069y")] == [
        "ab\u200fcd",
        "x\u2066\u2069y",
    ]


RTL = "הנשיא אמר\u200f: \u2067הממשלה תפעל\u2069.\u200f \u200fהיא\u200e BBC\u200e."


def test_conll_of_rtl_text_with_marks_has_no_invisible_line(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    doc = add_document(plain_db, RTL, "rtl.txt")
    _span(plain_db, doc, RTL, "הנשיא", "SOURCE", "s1")
    # Marked with the isolates around it: the entity starts on the word, not on an
    # invisible LRI line, and is not counted as widened (nothing visible was added).
    _span(plain_db, doc, RTL, "\u2067הממשלה תפעל\u2069", "CLAIM", "c1")
    _span(plain_db, doc, RTL, "BBC", "SOURCE", "s2")
    stats = export(plain_db, "conll", tmp_path / "o.conll")
    lines = (tmp_path / "o.conll").read_text(encoding="utf-8").splitlines()
    assert lines[2:-1] == [
        "הנשיא\tB-SOURCE",
        "אמר\tO",
        ":\tO",
        "הממשלה\tB-CLAIM",
        "תפעל\tI-CLAIM",
        ".\tO",
        "היא\tO",
        "BBC\tB-SOURCE",
        ".\tO",
    ]
    assert stats.spans == 3
    assert stats.notes == []


def test_a_span_adding_a_visible_character_is_still_counted_as_widened(
    plain_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    doc = add_document(plain_db, RTL, "rtl.txt")
    _span(plain_db, doc, RTL, "הממשלה תפ", "CLAIM", "c1")
    stats = export(plain_db, "conll", tmp_path / "o.conll")
    assert stats.notes == ["1 span(s) start or end inside a token and were widened to whole tokens"]
