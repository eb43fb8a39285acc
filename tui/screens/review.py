"""The review queue: every undecided suggestion, best first, one key per decision.

Each item shows both claims in context (the sentence before and after, both
documents' outlet, date and title). Accept runs the merge check; skip only moves
on for this visit (nothing is stored); ``app.undo`` reverses the last decision and
brings its suggestion back as the current item.

A decision key pressed while the next items are still being read waits for them
instead of being answered "Nothing left to review". A suggestion someone else decided
since it was shown is not overwritten: the screen says who decided it and moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from store.errors import ClaimdeskError, NotFound
from store.linking.decisions import DecidedMeanwhile, get_link
from store.linking.review import (
    ReviewScope,
    any_links,
    count_review,
    decided_since,
    review_items,
    snapshot,
)
from store.model import Document, Link, Sentence
from tui.bindings import bindings_for
from tui.failures import report_failed_worker
from tui.screens.merge_confirm import accept_checked, key_hint
from tui.screens.on_top import Page
from tui.sessions import reader_session
from tui.widgets.key_footer import REVIEW_HINTS, PriorityFooter
from tui.widgets.link_text import claim_in_context, document_line
from tui.widgets.message_line import MessageLine

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

REVIEW_ACTIONS = frozenset({"links.accept", "links.reject", "links.skip", "links.review"})
# The best items read at once; decisions take the next from them without a query, and
# fewer than REFILL left read more in the background.
BUFFER = 50
REFILL = 10
# Counting stops here; beyond this many the counter says "N+".
COUNT_LIMIT = 10_000


class ReviewScreen(Page[None]):
    """Walks the stored suggestions best first; the review key again goes back.

    The queue is read in a worker thread (its query can take seconds on a large corpus
    whose pairs the scope mostly leaves out): the screen shows at once, says it is
    reading, and every decision takes the next item from the items already read.
    """

    class QueueRead(Message):
        def __init__(
            self,
            generation: int,
            items: list[Link],
            count: int,
            hidden_same_outlet: int,
            never_linked: bool = False,
            position: int = 0,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.items = items
            self.count = count
            # The change log's last id as the read saw it (store.linking.review.snapshot).
            self.position = position
            self.hidden_same_outlet = hidden_same_outlet
            # Nothing was ever suggested or decided in the scope: link has not run.
            self.never_linked = never_linked

    # Saved with the session, so a restart reopens this screen (tui.session_state).
    session_screen = "review"

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "links", where=lambda spec: spec.id in REVIEW_ACTIONS
    ) + bindings_for("review")

    def __init__(
        self, open_doc_ids: list[int] | None = None, current_doc: int | None = None
    ) -> None:
        super().__init__()
        # Scopes: the whole corpus, the reader's open documents, the reader's active one.
        self.scopes: list[tuple[str, list[int] | None]] = [("all docs", None)]
        if open_doc_ids:
            self.scopes.insert(0, ("open docs", list(open_doc_ids)))
        if current_doc is not None:
            self.scopes.append(("this doc", [current_doc]))
        self.scope = 0
        # Pairs from one outlet (datelines, boilerplate) are left out unless asked for.
        self.same_outlet = False
        self.skipped: set[str] = set()
        self.decided: list[str] = []
        self.current: Link | None = None
        # Items on screen that someone else decided meanwhile (by link id): each stays
        # until a key.
        self.decided_meanwhile: dict[str, DecidedMeanwhile] = {}
        self.remaining = 0
        # The last read's count hit its cap: remaining is then a lower bound.
        self.at_least = False
        # Items read and not yet shown, best first; a newer read makes older ones stale.
        self.buffer: list[Link] = []
        self.reading = False
        self._reader: Worker[None] | None = None
        self.hidden_same_outlet = 0
        self.never_linked = False
        self._generation = 0
        # Decided since the current read started: the read may have counted them or not.
        self._decided_since_read: list[str] = []
        # Decision keys pressed while no item was shown and the queue was being read.
        self._waiting: list[Callable[[], None]] = []
        self._running_waiting = False
        self._documents: dict[int, Document] = {}
        self._sentences: dict[int, list[Sentence]] = {}

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield MessageLine(id="review-counter")
        with Vertical(id="review-a", classes="review-side"):
            yield Static(classes="review-doc")
            yield Static(classes="review-context")
        with Vertical(id="review-b", classes="review-side"):
            yield Static(classes="review-doc")
            yield Static(classes="review-context")
        yield PriorityFooter(REVIEW_HINTS)

    def on_mount(self) -> None:
        self.reload()

    # Queue ---------------------------------------------------------------------------
    def scope_now(self) -> ReviewScope:
        return ReviewScope(
            touching=self.scopes[self.scope][1],
            other_outlets=not self.same_outlet,
            skipped=frozenset(self.skipped),
        )

    def _read_queue(self) -> None:
        self._generation += 1
        self._decided_since_read = []
        self.reading = True
        self._reader = self._read(
            self.claimdesk.db_path, self.claimdesk.annotator, self.scope_now(), self._generation
        )

    # Not exclusive: a thread cannot be stopped, so cancelling a superseded read only
    # marked it cancelled, and reads start while the last one posts its items (keys that
    # waited for them run out the buffer). The generation number drops stale items.
    @work(thread=True, exit_on_error=False, group="review-queue")
    def _read(self, db_path: Path, annotator: str, scope: ReviewScope, generation: int) -> None:
        with reader_session(db_path, annotator) as session, snapshot(session.db) as position:
            items = review_items(session.db, scope, BUFFER)
            count = count_review(session.db, scope, COUNT_LIMIT + 1)
            hidden = 0
            if not items and scope.other_outlets:
                # A corpus of one outlet (a newspaper's archive) has no pair across
                # outlets: say what the filter hides instead of "nothing to review".
                everything = replace(scope, other_outlets=False)
                hidden = count_review(session.db, everything, COUNT_LIMIT + 1)
            never_linked = not items and not hidden and not any_links(session.db, scope.touching)
        self.post_message(self.QueueRead(generation, items, count, hidden, never_linked, position))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker is self._reader:
            # Only the latest read: one it superseded may still be running, and fail.
            self.reading = False
            # The failure is reported below; keys waiting for the items have none to act on.
            self._waiting.clear()
            self._show()
        report_failed_worker(self, event, "Could not read the review queue")

    def on_review_screen_queue_read(self, message: QueueRead) -> None:
        if message.generation != self._generation:
            return
        self.reading = False
        self.hidden_same_outlet = message.hidden_same_outlet
        self.never_linked = message.never_linked
        gone = set(self.decided) | self.skipped
        self.buffer = [link for link in message.items if link.id not in gone]
        decided = self._decided_since_read
        session = self.claimdesk.session
        late = self.claimdesk.attempt(lambda: decided_since(session.db, decided, message.position))
        self.remaining = max(0, message.count - (len(decided) if late is None else late))
        self.at_least = message.count > COUNT_LIMIT
        for link in self.buffer:
            # A suggestion again (the other annotator undid it): no longer decided meanwhile.
            self.decided_meanwhile.pop(link.id, None)
        if self.current is not None and self.current.id not in {link.id for link in self.buffer}:
            self.current = self._kept_on_screen(self.current)
        if self.current is None and self.buffer:
            self.current = self.buffer[0]
        # Decided on while reading, what was read may be running out already.
        self._refill_if_low()
        self._show()
        self._run_waiting()

    def _kept_on_screen(self, link: Link) -> Link | None:
        """The item on screen, when a fresh read of the queue no longer holds it.

        Decided by someone else meanwhile, it stays, saying so, and the next key only moves
        on: replaced by the next item at once, that item took the key meant for this one
        (bob's reject landed on a pair he had never read, under his name).
        """
        session = self.claimdesk.session
        try:
            refusal = session.decided_since_shown(link.id)
        except NotFound:
            return None  # gone with its document: nothing left to show or decide
        except ClaimdeskError:
            return link  # not readable now (a locked database): the key will tell
        if refusal is None:
            self.decided_meanwhile.pop(link.id, None)
        else:
            self.decided_meanwhile[link.id] = refusal
        return link

    def action_cycle_scope(self) -> None:
        self.scope = (self.scope + 1) % len(self.scopes)
        self.current = None
        self.reload()

    def action_toggle_same_outlet(self) -> None:
        self.same_outlet = not self.same_outlet
        self.current = None
        self.reload()

    def action_reject_because(self, reason: str) -> None:
        link = self._shown(lambda: self.action_reject_because(reason))
        if link is None:
            return
        session = self.claimdesk.session
        self._after_decision(
            self.claimdesk.attempt(
                self._unless_decided(
                    link, lambda: session.reject_link(link.id, reason, expected="suggested")
                )
            )
        )

    def reload(self) -> None:
        """Re-read the queue (after a decision, undo, or another annotator's commit)."""
        session = self.claimdesk.session
        if self.decided:
            # An undone decision puts its suggestion back: review it again first.
            last = self.decided[-1]
            link = self.claimdesk.attempt(lambda: get_link(session.db, last))
            if link is not None and link.status == "suggested":
                self.decided.pop()
                self.current = link
                self.remaining += 1
        self._read_queue()
        self._show()

    def _document(self, doc_id: int) -> Document:
        if doc_id not in self._documents:
            session = self.claimdesk.session
            self._documents[doc_id] = session.document(doc_id)
            self._sentences[doc_id] = session.sentences(doc_id)
        return self._documents[doc_id]

    def _show(self) -> None:
        counter = Text("Review queue", style="bold")
        if self.reading and self.current is None:
            counter.append(" · reading the queue…")
        else:
            # Counted down from a capped count, "10000+" became "9982 left" while 199,900
            # remained: the figure stays a lower bound, said as one.
            at_least = self.at_least or self.remaining > COUNT_LIMIT
            shown = f"{min(self.remaining, COUNT_LIMIT)}+" if at_least else str(self.remaining)
            counter.append(f" · {shown} left")
        link = self.current
        told = self.decided_meanwhile.get(link.id) if link is not None else None
        if told is not None:
            # Said first: at 80 columns the counter's end is cut.
            counter.append(f" · {told.who} {told.did} this pair: a key moves on", style="bold")
        hidden = self.hidden_same_outlet if link is None and not self.same_outlet else 0
        if hidden and not self.reading:
            # Said first: the counter is one line, and at 80 columns its end is cut.
            shown_hidden = f"{COUNT_LIMIT}+" if hidden > COUNT_LIMIT else str(hidden)
            pairs = "pair" if hidden == 1 else "pairs"
            counter.append(f" · {shown_hidden} {pairs} within one outlet")
            more = key_hint(self, {"review.same_outlet": "shows them"})
            counter.append(f": {more}" if more else " hidden")
        if self.skipped:
            counter.append(f" · {len(self.skipped)} skipped")
        counter.append(f" · {self.scopes[self.scope][0]}")
        if not self.same_outlet:
            counter.append(" · other outlets")
        if link is not None and link.score is not None:
            counter.append(f" · score {link.score:.2f}")
        if link is None and not self.reading and not hidden:
            if self.never_linked:
                counter.append(" · no suggestions here yet: claimdesk link computes them")
            else:
                counter.append(" · nothing left to review")
        hint = key_hint(self, {"app.undo": "undo", "links.review": "back"})
        if hint:
            counter.append(f" · {hint}", style="dim")
        self.query_one("#review-counter", MessageLine).show_base(counter)
        for side in ("a", "b"):
            box = self.query_one(f"#review-{side}")
            heading, context = box.query(Static)
            if link is None:
                heading.update("")
                context.update("")
                continue
            doc_id = link.a_doc if side == "a" else link.b_doc
            start = link.a_start if side == "a" else link.b_start
            end = link.a_end if side == "a" else link.b_end
            document = self._document(doc_id)
            heading.update(document_line(document))
            context.update(claim_in_context(document, self._sentences[doc_id], start, end))

    # Decisions -------------------------------------------------------------------------
    def _shown(self, key: Callable[[], None]) -> Link | None:
        """The item a key acts on; None when there is none yet (the key then waits for
        the queue being read) or none left."""
        refusal = self.decided_meanwhile.get(self.current.id) if self.current else None
        if self.current is not None and refusal is not None:
            # This key was meant for the item someone else decided: it moves on, no more.
            self._decided_elsewhere(self.current, refusal)
            return None
        if self.current is not None:
            return self.current
        if self.reading:
            # A burst of keys outran the items read: the next items are on their way.
            self._waiting.append(key)
            self._show()
        else:
            self.notify("Nothing left to review", markup=False)
        return None

    def _run_waiting(self) -> None:
        """Apply the keys that waited for the items, in the order they were pressed."""
        if self._running_waiting:
            return
        self._running_waiting = True
        try:
            # Not behind a dialog (the merge check): its answer comes first.
            while self._waiting and self.current is not None and self.app.screen is self:
                self._waiting.pop(0)()
        finally:
            self._running_waiting = False
        if self._waiting and self.current is None and not self.reading:
            self._waiting.clear()
            self.notify("Nothing left to review", markup=False)

    def _unless_decided(self, link: Link, decide: Callable[[], Link]) -> Callable[[], Link | None]:
        """``decide``, or None when someone decided ``link`` since it was shown."""

        def run() -> Link | None:
            try:
                return decide()
            except DecidedMeanwhile as error:
                self._decided_elsewhere(link, error)
                return None

        return run

    def _decided_elsewhere(self, link: Link, error: DecidedMeanwhile) -> None:
        """Not this screen's decision: say whose it is and go on to the next item."""
        self.notify(f"{error}; showing the next one", markup=False)
        self.decided_meanwhile.pop(link.id, None)
        self.buffer = [item for item in self.buffer if item.id != link.id]
        if self.current is not None and self.current.id == link.id:
            self.current = self.buffer[0] if self.buffer else None
        self.remaining = max(0, self.remaining - 1)
        # Whatever else changed with it, and the count, come with a fresh read.
        self._read_queue()
        self._show()

    def action_accept_link(self) -> None:
        link = self._shown(self.action_accept_link)
        if link is None:
            return
        session = self.claimdesk.session
        check = self.claimdesk.attempt(lambda: session.merge_conflicts(link.id))
        if check is None:
            return
        accept_checked(
            self.claimdesk,
            check,
            self._unless_decided(link, lambda: session.accept_link(link.id, expected="suggested")),
            self._after_decision,
        )

    def action_reject_link(self) -> None:
        link = self._shown(self.action_reject_link)
        if link is None:
            return
        session = self.claimdesk.session
        self._after_decision(
            self.claimdesk.attempt(
                self._unless_decided(
                    link, lambda: session.reject_link(link.id, expected="suggested")
                )
            )
        )

    def _after_decision(self, link: Link | None) -> None:
        if link is not None:
            self.decided.append(link.id)
            self._decided_since_read.append(link.id)
            self._advance()
        self._run_waiting()

    def _advance(self) -> None:
        """On to the best remaining item, from the items already read; counting down
        instead of re-reading keeps a decision fast on a large corpus."""
        self.remaining = max(0, self.remaining - 1)
        gone = set(self.decided) | self.skipped
        self.buffer = [link for link in self.buffer if link.id not in gone]
        self.current = self.buffer[0] if self.buffer else None
        self._refill_if_low()
        self._show()

    def _refill_if_low(self) -> None:
        if len(self.buffer) < REFILL and not self.reading and self.remaining > len(self.buffer):
            self._read_queue()

    def action_skip_link(self) -> None:
        link = self._shown(self.action_skip_link)
        if link is None:
            return
        self.skipped.add(link.id)
        self._advance()

    def action_review(self) -> None:
        self.dismiss()
