"""The reader reopens where each annotator left it: documents, pane, cursor, scroll, panel."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import tui.app
from store.session import Session
from tests.tui.conftest import Corpus, settle
from tui import session_state
from tui.app import STATE_SECONDS, ClaimdeskApp, create_app
from tui.screens.clusters import ClustersScreen
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.review import ReviewScreen
from tui.session_state import (
    PanePlace,
    ReaderState,
    StateWriter,
    TopScreen,
    load_state,
    state_path,
)
from tui.widgets.article_pane import ArticlePane

ENGLISH = "cw-20250311-kressbrunn-evacuation"
GERMAN = "kurier-tag1-evakuierung.txt"


def _german_and_english(path: Path) -> list[int]:
    """The ids of the two sample documents the reader opens side by side here."""
    with Session(path, "tester") as session:
        return [session.find_document(GERMAN).id, session.find_document(ENGLISH).id]


async def test_plain_start_reopens_documents_pane_cursor_scroll_and_panel(
    sample_db_path: Path,
) -> None:
    doc_ids = _german_and_english(sample_db_path)
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        for _ in range(8):
            await pilot.press("full_stop")
        await pilot.press("pagedown")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        cursor, scroll = reader.view.cursor, reader.view.scroll_offset.y
        await pilot.press("ctrl+q")
    saved = load_state(sample_db_path, "tester")
    assert saved is not None
    assert saved.doc_ids == doc_ids
    assert saved.active == 1
    assert not saved.panel

    # Another annotator on the same database starts in the library.
    other = create_app(sample_db_path, "bea", doc_ids=None)
    async with other.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(other.screen, LibraryScreen)

    again = create_app(sample_db_path, "tester", doc_ids=None)
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = again.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.doc_ids == doc_ids
        assert reader.active == 1
        assert reader.view.cursor == cursor
        assert reader.view.scroll_offset.y == scroll
        assert not reader.query("#match-panel")
        # With the panel open at quit, it is open again (it shows the claim at the cursor).
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("ctrl+q")
    third = create_app(sample_db_path, "tester", doc_ids=None)
    async with third.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = third.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.query("#match-panel")


async def test_a_damaged_state_file_is_ignored(corpus: Corpus) -> None:
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("{not json", encoding="utf-8")
    app = create_app(corpus.path, "tester", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


@pytest.mark.parametrize(
    "cursor", ["Infinity", "1e400", "[" * 100_000 + "]" * 100_000], ids=["inf", "1e400", "deep"]
)
def test_a_state_file_python_parses_but_cannot_use_is_ignored_and_rewritten(
    tmp_path: Path, cursor: str
) -> None:
    # int(inf) raises OverflowError and json.loads of deep nesting RecursionError; both
    # escaped, so the app stopped with a traceback at every start until the file was
    # deleted by hand.
    db = tmp_path / "c.db"
    key = str(db.resolve())
    state_path().parent.mkdir(parents=True, exist_ok=True)
    pane = f'{{"doc_id": 1, "cursor": {cursor}, "scroll": 0}}'
    state_path().write_text(f'{{"{key}": {{"tester": {{"panes": [{pane}]}}}}}}', encoding="utf-8")
    assert load_state(db, "tester") is None
    wanted = ReaderState([PanePlace(1, 5, 0)], 0, False, "reader")
    session_state.save_state(db, "tester", wanted)
    assert load_state(db, "tester") == wanted


# Saved as the annotator works, not only on quit ---------------------------------------


async def _wait_for_saved(
    app: ClaimdeskApp, check: Callable[[ReaderState], bool], *, seconds: float = 10.0
) -> ReaderState:
    """Poll the state file (through the writer's flush) until ``check`` holds."""
    waited = 0.0
    while True:
        app.state_writer.flush()
        saved = load_state(app.db_path, app.annotator)
        if saved is not None and check(saved):
            return saved
        assert waited < seconds, f"state never matched; last saved: {saved}"
        await asyncio.sleep(0.05)
        waited += 0.05


async def test_cursor_moves_are_saved_within_a_second_without_quitting(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_ids = _german_and_english(sample_db_path)
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "full_stop", "full_stop", "full_stop")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        cursor = reader.view.cursor
        assert cursor > 0
        saved = await _wait_for_saved(app, lambda s: s.panes[1].cursor == cursor)
        assert saved.doc_ids == doc_ids
        assert saved.active == 1
        # Nothing changes: nothing is written again.
        written = app.state_writer.written
        await pilot.pause(2 * STATE_SECONDS + 0.2)
        app.state_writer.flush()
        assert app.state_writer.written == written
        # The app is never quit; a new one (a restart after kill -9) finds the place.
        app.state_writer.flush()
        again = create_app(sample_db_path, "tester", doc_ids=None)
        async with again.run_test(size=(160, 40)) as second:
            await settle(second)
            restored = again.screen
            assert isinstance(restored, ReaderScreen)
            assert restored.doc_ids == doc_ids
            assert restored.active == 1
            assert restored.view.cursor == cursor


async def test_screens_and_the_panel_are_saved_at_once(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No periodic save during this test: only the changes themselves may write.
    monkeypatch.setattr(tui.app, "STATE_SECONDS", 3600.0)
    doc_ids = _german_and_english(sample_db_path)
    app = create_app(sample_db_path, "tester", doc_ids=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        app.push_screen(ReaderScreen(doc_ids))
        await settle(pilot)
        saved = await _wait_for_saved(app, lambda s: s.doc_ids == doc_ids)
        assert saved.screen == "reader"
        assert not saved.panel
        await pilot.press("m")
        await settle(pilot)
        await _wait_for_saved(app, lambda s: s.panel)
        await pilot.press("m")
        await settle(pilot)
        await _wait_for_saved(app, lambda s: not s.panel)
        await pilot.press("c")
        await settle(pilot)
        await _wait_for_saved(app, lambda s: s.screen == "clusters" and s.doc_ids == doc_ids)
    # Reopened with the clusters screen over the reader, as left.
    again = create_app(sample_db_path, "tester", doc_ids=None)
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ClustersScreen)
        await pilot.press("c")
        await settle(pilot)
        reader = again.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.doc_ids == doc_ids
        await pilot.press("r")
        await settle(pilot)
        await _wait_for_saved(again, lambda s: s.screen == "review")
    # The review queue comes back over the reader, scoped to its open documents.
    third = create_app(sample_db_path, "tester", doc_ids=None)
    async with third.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        review = third.screen
        assert isinstance(review, ReviewScreen)
        assert review.scopes[0] == ("open docs", doc_ids)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(third.screen, ReaderScreen)
        # Closing the reader is saved too: the next start shows the library.
        await pilot.press("ctrl+w")
        await settle(pilot)
        await _wait_for_saved(third, lambda s: not s.panes)
    fourth = create_app(sample_db_path, "tester", doc_ids=None)
    async with fourth.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert isinstance(fourth.screen, LibraryScreen)


@pytest.mark.parametrize("top", ["reader", "clusters", "review"])
async def test_a_session_whose_documents_are_all_gone_opens_the_library(
    corpus: Corpus, top: TopScreen
) -> None:
    # The database was replaced by a smaller one: with the clusters or review screen
    # saved on top, the empty reader's close popped that screen instead of itself, and
    # the app showed only a footer, deaf to every key but ctrl+q.
    missing = ReaderState([PanePlace(corpus.b + 100), PanePlace(corpus.b + 200)], 1, False, top)
    session_state.save_state(corpus.path, "carol", missing)
    app = create_app(corpus.path, "carol", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen_stack) == 1
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_database_replaced_under_its_path_never_reopens_another_article(
    corpus: Corpus, tmp_path: Path
) -> None:
    # The state names documents by id: over a database replaced under the same path, the
    # saved id held another article, which reopened in the saved one's place, and a
    # missing one was named "document 9".
    app = create_app(corpus.path, "carol", doc_ids=[corpus.a, corpus.b])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
    saved = load_state(corpus.path, "carol")
    assert saved is not None
    assert [p.name for p in saved.panes] == ["council-a.txt", "council-b.txt"]
    corpus.path.unlink()
    Path(f"{corpus.path}-wal").unlink(missing_ok=True)
    Path(f"{corpus.path}-shm").unlink(missing_ok=True)
    other = Corpus.__new__(Corpus)
    other.path = corpus.path
    kept = other.add("The river rose all night. Nobody was hurt.", "river.txt")
    assert kept == corpus.a
    app = create_app(corpus.path, "carol", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert "Skipped council-a.txt: no longer in this database" in messages
        assert "Skipped council-b.txt: no longer in this database" in messages
        assert not isinstance(app.screen, ReaderScreen)


async def test_a_review_restored_over_partly_missing_documents_covers_those_left(
    corpus: Corpus,
) -> None:
    saved = ReaderState([PanePlace(corpus.a), PanePlace(corpus.b + 100)], 1, False, "review")
    session_state.save_state(corpus.path, "carol", saved)
    app = create_app(corpus.path, "carol", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.scopes[0] == ("open docs", [corpus.a])
        await pilot.press("r")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.doc_ids == [corpus.a]


def test_writer_keeps_the_ui_thread_off_the_disk_and_writes_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = session_state.save_state
    release, entered = threading.Event(), threading.Event()
    written: list[ReaderState] = []

    def slow_save(db_path: Path, annotator: str, state: ReaderState) -> None:
        entered.set()
        release.wait(5)
        written.append(state)
        real_save(db_path, annotator, state)

    monkeypatch.setattr(session_state, "save_state", slow_save)
    writer = StateWriter(tmp_path / "a.db", "ann")
    states = [ReaderState([PanePlace(1, cursor)]) for cursor in range(5)]
    started = time.perf_counter()
    assert writer.submit(states[0])
    assert entered.wait(5)
    for state in states[1:]:
        assert writer.submit(state)
    assert not writer.submit(ReaderState([PanePlace(1, 4)]))  # unchanged: dropped
    # The disk is stuck, yet handing states over took no time.
    assert time.perf_counter() - started < 1.0
    release.set()
    assert writer.flush()
    writer.close()
    # The first write was under way; of the four queued behind it only the newest is written.
    assert [s.panes[0].cursor for s in written] == [0, 4]
    saved = load_state(tmp_path / "a.db", "ann")
    assert saved is not None
    assert saved.panes == [PanePlace(1, 4)]
    # The temporary file was renamed over the state file, none is left behind.
    assert sorted(p.name for p in state_path().parent.iterdir()) == [
        ".sessions.lock",
        "sessions.json",
    ]


def test_two_annotators_writing_at_once_keep_both_states(tmp_path: Path) -> None:
    writers = [StateWriter(tmp_path / "a.db", name) for name in ("ann", "bea", "cem")]
    for round_ in range(30):
        for number, writer in enumerate(writers):
            writer.submit(ReaderState([PanePlace(number + 1, round_)]))
    for writer in writers:
        writer.close()
    for number, name in enumerate(("ann", "bea", "cem")):
        saved = load_state(tmp_path / "a.db", name)
        assert saved is not None
        assert saved.panes == [PanePlace(number + 1, 29)]


async def test_a_store_poll_reaching_a_reader_still_being_mounted_is_harmless(
    sample_db_path: Path,
) -> None:
    # CI once failed here: the poll (another annotator's commit) came between the push of
    # a reader and the mounting of its panes' views, and reload asked for a view.
    doc_ids = _german_and_english(sample_db_path)
    app = create_app(sample_db_path, "tester", doc_ids=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        reader = ReaderScreen(doc_ids)
        app.push_screen(reader)
        with Session(sample_db_path, "other") as other:
            span = other.add_span(doc_ids[0], 0, 5, "CLAIM")
        for _ in range(200):
            # Every step of the mounting sees a poll.
            app.reload_screens()
            await asyncio.sleep(0)
        await settle(pilot)
        assert app.screen is reader
        # What the other annotator stored meanwhile is shown once the reader is up.
        assert span.id in reader._all_spans[doc_ids[0]]


async def test_a_saved_document_rebuilt_under_another_id_reopens_by_its_name(
    corpus: Corpus,
) -> None:
    # Rebuilt with one article more in front, the database held both saved documents
    # under new ids, and the reader said they were "no longer in this database".
    from tests.tui.conftest import ARTICLE_A, ARTICLE_B

    app = create_app(corpus.path, "carol", doc_ids=[corpus.b])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        reader.view.set_cursor(40)
        await pilot.press("ctrl+q")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{corpus.path}{suffix}").unlink(missing_ok=True)
    rebuilt = Corpus.__new__(Corpus)
    rebuilt.path = corpus.path
    rebuilt.add("A new report comes first now. It has two sentences.", "first.txt")
    rebuilt.add(ARTICLE_A, "council-a.txt", "Alpha Post")
    moved = rebuilt.add(ARTICLE_B, "council-b.txt", "Beta Daily")
    assert moved != corpus.b
    app = create_app(corpus.path, "carol", doc_ids=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.doc_ids == [moved]
        assert reader.view.cursor == 40
        assert not [n for n in app._notifications if "Skipped" in str(n.message)]


async def test_a_save_while_quitting_takes_the_reader_down_keeps_its_documents(
    sample_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The save timer keeps firing while quitting removes the panes one by one; a save
    # then found fewer panes (or none) and the next start lost the reader's documents.
    doc_ids = _german_and_english(sample_db_path)
    app = create_app(sample_db_path, "tester", doc_ids=doc_ids)
    saves_while_closing: list[bool] = []

    def save_on_unmount(pane: ArticlePane) -> None:
        saves_while_closing.append(True)
        pane.app.save_reader_state()  # type: ignore[attr-defined]

    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await _wait_for_saved(app, lambda s: s.doc_ids == doc_ids)
        monkeypatch.setattr(ArticlePane, "on_unmount", save_on_unmount, raising=False)
    assert saves_while_closing
    saved = load_state(sample_db_path, "tester")
    assert saved is not None
    assert saved.doc_ids == doc_ids
