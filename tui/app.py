"""The claimdesk Textual app and its one factory, used by the CLI and the tests.

| who                         | calls                                 |
|-----------------------------|---------------------------------------|
| ``tui.launch.run_tui``      | :func:`create_app` then ``run()``     |
| snapshot / e2e / pilot tests| :func:`create_app` then ``run_test()``|
| screens                     | ``app.session`` (this thread only)    |
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from rich.console import RenderableType
from rich.text import Text
from rich.traceback import Traceback
from textual import events, work
from textual._time import get_time
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed, WorkerState, active_worker

from store.check import DamagedDatabase, is_busy
from store.db import load_database_library, translate_error
from store.errors import ClaimdeskError
from tui.bindings import bindings_for
from tui.commands import ActionCommands, Palette
from tui.config import load_config, save_theme
from tui.escape_keys import escape_then_key
from tui.failures import EndingLine, Unexpected, logged_traceback, report_failure
from tui.keymap import bound_keys, keymap_to_apply
from tui.keynames import displayed_character
from tui.safe_text import message_text
from tui.screens.reader import ReaderScreen
from tui.session_state import TOP_SCREENS, ReaderState, StateWriter, load_state
from tui.sessions import reader_session
from tui.widgets.message_line import MessageLine

T = TypeVar("T")

POLL_SECONDS = 1.0
# Cursor and scroll moves reach the saved session at most this often (tui.session_state).
STATE_SECONDS = 1.0


@runtime_checkable
class StoreView(Protocol):
    """A screen that can re-read what it shows from the store."""

    def reload(self) -> None: ...


# The linker loads in a worker once no key has come for this long (and never before the
# first screen is up): loading it takes seconds of CPU and holds the GIL in turns with the
# UI thread, which would double the time of every key pressed meanwhile. ``m`` pressed
# before then starts it at once.
WARM_UP_IDLE = 1.0
# The screen stack the library opens in when the app started on a reader.
LIBRARY_MODE = "library"


class ReaderEnded(EndingLine):
    """A store error that ends the reader, as one line."""


class DamagedInReader(DamagedDatabase, EndingLine):
    """:class:`DamagedDatabase` shown as one line of plain text when it ends the reader
    (its path may hold brackets that markup would read)."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)


def _of_a_closed_screen(worker: Worker[object] | None) -> bool:
    """Whether ``worker`` belongs to a screen, or a widget of one, no longer on any stack."""
    node = getattr(worker, "_node", None)
    if isinstance(node, Screen):
        return not node.is_attached
    try:
        screen = getattr(node, "screen", None)
    except Exception:  # Textual's NoScreen: a widget already taken off its screen
        return True
    return isinstance(screen, Screen) and not screen.is_attached


async def _caught_up(screen: Screen[Any]) -> bool:
    """Wait until every widget of ``screen`` has taken the messages sent to it so far;
    False when none could be asked (all closed)."""
    done = asyncio.Event()
    waiting = 0

    def one_done() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0:
            done.set()

    for widget in (screen, *screen.walk_children()):
        if widget.call_later(one_done):
            waiting += 1
    if waiting == 0:
        return False
    # A widget closed meanwhile never answers: the quit does not wait on it.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=1.0)
    return True


