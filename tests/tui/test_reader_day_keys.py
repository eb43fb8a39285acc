"""Keys for a day's work: whole numbers, a FIGURE in two keys, vim/emacs keys in every screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.session import Session
from tests.tui.conftest import Corpus, screen_text, settle
from tui.app import create_app
from tui.keymap import load_keymap
from tui.screens.reader import ReaderScreen
from tui.widgets import navigation as nav
from tui.widgets.key_footer import PriorityFooter
from tui.widgets.match_panel import MatchPanel

NUMBERS = "Die Stadt meldet 4.700 Gäste, 12.000 Euro und 10,000 Dollar; 3.5 Prozent. Ende.2025 war"
ENGLISH = "cw-20250311-kressbrunn-evacuation"
GERMAN = "kurier-tag1-evakuierung.txt"


@pytest.mark.parametrize("number", ["4.700", "12.000", "10,000", "3.5"])
def test_word_motion_keeps_numbers_whole(number: str) -> None:
    start = NUMBERS.index(number)
    assert nav.word_forward(NUMBERS, start) == start + len(number)
    assert nav.word_backward(NUMBERS, start + len(number)) == start
    assert nav.word_at(NUMBERS, start + 2) == (start, start + len(number))
    # A selection that starts inside the number snaps to all of it.
    assert nav.snap_to_words(NUMBERS, start + 2, start + 3, snap=True) == (
        start,
        start + len(number),
    )


def test_sentence_dots_and_commas_still_split_words() -> None:
    gaeste = NUMBERS.index("Gäste")
    assert nav.word_forward(NUMBERS, gaeste) == gaeste + len("Gäste")
    ende = NUMBERS.index("Ende")
    assert nav.word_forward(NUMBERS, ende) == ende + len("Ende")
    assert nav.next_number(NUMBERS, 0) == (NUMBERS.index("4.700"), NUMBERS.index("4.700") + 5)


async def test_a_figure_takes_two_keys_from_the_sentence(corpus: Corpus) -> None:
    doc = corpus.add(NUMBERS, "zahlen.txt")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f", "2")  # next number, FIGURE
        await pilot.press("f", "f", "2")  # the one after the next
        await pilot.pause()
    with corpus.session() as session:
        spans = session.spans(doc)
    assert sorted((s.quote, s.label) for s in spans) == [("10,000", "FIGURE"), ("4.700", "FIGURE")]


async def test_select_word_takes_the_whole_number(corpus: Corpus) -> None:
    doc = corpus.add(NUMBERS, "zahlen.txt")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.view.set_cursor(NUMBERS.index("12.000") + 3)
        await pilot.press("e")
        start = NUMBERS.index("12.000")
        assert screen.view.selection == (start, start + len("12.000"))


# Words whose letters carry combining marks that NFC cannot fold in: Hindi (virama,
# vowel signs), pointed Hebrew, and a Latin letter with a diaeresis no font precomposes.
MARKED = "Sie sagte नमस्ते und שָׁלוֹם und n\u0308ame."


@pytest.mark.parametrize("word", ["नमस्ते", "שָׁלוֹם", "n\u0308ame"])
def test_word_motion_and_snapping_keep_combining_marks_in_their_word(word: str) -> None:
    # re's \w and isalnum() leave marks out: word motion stopped at नमस, and a selection
    # inside שָׁלוֹם snapped to its lone vowel point.
    start = MARKED.index(word)
    end = start + len(word)
    assert nav.word_forward(MARKED, start) == end
    assert nav.word_backward(MARKED, end) == start
    for inside in range(start, end):
        assert nav.word_at(MARKED, inside) == (start, end)
        assert nav.snap_to_words(MARKED, inside, inside + 1, snap=True) == (start, end)


def test_character_precision_keeps_a_mark_with_its_letter() -> None:
    shin = MARKED.index("שָׁלוֹם")  # ש, then two marks: qamats and the shin dot
    assert nav.snap_to_words(MARKED, shin + 1, shin + 2, snap=False) == (shin, shin + 3)
    assert nav.snap_to_words(MARKED, shin, shin + 1, snap=False) == (shin, shin + 3)


async def test_left_and_right_step_over_a_letters_marks(corpus: Corpus) -> None:
    # The cursor stopped on each mark, which shares its letter's cell: a key seemed lost.
    doc = corpus.add(MARKED, "marks.txt")
    shin = MARKED.index("שָׁלוֹם")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.view.set_cursor(shin)
        await pilot.press("right")
        assert screen.view.cursor == shin + 3
        await pilot.press("right", "right")
        assert screen.view.cursor == shin + 6  # over ל, then over ו and its holam
        await pilot.press("left", "left", "left")
        assert screen.view.cursor == shin
        await pilot.press("w", "shift+right")  # character precision
        assert screen.view.selection == (shin, shin + 3)


FLAGS = "Fans mit 🇩🇪 und 🇦🇹 jubelten."


async def test_character_steps_and_selections_never_split_a_flag(corpus: Corpus) -> None:
    # 🇩🇪 is two regional indicators: one "right" stopped between them, and a
    # character-precision selection of 🇩 alone became a span.
    doc = corpus.add(FLAGS, "flags.txt")
    german = FLAGS.index("🇩🇪")
    austrian = FLAGS.index("🇦🇹")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.view.set_cursor(german)
        await pilot.press("right")
        assert screen.view.cursor == german + 2
        await pilot.press("left")
        assert screen.view.cursor == german
        await pilot.press("w", "shift+right")  # character precision
        assert screen.view.selection == (german, german + 2)
    assert nav.snap_to_words(FLAGS, austrian + 1, austrian + 2, snap=False) == (
        austrian,
        austrian + 2,
    )
    # Two flags side by side pair from the start of their run.
    both = "🇩🇪🇦🇹"
    assert nav.snap_to_words(both, 2, 3, snap=False) == (2, 4)
    assert nav.snap_to_words(both, 1, 2, snap=False) == (0, 2)


JOINED = "Die Familie 👩\u200d👩\u200d👧 und die 🏳\ufe0f\u200d🌈 Fahne."


async def test_character_steps_and_selections_never_split_a_joined_emoji(
    corpus: Corpus,
) -> None:
    # 👩‍👩‍👧 is five code points joined by zero-width joiners: "right" stopped at each,
    # four presses that moved nothing visible, and a selection could take one woman.
    doc = corpus.add(JOINED, "joined.txt")
    family = JOINED.index("👩")
    flag = JOINED.index("🏳")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.view.set_cursor(family)
        await pilot.press("right")
        assert screen.view.cursor == family + 5
        await pilot.press("left")
        assert screen.view.cursor == family
        await pilot.press("w", "shift+right")  # character precision
        assert screen.view.selection == (family, family + 5)
    assert nav.snap_to_words(JOINED, flag + 2, flag + 3, snap=False) == (flag, flag + 4)
    # A joiner between letters (as some scripts use it) joins nothing for the cursor.
    assert nav.snap_to_words("ab\u200dcd", 3, 4, snap=False) == (3, 4)


def test_word_motion_treats_format_characters_as_the_tokenizer_does() -> None:
    # A word joiner ("no break here") stopped ctrl+right inside record⁠numbers, and a
    # bidi mark after a word is no part of it, in the reader as in the CoNLL tokens.
    text = "x record\u2060numbers אמר\u200f: \u2067ישראל\u2069 ab\u200fcd foo\u200bbar"
    record = text.index("record")
    amar = text.index("אמר")
    israel = text.index("ישראל")
    ab = text.index("ab")
    assert nav.word_forward(text, record) == record + len("record\u2060numbers")
    assert nav.word_at(text, record + 6) == (record, record + len("record\u2060numbers"))
    assert nav.snap_to_words(text, amar, amar + 1, snap=True) == (amar, amar + 3)
    assert nav.snap_to_words(text, israel, israel + 1, snap=True) == (israel, israel + 5)
    assert nav.word_at(text, ab + 2) == (ab, ab + 5)
    assert nav.word_forward(text, text.index("foo")) == text.index("\u200bbar")


# Without ZWJ: after punctuation the tokenizer glues whatever follows a ZWJ (its emoji
# sequence rule), where the reader joins only pictographs; that is no word either way.
_ALPHABET = list("ab_ ,!שׁל\u0301\u200c\u200f\u200e\u2066\u2069\u200b\u2060\ufeff😀")


@given(st.text(st.sampled_from(_ALPHABET), max_size=30))
def test_a_word_in_the_reader_is_a_word_token_of_the_export(text: str) -> None:
    from store.export.tokens import tokenize

    for token in tokenize(text):
        if nav.is_word_char(token.text[0]):
            assert nav.word_at(text, token.start) == (token.start, token.end)
            assert nav.word_forward(text, token.start) == token.end
            last = token.end - 1
            assert nav.snap_to_words(text, last, token.end, snap=True) == (token.start, token.end)


def test_word_motion_and_snapping_keep_a_joiner_inside_its_word() -> None:
    # ctrl+right stopped before the joiner inside ශ්‍රී, and a snapped selection took half
    # of a German word whose ligature a ZWNJ breaks.
    text = "x ශ්\u200dරී y Auf\u200clage z"
    sri = text.index("ශ")
    auf = text.index("Auf")
    assert nav.word_forward(text, sri) == sri + 5
    assert nav.word_backward(text, sri + 5) == sri
    assert nav.snap_to_words(text, auf + 4, auf + 5, snap=True) == (auf, auf + 8)
    assert nav.snap_to_words(text, sri + 3, sri + 4, snap=True) == (sri, sri + 5)


async def test_select_word_and_label_store_the_whole_marked_word(corpus: Corpus) -> None:
    doc = corpus.add(MARKED, "marks.txt")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        screen.view.set_cursor(MARKED.index("שָׁלוֹם") + 1)  # on a vowel point
        await pilot.press("e", "1")
        await pilot.pause()
    with corpus.session() as session:
        assert [(s.quote, s.start) for s in session.spans(doc)] == [("שָׁלוֹם", MARKED.index("שָׁלוֹם"))]


async def test_a_label_key_relabels_my_span_on_the_sentence_and_undo_restores_it(
    corpus: Corpus,
) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1")
        await pilot.press("s", "2")
        await pilot.pause()
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["FIGURE"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["CLAIM"]


async def test_emacs_mark_then_word_moves_select(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=load_keymap("emacs"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # ctrl+space arrives as ctrl+@; alt+f as ctrl+right.
        await pilot.press("ctrl+@", "ctrl+right", "ctrl+right")
        assert screen.view.selection == (0, len("The council"))
        await pilot.press("ctrl+g")
        assert screen.view.selection is None
        await pilot.press("ctrl+right")
        assert screen.view.selection is None
        # The footer's palette hint is on alt+x, not ctrl+p ("Up" in emacs); at 100
        # columns it is among the hints that drop (tests/tui/test_reader_footer.py).
        text = screen_text(app)
        assert "^p Up" not in text
        hints = screen.query_one(PriorityFooter).active_hints()
        palette = next(hint for hint in hints if hint.action_id == "app.command_palette")
        assert palette.key_display == "alt+x"


async def test_vim_j_and_k_move_in_the_match_panel(sample_db_path: Path) -> None:
    with Session(sample_db_path, "tester") as session:
        doc_ids = [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids, keymap=load_keymap("vim"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        panel = app.screen.query_one(MatchPanel)
        assert len(panel.suggestions) >= 2
        assert panel.table.cursor_row == 0
        await pilot.press("j")
        assert panel.table.cursor_row == 1
        await pilot.press("k")
        assert panel.table.cursor_row == 0


async def test_match_panel_shows_the_chosen_match_in_full_and_its_document(
    sample_db_path: Path,
) -> None:
    with Session(sample_db_path, "tester") as session:
        doc_ids = [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]
        titles = {doc_id: session.document(doc_id).title for doc_id in doc_ids}
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        panel = app.screen.query_one(MatchPanel)
        current = panel.current
        assert current is not None
        full = str(panel.query_one("#match-full").render())
        assert " ".join(full.split()) == " ".join(current.quote.split())
        labels = [str(column.label) for column in panel.table.columns.values()]
        assert "document" in labels
        title = titles[current.doc_id]
        assert title is not None
        assert title[:8] in screen_text(app)


def test_document_name_falls_back_to_the_first_line() -> None:
    from store.model import Document
    from tui.widgets.match_panel import document_name

    untitled = Document(
        1, "a.txt", "Kurier", None, None, None, "de", "\nErste Zeile.\nMehr.", "", ""
    )
    assert document_name(untitled) == "Erste Zeile."
