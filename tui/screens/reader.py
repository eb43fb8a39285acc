"""The reader: documents side by side, annotated from the keyboard.

Every change is written through ``app.session`` (one committed transaction)
first; only then are the affected spans re-read and redrawn.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.events import DescendantFocus, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from store.difference_tracker import DifferenceTracker
from store.errors import ClaimdeskError
from store.model import DOCUMENT_STATUSES, Document, DocumentStatus, Label, Span
from store.segment import split_sentences
from tui.annotator_filter import AnnotatorFilter, difference_status, span_marks
from tui.bindings import bindings_for
from tui.failures import report_failed_worker
from tui.label_looks import LabelLook, label_looks
from tui.safe_text import visible_line
from tui.session_state import PanePlace, ReaderState
from tui.text_search import Folded, find_match, fold
from tui.widgets.article_pane import ArticlePane, status_text
from tui.widgets.article_view import VIEW_ACTIONS, ArticleView, SpanMark
from tui.widgets.label_legend import LabelLegend
from tui.widgets.reader_footer import ReaderFooter
from tui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

# A pane narrower than this wraps a sentence every few words. More documents than fit
# at this width (ten of a story at 160 columns) show the panes used last, as many as
# fit; tab brings the next one in. Below two widths, one pane at a time.
MIN_PANE_WIDTH = 50
# Linking keys live on the reader; accept/reject/choose on the match panel itself.
READER_LINK_ACTIONS = frozenset({"links.matches", "links.review", "links.clusters"})
# From this many spans a document's mine-vs-theirs comparison (half a second at 100,000)
# is made in a thread as soon as it is open, so switching to it later costs no wait.
COMPARE_AHEAD_SPANS = 2_000


def label_for_number(labels: list[Label], number: int) -> Label | None:
    """Label ``number`` (1-9): the one with that hotkey, else the number-th in order."""
    for label in labels:
        if label.hotkey == str(number):
            return label
    unkeyed = [label for label in labels if not (label.hotkey or "").isdigit()]
    keyed = {label.hotkey for label in labels if (label.hotkey or "").isdigit()}
    free_numbers = [n for n in range(1, 10) if str(n) not in keyed]
    if number in free_numbers and free_numbers.index(number) < len(unkeyed):
        return unkeyed[free_numbers.index(number)]
    return None


class ReaderScreen(Screen[None]):
    """Two or more documents side by side (one at a time on a narrow terminal)."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "reader", where=lambda spec: not spec.action.startswith(VIEW_ACTIONS)
    ) + bindings_for("links", where=lambda spec: spec.id in READER_LINK_ACTIONS)

    def __init__(
        self,
        doc_ids: list[int],
        *,
        restore: ReaderState | None = None,
        restore_top: bool = False,
        reveal: tuple[int, int, int] | None = None,
    ) -> None:
        super().__init__()
        self.doc_ids = list(dict.fromkeys(doc_ids))
        # Where this annotator left these documents last time (tui.session_state).
        self.restore = restore
        # Whether to put back the clusters or review screen saved over this reader.
        self._restore_top = restore_top
        # A claim to select once the panes are laid out (the clusters screen's enter).
        self.reveal_on_mount = reveal
        self.documents: list[Document] = []
        # Every live span of each open document with the change-log id it is current
        # to: a change re-reads only the spans the log names (store.span_changes). The
        # views hold all of them too and draw what the filter shows.
        self._all_spans: dict[int, dict[str, Span]] = {}
        self._current_to: dict[int, int] = {}
        self.labels: list[Label] = []
        self.filter = AnnotatorFilter()
        # Mine vs theirs per open document, kept current with its spans once made; and,
        # while a thread makes one, the span ids changed since its snapshot.
        self.trackers: dict[int, DifferenceTracker] = {}
        self._comparing: dict[int, set[str]] = {}
        self.active = 0
        self._panes: list[ArticlePane] = []
        # Panes that fit side by side (None: not laid out yet), and the pane numbers by
        # last use, the active one first: those shown when not all fit.
        self._room: int | None = None
        self._panes_positioned = False
        self._recent: list[int] = []
        # Incremental search: the last query (n/N repeat it after the box closes), the
        # cursor and mark to return to on escape, and the active text folded once.
        self.search_query = ""
        self._search_origin: tuple[int, int | None] = (0, None)
        self._folded: tuple[str, Folded] = ("", fold(""))
        # Whether the match panel is (being) shown: saved with the session.
        self.panel_open = False

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        self.documents = self._open_documents()
        self._recent = list(range(len(self.documents)))
        with Horizontal(id="panes"):
            for number, document in enumerate(self.documents):
                yield ArticlePane(document, id=f"pane-{number}")
        yield LabelLegend(id="label-legend")
        yield SearchBox(id="search-box")
        yield ReaderFooter()

    def _open_documents(self) -> list[Document]:
        """The documents that exist; each one that does not is named in a notification."""
        session = self.claimdesk.session
        saved = {} if self.restore is None else {p.doc_id: p for p in self.restore.panes}
        found: list[Document] = []
        for doc_id in self.doc_ids:
            place = saved.get(doc_id)
            name = place.name if place is not None else ""
            try:
                document: Document | None = session.document(doc_id)
            except ClaimdeskError as error:
                document = None
                why = str(error)
            if name and (document is None or document.source_name != name):
                # The database was rebuilt under its path: the id names another article
                # (which reopened in the saved one's place, at its cursor) or none, and
                # the saved one may be there under another id.
                document = self._by_name(name)
                why = "no longer in this database"
                if document is not None and place is not None:
                    place.doc_id = document.id
            if document is None:
                shown = visible_line(name) if name else f"document {doc_id}"
                self.app.notify(f"Skipped {shown}: {why}", severity="warning", markup=False)
                continue
            found.append(document)
        self.doc_ids = [document.id for document in found]
        return found

    @property
    def annotator_filter(self) -> str:
        """The filter mode: all, mine, others, one (annotator) or versus (mine vs theirs)."""
        return self.filter.mode

    def on_mount(self) -> None:
        session = self.claimdesk.session
        if not self.documents:
            self.app.notify("No document to show", severity="warning", markup=False)
            self.app.call_later(self.claimdesk.close_screen)
            return
        self.labels = session.labels()
        self._show_looks()
        self._apply_width(self.size.width, show=False)  # each pane is shown once, below
        for pane in self.panes:
            doc_id = pane.document.id
            sentences = [(s.start, s.end) for s in session.sentences(doc_id)]
            if not sentences:
                sentences = split_sentences(pane.document.text)
            self._read_all(doc_id)
            pane.view.cursor_listener = self._show_status_now
            pane.view.load(pane.document.text, sentences, self._marks(doc_id))
            self._show_pane(pane)
        self._compare_ahead()
        self._set_active(0)
        # A document's spans, marks and lines are long-lived: a full collection walked
        # them all again (100-160 ms at 100,000 spans, once every few keys). Frozen
        # objects are left out of collections until the reader goes away.
        self.call_after_refresh(gc.freeze)
        if self.restore is not None:
            self.call_after_refresh(self._restore_places, self.restore)
            if self._restore_top:
                self.claimdesk.restore_top_screen(self, self.restore)
        if self.reveal_on_mount is not None:
            self.call_after_refresh(self._reveal_claim, *self.reveal_on_mount)

    def on_unmount(self) -> None:
        # What the closed documents held becomes collectable again.
        gc.unfreeze()

    def _reveal_claim(self, doc_id: int, start: int, end: int) -> None:
        for number, pane in enumerate(self.panes):
            if pane.document.id == doc_id:
                self._set_active(number)
                self._show_pane(pane)
        self.reveal(doc_id, start, end)

    def _restore_places(self, state: ReaderState) -> None:
        places = {place.doc_id: place for place in state.panes}
        for pane in self.panes:
            place = places.get(pane.document.id)
            if place is not None:
                pane.view.set_cursor(place.cursor)
                pane.view.scroll_to(y=place.scroll, animate=False, immediate=True)
        self.restore = None
        if state.doc_ids == self.doc_ids:
            self._set_active(state.active)
            self._show_pane(self.pane)
            if state.panel:
                self.action_matches()

    def _by_name(self, name: str) -> Document | None:
        """The document stored under exactly ``name``, if there is one."""
        try:
            document = self.claimdesk.session.find_document(name)
        except ClaimdeskError:
            return None
        return document if document.source_name == name else None

    def _name_of(self, doc_id: int) -> str:
        return next((d.source_name for d in self.documents if d.id == doc_id), "")

    def reader_state(self) -> ReaderState:
        """The open documents, active pane, cursors, scroll rows and panel, to save."""
        if self.restore is not None:
            # Not yet put back: saving now must not overwrite the places still to restore.
            places = {place.doc_id: place for place in self.restore.panes}
            return ReaderState(
                panes=[
                    places.get(doc_id, PanePlace(doc_id, name=self._name_of(doc_id)))
                    for doc_id in self.doc_ids
                ],
                active=self.restore.active if self.restore.doc_ids == self.doc_ids else 0,
                panel=self.restore.panel and self.restore.doc_ids == self.doc_ids,
            )
        # Asked every second (tui.app): the panes container's children, not a DOM query.
        try:
            children = self.get_child_by_id("panes").children
        except NoMatches:
            children = []
        shown: list[PanePlace] = []
        for pane in children:
            if not isinstance(pane, ArticlePane):
                continue
            try:
                view = pane.view
            except NoMatches:
                # A pane still being mounted (the save timer can come first): its
                # document is kept, at its start, until its view exists.
                shown.append(PanePlace(pane.document.id, name=pane.document.source_name))
                continue
            shown.append(
                PanePlace(
                    pane.document.id,
                    view.cursor,
                    int(view.scroll_offset.y),
                    pane.document.source_name,
                )
            )
        return ReaderState(panes=shown, active=self.active, panel=self.panel_open)

    # Panes --------------------------------------------------------------------------
    @property
    def panes(self) -> list[ArticlePane]:
        # The panes are composed once and never change; a DOM query per call cost about a
        # millisecond of each key (the active pane and view are asked for several times).
        if not self._panes:
            self._panes = list(self.query(ArticlePane))
        return list(self._panes)

    @property
    def pane(self) -> ArticlePane:
        return self.panes[self.active]

    @property
    def view(self) -> ArticleView:
        return self.pane.view

    def _set_active(self, number: int) -> None:
        panes = self.panes
        self.show_pane(number)
        # At once, not through Widget.focus (which queues the change behind keys already
        # waiting): `tab . . .` typed fast must move the cursor in the pane tab chose. On
        # this screen, not the app's: another screen may be on top (a restored session).
        self.set_focus(panes[self.active].view)

    def show_pane(self, number: int) -> None:
        """Make pane ``number`` the active one and bring it into view; focus stays."""
        panes = self.panes
        self.active = number % len(panes)
        for n, pane in enumerate(panes):
            pane.set_class(n == self.active, "-active")
        self._bring_into_view(self.active)

    def _bring_into_view(self, number: int) -> None:
        """Show pane ``number`` beside the panes used last, as many as fit."""
        self._recent.remove(number)
        self._recent.insert(0, number)
        self._lay_out()

    def _lay_out(self) -> None:
        panes = self.panes
        room = len(panes) if self._room is None else self._room
        # The active pane always shows (the keys go to it), then the panes used last.
        order = [self.active, *(n for n in self._recent if n != self.active)]
        shown = set(order[:room])
        for number, pane in enumerate(panes):
            pane.display = number in shown

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        for number, pane in enumerate(self.panes):
            if event.widget is pane.view and number != self.active:
                self.show_pane(number)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int, *, show: bool = True) -> None:
        """As many panes as :data:`MIN_PANE_WIDTH` lets fit, with their positions in the
        headers when not all do.

        Only a switch between all shown and some re-shows the panes (a store read each):
        a pane's header follows its own width in :meth:`ArticlePane.on_resize`.
        """
        panes = self.panes
        room = min(len(panes), max(1, width // MIN_PANE_WIDTH))
        if room == self._room:
            return
        windowed_before = self._room is not None and self._room < len(panes)
        self._room = room
        self.set_class(room == 1 and len(panes) > 1, "-narrow")
        self._lay_out()
        windowed = room < len(panes)
        if windowed == windowed_before and self._panes_positioned:
            return
        self._panes_positioned = True
        for number, pane in enumerate(panes):
            pane.position = f"{number + 1}/{len(panes)} (tab)" if windowed else ""
            if show:
                self._show_pane(pane)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def action_next_pane(self) -> None:
        self._set_active(self.active + 1)
        self._show_pane(self.pane)

    def action_prev_pane(self) -> None:
        self._set_active(self.active - 1)
        self._show_pane(self.pane)

    # Label looks: colours per colour system, marks without colour, tags, legend ------
    def _looks(self) -> dict[str, LabelLook]:
        keys: dict[str, str] = {}
        for number in range(1, 10):
            label = label_for_number(self.labels, number)
            if label is not None:
                keys.setdefault(label.name, str(number))
        return label_looks(self.labels, [keys.get(label.name, "") for label in self.labels])

    def _show_looks(self) -> None:
        looks = self._looks()
        for pane in self.panes:
            pane.view.set_looks(looks)
        self._show_legend(looks)

    def _show_legend(self, looks: dict[str, LabelLook] | None = None) -> None:
        shown = looks if looks is not None else self._looks()
        show_tags = self.view.show_tags if self.panes else True
        self.query_one(LabelLegend).show(list(shown.values()), show_tags)

    def action_toggle_tags(self) -> None:
        show = not self.view.show_tags
        for pane in self.panes:
            if pane.view.show_tags != show:
                pane.view.toggle_tags()
        self._show_legend()

    # Store -> screen --------------------------------------------------------------
    def _read_all(self, doc_id: int) -> None:
        session = self.claimdesk.session
        # The log position first: a change landing in between is then read again, harmlessly.
        self._current_to[doc_id] = session.latest_change()
        self._all_spans[doc_id] = {s.id: s for s in session.spans(doc_id)}

    def _catch_up(self, doc_id: int) -> tuple[set[str] | None, bool]:
        """Apply the logged span changes since the last read to the spans and the
        comparison: the changed ids (None: all re-read), and whether the marks of
        differences changed beyond them (then they are redrawn in versus mode)."""
        if doc_id not in self._all_spans:
            self._read_all(doc_id)
            self.trackers.pop(doc_id, None)
            self._comparing.pop(doc_id, None)
            return None, True
        session = self.claimdesk.session
        live, gone, newest = session.spans_changed_since(doc_id, self._current_to[doc_id])
        self._current_to[doc_id] = newest
        cached = self._all_spans[doc_id]
        for span_id in gone:
            cached.pop(span_id, None)
        for span in live:
            cached[span.id] = span
        changed = gone | {span.id for span in live}
        if doc_id in self._comparing:
            self._comparing[doc_id] |= changed
        tracker = self.trackers.get(doc_id)
        if tracker is None:
            return changed, False
        windows = tracker.update(live, gone) if changed else []
        came_or_went = tracker.set_finished(session.finished_annotators(doc_id))
        if windows is None or came_or_went:
            return changed, True
        for pane in self.panes:
            if pane.document.id == doc_id and self.filter.mode == "versus":
                for start, end in windows:
                    pane.view.redraw_range(start, end)
        return changed, False

    def _marks(self, doc_id: int) -> list[SpanMark]:
        """Every live span of ``doc_id`` as the views draw it (they filter it themselves)."""
        colours = {label.name: label.colour for label in self.labels}
        return span_marks(list(self._all_spans[doc_id].values()), colours)

    def _tracker(self, doc_id: int) -> DifferenceTracker:
        """Mine vs theirs for ``doc_id``: made now unless it is made already."""
        tracker = self.trackers.get(doc_id)
        if tracker is None:
            session = self.claimdesk.session
            spans = self._all_spans[doc_id].values()
            finished = session.finished_annotators(doc_id)
            tracker = DifferenceTracker(doc_id, session.annotator, spans, finished)
            self.trackers[doc_id] = tracker
            self._comparing.pop(doc_id, None)  # a thread's answer would now come too late
        return tracker

    class Compared(Message):
        """A thread made a document's comparison from a snapshot of its spans."""

        def __init__(self, tracker: DifferenceTracker, since: set[str]) -> None:
            super().__init__()
            self.tracker = tracker
            self.since = since

    def _compare_ahead(self) -> None:
        """Start comparing each open document with many spans in a thread."""
        session = self.claimdesk.session
        for doc_id, spans in self._all_spans.items():
            if len(spans) < COMPARE_AHEAD_SPANS or doc_id in self.trackers:
                continue
            if doc_id in self._comparing:
                continue
            since: set[str] = set()
            self._comparing[doc_id] = since
            finished = session.finished_annotators(doc_id)
            self._compare(doc_id, session.annotator, list(spans.values()), finished, since)

    @work(thread=True, exit_on_error=False, group="reader-compare")
    def _compare(
        self, doc_id: int, me: str, spans: list[Span], finished: set[str], since: set[str]
    ) -> None:
        # Spans are immutable and the snapshot is this thread's own; no widget is touched.
        self.post_message(self.Compared(DifferenceTracker(doc_id, me, spans, finished), since))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The comparison is made on the UI thread when first needed (_tracker) instead.
        report_failed_worker(self, event, "Could not compare the annotators' spans")

    def on_reader_screen_compared(self, message: Compared) -> None:
        tracker = message.tracker
        doc_id = tracker.doc_id
        if self._comparing.get(doc_id) is not message.since or doc_id in self.trackers:
            return  # made meanwhile, or the spans were re-read: this snapshot is stale
        del self._comparing[doc_id]
        cached = self._all_spans[doc_id]
        tracker.update(
            [cached[i] for i in message.since if i in cached],
            {i for i in message.since if i not in cached},
        )
        tracker.set_finished(self.claimdesk.session.finished_annotators(doc_id))
        self.trackers[doc_id] = tracker
        gc.freeze()  # the comparison lives as long as the document, like its spans

    def _apply_filter(self, pane: ArticlePane) -> None:
        """Tell ``pane``'s view whose spans to draw and, in versus mode, how they differ."""
        chosen, me = self.filter, self.claimdesk.session.annotator
        if chosen.mode in ("all", "versus"):
            shows = None
        else:
            shows = lambda annotator: chosen.shows_annotator(annotator, me)  # noqa: E731
        kinds = self._tracker(pane.document.id).kinds if chosen.mode == "versus" else None
        pane.view.show_only(shows, kinds)

    def _update_marks(self, pane: ArticlePane, changed: set[str]) -> None:
        """Redraw only the ``changed`` span ids in ``pane``."""
        colours = {label.name: label.colour for label in self.labels}
        cached = self._all_spans[pane.document.id]
        upserts = [cached[span_id] for span_id in changed if span_id in cached]
        removed = {span_id for span_id in changed if span_id not in cached}
        pane.view.update_spans(span_marks(upserts, colours), removed)

    def _status(self, pane: ArticlePane) -> Text:
        """The pane's status line: the difference under the cursor, else the span or place."""
        doc_id = pane.document.id
        if self.filter.mode == "versus":
            described = difference_status(self._tracker(doc_id), pane.view.cursor)
            if described is not None:
                return described
        return status_text(
            pane.view,
            self._all_spans.get(doc_id, {}),
            pane.view.snap_words,
            self.claimdesk.session.annotator,
        )

    def _show_pane(self, pane: ArticlePane) -> None:
        pane.shown = "" if self.filter.mode == "all" else self.filter.name
        story = self.claimdesk.session.story_of(pane.document.id)
        alone = story is None or len(story.documents) < 2
        pane.story = "" if alone or story is None else f"{story.label} ({len(story.documents)})"
        status = self.claimdesk.session.status(pane.document.id)
        pane.show_header(status, pane.view.coverage())
        pane.show_status(self._status(pane))

    def refresh_document(self, doc_id: int, *, everything: bool = False) -> None:
        """Catch up with one document's span changes and status; redraw what changed."""
        if everything:
            self._all_spans.pop(doc_id, None)
        changed, marks_moved = self._catch_up(doc_id)
        for pane in self.panes:
            if pane.document.id != doc_id:
                continue
            if changed is None:
                pane.view.set_spans(self._marks(doc_id))
                self._apply_filter(pane)
            else:
                if changed:
                    self._update_marks(pane, changed)
                if marks_moved and self.filter.mode == "versus":
                    pane.view.redraw_all()
            self._show_pane(pane)
        if changed is None:
            self._compare_ahead()

    def reload(self, *, everything: bool = False) -> None:
        """Another session (or undo) changed the store: refresh every pane, keep cursors."""
        labels = self.claimdesk.session.labels()
        if labels != self.labels:
            self.labels = labels
            self._show_looks()
        for pane in self.panes:
            self.refresh_document(pane.document.id, everything=everything)
        for panel in self.query("#match-panel"):
            panel.reload()  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        if self.documents:
            self.reload()

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        # The status line is already redrawn (_show_status_now); the panel follows later.
        for panel in self.query("#match-panel"):
            panel.cursor_moved(event.view)  # type: ignore[attr-defined]

    def _show_status_now(self, view: ArticleView) -> None:
        """The status line of ``view``'s pane, redrawn in the same frame as its cursor."""
        for pane in self.panes:
            if pane.view is view:
                pane.show_status(self._status(pane))

    # Hooks for panels that point into the open documents (matches, review, curation) --
    def reveal(self, doc_id: int, start: int, end: int) -> bool:
        """Select ``[start, end)`` in the pane showing ``doc_id`` and scroll it into view;
        False when that document is not open here."""
        for number, pane in enumerate(self.panes):
            if pane.document.id == doc_id:
                if not self.narrow:
                    # Beside the panes used last: a match and its claim side by side.
                    self._bring_into_view(number)
                pane.view.select_range(start, end)
                pane.view.scroll_to_cursor(center=True)
                return True
        return False

    def sentence_under_cursor(self) -> tuple[int, int, int] | None:
        """(document id, start, end) of the sentence holding the active pane's cursor."""
        view = self.view
        number = view.sentence_number()
        if number is None:
            return None
        start, end = view.sentences[number - 1]
        return self.pane.document.id, start, end

    # Spans under the cursor ----------------------------------------------------------
    def span_under_cursor(self) -> Span | None:
        """The innermost span at the cursor, the annotator's own first, drawn or not.

        With the annotator filter on alice, bob's own span there was not drawn, so `d`
        deleted alice's span and `n` wrote bob's note on it."""
        doc_spans = self._all_spans.get(self.pane.document.id, {})
        cursor = self.view.cursor
        mine = [s for s in self._own_spans(self.pane.document.id) if s.start <= cursor < s.end]
        if mine:
            return min(mine, key=lambda s: (s.end - s.start, s.start))
        covering = [doc_spans[i] for i in self.view.span_ids_at(cursor) if i in doc_spans]
        return covering[0] if covering else None

    def _hidden(self, span: Span) -> bool:
        """Whether the annotator filter keeps ``span`` off the screen: a change to it is
        then said, or it would happen out of sight."""
        return span.id not in self.view.span_ids_at(span.start)

    # Annotating -------------------------------------------------------------------------
    def action_apply_label(self, number: int) -> None:
        label = label_for_number(self.labels, number)
        if label is None:
            self.notify(f"No label on key {number}", markup=False)
            return
        self.apply_label_named(label.name)

    def apply_label_named(self, name: str) -> None:
        view, doc_id = self.view, self.pane.document.id
        session = self.claimdesk.session
        selection = view.selection
        if selection is not None:
            start, end = selection
            same = self._own_span_at(doc_id, start, end)
            if same is not None:
                view.set_cursor(end - 1)
                self._relabel(same, name)
                return
            span = self.claimdesk.attempt(lambda: session.add_span(doc_id, start, end, name))
            if span is None:
                return
            self.refresh_document(doc_id)
            # On the span's last character, so the status line describes what was just made.
            view.set_cursor(end - 1)
            return
        target = self.span_under_cursor()
        if target is None:
            self.notify("Select some text first (s selects the sentence)", markup=False)
            return
        if target.annotator != session.annotator:
            # Another annotator's span is never relabelled in place: bob's key turned
            # alice's CLAIM into a FIGURE still under her name, counted as hers by stats,
            # agree and the exports. The key gives bob his own span over the same text.
            own = self._own_span_at(doc_id, target.start, target.end)
            if own is not None:
                self._relabel(own, name)
                return
            span = self.claimdesk.attempt(
                lambda: session.add_span(doc_id, target.start, target.end, name)
            )
            if span is None:
                return
            self.refresh_document(doc_id)
            self.notify(
                f"Your own {name} span over {visible_line(target.annotator)}'s {target.label}",
                markup=False,
            )
            return
        self._relabel(target, name)

    def _own_span_at(self, doc_id: int, start: int, end: int) -> Span | None:
        """My span over exactly ``[start, end)``, if there is one, drawn or not: with the
        annotator filter on alice, bob's hidden span was missed and a key stacked him a
        second span with another label over the same text."""
        return next((s for s in self._own_spans(doc_id) if (s.start, s.end) == (start, end)), None)

    def _own_spans(self, doc_id: int) -> list[Span]:
        """The annotator's spans in ``doc_id``, drawn or hidden by the annotator filter."""
        me = self.claimdesk.session.annotator
        return [s for s in self._all_spans.get(doc_id, {}).values() if s.annotator == me]

    def _relabel(self, target: Span, name: str) -> None:
        if target.label == name:
            return
        session = self.claimdesk.session
        hidden = self._hidden(target)
        changed = self.claimdesk.attempt(lambda: session.relabel_span(target.id, name))
        if changed is not None:
            self.refresh_document(target.doc_id)
            if hidden:
                self.notify(
                    f"Your {target.label} span, hidden by the filter, is now {name}",
                    markup=False,
                )

    def action_pick_label(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.apply_label_named(name)

        from tui.screens.label_picker import LabelPicker  # dialogs load when first opened

        self.app.push_screen(LabelPicker(self.labels), chosen)

    def action_delete_span(self) -> None:
        target = self.span_under_cursor()
        if target is None:
            self.notify("No span under the cursor", markup=False)
            return
        session = self.claimdesk.session
        # As a number key never relabels it: bob's `d` took alice's span away, and the
        # link she had accepted on it lost its span in every export.
        if self._not_yours(target, "d deletes"):
            return
        linking = self.claimdesk.attempt(lambda: session.others_linking(target.id))
        if linking:
            # The link would stay, without its span in any export.
            self.notify(
                f"{', '.join(linking)}'s link uses that {target.label} span: it stays until"
                " the link is undone or rejected",
                markup=False,
            )
            return
        hidden = self._hidden(target)
        deleted = self.claimdesk.attempt(lambda: session.delete_span(target.id))
        if deleted is not None:
            self.refresh_document(target.doc_id)
            if hidden:
                self.notify(f"Deleted your {target.label} span, hidden by the filter", markup=False)

    def action_edit_note(self) -> None:
        target = self.span_under_cursor()
        if target is None:
            self.notify("No span under the cursor", markup=False)
            return
        # bob's note replaced alice's on her span, and every export gave it as hers.
        if self._not_yours(target, "n writes the notes of"):
            return

        def edited(note: str | None) -> None:
            session = self.claimdesk.session
            if note is None:
                return
            changed = self.claimdesk.attempt(lambda: session.set_note(target.id, note))
            if changed is not None:
                self.refresh_document(target.doc_id)

        from tui.screens.note_editor import NoteEditor

        self.app.push_screen(NoteEditor(target.note, target.quote), edited)

    def _not_yours(self, target: Span, what: str) -> bool:
        """Whether ``target`` is another annotator's (a model's pre-annotations are no one's
        work): the key is refused, saying whose it is."""
        from store.export.common import is_model

        if target.annotator == self.claimdesk.session.annotator or is_model(target.annotator):
            return False
        self.notify(
            f"That {target.label} span is {target.annotator}'s: {what} your own spans and a"
            " model's pre-annotations",
            markup=False,
        )
        return True

    def action_jump_span(self, direction: int) -> None:
        offset = self.view.next_span_start(direction)
        if offset is None:
            self.notify("No more spans", markup=False)
            return
        self.view.set_cursor(offset)

    def action_next_unannotated(self) -> None:
        sentence = self.view.next_unannotated_sentence()
        if sentence is None:
            self.notify("No unannotated sentence after the cursor", markup=False)
            return
        self.view.select_range(*sentence)

    def action_cycle_status(self) -> None:
        session, doc_id = self.claimdesk.session, self.pane.document.id
        current = session.status(doc_id)
        following: DocumentStatus = DOCUMENT_STATUSES[
            (DOCUMENT_STATUSES.index(current) + 1) % len(DOCUMENT_STATUSES)
        ]
        self.claimdesk.attempt(lambda: session.set_status(doc_id, following))
        self._show_pane(self.pane)

    def action_annotator_filter(self) -> None:
        self.set_annotator_filter(self.filter.following())

    def set_annotator_filter(self, chosen: AnnotatorFilter) -> None:
        """Show the spans ``chosen`` selects in every pane."""
        self.filter = chosen
        self._show_filtered()
        message = f"Showing {self.filter.name}"
        if chosen.mode == "versus":
            count = len(self._tracker(self.pane.document.id))
            message += f": {count} difference{'' if count == 1 else 's'} here"
        self.notify(message, markup=False)

    def _show_filtered(self) -> None:
        """Draw each pane's spans under the current filter: the views already hold every
        span (and the comparison its differences), so nothing is re-read or rebuilt."""
        for pane in self.panes:
            self._apply_filter(pane)
        for doc_id in dict.fromkeys(pane.document.id for pane in self.panes):
            self.refresh_document(doc_id)  # changes since the last read, and the headers

    def action_pick_annotator(self) -> None:
        from tui.screens.annotator_picker import AnnotatorPicker

        session = self.claimdesk.session
        annotators = session.annotators()
        if not annotators:
            # An empty picker said nothing about why it was empty.
            self.notify("No spans by anyone yet: no annotator to show", markup=False)
            return

        def chosen(name: str | None) -> None:
            if name is not None:
                self.set_annotator_filter(AnnotatorFilter("one", name))

        self.app.push_screen(AnnotatorPicker(annotators, session.annotator), chosen)

    def action_jump_difference(self, direction: int) -> None:
        if self.filter.mode != "versus":
            # Asking for a difference is asking to see them: switch to mine vs theirs.
            self.set_annotator_filter(AnnotatorFilter("versus"))
        found = self._tracker(self.pane.document.id)
        if not len(found):
            self.notify("No differences from other annotators here", markup=False)
            return
        # Backwards from inside a region goes to that region's start first.
        offset = found.next_start(self.view.cursor, direction)
        if offset is None:
            self.notify("No more differences", markup=False)
            return
        self.view.set_cursor(offset)

    def action_edit_labels(self) -> None:
        def closed(saved: bool | None) -> None:
            if saved:
                # A renamed label rewrites spans through a cascade the change log misses.
                self.reload(everything=True)

        from tui.screens.label_editor import LabelEditor

        self.app.push_screen(LabelEditor(self.claimdesk.session), closed)

    def action_curate(self) -> None:
        from tui.screens.curation import CurationScreen, usable_gold_name

        gold = usable_gold_name(self.claimdesk)
        if gold is not None:
            self.app.push_screen(CurationScreen(self.pane.document.id, gold=gold))

    # Linking (tui.widgets.match_panel, tui.screens.review, tui.screens.clusters) --------
    def action_matches(self) -> None:
        # The panel is part of the saved session (a removed panel lingers in the DOM
        # for a moment, so the intent is kept rather than queried).
        self.panel_open = not (self.query("#match-panel") or self.query("#match-pending"))
        self.call_after_refresh(self.claimdesk.save_reader_state)
        pending = list(self.query("#match-pending"))
        if pending:
            for placeholder in pending:
                placeholder.remove()
            return
        if not self.claimdesk.linking_ready:
            self.claimdesk.warm_up_linking()
            # Importing the linker here would block every key until it is loaded; a
            # placeholder holds the place and the app opens the panel once it is ready
            # (or removes it and says why when loading fails: tui.app._linking_failed).
            title = Text("Matches", style="bold")
            title.append(" · loading the matcher…", style="italic")
            self.mount(Static(title, id="match-pending"), before=self.query_one(Footer))
            return
        self.open_match_panel()

    def open_match_panel(self) -> None:
        """Toggle the match panel (called by the app for a waiting placeholder too)."""
        for placeholder in self.query("#match-pending"):
            placeholder.remove()
        from tui.widgets.match_panel import toggle_match_panel

        toggle_match_panel(self)

    def action_review(self) -> None:
        from tui.screens.review import ReviewScreen

        open_ids = [pane.document.id for pane in self.panes]
        self.app.push_screen(ReviewScreen(open_ids, self.pane.document.id))

    def action_clusters(self) -> None:
        from tui.screens.clusters import ClustersScreen

        self.app.push_screen(ClustersScreen())

    def action_close(self) -> None:
        self.claimdesk.close_screen()

    # Searching -----------------------------------------------------------------------
    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    def _folded_text(self) -> Folded:
        text = self.view.text
        if self._folded[0] is not text:
            self._folded = (text, fold(text))
        return self._folded[1]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The search key is a priority binding (a fast `/traffic` must land in the box),
        # so while the box is open it would take a typed `/` from the query. It stands
        # aside then; the box turns a search key that types nothing (emacs ctrl+s) into
        # "next match" itself.
        return action != "search" or not any(box.is_open for box in self.query(SearchBox))

    def action_search(self) -> None:
        """Open the search box (its search key, unless it types `/`, then goes on to the
        next match)."""
        view = self.view
        self._search_origin = (view.cursor, view.mark)
        self.search_box.open(
            self._search_closed,
            again=lambda: self.action_search_next(1),
            again_keys=frozenset(self.claimdesk.bound_keys("reader.search")),
        )

    def action_search_next(self, direction: int) -> None:
        """The next (or previous) match of the last query after (before) the cursor."""
        if not self.search_query:
            self.notify("Nothing searched yet (/ searches)", markup=False)
            return
        view = self.view
        start = view.cursor + 1 if direction > 0 else view.cursor
        if not self._show_match(self.search_query, start, direction):
            self.notify(f"Not found: {self.search_query}", markup=False)

    def _show_match(self, query: str, start: int, direction: int) -> bool:
        found = find_match(self._folded_text(), query, start, direction, text=self.view.text)
        if found is None:
            return False
        # Cursor on the match's first character, the whole match selected for a label key.
        self.view.select_range(found[1], found[0])
        return True

    @on(SearchBox.Changed, "#search-box")
    def _search_typed(self, event: SearchBox.Changed) -> None:
        event.stop()
        if self.search_box.is_open:
            self._search_from_origin(event.value)

    def _search_from_origin(self, query: str) -> None:
        cursor, mark = self._search_origin
        found = bool(query) and self._show_match(query, cursor, 1)
        self.search_box.set_class(bool(query) and not found, "-no-match")
        if query:
            self.search_query = query
        if not found:
            self._return_to(cursor, mark)

    def _return_to(self, cursor: int, mark: int | None) -> None:
        if mark is None:
            self.view.set_cursor(cursor)
        else:
            self.view.select_range(mark, cursor)

    def _search_closed(self, keep: bool) -> None:
        box = self.search_box
        if keep:
            # The box's text now, not the last Changed handled: those may still be queued.
            self._search_from_origin(box.value)
        else:
            self._return_to(*self._search_origin)
        box.close()
        self.set_focus(self.view)
