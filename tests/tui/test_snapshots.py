"""Snapshots of the screens a person sees, at 80×24 and 160×48, on the sample corpus.

Deterministic by construction: a fixed annotator, a frozen store clock (span times
show in the status line), no cursor blink, the default theme (config isolated by
the root conftest) and the shipped default keymap.

Update after an intended change with
``python -m pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the
SVGs in ``tests/tui/__snapshots__/test_snapshots/`` before committing them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

import store.clock
from store.session import Session
from tui.app import ClaimdeskApp, create_app
from tui.keymap import load_keymap

SnapCompare = Callable[..., bool]

FROZEN_NOW = "2026-03-02T09:30:00.000Z"
ENGLISH = "cw-20250311-kressbrunn-evacuation"
GERMAN = "kurier-tag1-evakuierung.txt"
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every store module's ``now`` (imported by name) returns one fixed instant."""
    real_now = store.clock.now

    def fixed() -> str:
        return FROZEN_NOW

    monkeypatch.setattr(store.clock, "now", fixed)
    for name, module in list(sys.modules.items()):
        if name.startswith("store.") and getattr(module, "now", None) is real_now:
            monkeypatch.setattr(module, "now", fixed)
    return FROZEN_NOW


def _number_in(text: str, start: int, end: int) -> tuple[int, int]:
    """A figure inside ``text[start:end]`` (or its first word), as absolute offsets."""
    found = re.search(r"\d[\d.,]*\d|\d", text[start:end]) or re.search(r"\w+", text[start:end])
    assert found is not None
    return start + found.start(), start + found.end()


def _first_words(text: str, start: int, end: int, count: int = 4) -> tuple[int, int]:
    """The first ``count`` words of ``text[start:end]``, as absolute offsets."""
    words = list(re.finditer(r"\w+", text[start:end]))[:count]
    return start + words[0].start(), start + words[-1].end()


@pytest.fixture
def annotated_db(sample_db_path: Path, frozen_clock: str) -> tuple[Path, int, int]:
    """The sample corpus with a few spans: nested, overlapping, another annotator's, a note.

    No two spans share both ends: their draw order would then follow their random ids.
    """
    with Session(sample_db_path, "tester") as session:
        english = session.find_document(ENGLISH).id
        german = session.find_document(GERMAN).id
        labels = [label.name for label in session.labels()]
        text = session.document(english).text
        sentences = [(s.start, s.end) for s in session.sentences(english)]
        first = session.add_span(english, *sentences[0], labels[0])
        session.add_span(english, *_number_in(text, *sentences[0]), labels[1])
        session.add_span(english, *sentences[2], labels[2])
        session.set_note(first.id, "Headline claim; check the figure against the agency")
        session.set_status(english, "in_progress")
        german_text = session.document(german).text
        german_sentences = [(s.start, s.end) for s in session.sentences(german)]
        session.add_span(german, *german_sentences[1], labels[0])
    with Session(sample_db_path, "bea") as other:
        other.add_span(german, *_first_words(german_text, *german_sentences[1]), labels[3])
        other.add_span(german, *german_sentences[3], labels[4])
    return sample_db_path, english, german


def make_app(db: Path, doc_ids: list[int] | None) -> ClaimdeskApp:
    return create_app(db, "tester", doc_ids=doc_ids, keymap=load_keymap("default"))


def settle(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press ``keys``, wait for workers, and stop every text cursor from blinking."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str) -> None:
    db, _, _ = annotated_db
    assert snap_compare(make_app(db, None), terminal_size=SIZES[size], run_before=settle())


@pytest.mark.parametrize("size", SIZES)
def test_reader_one_pane(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str
) -> None:
    db, english, _ = annotated_db
    app = make_app(db, [english])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle())


@pytest.mark.parametrize("size", SIZES)
def test_reader_two_panes(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str
) -> None:
    """At 80 columns one pane shows (tab switches); at 160 both sit side by side."""
    db, english, german = annotated_db
    app = make_app(db, [english, german])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle())


def test_reader_story_of_ten_reports_160x48(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int]
) -> None:
    """A story's ten reports: three readable panes with their places, not ten slivers;
    the fourth tab shows reports 2 to 4."""
    db, _, _ = annotated_db
    with Session(db, "tester") as session:
        story = session.story_of(session.find_document(GERMAN).id)
        assert story is not None
        assert len(story.documents) == 10
        ids = [document.doc_id for document in story.documents]
    keymap = load_keymap("default")
    tab = keymap["reader.next_pane"].split(",")[0]
    app = make_app(db, ids)
    assert snap_compare(app, terminal_size=SIZES["160x48"], run_before=settle(tab, tab, tab))


@pytest.mark.parametrize("size", SIZES)
def test_reader_second_pane_with_overlapping_spans(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str
) -> None:
    """The German article: two annotators' spans on one sentence, cursor on it."""
    db, english, german = annotated_db
    app = make_app(db, [english, german])
    keymap = load_keymap("default")
    keys = [keymap["reader.next_pane"].split(",")[0], keymap["reader.next_span"].split(",")[0]]
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_label_picker(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str
) -> None:
    db, english, german = annotated_db
    keymap = load_keymap("default")
    keys = [keymap[i].split(",")[0] for i in ("reader.select_sentence", "reader.pick_label")]
    app = make_app(db, [english, german])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_label_editor(
    snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str
) -> None:
    """Every field of the form in the box, description included, at 80x24 too."""
    db, english, _ = annotated_db
    key = load_keymap("default")["reader.edit_labels"].split(",")[0]
    app = make_app(db, [english])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle(key))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, annotated_db: tuple[Path, int, int], size: str) -> None:
    db, english, german = annotated_db
    help_key = load_keymap("default")["app.help"].split(",")[0]
    app = make_app(db, [english, german])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle(help_key))


def test_reader_no_color_80x24(
    snap_compare: SnapCompare,
    annotated_db: tuple[Path, int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without colour: each label its own attribute, a tag at each span, the legend line,
    and two adjacent CLAIM sentences that stay apart."""
    monkeypatch.setenv("NO_COLOR", "1")
    db, english, _ = annotated_db
    with Session(db, "tester") as session:
        sentences = [(s.start, s.end) for s in session.sentences(english)]
        session.add_span(english, *sentences[1], session.labels()[0].name)
        session.add_span(english, *sentences[3], session.labels()[4].name)
    app = make_app(db, [english])
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle())
