"""Escape and the next key arriving in one packet (SSH) act as the two keys pressed.

Each test types the bytes a terminal sends through Textual's own parser, so the key
events are the ones a real session delivers (``alt+s`` with character ``s``), not the
pilot's (which leaves the character out).
"""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from textual.events import Key

from tests.tui.conftest import ARTICLE_A, Corpus
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap
from tui.screens.note_editor import NoteEditor
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView

SECOND_SENTENCE = ARTICLE_A.index("The mayor")
PARAGRAPH_2 = ARTICLE_A.index("Opponents")


def _typed(app: ClaimdeskApp, sequence: str) -> None:
    """Post what Textual's terminal parser makes of ``sequence`` in one read."""
    parser = XTermParser()
    for token in [*parser.feed(sequence), *parser.feed("")]:
        app.post_message(token)


def _view(app: ClaimdeskApp) -> ArticleView:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen.view


def test_the_parser_reads_escape_and_a_letter_in_one_read_as_alt() -> None:
    """The terminal limit this works around; if Textual ever splits them, the two
    keys arrive as pressed and :mod:`tui.escape_keys` has nothing left to do."""
    parser = XTermParser()
    tokens = [t for t in [*parser.feed("\x1bs"), *parser.feed("")] if isinstance(t, Key)]
    assert [(t.key, t.character) for t in tokens] == [("alt+s", "s")]


async def test_escape_then_a_key_clears_the_selection_and_runs_the_key(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = _view(app)
        await pilot.press("full_stop", "shift+right", "shift+right")
        assert view.selection is not None
        # escape (clear the selection), then s (select the sentence at the cursor).
        _typed(app, "\x1bs")
        await pilot.pause()
        assert view.selection == (SECOND_SENTENCE, PARAGRAPH_2 - 2)
        # What a label key tags next is that sentence.
        await pilot.press("1")
        with corpus.session() as session:
            assert [(s.start, s.end) for s in session.spans(corpus.a)] == [
                (SECOND_SENTENCE, PARAGRAPH_2 - 2)
            ]


async def test_a_bound_alt_key_is_kept(corpus: Corpus) -> None:
    """The emacs keymap binds alt+e (next sentence) and alt+a (previous sentence)."""
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=load_keymap("emacs"))
    async with app.run_test(size=(100, 30)) as pilot:
        view = _view(app)
        _typed(app, "\x1be")
        await pilot.pause()
        assert view.cursor == SECOND_SENTENCE
        _typed(app, "\x1ba")
        await pilot.pause()
        assert view.cursor == 0


async def test_a_note_being_typed_is_not_cancelled(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"check")
        _typed(app, "\x1bx")
        await pilot.pause()
        # Escape would have thrown the note away; the editor is still open with it.
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("enter")
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == "checkx"  # alt+x typed the x, as it did before
