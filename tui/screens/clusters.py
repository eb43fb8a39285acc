"""Clusters: facts made of accepted links, each document's version for comparison.

The list on top holds every cluster (largest first, disagreeing ones flagged)
with its claims, documents and outlets counted; below, the selected cluster's
versions, one per document: side by side in columns where the screen is wide
enough (:data:`SIDE_BY_SIDE_MIN_WIDTH`), stacked otherwise, with the numbers or
months they disagree on (:meth:`Session.cluster_disagreements`) shown reversed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from store.errors import ClaimdeskError
from store.linking.clusters import Claim, Cluster, Disagreement
from tui.actions import specs_for
from tui.bindings import binding_of
from tui.failures import report_failed_worker
from tui.screens.merge_confirm import key_hint
from tui.screens.on_top import Page
from tui.sessions import reader_session
from tui.widgets.key_footer import CLUSTERS_HINTS, PriorityFooter
from tui.widgets.link_text import disagreement_lines, highlighted_quote, one_line

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

# Versions side by side from this width; below it (80 columns over SSH) they stack.
SIDE_BY_SIDE_MIN_WIDTH = 120
# A version column narrower than this wraps a claim into a ribbon: stack instead.
MIN_COLUMN_WIDTH = 30
# What the footer calls this screen's keys (the registry's words fit the reader).
FOOTER_WORDS = {"links.choose": "Open claim", "links.clusters": "Back"}


def _bindings() -> list[Binding]:
    """The screen's keys from the registry (so keymaps reach them), shown in the footer."""
    found = []
    for spec in specs_for("links"):
        if spec.id in FOOTER_WORDS:
            binding = binding_of(spec)
            found.append(
                Binding(
                    binding.key,
                    binding.action,
                    FOOTER_WORDS[spec.id],
                    show=True,
                    # Over the table's own enter (hidden), so the footer names it.
                    priority=spec.id == "links.choose",
                    id=binding.id,
                )
            )
    return found


def count_outlets(claims: Sequence[Claim]) -> int:
    """Distinct outlets of the claims' documents; a document without one counts alone
    (its outlet is unknown, so it may be any)."""
    return len({("outlet", c.outlet) if c.outlet else ("doc", c.doc_id) for c in claims})


def count_documents(claims: Sequence[Claim]) -> int:
    return len({c.doc_id for c in claims})


def by_document(claims: Sequence[Claim]) -> list[list[Claim]]:
    """The claims grouped per document, in the cluster's order."""
    groups: dict[int, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.doc_id, []).append(claim)
    return list(groups.values())