class ClaimdeskApp(App[int]):
    """Library and reader over one database, as one annotator."""

    TITLE = "claimdesk"
    CSS_PATH = "claimdesk.tcss"
    # Textual's own ctrl+c stays (it says how to quit); every other key is the registry's.
    BINDINGS: ClassVar[list[Binding]] = bindings_for("app")  # type: ignore[assignment]
    COMMANDS: ClassVar[Any] = App.COMMANDS | {ActionCommands}

    def __init__(
        self,
        db_path: Path,
        annotator: str,
        *,
        doc_ids: list[int] | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.annotator = annotator
        self.session = reader_session(db_path, annotator)
        self.start_doc_ids = list(doc_ids or [])
        self.initial_keymap = dict(keymap or {})
        # The footer's right-hand hint shows whatever is bound to this key: make it the
        # keymap's palette key (emacs binds ctrl+p to "Up", which the footer showed).
        palette_keys = self.initial_keymap.get("app.command_palette", "")
        if palette_keys:
            setattr(self, "COMMAND_PALETTE_BINDING", palette_keys.split(",")[0])  # noqa: B010
        self._seen_version = self.session.data_version()
        self.sub_title = f"{annotator} · {db_path.name}"
        # Set by the start-up worker once the linker is loaded (see _warm_linking).
        self.linking_ready = False
        self._warm_up_started = False
        self.state_writer = StateWriter(db_path, annotator)
        self._last_input = time.monotonic()
        # Keys typed before this moment are dropped (Textual's clock, as events carry it),
        # and what to say the first time one is: None once said.
        self._drop_before = 0.0
        self._drop_notice: str | None = None
        self._library_mode_added = False
        # SIGTERM and SIGHUP end the reader like the quit key (see end_on_signals).
        self._signals: tuple[signal.Signals, ...] = ()

    def on_mount(self) -> None:
        keymap = keymap_to_apply(self.initial_keymap)
        if keymap:
            self.set_keymap(keymap)
        theme = _saved_theme()
        if theme and theme in self.available_themes:
            self.theme = theme
        self.set_interval(POLL_SECONDS, self.poll_store)
        # Saved as the annotator works: screens at once, cursor and scroll each second.
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.set_interval(STATE_SECONDS, self.save_reader_state)
        self.call_after_refresh(self._watch_for_idle)
        loop = asyncio.get_running_loop()
        for number in self._signals:
            loop.add_signal_handler(number, self._terminated, number)

    def end_on_signals(self, *numbers: signal.Signals) -> None:
        """End like the quit key on ``numbers`` (before the app runs).

        Python's default for SIGTERM and SIGHUP (``kill``, ``timeout``, a job scheduler, a
        closed SSH window) ended the process on the spot: the terminal stayed in the
        reader's alternate screen with mouse reporting on and no cursor until ``reset``,
        and nothing said why. Only the console command asks: a test process keeps its own.
        """
        self._signals = numbers

    def _save_for_exit(self) -> None:
        """Save the reader's place a last time, before the screens start coming down."""
        self.save_reader_state()
        self.state_writer.close()

    def _terminated(self, number: int) -> None:
        self._save_for_exit()
        said = Text(
            f"claimdesk: terminated ({signal.Signals(number).name}); every change shown was saved"
        )
        # A hang-up mostly means the terminal is gone: a line printed there failed (EIO)
        # and filled the error log.
        self.exit(return_code=128 + number, message=None if number == signal.SIGHUP else said)

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        _modifiers, key = binding.parse_key()
        character = displayed_character(key)
        return shown if character is None else shown.replace(key, character)

    def bound_keys(self, action_id: str) -> tuple[str, ...]:
        """The keys that run ``action_id`` in this app's keymap."""
        return bound_keys(self.initial_keymap, action_id)

    def _watch_for_idle(self) -> None:
        """From the first frame on, wait for a pause in the keys to load the linker."""
        # The command line starts the TUI with collections off (claimdesk.commands.read_cmd).
        gc.enable()
        self._load_database_library()
        self._last_input = time.monotonic()
        self._warm_up_timer = self.set_interval(WARM_UP_IDLE / 4, self._warm_up_when_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()
        if isinstance(event, events.Key) and event.time < self._drop_before:
            # Typed while a change was failing (the screen froze up to ten seconds on a
            # locked database): meant for the state that change would have left. Applied,
            # `+ -` in the review queue rejected the pair that had just failed to be
            # accepted, and left the next one undecided.
            event.stop()
            if self._drop_notice is not None:
                self.notify(self._drop_notice, markup=False)
                self._drop_notice = None
            return
        if isinstance(event, events.Key) and self._help_in_dialog(event):
            # Textual stops a modal screen's key bindings at the modal, the app's help key
            # included: f1 did nothing in the pickers and editors. Printable keys ("?")
            # stay the dialog's, which types them.
            event.stop()
            self.action_help()
            return
        if isinstance(event, events.Key) and event.key.startswith("alt+"):
            pressed = escape_then_key(event, self.screen.active_bindings, self.focused)
            if pressed is not None:
                for key in pressed:
                    await super().on_event(key)
                return
        await super().on_event(event)

    def _help_in_dialog(self, event: events.Key) -> bool:
        screen = self.screen
        if not screen.is_modal:
            return False
        from tui.screens.help import HelpScreen  # not needed to start

        return (
            not isinstance(screen, HelpScreen)
            and event.key in self.dialog_help_keys()
            and not (event.character is not None and event.character.isprintable())
        )

    def dialog_help_keys(self) -> tuple[str, ...]:
        """The help keys that open help from a dialog: those that type no character."""
        return tuple(key for key in self.bound_keys("app.help") if not _types_character(key))

    def _warm_up_when_idle(self) -> None:
        if self._warm_up_started:
            self._warm_up_timer.stop()
        elif time.monotonic() - self._last_input >= WARM_UP_IDLE:
            self._warm_up_timer.stop()
            self.warm_up_linking()

    async def action_quit(self) -> None:
        await self._let_earlier_keys_land()
        self._save_for_exit()
        await super().action_quit()

    async def _let_earlier_keys_land(self) -> None:
        """Wait until the keys that came before the quit key have done their work.

        The quit key is a priority binding (it must work in a text box), so it acts as
        it reaches the app, while a key of the same read before it is still on its way:
        handed to the focused widget, then bubbled up to the screen whose binding acts,
        one message queue per step. `s 3 ctrl+q` sent at once (type-ahead over SSH)
        quit before the label was stored. Each round lets every widget of the screen
        take what it was sent; a key climbs at most one step a round.
        """
        screen = self.screen
        focused = screen.focused
        steps = len(focused.ancestors_with_self) if focused is not None else 1
        for _ in range(steps + 1):
            if not await _caught_up(screen):
                return

    def restore_top_screen(self, reader: ReaderScreen, saved: ReaderState) -> None:
        """Put back the linking screen that was over the restored ``reader``, which has
        found at least one of its saved documents."""
        if saved.screen == "clusters":
            from tui.screens.clusters import ClustersScreen

            self.push_screen(ClustersScreen())
        elif saved.screen == "review":
            from tui.screens.review import ReviewScreen

            active = saved.doc_ids[min(saved.active, len(saved.doc_ids) - 1)]
            if active not in reader.doc_ids:
                active = reader.doc_ids[0]
            self.push_screen(ReviewScreen(reader.doc_ids, active))

    def _screen_changed(self, _screen: object) -> None:
        # After the refresh, so a reader just pushed has its panes and restored places.
        self.call_after_refresh(self.save_reader_state)

    def reader_state(self) -> ReaderState:
        """The top reader's documents, panes, cursors and panel, and the linking screen
        (clusters, review) over it; no panes when the library shows."""
        state = ReaderState()
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                state = screen.reader_state()
            elif state.panes and getattr(screen, "session_screen", None) in TOP_SCREENS:
                state.screen = screen.session_screen  # type: ignore[attr-defined]
        return state

    def save_reader_state(self) -> None:
        """Hand the reader's state to the writer thread when it changed (never blocks)."""
        # Not while quitting takes the panes down one by one: the state saved then lacked
        # the panes already gone. (A quit key saves before that begins.)
        if self.screen_stack and self.is_running:
            self.state_writer.submit(self.reader_state())

    def warm_up_linking(self) -> None:
        """Start loading the linker unless that has begun (the timer, or ``m`` pressed early)."""
        if not self._warm_up_started:
            self._warm_up_started = True
            self._warm_linking()

    @work(thread=True, exit_on_error=False, group="database-library")
    def _load_database_library(self) -> None:
        """sqlite-utils, which the first frame goes without (store.session), imported
        before a write needs it, so the first tag does not wait for the import."""
        load_database_library()

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm-up")
    def _warm_linking(self) -> None:
        """Load the linker off the UI thread, so the first match panel never freezes keys.

        A failure reaches :meth:`on_worker_state_changed`."""
        from store.linking.warmup import warm_linking
        from tui.widgets import match_panel  # noqa: F401  (imported to have it ready)

        warm_linking()
        self.call_from_thread(self._linking_warmed)

    def _linking_warmed(self) -> None:
        self.linking_ready = True
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen) and screen.query("#match-pending"):
                screen.open_match_panel()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers that failed: told once, and the app goes on without them."""
        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        if event.worker.group == "warm-up":
            self._linking_failed(error)
        elif event.worker.group == "database-library":
            report_failure(self, "Could not load sqlite-utils, so changes cannot be saved", error)

    def _linking_failed(self, error: BaseException) -> None:
        """Close a waiting panel and say why; the match key starts the warm-up again."""
        self._warm_up_started = False
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                for placeholder in screen.query("#match-pending"):
                    placeholder.remove()
                    screen.panel_open = False
        report_failure(self, "Could not load the matcher", error)

    def _saved_state(self) -> ReaderState | None:
        """This annotator's saved session, read once (the default screen asks first)."""
        if not hasattr(self, "_saved"):
            self._saved = load_state(self.db_path, self.annotator)
        return self._saved

    def get_default_screen(self) -> Screen[Any]:
        """The reader on the documents asked for (or those of the saved session), else
        the library.

        A reader opened at start is the first screen itself, not pushed over a library:
        the library beneath was composed, styled and laid out for nobody, its layouts
        repainted the whole reader twice more, and pushing restyled every node; that
        was a third of the CPU between the terminal's setup and the reader's first
        frame. The library takes over from such a reader when asked for (:meth:`close_screen`).
        """
        saved = self._saved_state()
        if self.start_doc_ids:
            return ReaderScreen(self.start_doc_ids, restore=saved)
        if saved is not None and saved.panes:
            # Plain `claimdesk`: the reader where this annotator left it, and the linking
            # screen that was over it once the reader knows which documents still exist
            # (with none, it closes itself, and a screen pushed over it would be closed
            # instead).
            return ReaderScreen(saved.doc_ids, restore=saved, restore_top=True)
        from tui.screens.library import LibraryScreen  # a reader's start goes without it

        return LibraryScreen()

    def close_screen(self) -> None:
        """Close the top screen; the reader the app started on gives way to the library."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            self._show_library()

    def _show_library(self) -> None:
        """The library, in a screen stack of its own (Textual cannot switch away from the
        first screen: it has no result callback to drop). The reader the app started on
        stays behind in its stack, out of sight and out of ``screen_stack``."""
        if not self._library_mode_added:
            self._library_mode_added = True
            from tui.screens.library import LibraryScreen

            self.add_mode(LIBRARY_MODE, LibraryScreen)
        self.switch_mode(LIBRARY_MODE)

    def _handle_exception(self, error: Exception) -> None:
        # Textual has no public hook for an unhandled error; it prints an exception's
        # __rich__ instead of a traceback, so a damaged database ends the reader with
        # the same one line every command gives, and a defect of ours with the one line
        # the console command gives, its traceback in the error log.
        if isinstance(error, WorkerFailed) and _of_a_closed_screen(active_worker.get(None)):
            # A worker the closed command palette had started (a search typed as it
            # closed) queried its list, gone: NoMatches, and the reader ended. What a
            # closed screen was working on is wanted by no one.
            self.log.worker("ignored the failure of a closed screen's worker", error)
            return
        if isinstance(error, EndingLine):
            pass  # already the line to end on
        elif isinstance(error, sqlite3.Error) and is_busy(error):
            # A lock held elsewhere past the wait is no damage: no restore advice.
            error = ReaderEnded(str(translate_error(error, str(self.db_path))))
        elif isinstance(error, sqlite3.DatabaseError | UnicodeDecodeError):
            error = DamagedInReader(str(DamagedDatabase(self.db_path, error)))
        elif isinstance(error, DamagedDatabase):
            error = DamagedInReader(str(error))
        elif isinstance(error, ClaimdeskError):
            error = ReaderEnded(str(error))  # already a line for the user
        else:
            error = Unexpected(error)
        super()._handle_exception(error)

    def panic(self, *renderables: RenderableType) -> None:
        # Textual's own threads (terminal input) end the app through here with a Rich
        # traceback and leave the exit status 0: the traceback goes to the error log,
        # the user gets one line, and the status says the reader did not end normally.
        shown: list[RenderableType] = []
        for renderable in renderables:
            if isinstance(renderable, Traceback):
                shown.append(logged_traceback(renderable))
                self._return_code = 1
            else:
                shown.append(renderable)
        super().panic(*shown)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self._signals:
            loop.remove_signal_handler(number)
        self.state_writer.close()
        self.session.close()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Short confirmations go to the screen's message line (the reader's legend, the
        review queue's counter, the curation header), never over the text; warnings,
        errors and screens without such a line keep Textual's toasts."""
        lines = list(self.screen.query(MessageLine)) if severity == "information" else []
        if lines and not title:
            lines[0].show_message(message_text(message, markup=markup))
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # Store access -------------------------------------------------------------------
    def attempt(self, change: Callable[[], T]) -> T | None:
        """Run one store call; a store error becomes one visible message, never a crash."""
        try:
            return change()
        except ClaimdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            self._change_failed()
            return None
        except ImportError as error:
            # sqlite-utils (or the linker) failed to load: every write says so, plainly.
            report_failure(self, "Nothing was changed: a library could not be loaded", error)
            return None

    def _change_failed(self) -> None:
        """Drop the keys typed while the change that just failed was being tried (a write
        waits up to ten seconds on a locked database): they were meant for the state it
        would have left. An undo failing so, then `-` typed for the pair it would bring
        back, rejected the next pair instead."""
        self.drop_keys_typed_until_now("Keys typed while that change was failing were ignored")

    def drop_keys_typed_until_now(self, notice: str) -> None:
        """Drop the keys typed up to now that are still on their way, saying ``notice``
        once if there were any."""
        self._drop_before = get_time()
        self._drop_notice = notice

    def poll_store(self) -> None:
        """Pick up other annotators' commits (PRAGMA data_version) and redraw what changed.

        A database file deleted or replaced under the reader ends it: SQLite would go on
        taking its changes into the unlinked file, shown as saved and lost on quit (each
        change in between is refused by the store, see ``store.db.file_replaced``).
        """
        if not self.is_running:
            # Quitting takes the screens down widget by widget while timers still fire;
            # a reload then met a pane without its view (seen once in CI).
            return
        gone = self.session.file_replaced()
        if gone is not None:
            raise ReaderEnded(f"{gone}; the reader stopped, as nothing more could be saved")
        try:
            version = self.session.data_version()
        except ClaimdeskError:
            return
        if version != self._seen_version:
            self._seen_version = version
            self.reload_screens()

    def reload_screens(self) -> None:
        for screen in self.screen_stack:
            # A screen pushed a moment ago may not have composed its widgets yet (a store
            # poll came first once in CI); its on_mount reads the store afresh anyway.
            if isinstance(screen, StoreView) and screen.is_mounted:
                screen.reload()

    # Actions --------------------------------------------------------------------------
    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, bindings_in_force  # not needed to start

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(bindings_in_force(self.screen)))

    def action_command_palette(self) -> None:
        # Textual asks only the top screen whether the palette is open: ctrl+p from the
        # help opened over it pushed a second palette under the same id, and the reader
        # ended on DuplicateIds. The one open is under the help; escape leads back to it.
        if any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            return
        if self.use_command_palette:
            self.push_screen(Palette(id="--command-palette"))

    def action_undo(self) -> None:
        self._undo_redo(self.session.undo, "Undid", "Nothing to undo")

    def action_redo(self) -> None:
        self._undo_redo(self.session.redo, "Redid", "Nothing to redo")

    def _undo_redo(self, step: Callable[[], str | None], verb: str, empty: str) -> None:
        try:
            summary = step()
        except ClaimdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            self._change_failed()
            return
        if summary is None:
            self.notify(empty, markup=False)
            return
        self.reload_screens()
        self.notify(f"{verb}: {summary}", markup=False)

    def action_next_theme(self) -> None:
        names = sorted(self.available_themes)
        following = (
            names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]
        )
        self.theme = following
        try:
            save_theme(following)
        except (ClaimdeskError, OSError) as error:
            self.notify(f"Theme not remembered: {error}", severity="warning", markup=False)
            return
        self.notify(f"Theme: {following}", markup=False)

    def action_library(self) -> None:
        from tui.screens.library import LibraryScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen_stack[0], LibraryScreen):
            self._show_library()


def _types_character(key: str) -> bool:
    """Whether ``key`` (a key name, no modifier) types a character into a text field."""
    from textual.keys import key_to_character

    character = key_to_character(key)
    return character is not None and character.isprintable()


def _saved_theme() -> str | None:
    """The theme remembered in the config file; a broken config never stops the app here
    (the keymap loader has already reported it)."""
    try:
        return load_config().theme
    except ClaimdeskError:
        return None


def create_app(
    db_path: Path,
    annotator: str,
    *,
    doc_ids: list[int] | None = None,
    keymap: dict[str, str] | None = None,
) -> ClaimdeskApp:
    """The app on ``db_path`` as ``annotator``: the reader on ``doc_ids``, else the library."""
    return ClaimdeskApp(db_path, annotator, doc_ids=doc_ids, keymap=keymap)
