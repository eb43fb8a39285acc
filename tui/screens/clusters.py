"""Clusters: facts made of accepted links, each outlet's version stacked for comparison.

The list on top holds every cluster (largest first, disagreeing ones flagged);
below, the selected cluster's claims one per outlet, with the numbers or months
they disagree on (:meth:`Session.cluster_disagreements`) shown reversed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from store.linking.clusters import Cluster, Disagreement
from tui.bindings import bindings_for
from tui.screens.merge_confirm import key_hint
from tui.widgets.link_text import disagreement_lines, highlighted_quote, one_line

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

# enter is bound here too (the table handles it first) so the footer names it.
CLUSTER_ACTIONS = frozenset({"links.clusters", "links.choose"})


class ClustersScreen(Screen[None]):
    """Every cluster; the clusters key again goes back."""

    # Saved with the session, so a restart reopens this screen (tui.session_state).
    session_screen = "clusters"

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "links", where=lambda spec: spec.id in CLUSTER_ACTIONS
    )

    def __init__(self) -> None:
        super().__init__()
        self.clusters: list[Cluster] = []
        self.disagreements: list[list[Disagreement]] = []

    @property
    def claimdesk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="clusters-counts")
        table: DataTable[Text] = DataTable(id="clusters-table", cursor_type="row")
        yield table
        with VerticalScroll(id="cluster-detail"):
            yield Static(id="cluster-claims")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#clusters-table", DataTable).focus()

    def reload(self) -> None:
        """Re-read the clusters (after undo or another annotator's commit)."""
        session = self.claimdesk.session
        found = self.claimdesk.attempt(session.clusters)
        self.clusters = found or []
        self.disagreements = [session.cluster_disagreements(c) for c in self.clusters]
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
            outlets = {c.outlet or c.source_name for c in cluster.claims}
            documents = {c.doc_id for c in cluster.claims}
            flags = "/".join("num" if d.kind == "number" else "month" for d in differ)
            table.add_row(
                Text(str(len(cluster.claims))),
                Text(str(len(documents))),
                Text(str(len(outlets))),
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
        hint = key_hint(self, {"links.clusters": "back"})
        if self.clusters:
            counts.append(" · enter opens the claim", style="dim")
        if hint:
            counts.append(f" · {hint}", style="dim")
        self.query_one("#clusters-counts", Static).update(counts)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#clusters-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.query_one("#clusters-table", DataTable).cursor_row
        detail = self.query_one("#cluster-claims", Static)
        if not 0 <= row < len(self.clusters):
            detail.update("")
            return
        cluster, differ = self.clusters[row], self.disagreements[row]
        shown = Text()
        for line in disagreement_lines(differ):
            shown.append_text(line)
            shown.append("\n")
        if differ:
            shown.append("\n")
        for number, claim in enumerate(cluster.claims):
            if number:
                shown.append("\n")
            heading = one_line(claim.outlet or claim.source_name, 30)
            heading.stylize("bold")
            shown.append_text(heading)
            shown.append(" · ")
            shown.append_text(one_line(claim.source_name, 40))
            shown.append("\n")
            shown.append_text(highlighted_quote(claim, differ))
            shown.append("\n")
        detail.update(shown)

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