class ClustersScreen(Page[None]):
    """Every cluster; the clusters key again goes back.

    Clusters and their disagreements are worked out in a worker thread: with thousands
    of accepted links that takes seconds (union of every accepted link, then the
    numbers and months of every claim), and the screen shows at once meanwhile.
    """

    class ClustersRead(Message):
        def __init__(
            self, generation: int, clusters: list[Cluster], disagreements: list[list[Disagreement]]
        ) -> None:
            super().__init__()
            self.generation = generation
            self.clusters = clusters
            self.disagreements = disagreements

    # Saved with the session, so a restart reopens this screen (tui.session_state).
    session_screen = "clusters"

    BINDINGS: ClassVar[list[Binding]] = _bindings()  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.clusters: list[Cluster] = []
        self.disagreements: list[list[Disagreement]] = []
        self.reading = False
        self._generation = 0
        # Document titles for the version headings, read once per document.
        self._titles: dict[int, str] = {}

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="clusters-counts")
        table: DataTable[Text] = DataTable(id="clusters-table", cursor_type="row")
        yield table
        with VerticalScroll(id="cluster-detail"):
            yield Static(id="cluster-claims")
        yield PriorityFooter(CLUSTERS_HINTS)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#clusters-table", DataTable).focus()

    def on_resize(self, event: Resize) -> None:
        self._show_detail()

    def reload(self) -> None:
        """Re-read the clusters (after undo or another annotator's commit)."""
        self._generation += 1
        self.reading = True
        if not self.clusters:
            self.query_one("#clusters-counts", Static).update(
                Text.assemble(("Clusters", "bold"), " · reading the accepted links…")
            )
        self._read(self.claimdesk.db_path, self.claimdesk.annotator, self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clusters")
    def _read(self, db_path: Path, annotator: str, generation: int) -> None:
        with reader_session(db_path, annotator) as session:
            found = session.clusters()
            differ = [session.cluster_disagreements(c) for c in found]
        self.post_message(self.ClustersRead(generation, found, differ))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.reading = False
            self.query_one("#clusters-counts", Static).update(
                Text.assemble(("Clusters", "bold"), " · could not read the accepted links")
            )
        report_failed_worker(self, event, "Could not read the clusters")

    def on_clusters_screen_clusters_read(self, message: ClustersRead) -> None:
        if message.generation != self._generation:
            return
        self.reading = False
        self.clusters = message.clusters
        self.disagreements = message.disagreements
        self._titles.clear()
        table = self.query_one("#clusters-table", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        width = max(80, self.size.width or 80)
        table.add_column("claims", width=6)
        table.add_column("docs", width=4)
        table.add_column("outlets", width=7)
        table.add_column("differ", width=9)
        quote_width = max(20, width - 6 - 5 - 7 - 9 - 10)
        table.add_column("first claim", width=quote_width)
        for cluster, differ in zip(self.clusters, self.disagreements, strict=True):
            flags = "/".join("num" if d.kind == "number" else "month" for d in differ)
            table.add_row(
                Text(str(len(cluster.claims))),
                Text(str(count_documents(cluster.claims))),
                Text(str(count_outlets(cluster.claims))),
                Text(flags, style="bold reverse") if flags else Text(""),
                one_line(cluster.claims[0].quote, quote_width),
            )
        if self.clusters:
            table.move_cursor(row=min(max(0, keep), len(self.clusters) - 1))
        counts = Text("Clusters", style="bold")
        flagged = sum(1 for d in self.disagreements if d)
        facts = "fact" if len(self.clusters) == 1 else "facts"
        counts.append(f" · {len(self.clusters)} {facts} · {flagged} with disagreements")
        if not self.clusters:
            counts.append(" · accept links to build facts")
        hint = key_hint(self, {"links.choose": "opens the claim", "links.clusters": "back"})
        if hint and self.clusters:
            counts.append(f" · {hint}", style="dim")
        self.query_one("#clusters-counts", Static).update(counts)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#clusters-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @property
    def side_by_side(self) -> bool:
        """Whether the selected cluster's versions fit in columns at this width."""
        row = self.query_one("#clusters-table", DataTable).cursor_row
        if not 0 <= row < len(self.clusters):
            return False
        width = self.size.width
        columns = count_documents(self.clusters[row].claims)
        return width >= SIDE_BY_SIDE_MIN_WIDTH and columns * MIN_COLUMN_WIDTH <= width - 2

    def _show_detail(self) -> None:
        if not self.is_mounted:
            return
        row = self.query_one("#clusters-table", DataTable).cursor_row
        detail = self.query_one("#cluster-claims", Static)
        if not 0 <= row < len(self.clusters):
            detail.update("")
            return
        cluster, differ = self.clusters[row], self.disagreements[row]
        lines = Text()
        for line in disagreement_lines(differ):
            lines.append_text(line)
            lines.append("\n")
        groups = by_document(cluster.claims)
        if self.side_by_side:
            shown: RenderableType = Group(lines, self._columns(groups, differ))
        else:
            shown = self._stacked(lines, groups, differ)
        detail.update(shown)

    def _title(self, doc_id: int, fallback: str) -> str:
        """The document's title, else its first line, else its source name."""
        if doc_id not in self._titles:
            try:
                document = self.claimdesk.session.document(doc_id)
            except ClaimdeskError:
                self._titles[doc_id] = fallback
            else:
                first = next((s for s in document.text.splitlines() if s.strip()), "")
                self._titles[doc_id] = document.title or first.strip() or fallback
        return self._titles[doc_id]

    def _heading(self, claim: Claim, width: int) -> Text:
        """``Outlet · title (source name)`` on one line of at most ``width`` cells."""
        heading = one_line(claim.outlet or "outlet unknown", max(10, width // 3))
        heading.stylize("bold")
        heading.append(" · ")
        title = one_line(self._title(claim.doc_id, claim.source_name), width)
        heading.append_text(title)
        if title.plain != claim.source_name:
            heading.append(" (", style="dim")
            heading.append_text(one_line(claim.source_name, 40))
            heading.append(")", style="dim")
        heading.truncate(max(1, width), overflow="ellipsis")
        return heading

    def _stacked(self, lines: Text, groups: list[list[Claim]], differ: list[Disagreement]) -> Text:
        shown = lines
        width = max(20, self.size.width - 4)
        for number, claims in enumerate(groups):
            if number or differ:
                shown.append("\n")
            shown.append_text(self._heading(claims[0], width))
            for claim in claims:
                shown.append("\n")
                shown.append_text(highlighted_quote(claim, differ))
            shown.append("\n")
        return shown

    def _columns(self, groups: list[list[Claim]], differ: list[Disagreement]) -> Table:
        table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False)
        width = max(MIN_COLUMN_WIDTH, (self.size.width - 4) // max(1, len(groups)))
        for claims in groups:
            first = claims[0]
            header = one_line(first.outlet or "outlet unknown", width - 2)
            header.stylize("bold")
            header.append("\n")
            header.append_text(one_line(self._title(first.doc_id, first.source_name), width - 2))
            header.append("\n")
            header.append_text(one_line(first.source_name, width - 2))
            header.stylize("dim", len(header.plain) - len(header.plain.split("\n")[-1]))
            table.add_column(header, ratio=1, overflow="fold")
        versions = []
        for claims in groups:
            cell = Text()
            for number, claim in enumerate(claims):
                if number:
                    cell.append("\n\n")
                cell.append_text(highlighted_quote(claim, differ))
            versions.append(cell)
        table.add_row(*versions)
        return table

    @on(DataTable.RowSelected, "#clusters-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.open_claim()

    def open_claim(self) -> None:
        """Open the highlighted fact's documents in a reader, its first claim selected."""
        row = self.query_one("#clusters-table", DataTable).cursor_row
        if not 0 <= row < len(self.clusters):
            return
        from tui.screens.reader import ReaderScreen

        claims = self.clusters[row].claims
        doc_ids = list(dict.fromkeys(claim.doc_id for claim in claims))
        self.app.push_screen(ReaderScreen(doc_ids, reveal=claims[0].key))

    def action_choose_match(self) -> None:
        self.open_claim()

    def action_clusters(self) -> None:
        self.dismiss()
