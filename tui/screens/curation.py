"""Curation: go through one document's disagreements and settle each into the gold annotator.

The list shows each region where annotators differ (a header row, with the text),
then one row per annotator's version. Enter takes the highlighted version, ``x``
rejects the region (gold keeps nothing there), ``e`` edits a version as
``START-END LABEL`` entries, ``a`` copies every span all annotators agree on, ``f``
marks the document curated. All writing goes through :mod:`store.curation`: spans of
the gold annotator, so ``claimdesk export --annotator gold`` exports the result, in
actions of the curator, so ctrl+z takes the last one back.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store import curation
from store.curation import DEFAULT_GOLD, Disagreement, SpanTriple
from store.errors import ClaimdeskError
from store.formats.metadata import clean_name
from store.model import Document
from tui.bindings import bindings_for
from tui.config import load_config
from tui.safe_text import safe_text, visible
from tui.screens.on_top import Dialog, Page
from tui.widgets.key_footer import CURATION_HINTS, DialogFooter, PriorityFooter
from tui.widgets.message_line import MessageLine
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

CONTEXT_CHARS = 40
_ENTRY = re.compile(r"^\s*(\d+)\s*[-–:]\s*(\d+)\s+(\S+)\s*$")


def configured_gold_name() -> str:
    """``gold_name`` from the config file, else ``gold``, in the form spans store names
    in; a broken config falls back too (the keymap loader has already reported it).

    Raw, "Curated  Set" wrote gold spans as "Curated Set" and looked them up under the
    two spaces: each enter added another gold span, and finishing was always refused."""
    try:
        return clean_name(load_config().gold_name or DEFAULT_GOLD)
    except ClaimdeskError:
        return DEFAULT_GOLD


def usable_gold_name(app: ClaimdeskApp) -> str | None:
    """The configured gold name, or None, said why, when curating into it would overwrite
    an annotator's own spans (store.curation.check_gold)."""
    gold = configured_gold_name()
    session = app.session
    return app.attempt(lambda: curation.check_gold(session.db, gold, curator=session.annotator))


def parse_spans(text: str, labels: set[str], length: int) -> list[SpanTriple]:
    """``"6-14 SOURCE, 63-77 CLAIM"`` as span triples; ClaimdeskError names the bad entry."""
    spans: list[SpanTriple] = []
    for entry in re.split(r"[,;]", text):
        if not entry.strip():
            continue
        match = _ENTRY.match(entry)
        shown = entry.strip() if len(entry.strip()) <= 60 else entry.strip()[:59] + "…"
        if match is None:
            raise ClaimdeskError(f"{shown!r}: write START-END LABEL, e.g. 6-14 CLAIM")
        outside = ClaimdeskError(f"{shown!r}: offsets outside the document (0-{length})")
        try:
            start, end = int(match[1]), int(match[2])
        except ValueError:
            # More digits than Python converts (4,300): far past any document. Uncaught,
            # the ValueError of a pasted run of digits ended the app with a traceback.
            raise outside from None
        label = match[3].upper()
        if label not in labels:
            raise ClaimdeskError(f"{shown!r}: unknown label {label}")
        if start >= end:
            raise ClaimdeskError(f"{shown!r}: the start must come before the end")
        if not 0 <= start < end <= length:
            raise outside
        spans.append((start, end, label))
    return spans


def format_spans(spans: list[SpanTriple]) -> str:
    return ", ".join(f"{s}-{e} {label}" for s, e, label in spans)


def region_text(document: Document, item: Disagreement) -> Text:
    """The region with some context either side, the region itself bold, shown literally."""
    text = document.text
    before = text[max(0, item.start - CONTEXT_CHARS) : item.start]
    after = text[item.end : item.end + CONTEXT_CHARS]
    line = Text("…")
    line.append(visible(before.replace("\n", " ")), style="dim")
    line.append(visible(text[item.start : item.end].replace("\n", " ")), style="bold")
    line.append(visible(after.replace("\n", " ")), style="dim")
    line.append("…")
    return line


def version_text(document: Document, annotator: str, spans: list[SpanTriple]) -> Text:
    line = Text(f"  {visible(annotator)}: ", style="bold")
    if not spans:
        line.append("(nothing marked)", style="italic dim")
    for number, (start, end, label) in enumerate(spans):
        if number:
            line.append(" · ")
        line.append(f"{label} {start}-{end} ")
        line.append_text(safe_text("«" + document.text[start:end].replace("\n", " ") + "»"))
    return line


