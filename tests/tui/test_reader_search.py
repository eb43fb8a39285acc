"""Incremental search in the reader: `/` and typing select the match, enter keeps it
for a label key, escape returns, next/previous wrap round the document."""

from __future__ import annotations

import asyncio

from textual import events

from tests.tui.conftest import ARTICLE_A, ARTICLE_B, Corpus
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.text_search import find_match, fold
from tui.widgets.search_box import SearchBox


def reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def test_fold_keeps_offsets_and_ignores_case_and_umlauts() -> None:
    text = "Der Müller sagt: MÜLLER, Straße."
    folded = fold(text)
    assert len(folded.text) == len(text)
    assert find_match(folded, "muller", 0) == (4, 10)
    assert find_match(folded, "MULLER", 5) == (17, 23)
    assert find_match(folded, "muller", 18) == (4, 10)  # wraps round
    assert find_match(folded, "muller", 17, -1) == (4, 10)
    assert find_match(folded, "muller", 4, -1) == (17, 23)  # wraps back
    assert find_match(folded, "straße", 0) == (25, 31)
    assert text[25:31] == "Straße"
    assert find_match(folded, "nowhere", 0) is None


def test_standalone_combining_marks_are_skipped_and_the_match_is_the_stored_text() -> None:
    # Marks NFC cannot join to a letter stayed in the folded text: "zalgo" did not find
    # a stacked Zalgo word, nor a plain spelling a pointed Hebrew one.
    zalgo = "Z\u0353\u0351\u0352a\u0354\u0355lgo"
    hebrew = "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd"  # shalom, pointed
    text = f"Er schrieb {zalgo} und {hebrew} und zalgo."
    folded = fold(text)
    start, end = find_match(folded, "zalgo", 0, text=text) or (0, 0)
    assert text[start:end] == zalgo
    # From after the first match: the plain word; backwards from there: the first again.
    assert find_match(folded, "ZALGO", end, text=text) == (len(text) - 6, len(text) - 1)
    assert find_match(folded, "zalgo", len(text) - 6, -1, text=text) == (start, end)
    found = find_match(folded, "\u05e9\u05dc\u05d5\u05dd", 0, text=text)
    assert found is not None
    assert text[found[0] : found[1]] == hebrew
    # A letter's marks go with it when the match ends on it.
    found = find_match(folded, "za", 0, text=text)
    assert found is not None
    assert text[found[0] : found[1]] == zalgo[:7]


async def test_typing_moves_to_the_match_and_selects_it(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "t", "r", "a")
        await pilot.pause()
        screen = reader(app)
        start = ARTICLE_A.index("traffic")
        # Cursor at the match's start, the match itself marked (a label key widens a
        # part word to the whole word while word snap is on, like every selection).
        assert (screen.view.cursor, screen.view.mark) == (start, start + 3)
        assert isinstance(app.focused, SearchBox)
        # More letters refine the match from where the search began, not from it.
        await pilot.press("f", "f", "i", "c")
        await pilot.pause()
        assert screen.view.selection == (start, start + len("traffic"))


async def test_escape_returns_the_cursor_to_where_it_was(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("full_stop")  # next sentence
        await pilot.pause()
        screen = reader(app)
        before = screen.view.cursor
        assert before > 0
        await pilot.press("slash", *"june")
        await pilot.pause()
        assert screen.view.cursor == ARTICLE_A.index("June")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.view.cursor == before
        assert screen.view.selection is None
        assert not screen.search_box.is_open
        assert app.focused is screen.view


async def test_next_and_previous_match_wrap_round(corpus: Corpus) -> None:
    keymap = load_keymap("default")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keymap)
    the = [i for i in range(len(ARTICLE_A)) if ARTICLE_A[i : i + 3].lower() == "the"]
    assert len(the) >= 3
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "t", "h", "e", "enter")
        await pilot.pause()
        screen = reader(app)
        assert screen.view.cursor == the[0]
        for expected in the[1:] + the[:1]:
            await pilot.press(keymap["reader.search_next"].split(",")[0])
            await pilot.pause()
            assert screen.view.cursor == expected
        await pilot.press(keymap["reader.search_prev"].split(",")[0])
        await pilot.pause()
        assert screen.view.cursor == the[-1]


async def test_vim_n_and_shift_n_repeat_the_search(corpus: Corpus) -> None:
    keymap = load_keymap("vim")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"on", "enter")
        await pilot.pause()
        screen = reader(app)
        first = ARTICLE_A.lower().index("on")
        assert screen.view.cursor == first
        await pilot.press("n")
        await pilot.pause()
        assert screen.view.cursor == ARTICLE_A.lower().index("on", first + 1)
        await pilot.press("N", "N")
        await pilot.pause()
        assert screen.view.cursor == ARTICLE_A.lower().rindex("on")


