"""The match panel: the claim under the reader's cursor and its best matches elsewhere.

Lives at the bottom of the reader while toggled on. It follows the cursor of the
focused article pane; highlighting a match selects it in its own pane (scrolled
into view) and selects the claim in the source pane, so both are marked. Accepting
runs the merge check first (:mod:`tui.screens.merge_confirm`).

Suggestions are scored live by :meth:`Session.link_suggestions`; stored suggestions
(which carry a link id the merge check and the review queue use) are computed once
for the open documents in a worker thread with its own ``Session``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from store.errors import ClaimdeskError
from store.linking.decisions import DecidedMeanwhile, Suggestion, get_link, review_queue
from store.linking.suggest import link_documents
from store.model import Document, Link
from tui.bindings import bindings_for
from tui.failures import error_line, log_failure
from tui.safe_text import safe_text
from tui.screens.merge_confirm import accept_checked
from tui.sessions import reader_session
from tui.widgets.article_view import ArticleView
from tui.widgets.link_text import one_line, pair_merge_check

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp
    from tui.screens.reader import ReaderScreen

PANEL_ACTIONS = frozenset({"links.accept", "links.reject", "links.choose"})
FOLLOW_DELAY = 0.15
MATCHES_PER_DOCUMENT = 3
STATUS_SHOWN = {"accepted": "✓ yes", "rejected": "✗ no", "suggested": ""}
# Document sets whose suggestions this process has stored (keyed by database).
_LINKED: set[tuple[str, frozenset[int]]] = set()

Claim = tuple[int, int, int]


def document_name(document: Document) -> str:
    """A document's title, else its first line (sources without a title), else its name."""
    if document.title:
        return document.title
    first = next((line.strip() for line in document.text.splitlines() if line.strip()), "")
    return first or document.source_name


def toggle_match_panel(reader: ReaderScreen) -> None:
    """Show the panel for the claim under the cursor, or hide it (focus back to the text)."""
    existing = list(reader.query(MatchPanel))
    if existing:
        for panel in existing:
            panel.remove()
        reader.view.focus()
        return
    reader.mount(MatchPanel(reader), before=reader.query_one(Footer))