class SpanEditor(Dialog[list[SpanTriple] | None]):
    """Type the gold spans for one region as ``START-END LABEL`` entries."""

    # The picker's enter too, for the footer's "⏎ Save" (the box takes enter itself).
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        *bindings_for("curation", where=lambda spec: spec.id == "curation.close"),
        *bindings_for("picker", where=lambda spec: spec.action == "choose"),
    ]

    def __init__(self, document: Document, item: Disagreement, start_with: str, labels: set[str]):
        super().__init__()
        self.document = document
        self.item = item
        self.start_with = start_with
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text("Gold spans: START-END LABEL, separated by commas", style="bold"))
            yield Static(region_text(self.document, self.item))
            yield Static(Text(f"region {self.item.start}-{self.item.end}", style="dim"))
            yield TextField(value=self.start_with, id="curation-edit")
        yield DialogFooter(choose="Save")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._save(event.value)

    def action_choose(self) -> None:
        self._save(self.query_one(Input).value)

    def _save(self, typed: str) -> None:
        try:
            spans = parse_spans(typed, self.labels, len(self.document.text))
        except ClaimdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.dismiss(spans)

    def action_close(self) -> None:
        self.dismiss(None)


# Keys the curation registry binds on the screen (curation.choose, cursor_up, cursor_down).
_SCREENS_KEYS = ("enter", "up", "down")


