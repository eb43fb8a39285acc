"""The curation screen, driven by keys from the reader: choices land as the gold annotator."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from store.session import Session
from tests.conftest import add_document_to_file
from tui.app import ClaimdeskApp, create_app
from tui.screens.curation import CurationScreen, parse_spans
from tui.screens.reader import ReaderScreen
from tui.widgets.message_line import MessageLine

TEXT = "Mayor Ana Ruiz said 300 homes flooded. Rain fell for two days [bold]. Schools reopen."


@pytest.fixture
def disputed(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "curate.db"
    doc = add_document_to_file(path, TEXT, "flood.txt")
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        alice.add_span(doc, 6, 14, "SOURCE")
        bob.add_span(doc, 6, 14, "QUOTE")
        alice.add_span(doc, 20, 37, "CLAIM")
        bob.add_span(doc, 20, 37, "CLAIM")
        alice.add_span(doc, 39, 68, "EVENT")
    return path, doc


def _gold(path: Path, doc: int) -> list[tuple[int, int, str]]:
    with Session(path, "x") as session:
        return [(s.start, s.end, s.label) for s in session.spans(doc, annotators=["gold"])]


def _said(app: ClaimdeskApp) -> str:
    """The confirmation on the curation header, where it covers none of the list."""
    assert not app._notifications, "a confirmation in a toast covers the list"
    return app.screen.query_one("#curation-header", MessageLine).message


def _screen_text(app: object) -> str:
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in strips)


async def _open_editor(pilot: Pilot[int], app: object) -> Input:
    """The curation screen's span editor, opened on the first version of the first region."""
    await pilot.press("C")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    return app.screen.query_one("#curation-edit", Input)  # type: ignore[attr-defined, no-any-return]


async def test_choose_reject_copy_and_finish_from_the_keyboard(disputed: tuple[Path, int]) -> None:
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CurationScreen)
        shown = _screen_text(app)
        assert "0/2 disagreements settled" in shown
        assert "[bold]" in shown  # article text shown literally, not as markup
        # First row: alice's version of the label disagreement.
        await pilot.press("enter")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "SOURCE")]
        # Next region (missing): header row is skipped, alice then bob; reject it.
        await pilot.press("down", "down", "x")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "SOURCE")]
        await pilot.press("a")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "SOURCE"), (20, 37, "CLAIM")]
        await pilot.press("f")
        await pilot.pause()
        assert "2/2 disagreements settled" in _screen_text(app)
        assert "document marked curated" in _screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CurationScreen)
    with Session(path, "gold") as gold:
        assert gold.status(doc) == "done"


async def test_ctrl_z_takes_back_the_curators_last_choice_and_a_rejection_stays(
    disputed: tuple[Path, int],
) -> None:
    # Curation was logged as gold's action: ctrl+z (the curator's stack) skipped the
    # choice and deleted the curator's own earlier span. A rejection lived only on the
    # screen, so it was unsettled again once the screen closed.
    path, doc = disputed
    other = add_document_to_file(path, "Carol's own article says 40 roads closed.", "own.txt")
    with Session(path, "carol") as carol:
        own = carol.add_span(other, 25, 40, "CLAIM")
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "SOURCE")]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert _gold(path, doc) == []
        assert "0/2 disagreements settled" in _screen_text(app)
        assert _said(app) == "Undid: carol: chose alice's version"
        await pilot.press("down", "down", "down", "x")
        await pilot.pause()
        assert "1/2 disagreements settled" in _screen_text(app)
        await pilot.press("escape", "C")
        await pilot.pause()
        assert "1/2 disagreements settled" in _screen_text(app)
    with Session(path, "carol") as carol:
        assert [s.id for s in carol.spans(other, annotators=["carol"])] == [own.id]
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert "1/2 disagreements settled" in _screen_text(app)


