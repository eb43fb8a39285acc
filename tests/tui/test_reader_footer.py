"""The reader's footer: the most needed keys, whole, in every keymap; help lists all."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from tests.tui.conftest import Corpus, screen_lines, settle
from tui.app import create_app
from tui.keymap import load_keymap
from tui.screens.help import bindings_in_force
from tui.widgets.key_footer import READER_HINTS, Hint, PriorityFooter, hints_that_fit

KEYMAPS = ("default", "vim", "emacs")


def _hint(word: str, key: str) -> Hint:
    return Hint(f"x.{word}", word, key, key, word, True)


def test_hints_drop_whole_and_keep_priority() -> None:
    hints = [_hint("First", "a"), _hint("Toolongtofit", "b"), _hint("Third", "c")]
    # "a First " is 8 cells with its margin, "b Toolongtofit " 15, "c Third" 7 at the edge.
    assert [h.word for h in hints_that_fit(hints, 15)] == ["First", "Third"]
    assert [h.word for h in hints_that_fit(hints, 14)] == ["First"]
    assert [h.word for h in hints_that_fit(hints, 6)] == []
    # The last hint's trailing margin may fall off the edge.
    assert [h.word for h in hints_that_fit(hints, 30)] == ["First", "Toolongtofit", "Third"]
    assert [h.word for h in hints_that_fit(hints, 29)] == ["First", "Toolongtofit"]


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_footer_at_80_columns_shows_matches_review_clusters(
    corpus: Corpus, keymap: str
) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=load_keymap(keymap))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        footer = app.screen.query_one(PriorityFooter)
        shown = hints_that_fit(footer.active_hints(), 80)
        row = screen_lines(app)[-1]
        words = [hint.word for hint in shown]
        for needed in ("Keys", "Sentence", "Label", "Matches", "Review", "Clusters"):
            assert needed in words, (keymap, row)
        # Each hint is on the row whole (key, blank, word), in priority order.
        position = 0
        for hint in shown:
            found = row.find(f"{hint.key_display} {hint.word}", position)
            assert found >= position, (hint, row)
            position = found + len(hint.word)
        # Nothing else on the row: no half hint at the edge.
        expected = " ".join(f"{h.key_display} {h.word}" for h in shown)
        assert row.rstrip() == expected
        assert len(expected) <= 80
        # The keys shown are the ones this keymap binds.
        assert all(hint.key_display for hint in shown)
        # Help lists every reader action the footer had to leave out.
        in_help = {row.action_id for row in bindings_in_force(app.screen)}
        left_out = {hint.action_id for hint in footer.active_hints()} - {
            hint.action_id for hint in shown
        }
        assert left_out, "at 80 columns some hints should drop"
        assert left_out <= in_help


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_footer_at_160_columns_shows_every_hint(corpus: Corpus, keymap: str) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=load_keymap(keymap))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = screen_lines(app)[-1]
        footer = app.screen.query_one(PriorityFooter)
        for hint in footer.active_hints():
            assert f"{hint.key_display} {hint.word}" in row, (keymap, row)
        # The palette hint names the keymap's palette key (emacs: alt+x, not ctrl+p's "Up").
        palette = "alt+x Commands" if keymap == "emacs" else "^p Commands"
        assert palette in row


async def test_footer_reflows_when_the_terminal_narrows(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        assert "^q Quit" in screen_lines(app)[-1]
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        await pilot.pause()
        row = screen_lines(app)[-1]
        assert "^q Quit" not in row
        assert row.startswith("? Keys s Sentence l Label m Matches")


async def test_match_panel_keys_join_the_footer(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("s", "1", "m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        words = [hint.action_id for hint in app.screen.query_one(PriorityFooter).active_hints()]
        assert {"links.accept", "links.reject"} <= set(words)
        assert len(READER_HINTS) == len({action_id for action_id, _ in READER_HINTS})


async def test_a_key_bound_to_a_symbol_is_shown_as_the_symbol(corpus: Corpus) -> None:
    # A keymap binding "€" showed "euro_sign Label" in the footer and in help.
    keymap = {**load_keymap("default"), "reader.pick_label": "euro_sign"}
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keymap)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        row = screen_lines(app)[-1]
        assert "€ Label" in row
        assert "euro_sign" not in row
        await pilot.press("euro_sign")
        await pilot.pause()
        assert type(app.screen).__name__ == "LabelPicker"


@pytest.mark.parametrize("screen_key", ["r", "c"], ids=["review", "clusters"])
async def test_review_and_clusters_footers_drop_hints_whole_at_80_columns(
    corpus: Corpus, screen_key: str
) -> None:
    # Textual's stock footer there cut the row mid-hint: `2 No: other▏^p Commands`.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(screen_key)
        await settle(pilot)
        footer = app.screen.query_one(PriorityFooter)
        shown = hints_that_fit(footer.active_hints(), 80)
        row = screen_lines(app)[-1]
        assert row.rstrip() == " ".join(f"{h.key_display} {h.word}" for h in shown)
        words = [hint.word for hint in shown]
        assert "Keys" in words
        assert "Back" in words
        if screen_key == "r":
            assert words[:3] == ["Accept", "Reject", "Skip"]
            assert {"Near miss", "Other figure", "Other event"} <= set(words)
        else:
            assert words[0] == "Open claim"


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_a_dialog_footer_shows_the_dialogs_keys_not_the_readers(
    corpus: Corpus, keymap: str
) -> None:
    # The reader's footer stayed on the bottom row under every dialog, offering `m Matches`
    # and `r Review`, keys that only typed into the dialog's field.
    from tui.keymap import bound_keys
    from tui.screens.label_editor import LabelEditor
    from tui.screens.label_picker import LabelPicker
    from tui.screens.note_editor import NoteEditor

    keys = load_keymap(keymap)
    first = {action_id: bound_keys(keys, action_id)[0] for action_id in keys}
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a], keymap=keys)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        opening = (
            ([first["reader.select_sentence"], first["reader.pick_label"]], LabelPicker, "Choose"),
            ([first["reader.label_1"], first["reader.edit_note"]], NoteEditor, "Save"),
            ([first["reader.edit_labels"]], LabelEditor, "Save"),
        )
        for pressed, dialog, choose in opening:
            await pilot.press(*pressed)
            await settle(pilot)
            assert isinstance(app.screen, dialog), (keymap, dialog)
            row = screen_lines(app)[-1].rstrip()
            cancel = app.get_key_display(Binding(bound_keys(keys, "picker.cancel")[0], "x"))
            assert f"{cancel} Cancel" in row, (keymap, row)
            # Only a help key that types nothing works in a dialog (`?` is typed).
            assert "f1 Keys" in row, (keymap, row)
            assert "? Keys" not in row, (keymap, row)
            if choose is not None:
                assert f"⏎ {choose}" in row, (keymap, row)
            for reader_word in ("Matches", "Review", "Sentence", "Clusters"):
                assert reader_word not in row, (keymap, row)
            # Help lists what the footer shows, the choice the text field's enter hid too.
            in_help = {item.action_id for item in bindings_in_force(app.screen)}
            assert {"picker.cancel", "app.help"} <= in_help
            if choose is not None:
                assert "picker.choose" in in_help
            await pilot.press(bound_keys(keys, "picker.cancel")[-1])
            await settle(pilot)