class CurationList(OptionList, inherit_bindings=False):
    """The disagreements' rows: OptionList's keys but those of the screen's registry
    actions (OptionList's own ``enter`` hid "Take this version" from the footer and
    the key list, and stayed bound when a keymap moved it elsewhere)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        binding
        for binding in OptionList.BINDINGS
        if not (isinstance(binding, Binding) and binding.key in _SCREENS_KEYS)
    ]


class CurationScreen(Page[None]):
    """One document's disagreements; the choices are written as ``gold``."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for("curation")  # type: ignore[assignment]

    def __init__(self, doc_id: int, *, gold: str | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.gold = gold or configured_gold_name()
        self.items: list[Disagreement] = []
        # The row under the cursor, when a re-read changed what it shows (its region's
        # start, end and annotator; what changed): the next key that decides only says so
        # (:meth:`_changed_under_cursor`), unless the cursor has moved to another row.
        self.changed_row: tuple[tuple[int, int, str], str] | None = None

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        self.document = self.claimdesk.session.document(self.doc_id)
        yield MessageLine(id="curation-header")
        yield CurationList(id="curation-list")
        yield PriorityFooter(CURATION_HINTS)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    # Store -> screen ----------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the disagreements (after a choice, or another session's change)."""
        session = self.claimdesk.session
        options = self.query_one(OptionList)
        keep = options.highlighted
        shown = self._row_shown()
        try:
            self.items = curation.disagreements(session.db, self.doc_id, gold=self.gold)
            finished = curation.is_finished(session.db, self.doc_id, gold=self.gold)
        except ClaimdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        rows: list[Option] = []
        for index, item in enumerate(self.items):
            rows.append(Option(self._header(item), id=f"{index}", disabled=True))
            for annotator in item.versions:
                rows.append(
                    Option(
                        version_text(self.document, annotator, item.version(annotator)),
                        id=f"{index}:{annotator}",
                    )
                )
        options.clear_options()
        options.add_options(rows)
        if rows:
            options.highlighted = min(keep or 1, len(rows) - 1)
            if options.highlighted is not None and rows[options.highlighted].disabled:
                options.action_cursor_down()
        self._keep_row(shown)
        settled = sum(item.resolved for item in self.items)
        header = Text(f"Curating as {visible(self.gold)}: ", style="bold")
        header.append_text(safe_text(self.document.title or self.document.source_name))
        header.append(f"\n{settled}/{len(self.items)} disagreements settled")
        if finished:
            header.append(" · document marked curated")
        if not self.items:
            header.append(
                f" · annotators agree everywhere (a copies their spans to {visible(self.gold)})"
            )
        self.query_one("#curation-header", MessageLine).show_base(header)

    def _header(self, item: Disagreement) -> Text:
        mark = "✓ " if item.resolved else "• "
        line = Text(mark, style="green" if item.resolved else "yellow")
        line.append(f"{item.kind} {item.start}-{item.end}  ", style="bold")
        line.append_text(region_text(self.document, item))
        if item.gold:
            spans = [(s.start, s.end, s.label) for s in item.gold]
            line.append(f"\n  gold now: {format_spans(spans)}", style="green")
        return line

    def _row_shown(self) -> tuple[int, int, str, list[SpanTriple]] | None:
        """The highlighted row as the curator sees it: region, annotator and version."""
        target = self.highlighted()
        if target is None:
            return None
        item, annotator = target
        return item.start, item.end, annotator, item.version(annotator)

    def _keep_row(self, shown: tuple[int, int, str, list[SpanTriple]] | None) -> None:
        """After a re-read, the cursor on the row it was on (its region and annotator), and
        a note when that row's version changed or the row is gone from under the cursor.

        Bob deleted his CLAIM while the curator's cursor was on it: the re-read row said
        "bob: (nothing marked)", and the curator's enter, meant for the CLAIM, wrote that
        gold marks nothing there."""
        if shown is None:
            return
        start, end, annotator, _version = shown
        options = self.query_one(OptionList)
        for index, item in enumerate(self.items):
            if (item.start, item.end) == (start, end) and annotator in item.versions:
                options.highlighted = options.get_option_index(f"{index}:{annotator}")
                break
        now = self._row_shown()
        if now is not None and now != shown:
            # Keyed by the row now under the cursor (its region and annotator), not its
            # option id: a re-read that adds a region before it renumbers the rows.
            told = f"{annotator}'s version of {start}-{end} changed since it was shown"
            self.changed_row = (now[:3], told)

    def _changed_under_cursor(self) -> bool:
        """Whether the key is the first since the row under the cursor changed: it then
        decides nothing and says what changed."""
        changed, self.changed_row = self.changed_row, None
        now = self._row_shown()
        if changed is None or now is None:
            return False
        row, told = changed
        if now[:3] != row:
            return False  # the cursor moved on: this key is for the row it is on now
        self.notify(f"{told}; nothing was taken (look again)", markup=False)
        return True

    def highlighted(self) -> tuple[Disagreement, str] | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id or ""
        index, _, annotator = option_id.partition(":")
        if not annotator:
            return None
        return self.items[int(index)], annotator

    # Actions --------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click on a row selects it (enter is the screen's key): that means choosing it.
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        target = self.highlighted()
        if target is None or self._changed_under_cursor():
            return
        item, annotator = target
        db, curator = self.claimdesk.session.db, self.claimdesk.session.annotator
        done = self.claimdesk.attempt(
            lambda: curation.choose(db, item, annotator, curator=curator, gold=self.gold)
        )
        if done is not None:
            self.notify(f"{visible(self.gold)} takes {annotator}'s version", markup=False)
            self.reload()

    def action_reject(self) -> None:
        target = self.highlighted()
        if target is None or self._changed_under_cursor():
            return
        item, _ = target
        db, curator = self.claimdesk.session.db, self.claimdesk.session.annotator

        def settle() -> bool:
            curation.reject(db, item, curator=curator, gold=self.gold)
            return True

        done = self.claimdesk.attempt(settle)
        if done is not None:
            self.notify("Rejected: gold marks nothing there", markup=False)
            self.reload()

    def action_edit(self) -> None:
        target = self.highlighted()
        if target is None or self._changed_under_cursor():
            return
        item, annotator = target
        labels = {label.name for label in self.claimdesk.session.labels()}
        start_with = format_spans(
            [(s.start, s.end, s.label) for s in item.gold] or item.version(annotator)
        )

        def edited(spans: list[SpanTriple] | None) -> None:
            if spans is None:
                return
            db, curator = self.claimdesk.session.db, self.claimdesk.session.annotator
            done = self.claimdesk.attempt(
                lambda: curation.write_edited(db, item, spans, curator=curator, gold=self.gold)
            )
            if done is not None:
                if not spans:
                    # Nothing typed is the same "nothing to mark" as x: say so.
                    self.notify("Rejected: gold marks nothing there", markup=False)
                self.reload()

        self.app.push_screen(SpanEditor(self.document, item, start_with, labels), edited)

    def action_copy_agreed(self) -> None:
        db, curator = self.claimdesk.session.db, self.claimdesk.session.annotator
        added = self.claimdesk.attempt(
            lambda: curation.copy_agreed(db, self.doc_id, curator=curator, gold=self.gold)
        )
        if added is not None:
            self.notify(f"Copied {added} agreed span(s) to {self.gold}", markup=False)
            self.reload()

    def action_finish(self) -> None:
        open_items = [item for item in self.items if not item.resolved]
        if open_items:
            self.notify(f"{len(open_items)} disagreement(s) not settled yet", markup=False)
            return
        db, curator = self.claimdesk.session.db, self.claimdesk.session.annotator

        def finish() -> bool:
            curation.finish(db, self.doc_id, curator=curator, gold=self.gold)
            return True

        done = self.claimdesk.attempt(finish)
        if done is not None:
            self.notify("Document marked curated", markup=False)
            self.reload()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_close(self) -> None:
        self.app.pop_screen()
