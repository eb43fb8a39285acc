"""Annotating in the reader: every change is in the database before the screen shows it."""

from __future__ import annotations

import sqlite3

from textual import events
from textual.widgets import Input

from store.model import MAX_NOTE_CHARS
from store.session import Session
from tests.tui.conftest import ARTICLE_A, Corpus, screen_lines, screen_text
from tui.app import ClaimdeskApp, create_app
from tui.screens.label_editor import LabelEditor
from tui.screens.label_picker import LabelPicker, rank_labels
from tui.screens.note_editor import NoteEditor
from tui.screens.reader import ReaderScreen


async def test_select_sentence_and_label_creates_claim_with_exact_quote(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("s", "1")
        await pilot.pause()
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.quote, s.annotator) for s in spans] == [
            ("CLAIM", "The council approved 300 new flats on Monday.", "tester")
        ]
        assert ARTICLE_A[spans[0].start : spans[0].end] == spans[0].quote
        assert "CLAIM · tester" in screen_text(app)


async def test_undo_then_redo_in_a_new_app_after_restart(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "2", "ctrl+z")
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
    restarted = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with restarted.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+y")
        await pilot.pause()
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.start, s.end) for s in spans] == [("FIGURE", 0, 45)]
        screen = restarted.screen
        assert isinstance(screen, ReaderScreen)
        assert screen.view.span_ids_at(0) == [spans[0].id]