async def test_enter_then_label_key_tags_exactly_the_match(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"300", "enter", "2")
        await pilot.pause()
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.quote) for s in spans] == [("FIGURE", "300")]
        assert ARTICLE_A[spans[0].start : spans[0].end] == "300"


async def test_no_match_keeps_the_cursor_and_markup_stays_text(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.b])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        screen = reader(app)
        assert screen.view.cursor == 0
        assert screen.search_box.has_class("-no-match")
        await pilot.press("escape", "slash", *"[bold]")
        await pilot.pause()
        start = ARTICLE_B.index("[bold]")
        assert screen.view.selection == (start, start + len("[bold]"))


async def test_a_slash_typed_in_the_box_is_part_of_the_query(corpus: Corpus) -> None:
    # `/` opens the search; in the box it must be searchable (`km/h`, `[/bold]`), not
    # jump to the next match of what came before it.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.b])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "left_square_bracket", "slash", *"bold")
        await pilot.pause()
        screen = reader(app)
        assert screen.search_box.value == "[/bold"
        start = ARTICLE_B.index("[/bold]")
        assert screen.view.selection == (start, start + len("[/bold"))
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.search_box.is_open
        assert screen.search_query == "[/bold"


async def test_emacs_search_key_pressed_again_in_the_box_goes_to_the_next_match(
    corpus: Corpus,
) -> None:
    keymap = load_keymap("emacs")
    assert keymap["reader.search"] == "ctrl+s"
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keymap)
    the = [i for i in range(len(ARTICLE_A)) if ARTICLE_A[i : i + 3].lower() == "the"]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s", *"the")
        await pilot.pause()
        screen = reader(app)
        assert screen.view.cursor == the[0]
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        assert screen.view.cursor == the[2]
        assert screen.search_box.is_open
        assert screen.search_box.value == "the"


async def test_the_closed_box_never_takes_the_focus_nor_bounces_keys(corpus: Corpus) -> None:
    # A reader with nothing else to focus gave the hidden box the focus (Textual's
    # auto-focus ignores display: none); the box handed each key back to the app, which
    # gave it to the box again: every key lost and a CPU core spinning.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = reader(app)
        screen.set_focus(screen.search_box)
        assert app.focused is screen.view
        await asyncio.wait_for(pilot.press("f1"), timeout=5)
        assert isinstance(app.screen, HelpScreen)


def test_a_match_inside_a_joined_emoji_or_a_flag_takes_the_whole_character() -> None:
    # A search for 👩 selected the first of the five code points of 👩‍👩‍👧, and a label
    # key stored half a family.
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
    text = f"Emoji family {family} and flag \U0001f1e9\U0001f1ea here."
    folded = fold(text)
    at = text.index(family)
    assert find_match(folded, "\U0001f469", 0, text=text) == (at, at + len(family))
    assert find_match(folded, "\U0001f467", 0, text=text) == (at, at + len(family))
    flag = text.index("\U0001f1e9")
    assert find_match(folded, "\U0001f1ea", 0, text=text) == (flag, flag + 2)


async def test_joiners_typed_as_keys_go_into_the_search_box(corpus: Corpus) -> None:
    # Textual's input drops keys that are not printable: a ZWJ emoji or a Persian word
    # typed with its joiners was searched without them and found nothing.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        box = app.query_one(SearchBox)
        for key, char in (("a", "a"), ("zero_width_joiner", "\u200d"), ("b", "b")):
            box.post_message(events.Key(key, char))
        box.post_message(events.Key("zero_width_non_joiner", "\u200c"))
        await pilot.pause()
        assert box.value == "a\u200db\u200c"


async def test_keys_arriving_together_are_applied_in_order_in_a_box(corpus: Corpus) -> None:
    # A key bound in the box (home) ran only when it had bubbled up to the app, after the
    # letter that followed it in the same read: `home z` gave "abcz".
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "a", "b", "c")
        await pilot.pause()
        box = app.query_one(SearchBox)
        box.post_message(events.Key("home", None))
        box.post_message(events.Key("z", "z"))
        box.post_message(events.Key("end", None))
        box.post_message(events.Key("backspace", "\x7f"))
        box.post_message(events.Key("y", "y"))
        await pilot.pause()
        await pilot.pause()
        assert box.value == "zaby"