class MatchPanel(Vertical):
    """The matches of one claim in the reader's other documents."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "links", where=lambda spec: spec.id in PANEL_ACTIONS
    ) + bindings_for("panel")

    def __init__(self, reader: ReaderScreen) -> None:
        super().__init__(id="match-panel")
        self.reader = reader
        self.source: Claim | None = None
        self.source_label: str | None = None
        self.suggestions: list[Suggestion] = []
        self.computing = False
        # Why the last lookup failed (one safe line), shown in the title until one works.
        self.failure: str | None = None
        self._follow_timer: Timer | None = None
        # (link id, wanted status) of a key that would overturn another annotator's
        # decision: the same key again on the same row does it.
        self._overturn: tuple[str, str] | None = None

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="match-title")
        table: DataTable[Text] = DataTable(id="match-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="match-full")

    def on_mount(self) -> None:
        try:
            self.source, self.source_label = self._claim_at_cursor()
            if self._needs_computing():
                self._start_computing()
            else:
                self.reload()
        except Exception as error:  # any failure is shown, never fatal
            self._failed(error)
        self.table.focus()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#match-table", DataTable)

    # Which claim, which documents --------------------------------------------------
    def _claim_at_cursor(self) -> tuple[Claim | None, str | None]:
        """The span under the cursor, else the selection, else the sentence."""
        selection = self.reader.view.selection
        if selection is not None:
            claim = (self.reader.pane.document.id, *selection)
            # Showing a match selects the claim itself (cursor at its end): same claim.
            if claim == self.source:
                return self.source, self.source_label
        span = self.reader.span_under_cursor()
        if span is not None:
            return (span.doc_id, span.start, span.end), span.label
        if selection is not None:
            return (self.reader.pane.document.id, *selection), None
        return self.reader.sentence_under_cursor(), None

    def other_doc_ids(self) -> list[int]:
        own = None if self.source is None else self.source[0]
        return [pane.document.id for pane in self.reader.panes if pane.document.id != own]

    def _open_key(self) -> tuple[str, frozenset[int]]:
        return (str(self.claimdesk.db_path), frozenset(p.document.id for p in self.reader.panes))

    def _needs_computing(self) -> bool:
        if len(self.reader.panes) < 2 or self._open_key() in _LINKED:
            return False
        session = self.claimdesk.session
        open_ids = [pane.document.id for pane in self.reader.panes]
        return not review_queue(session.db, limit=1, doc_ids=open_ids)

    # Computing stored suggestions -----------------------------------------------------
    def _start_computing(self) -> None:
        self.computing = True
        self._show_title()
        self._compute(self.claimdesk.db_path, self.claimdesk.annotator, sorted(self._open_key()[1]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="match-panel")
    def _compute(self, db_path: Path, annotator: str, doc_ids: list[int]) -> None:
        # SQLite connections belong to one thread: the worker opens its own session.
        try:
            with reader_session(db_path, annotator) as session:
                link_documents(session.db, doc_ids=doc_ids)
        except ClaimdeskError as error:
            self.app.call_from_thread(self._computed, str(error))
            return
        self.app.call_from_thread(self._computed, None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A computation that failed other than with a store error (caught in the worker)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._failed(event.worker.error)

    def _failed(self, error: BaseException) -> None:
        """Show why no matches can be listed; the panel stays, and so do its keys."""
        log_failure(self, "Could not find matches", error)
        self.computing = False
        self.failure = error_line(error)
        self.suggestions = []
        self._fill(0)
        self._show_title()

    def _computed(self, error: str | None) -> None:
        self.computing = False
        if error is not None:
            self.notify(f"Suggestions not stored: {error}", severity="error", markup=False)
        else:
            _LINKED.add(self._open_key())
        if self.is_attached:
            self.reload()

    # Showing matches -------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the matches of the current claim (after a decision, undo or a move)."""
        if not self.query("#match-table"):
            # Not composed yet, or being removed after the panel was closed: a store poll
            # reached it in that window under load and the app stopped on NoMatches. A new
            # panel reads its matches on mount.
            return
        keep = self.table.cursor_row
        self.suggestions = []
        self.failure = None
        if not self.claimdesk.linking_ready:
            # The start-up worker is still loading the linker: say so, keys stay live,
            # and the app reloads this panel when it is ready.
            self._show_title()
            return
        others = self.other_doc_ids()
        if self.source is not None and others:
            session = self.claimdesk.session
            try:
                found = session.link_suggestions(*self.source, others, MATCHES_PER_DOCUMENT)
            except Exception as error:  # a store error or the linker's own
                self._failed(error)
                return
            self.suggestions = found
        self._fill(keep)
        self._show_title()

    def _fill(self, keep: int) -> None:
        table = self.table
        table.clear(columns=True)
        names = {pane.document.id: pane.document for pane in self.reader.panes}
        width = max(80, self.size.width or 80)
        outlet_width = 10 if width < 120 else 18
        doc_width = 14 if width < 120 else 28
        text_width = max(20, width - 6 - (outlet_width + 1) - (doc_width + 1) - 7 - 8)
        table.add_column("score", width=5)
        table.add_column("outlet", width=outlet_width)
        table.add_column("document", width=doc_width)
        table.add_column("status", width=6)
        table.add_column("sentence", width=text_width)
        for suggestion in self.suggestions:
            document = names.get(suggestion.doc_id)
            outlet = suggestion.outlet or (document.source_name if document else "")
            table.add_row(
                Text(f"{suggestion.score:.2f}"),
                one_line(outlet, outlet_width),
                one_line(document_name(document) if document else "", doc_width),
                Text(STATUS_SHOWN.get(suggestion.status or "suggested", "")),
                one_line(suggestion.quote, text_width),
            )
        if self.suggestions:
            table.move_cursor(row=min(max(0, keep), len(self.suggestions) - 1))
        self._show_full()

    def _show_full(self) -> None:
        """The highlighted match in full, wrapped (the table cuts it at the column width)."""
        suggestion = self.current
        shown = safe_text(" ".join(suggestion.quote.split())) if suggestion else Text("")
        self.query_one("#match-full", Static).update(shown)

    def _show_title(self) -> None:
        title = Text("Matches", style="bold")
        if self.failure is not None:
            title.append(" · ")
            title.append(f"Could not find matches: {self.failure}", style="bold red")
        elif not self.claimdesk.linking_ready:
            title.append(" · loading the matcher…", style="italic")
        elif self.computing:
            title.append(" · computing suggestions for the open documents…", style="italic")
        elif self.source is None:
            title.append(" · put the cursor in a sentence or span")
        elif not self.other_doc_ids():
            title.append(" · open another document beside this one to see matches")
        else:
            doc = next(p.document for p in self.reader.panes if p.document.id == self.source[0])
            title.append(" for ")
            title.append_text(one_line(doc.outlet or doc.source_name, 20))
            if self.source_label:
                title.append(" · span ")
                title.append_text(one_line(self.source_label, 20))
            title.append(f" · {len(self.suggestions)} found · ")
            title.append_text(one_line(self.reader_quote(), 200))
        title.truncate(max(20, (self.size.width or 80) - 2), overflow="ellipsis")
        self.query_one("#match-title", Static).update(title)

    def reader_quote(self) -> str:
        if self.source is None:
            return ""
        for pane in self.reader.panes:
            if pane.document.id == self.source[0]:
                return pane.document.text[self.source[1] : self.source[2]]
        return ""

    def on_resize(self) -> None:
        # Column widths follow the panel's width (set when the rows were filled).
        if self.suggestions:
            self._fill(self.table.cursor_row)
        self._show_title()

    @property
    def current(self) -> Suggestion | None:
        row = self.table.cursor_row
        if 0 <= row < len(self.suggestions):
            return self.suggestions[row]
        return None

    # Moving in the list (vim j/k, emacs ctrl+n/p: keys the table itself does not know) ----
    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_close_panel(self) -> None:
        """Escape leaves the list the way ``m`` does: panel gone, focus back in the text."""
        self.reader.action_matches()

    # Following the cursor --------------------------------------------------------------
    def cursor_moved(self, view: ArticleView) -> None:
        """The reader saw a cursor move; follow it only when the annotator moved it."""
        if not view.has_focus or self.computing:
            return
        if self._follow_timer is not None:
            self._follow_timer.stop()
        self._follow_timer = self.set_timer(FOLLOW_DELAY, self._follow)

    def _follow(self) -> None:
        claim, label = self._claim_at_cursor()
        if claim != self.source:
            self.source, self.source_label = claim, label
            self.reload()

    # Choosing and deciding -------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#match-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_full()
        self.show_current()

    @on(DataTable.RowSelected, "#match-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_choose_match()

    def show_current(self) -> bool:
        """Mark the claim and the highlighted match in their panes, both scrolled into view."""
        suggestion = self.current
        if suggestion is None or self.source is None:
            return False
        self.reader.reveal(*self.source)
        return self.reader.reveal(suggestion.doc_id, suggestion.start, suggestion.end)

    def action_choose_match(self) -> None:
        if not self.show_current():
            self.notify("No match to show", markup=False)
            return
        suggestion = self.current
        if self.reader.narrow and suggestion is not None and self.source is not None:
            # One pane shows at a time: choosing again flips between claim and match.
            showing = self.reader.pane.document.id
            self._show_pane_of(
                self.source[0] if showing == suggestion.doc_id else suggestion.doc_id
            )

    def _show_pane_of(self, doc_id: int) -> None:
        """Make ``doc_id``'s pane the visible one without taking focus from the list."""
        for number, pane in enumerate(self.reader.panes):
            if pane.document.id == doc_id:
                self.reader.show_pane(number)

    def _partner(self) -> tuple[Suggestion, Claim] | None:
        suggestion = self.current
        if suggestion is None or self.source is None:
            self.notify("No match chosen", markup=False)
            return None
        return suggestion, (suggestion.doc_id, suggestion.start, suggestion.end)

    def _held_back(self, suggestion: Suggestion, wanted: str, verb: str) -> bool:
        """Whether the key waits for a second press: it would overturn another annotator's
        decision. One key replaced dave's rejection with carol's acceptance, his name gone
        from the link, and said no more than "Link accepted"."""
        link_id = suggestion.link_id
        if link_id is None or suggestion.status in (None, "suggested"):
            return False
        session = self.claimdesk.session
        link = self.claimdesk.attempt(lambda: get_link(session.db, link_id))
        if link is None or link.annotator in (None, session.annotator):
            return False
        if link.status == wanted:
            # The same decision again would only put this annotator's name on theirs.
            self.notify(f"{link.annotator} already {link.status} this link", markup=False)
            return True
        if self._overturn == (link_id, wanted):
            self._overturn = None
            return False
        self._overturn = (link_id, wanted)
        self.notify(
            f"{link.annotator} {link.status} this link: the same key again {verb} it over"
            " their decision",
            markup=False,
        )
        return True

    def action_accept_link(self) -> None:
        chosen = self._partner()
        if chosen is None or self.source is None:
            return
        suggestion, partner = chosen
        if self._held_back(suggestion, "accepted", "accepts"):
            return
        session, source, label = self.claimdesk.session, self.source, self.source_label
        link_id = suggestion.link_id
        # What the row shows: accepting over it on purpose stays possible, over a decision
        # someone made since the row was drawn does not.
        shown = suggestion.status or "suggested"

        def accept() -> Link:
            if link_id is not None:
                return session.accept_link(link_id, create_span_label=label, expected=shown)
            return session.link_spans(source, partner, create_span_label=label, expected=shown)

        check = self.claimdesk.attempt(
            lambda: (
                session.merge_conflicts(link_id)
                if link_id is not None
                else pair_merge_check(session, source, partner)
            )
        )
        if check is None:
            return
        accept_checked(self.claimdesk, check, self._unless_decided(accept), self._decided)

    def action_reject_link(self) -> None:
        chosen = self._partner()
        if chosen is None or self.source is None:
            return
        suggestion, partner = chosen
        if self._held_back(suggestion, "rejected", "rejects"):
            return
        session, source = self.claimdesk.session, self.source
        link_id = suggestion.link_id
        shown = suggestion.status or "suggested"
        self._decided(
            self.claimdesk.attempt(
                self._unless_decided(
                    lambda: (
                        session.reject_link(link_id, expected=shown)
                        if link_id is not None
                        else session.link_spans(source, partner, status="rejected", expected=shown)
                    )
                )
            )
        )

    def _unless_decided(self, decide: Callable[[], Link]) -> Callable[[], Link | None]:
        """``decide``, or None (with who decided instead, and the matches re-read) when
        the match was decided by someone since it was listed."""

        def run() -> Link | None:
            try:
                return decide()
            except DecidedMeanwhile as error:
                self.notify(str(error), markup=False)
                self.reload()
                return None

        return run

    def _decided(self, link: Link | None) -> None:
        if link is None:
            return
        for doc_id in (link.a_doc, link.b_doc):
            self.reader.refresh_document(doc_id)
        self.reload()
        self.notify(f"Link {link.status}", markup=False)