async def test_edit_writes_typed_spans(disputed: tuple[Path, int]) -> None:
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        editor = await _open_editor(pilot, app)
        assert editor.value == "6-14 SOURCE"
        editor.value = "6-9 SOURCE, 10-14 SOURCE"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CurationScreen)
    assert _gold(path, doc) == [(6, 9, "SOURCE"), (10, 14, "SOURCE")]


async def test_an_empty_edit_rejects_the_region_and_says_so(disputed: tuple[Path, int]) -> None:
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        (await _open_editor(pilot, app)).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert _said(app) == "Rejected: gold marks nothing there"
        assert "1/2 disagreements settled" in _screen_text(app)
    assert _gold(path, doc) == []


def test_parse_spans_names_the_bad_entry() -> None:
    labels = {"CLAIM", "SOURCE"}
    assert parse_spans("6-14 source; 1–3 CLAIM,", labels, 20) == [
        (6, 14, "SOURCE"),
        (1, 3, "CLAIM"),
    ]
    assert parse_spans("  ", labels, 20) == []
    with pytest.raises(Exception, match="'6 14': write START-END LABEL"):
        parse_spans("6 14", labels, 20)
    with pytest.raises(Exception, match="unknown label NOPE"):
        parse_spans("1-2 NOPE", labels, 20)
    with pytest.raises(Exception, match="outside the document"):
        parse_spans("5-30 CLAIM", labels, 20)
    # Reversed offsets, both inside: said as they are, not as "outside the document".
    with pytest.raises(Exception, match="'5-3 CLAIM': the start must come before the end"):
        parse_spans("5-3 CLAIM", labels, 20)


async def test_a_pasted_run_of_digits_is_refused_in_the_editor_not_a_crash(
    disputed: tuple[Path, int],
) -> None:
    # int() of over 4,300 digits raises ValueError, which parse_spans let out of the
    # editor's handler: the app ended with a traceback.
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        editor = await _open_editor(pilot, app)
        editor.value = "9" * 5000 + "-14 SOURCE"
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert app.screen.query_one("#curation-edit") is editor
        (shown,) = [str(n.message) for n in app._notifications]
        assert shown == f"'{'9' * 59}…': offsets outside the document (0-{len(TEXT)})"
    assert _gold(path, doc) == []