def reader(app: ClaimdeskApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def test_keys_1_to_5_apply_the_label_set_in_hotkey_order(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        labels = []
        await pilot.press("s")
        for key in "12345":
            # The first key labels the selection; after that there is no selection and
            # a number key relabels the span under the cursor.
            await pilot.press(key)
            with corpus.session() as session:
                labels.append(session.spans_at(corpus.a, 0)[0].label)
        assert labels == ["CLAIM", "FIGURE", "SOURCE", "QUOTE", "EVENT"]
        with corpus.session() as session:
            assert len(session.spans(corpus.a)) == 1
        # Selecting exactly the same text again relabels instead of stacking a duplicate.
        await pilot.press("ctrl+home", "s", "1")
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["CLAIM"]


async def test_a_label_key_on_another_annotators_span_makes_my_own(corpus: Corpus) -> None:
    # bob's `2` on alice's CLAIM turned it into a FIGURE still under her name: stats,
    # agree and the exports counted bob's label as alice's.
    with Session(corpus.path, "alice") as alice:
        theirs = alice.add_span(corpus.a, 0, 45, "CLAIM")
    app = create_app(corpus.path, "bob", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        with corpus.session() as session:
            spans = {(s.annotator, s.label, s.start, s.end) for s in session.spans(corpus.a)}
        assert spans == {("alice", "CLAIM", 0, 45), ("bob", "FIGURE", 0, 45)}
        await pilot.pause()
        assert "Your own FIGURE span over alice's CLAIM" in screen_text(app)
        # Now bob's own span is under the cursor: the next key relabels it, alone.
        await pilot.press("3")
        await pilot.pause()
        with corpus.session() as session:
            spans = {(s.annotator, s.label) for s in session.spans(corpus.a)}
            assert session.spans(corpus.a, ["alice"])[0].id == theirs.id
        assert spans == {("alice", "CLAIM"), ("bob", "SOURCE")}
        # With only alice's spans shown, bob's hidden one is still his span there: the
        # key relabels it, never stacks him a second one over the same text.
        await pilot.press("A")
        await pilot.pause()
        await pilot.press(*"alice", "enter")
        await pilot.pause()
        assert "alice" in screen_text(app)
        await pilot.press("4")
        await pilot.pause()
        with corpus.session() as session:
            spans = {(s.annotator, s.label) for s in session.spans(corpus.a)}
        assert spans == {("alice", "CLAIM"), ("bob", "QUOTE")}
        assert "Your SOURCE span, hidden by the filter, is now QUOTE" in screen_text(app)
        # So do delete and note: they deleted alice's span and wrote bob's note on it.
        await pilot.press("d")
        await pilot.pause()
        with corpus.session() as session:
            spans = {(s.annotator, s.label) for s in session.spans(corpus.a)}
        assert spans == {("alice", "CLAIM")}
        assert "Deleted your QUOTE span, hidden by the filter" in screen_text(app)


async def test_d_never_deletes_another_annotators_span_but_does_a_models(
    corpus: Corpus,
) -> None:
    # bob's `d` took alice's CLAIM away, and the link she had accepted on it exported
    # without its span.
    with Session(corpus.path, "alice") as alice:
        theirs = alice.add_span(corpus.a, 0, 45, "CLAIM")
    app = create_app(corpus.path, "bob", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        with corpus.session() as session:
            assert [s.id for s in session.spans(corpus.a)] == [theirs.id]
        assert "That CLAIM span is alice's: d deletes your own spans" in screen_text(app)
    with Session(corpus.path, "model:ner") as model:
        guess = model.add_span(corpus.a, 0, 3, "SOURCE")
    app = create_app(corpus.path, "bob", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")  # the innermost span under the cursor: the model's
        await pilot.pause()
        with corpus.session() as session:
            assert [s.id for s in session.spans(corpus.a)] == [theirs.id]
        assert guess.id != theirs.id


async def test_d_keeps_a_models_span_that_another_annotators_link_uses(corpus: Corpus) -> None:
    # dave's `d` took the model's CLAIM that alice's accepted link rested on; the link
    # then exported without its span, and check said nothing.
    with Session(corpus.path, "model:ner") as model:
        guess = model.add_span(corpus.a, 0, 3, "CLAIM")
    with Session(corpus.path, "alice") as alice:
        link = alice.link_spans((corpus.a, 0, 3), (corpus.b, 0, 3), create_span_label="CLAIM")
    if link.a_span != guess.id:
        with sqlite3.connect(corpus.path) as conn:
            conn.execute("UPDATE links SET a_span = ? WHERE id = ?", [guess.id, link.id])
    app = create_app(corpus.path, "dave", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        with corpus.session() as session:
            assert guess.id in {s.id for s in session.spans(corpus.a)}
        assert "alice's link uses that CLAIM span" in screen_text(app)


async def test_the_status_line_names_the_span_the_keys_act_on(corpus: Corpus) -> None:
    # The line named the model's EVENT inside dave's FIGURE while `d` deleted the FIGURE.
    with Session(corpus.path, "dave") as dave:
        dave.add_span(corpus.a, 0, 10, "FIGURE")
    with Session(corpus.path, "model:ner") as model:
        model.add_span(corpus.a, 0, 3, "EVENT")
    app = create_app(corpus.path, "dave", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "FIGURE · dave" in screen_text(app)
        assert "EVENT · model:ner" not in screen_text(app)


async def test_n_never_writes_a_note_on_another_annotators_span(corpus: Corpus) -> None:
    # bob's note replaced alice's on her span, and every export gave it as hers.
    with Session(corpus.path, "alice") as alice:
        theirs = alice.add_span(corpus.a, 0, 45, "CLAIM", note="alice's reading")
    app = create_app(corpus.path, "bob", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen), "no note editor on alice's span"
        assert "That CLAIM span is alice's: n writes the notes of your own spans" in screen_text(
            app
        )
        with corpus.session() as session:
            (kept,) = session.spans(corpus.a)
        assert (kept.id, kept.note) == (theirs.id, "alice's reading")


async def test_label_picker_filters_fuzzily_and_applies(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("full_stop", "s", "l")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press(*"quot", "enter")
        assert isinstance(app.screen, ReaderScreen)
        with corpus.session() as session:
            spans = session.spans(corpus.a)
        assert [(s.label, s.quote) for s in spans] == [
            ("QUOTE", "The mayor said the plan was overdue.")
        ]
        await pilot.press("l", "escape")
        assert isinstance(app.screen, ReaderScreen)
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["QUOTE"]


def test_rank_labels_prefers_name_matches() -> None:
    from store.labels import DEFAULT_LABELS

    ranked = rank_labels(list(DEFAULT_LABELS), "fig")
    assert ranked[0].name == "FIGURE"
    assert [label.name for label in rank_labels(list(DEFAULT_LABELS), "")] == [
        "CLAIM",
        "FIGURE",
        "SOURCE",
        "QUOTE",
        "EVENT",
    ]


async def test_delete_note_and_status_are_written_to_the_store(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"check [b]vote[/b]", "enter")
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == "check [b]vote[/b]"
        assert "note: check [b]vote[/b]" in screen_text(app)
        # Tagging started the document; ctrl+d then marks it done.
        with corpus.session() as session:
            assert session.status(corpus.a) == "in_progress"
        assert "in progress" in screen_text(app)
        await pilot.press("ctrl+d")
        with corpus.session() as session:
            assert session.status(corpus.a) == "done"
        await pilot.press("d")
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
        assert "CLAIM · tester" not in screen_text(app)
        await pilot.press("ctrl+z")
        with corpus.session() as session:
            assert [s.id for s in session.spans(corpus.a)] == [span.id]
        assert "CLAIM · tester" in screen_text(app)


async def test_a_pasted_note_of_several_lines_is_kept_whole(corpus: Corpus) -> None:
    # Textual's input keeps a paste's first line only: "AAA first" was saved, the rest
    # dropped without a word.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        note = editor.query_one(Input)
        await pilot.press(*"see: ")
        note.post_message(events.Paste("AAA first\nBBB second\tTAB\r\nCCC \x1b[31mthird"))
        await pilot.pause()
        assert note.value == "see: AAA first BBB second TAB CCC third"
        await pilot.press("enter")
        await pilot.pause()
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == "see: AAA first BBB second TAB CCC third"


async def test_a_note_past_the_cap_is_refused_in_the_editor_with_a_word_why(
    corpus: Corpus,
) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert "at most 10,000 characters" in screen_text(app)
        note = editor.query_one(Input)
        await pilot.press(*"see")
        note.post_message(events.Paste("x" * 200_000))
        await pilot.pause()
        assert note.value == "see"
        assert [str(n.message) for n in app._notifications] == [
            "A note is at most 10,000 characters: that text was not added"
        ]
        # Up to the cap, a paste goes in.
        note.post_message(events.Paste("x" * (MAX_NOTE_CHARS - 3)))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == "see" + "x" * (MAX_NOTE_CHARS - 3)


async def test_a_note_stored_past_the_cap_is_not_saved_again_and_the_reader_says_why(
    corpus: Corpus,
) -> None:
    # Notes stored before the cap existed: the editor lets them be shortened, and the
    # store refuses to save one still too long with one message.
    with corpus.session() as session:
        span = session.add_span(corpus.a, 0, 3, "CLAIM")
    too_long = "y" * (MAX_NOTE_CHARS + 5)
    with sqlite3.connect(corpus.path) as conn:
        conn.execute("UPDATE spans SET note = ? WHERE id = ?", [too_long, span.id])
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        # The whole note is selected when the editor opens: end, then one character less.
        await pilot.press("end", "backspace", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert [str(n.message) for n in app._notifications] == [
            "note not saved: a note is text of at most 10,000 characters (this one has 10,004)"
        ]
        with corpus.session() as session:
            assert session.spans(corpus.a)[0].note == too_long
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("end", *["backspace"] * 5, "enter")
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a)[0].note == "y" * MAX_NOTE_CHARS


RAW = ("\n", "\t", "\u202e", "\u200b")


async def test_the_note_editor_never_draws_raw_controls_nor_changes_an_unedited_note(
    corpus: Corpus,
) -> None:
    # A stored note's line break and tab reached the terminal raw from the editor's
    # box (its text spilled over the border), and U+202E reordered the line.
    note = "first line\nsecond\tpart \u202eevil\u200b end"
    with corpus.session() as session:
        span = session.add_span(corpus.a, 0, 3, "CLAIM", note=note)
    assert span.note == note
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert box.value == "first line second part evil end"
        assert not [line for line in screen_lines(app) if any(c in line for c in RAW)]
        assert "kept unless you change the note" in screen_text(app)
        # Enter without an edit keeps the note as stored.
        await pilot.press("enter")
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a)[0].note == note
        # An edit saves what the box showed, and a pasted tab or bidi control is no
        # more drawn raw than a stored one.
        await pilot.press("n")
        await pilot.pause()
        box = app.screen.query_one(Input)
        await pilot.press("end")
        box.post_message(events.Paste("!\tnow\u202e"))
        await pilot.pause()
        assert box.value == "first line second part evil end! now"
        await pilot.press("enter")
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a)[0].note == "first line second part evil end! now"
        # A note with nothing to hide says nothing about it.
        await pilot.press("n")
        await pilot.pause()
        assert "kept unless you change the note" not in screen_text(app)


async def test_jumps_between_spans_and_to_the_next_unannotated_sentence(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = reader(app).view
        await pilot.press("s", "1", "escape", "ctrl+down", "s", "2", "ctrl+home")
        second = ARTICLE_A.index("Opponents")
        await pilot.press("right_square_bracket")
        assert view.cursor == second
        await pilot.press("left_square_bracket")
        assert view.cursor == 0
        await pilot.press("u")
        assert view.selection == (ARTICLE_A.index("The mayor"), ARTICLE_A.index(" overdue") + 9)
        await pilot.press("u")
        assert view.selection == (ARTICLE_A.index("A vote"), ARTICLE_A.index("June.") + 5)
        assert "40% of sentences" in screen_text(app)


async def test_annotator_filter_hides_other_peoples_spans(corpus: Corpus) -> None:
    with corpus.session("bob") as bob:
        bob.add_span(corpus.a, 0, 3, "SOURCE")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = reader(app).view
        assert len(view.span_ids_at(0)) == 1
        assert "SOURCE · bob" in screen_text(app)
        await pilot.press("a")
        assert reader(app).annotator_filter == "mine"
        assert view.span_ids_at(0) == []
        assert "spans: mine" in screen_text(app)
        await pilot.press("a")
        assert reader(app).annotator_filter == "others"
        assert len(view.span_ids_at(0)) == 1


async def test_overlapping_spans_stay_visible(corpus: Corpus) -> None:
    with corpus.session() as session:
        session.add_span(corpus.a, 0, 45, "CLAIM")
        session.add_span(corpus.a, 21, 24, "FIGURE")
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = reader(app).view
        view.set_cursor(60)
        await pilot.pause()
        segments = {seg.text: seg.style for seg in view.render_line(0)}
        inner, outer = segments["300"], segments["The council approved"]
        # The blank before the inner span shows its tag (FIGURE: "F").
        assert "F" in segments
        assert inner is not None
        assert outer is not None
        assert inner.bgcolor != outer.bgcolor
        # The outer span stays visible under the inner one as an underline.
        assert inner.underline
        assert not outer.underline


async def test_label_editor_saves_a_new_label_usable_with_its_key(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+e")
        editor = app.screen
        assert isinstance(editor, LabelEditor)
        editor.query_one("#label-name", Input).value = "RUMOUR"
        editor.query_one("#label-colour", Input).value = "#123456"
        editor.query_one("#label-hotkey", Input).value = "6"
        editor.query_one("#label-description", Input).value = "Unconfirmed [talk]"
        editor.query_one("#label-name", Input).focus()
        await pilot.press("enter", "escape")
        with corpus.session() as session:
            labels = {label.name: label for label in session.labels()}
        assert labels["RUMOUR"].colour == "#123456"
        assert labels["RUMOUR"].hotkey == "6"
        await pilot.press("s", "6")
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["RUMOUR"]


async def test_label_editor_saves_the_name_as_it_was_at_enter(corpus: Corpus) -> None:
    # As in the note editor: a key typed just after enter reached the name box before
    # the screen read it, and the label was saved as RUMOURX.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+e")
        editor = app.screen
        assert isinstance(editor, LabelEditor)
        name = editor.query_one("#label-name", Input)
        name.value = "RUMOUR"
        editor.query_one("#label-hotkey", Input).value = "6"
        name.focus()
        await name.action_submit()
        name.post_message(events.Key("x", "x"))
        await pilot.pause()
        await pilot.pause()
        with corpus.session() as session:
            names = {label.name for label in session.labels()}
        assert "RUMOUR" in names
        assert "RUMOURX" not in names


async def test_label_editor_form_follows_the_name_typed(corpus: Corpus) -> None:
    # The form kept the first label's (CLAIM's) fields whatever name was typed: a new
    # label was saved with CLAIM's description, an existing one got it over its own.
    with corpus.session() as session:
        labels = {label.name: label for label in session.labels()}
    claim, source = labels["CLAIM"], labels["SOURCE"]
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+e")
        editor = app.screen
        assert isinstance(editor, LabelEditor)

        def form() -> dict[str, str]:
            return {
                field: editor.query_one(f"#label-{field}", Input).value
                for field in ("name", "colour", "hotkey", "description")
            }

        assert form()["description"] == claim.description
        # The name is selected on opening: typing replaces it.
        await pilot.press(*"zetx")
        assert form() == {"name": "zetx", "colour": "", "hotkey": "", "description": ""}
        editor.query_one("#label-description", Input).focus()
        await pilot.press(*"Greek")
        editor.query_one("#label-name", Input).focus()
        await pilot.press("end", "backspace", "a", "enter")
        # What was typed for the new label stays while its name is corrected.
        assert form()["description"] == "Greek"
        await pilot.press("end", "shift+home", *"source")
        assert form() == {
            "name": "source",
            "colour": source.colour,
            "hotkey": source.hotkey or "",
            "description": source.description,
        }
        await pilot.press("enter")
    with corpus.session() as session:
        saved = {label.name: label for label in session.labels()}
    assert (saved["ZETA"].description, saved["ZETA"].colour) == ("Greek", "#888888")
    assert saved["SOURCE"] == source
    assert saved["CLAIM"] == claim


async def test_bad_label_is_refused_with_a_message_and_nothing_saved(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+e")
        editor = app.screen
        assert isinstance(editor, LabelEditor)
        editor.query_one("#label-name", Input).value = "BAD"
        editor.query_one("#label-colour", Input).value = "red"
        editor.query_one("#label-name", Input).focus()
        await pilot.press("enter")
        assert "must be #rrggbb" in screen_text(app)
        with corpus.session() as session:
            assert "BAD" not in {label.name for label in session.labels()}


async def test_another_sessions_span_appears_after_a_poll_keeping_the_cursor(
    corpus: Corpus,
) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        view = reader(app).view
        await pilot.press("full_stop", "right")
        cursor = view.cursor
        with corpus.session("bob") as bob:
            bob.add_span(corpus.a, 46, 55, "SOURCE")
        app.poll_store()
        await pilot.pause()
        assert view.cursor == cursor
        assert len(view.span_ids_at(cursor)) == 1
        assert "SOURCE · bob" in screen_text(app)


async def test_picker_arrow_keys_move_the_choice(corpus: Corpus) -> None:
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "l", "down", "down", "up", "enter")
        with corpus.session() as session:
            assert [s.label for s in session.spans(corpus.a)] == ["FIGURE"]


async def test_label_editor_shows_every_field_at_80x24(corpus: Corpus) -> None:
    # The description field lay below the box's edge at 24 rows, typed into blind.
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+e")
        editor = app.screen
        assert isinstance(editor, LabelEditor)
        box = editor.query_one("#label-editor").content_region
        for field in ("name", "colour", "hotkey", "description"):
            region = editor.query_one(f"#label-{field}", Input).region
            assert region.height >= 1
            assert box.contains_region(region), field


async def test_the_help_key_works_in_every_dialog_and_question_mark_is_typed(
    corpus: Corpus,
) -> None:
    # Textual stops key bindings at a modal screen: f1 did nothing in the pickers and
    # editors, whose footers still offered "? Keys".
    from tui.screens.help import HelpScreen
    from tui.screens.label_picker import LabelPicker

    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(80, 24)) as pilot:
        for keys, dialog in ((["s", "l"], LabelPicker), (["ctrl+e"], LabelEditor)):
            await pilot.press(*keys)
            assert isinstance(app.screen, dialog)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, dialog)
            await pilot.press("question_mark")
            assert isinstance(app.screen, dialog)
            assert "?" in app.screen.focused.value  # type: ignore[union-attr]
            await pilot.press("escape")
            await pilot.pause()


async def test_a_key_typed_right_after_enter_is_not_saved_into_the_note(corpus: Corpus) -> None:
    # The box took `#` (meant for the reader: tags off) before the screen read its value
    # on enter, and the note was saved as "p4 plain#".
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        box = editor.query_one(Input)
        await pilot.press(*"p4 plain")
        # Enter's submit, then a key already waiting in the box's queue behind it.
        await box.action_submit()
        box.post_message(events.Key("number_sign", "#"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == "p4 plain"


async def test_a_note_keeps_the_joiners_of_emoji_and_persian_words(corpus: Corpus) -> None:
    # The box left out every invisible character: the family emoji was stored as three
    # people, and the Persian word without its non-joiner.
    family, persian = "👩\u200d👩\u200d👧", "می\u200cخواهم"
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "1", "n")
        box = app.screen.query_one(Input)
        box.post_message(events.Paste(f"{family} {persian}\u202e\u200b"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        with corpus.session() as session:
            (span,) = session.spans(corpus.a)
        assert span.note == f"{family} {persian}"