async def test_gold_name_comes_from_the_config_file(
    disputed: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, doc = disputed
    config = tmp_path / "config.toml"
    config.write_text('gold_name = "adjudicated"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert "Curating as adjudicated" in _screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    with Session(path, "x") as session:
        assert [(s.start, s.label) for s in session.spans(doc, annotators=["adjudicated"])] == [
            (6, "SOURCE")
        ]


async def test_a_gold_name_the_store_cleans_is_used_as_stored(
    disputed: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Curated  Set": gold spans were stored as "Curated Set" and looked up under the two
    # spaces, so each enter added another gold span and finishing was always refused.
    path, doc = disputed
    config = tmp_path / "config.toml"
    config.write_text('gold_name = " Curated  Set "\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert "Curating as Curated Set" in _screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    with Session(path, "x") as session:
        gold = session.spans(doc, annotators=["Curated Set"])
        assert [(s.start, s.label) for s in gold] == [(6, "SOURCE")]


@pytest.mark.parametrize(
    ("gold", "why"),
    [("bob", "bob annotates too"), ("carol", "it is your own name")],
)
async def test_curation_will_not_start_into_an_annotators_name(
    disputed: tuple[Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gold: str,
    why: str,
) -> None:
    # gold_name = "bob": "Curating as bob", and taking alice's version deleted bob's
    # QUOTE span and wrote a SOURCE span as bob that bob never made.
    path, doc = disputed
    config = tmp_path / "config.toml"
    config.write_text(f'gold_name = "{gold}"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    with Session(path, "x") as session:
        before = session.spans(doc)
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        (message,) = [str(n.message) for n in app._notifications]
        assert message.startswith(f"cannot curate as {gold!r}: {why}")
        assert "set gold_name in the config file" in message
        await pilot.press("enter")
        await pilot.pause()
    with Session(path, "x") as session:
        assert session.spans(doc) == before


async def test_enter_is_the_screens_take_this_version_listed_and_movable(
    disputed: tuple[Path, int],
) -> None:
    from tui.actions import specs_for
    from tui.screens.help import bindings_in_force

    path, doc = disputed
    # The list's own enter hid "Take this version" from the footer and the key list.
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        listed = {row.action_id for row in bindings_in_force(app.screen)}
        assert {spec.id for spec in specs_for("curation")} <= listed
        assert "⏎ Take" in _screen_text(app).splitlines()[-1]
    # Moved elsewhere, "take this version" leaves enter unbound.
    app = create_app(path, "carol", doc_ids=[doc], keymap={"curation.choose": "t"})
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _gold(path, doc) == []
        await pilot.press("t")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "SOURCE")]


async def test_at_80_by_24_the_header_and_the_finishing_key_are_in_sight(tmp_path: Path) -> None:
    # With more regions than rows, the list pushed the header (which document, how many
    # settled) off the screen, and the footer dropped "f Mark curated" for "^z Undo".
    path = tmp_path / "many.db"
    text = "Mayor Ana Ruiz said 300 homes flooded. Rain fell for two days. " * 8
    doc = add_document_to_file(path, text, "flood.txt")
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        for start in range(0, len(text) - 64, 64):
            alice.add_span(doc, start + 6, start + 14, "SOURCE")
            bob.add_span(doc, start + 6, start + 14, "QUOTE")
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        lines = _screen_text(app).splitlines()
        assert lines[0].startswith("Curating as gold: flood.txt")
        assert "0/7 disagreements settled" in lines[1]
        assert "f Mark curated" in lines[-1]


async def test_a_version_changed_under_the_cursor_is_not_taken_by_the_next_key(
    disputed: tuple[Path, int],
) -> None:
    # Bob deleted his QUOTE while the curator's cursor was on it; the re-read row said
    # "bob: (nothing marked)", and the enter meant for the QUOTE settled the region as
    # "gold marks nothing there".
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CurationScreen)
        await pilot.press("down")
        await pilot.pause()
        target = screen.highlighted()
        assert target is not None
        assert (target[1], target[0].version("bob")) == ("bob", [(6, 14, "QUOTE")])
        with Session(path, "bob") as bob:
            (quote,) = [s for s in bob.spans(doc, annotators=["bob"]) if s.label == "QUOTE"]
            bob.delete_span(quote.id)
        screen.reload()  # what a poll does on another session's commit
        await pilot.pause()
        # A later change that adds a region before this one renumbers the rows: the
        # guard held the old row's number and let the enter through.
        with Session(path, "alice") as alice:
            alice.add_span(doc, 0, 4, "CLAIM")
        screen.reload()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _said(app) == (
            "bob's version of 6-14 changed since it was shown; nothing was taken (look again)"
        )
        with Session(path, "x") as session:
            assert session.db.conn.execute(
                "SELECT count(*) FROM curation_rejections"
            ).fetchone() == (0,)
        assert "0/3 disagreements settled" in _screen_text(app)
        # Having looked, the same key takes what the row now shows.
        await pilot.press("enter")
        await pilot.pause()
        assert "1/3 disagreements settled" in _screen_text(app)


async def test_the_span_editor_footer_says_enter_saves(disputed: tuple[Path, int]) -> None:
    # Its footer was `esc Cancel f1 Keys`: no word of the enter that saves the spans.
    path, doc = disputed
    app = create_app(path, "carol", doc_ids=[doc])
    async with app.run_test(size=(120, 30)) as pilot:
        box = await _open_editor(pilot, app)
        assert "⏎ Save" in _screen_text(app).splitlines()[-1]
        box.value = "6-14 QUOTE"
        await pilot.press("enter")
        await pilot.pause()
        assert _gold(path, doc) == [(6, 14, "QUOTE")]
