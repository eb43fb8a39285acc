"""The library: every document with its status and spans; filter, mark, open.

The filter box matches title, outlet and file name fuzzily (rapidfuzz); with
text search on (ctrl+f by default) it runs the store's full-text search instead.

Matching 100,000 documents takes longer than a frame, so typing only restarts a
short timer; when typing pauses, a thread worker scores the rows in chunks,
checking between chunks whether a newer query has cancelled it, and posts the
order back. The query is cut to :data:`FUZZY_QUERY_CHARS` characters for scoring:
a pasted page of text would otherwise cost seconds per row chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, get_current_worker

from tui.bindings import bindings_for
from tui.failures import report_failed_worker
from tui.safe_text import safe_text
from tui.sessions import reader_session
from tui.widgets.key_footer import LIBRARY_HINTS, PriorityFooter
from tui.widgets.text_field import TextField

_TABLE_ACTIONS = ("cursor_up", "cursor_down", "page_up", "page_down", "first", "last")
SORT_KEYS: tuple[tuple[str, str], ...] = (
    ("date", "published"),
    ("outlet", "outlet"),
    ("title", "title"),
    ("spans", "spans"),
    ("status", "status"),
    ("story", "story"),
)
STATUS_TEXT = {"todo": "todo", "in_progress": "in progress", "done": "done"}
FUZZY_CUTOFF = 60.0
# Titles and outlets are short; a longer query only makes scoring slower, not better.
FUZZY_QUERY_CHARS = 80
# Rows scored between two checks for cancellation (a few milliseconds of work).
FUZZY_CHUNK_ROWS = 1_000
# Typing faster than this restarts the wait instead of filtering after every key.
FILTER_DEBOUNCE_S = 0.15
# What each worker group was doing, as its failure's notification says.
FAILED_WORK = {
    "library-rows": "Could not read the library",
    "library-search": "Could not search the texts",
    "library-filter": "Could not filter the library",
}
# The narrow layout says it in a word: every cell the other columns keep, the title loses.
STATUS_SHORT = {"todo": "todo", "in_progress": "doing", "done": "done"}
# Column layouts from the richest to the narrowest, as (key, heading, width); width 0 is
# the title, which gets the rest. The richest layout that leaves the title TITLE_ROOM
# cells is used: 160 columns show all of them (title 51), 120 drop the annotators
# (title 41), 80 the language too and shorten the rest (title 24).
Layout = tuple[tuple[str, str, int], ...]
LAYOUTS: tuple[Layout, ...] = (
    (
        ("mark", "", 1),
        ("outlet", "Outlet", 18),
        ("date", "Date", 10),
        ("title", "Title", 0),
        ("lang", "Lang", 4),
        ("spans", "Spans", 5),
        ("status", "Status", 11),
        ("story", "Story", 24),
        ("annotators", "Annotators", 16),
    ),
    (
        ("mark", "", 1),
        ("outlet", "Outlet", 14),
        ("date", "Date", 10),
        ("title", "Title", 0),
        ("lang", "Lang", 4),
        ("spans", "Spans", 5),
        ("status", "Status", 11),
        ("story", "Story", 16),
    ),
    (
        ("mark", "", 1),
        ("outlet", "Outlet", 10),
        ("date", "Date", 10),
        ("title", "Title", 0),
        ("spans", "Spans", 5),
        ("status", "Status", 6),
        ("story", "Story", 8),
    ),
)
TITLE_ROOM = 40
TITLE_MIN = 12


def library_layout(width: int) -> tuple[Layout, int]:
    """The columns for a table ``width`` cells wide, and the title's width."""
    for layout in LAYOUTS:
        # Two cells of padding per column and two for the table's edge.
        title = width - sum(w for _k, _h, w in layout) - 2 * len(layout) - 2
        if title >= TITLE_ROOM:
            return layout, title
    return LAYOUTS[-1], max(TITLE_MIN, title)


MAX_ROWS = 500


class DocumentTable(DataTable[Text], inherit_bindings=False):
    """The document list; its navigation keys come from the registry, and none of
    DataTable's own: its ``enter`` hid the screen's ``library.open`` from the footer and
    the key list, and stayed bound when a keymap moved "open" elsewhere."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "library", where=lambda spec: spec.action in _TABLE_ACTIONS
    )

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=max(0, self.row_count - 1))


def fuzzy_choices(rows: list[dict[str, Any]]) -> list[str]:
    """What the fuzzy filter compares for each row: title, outlet and file name, lower case."""
    return [
        " ".join(str(row.get(k) or "") for k in ("title", "outlet", "source_name")).lower()
        for row in rows
    ]


def fuzzy_key(query: str) -> str:
    """The part of a typed query that fuzzy matching uses."""
    return query.strip()[:FUZZY_QUERY_CHARS].lower()


def fuzzy_order(
    rows: list[dict[str, Any]],
    query: str,
    choices: list[str] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[dict[str, Any]] | None:
    """Rows whose title/outlet/file name fuzzily match ``query``, best first.

    None when ``cancelled()`` turned true between two chunks of rows.
    """
    # Here, not at the top: the reader's first screen never needs rapidfuzz (~15 ms).
    from rapidfuzz import fuzz, process

    key = fuzzy_key(query)
    if choices is None:
        choices = fuzzy_choices(rows)
    scored: list[tuple[float, int]] = []
    for begin in range(0, len(choices), FUZZY_CHUNK_ROWS):
        if cancelled():
            return None
        matches = process.extract(
            key,
            choices[begin : begin + FUZZY_CHUNK_ROWS],
            scorer=fuzz.WRatio,
            limit=None,
            score_cutoff=FUZZY_CUTOFF,
        )
        scored.extend((score, begin + index) for _choice, score, index in matches)
    scored.sort(key=lambda hit: (-hit[0], hit[1]))
    return [rows[index] for _score, index in scored]


def story_order(row: dict[str, Any]) -> tuple[int, str, str, str]:
    """Stories of several documents first (largest first), each together, by date within."""
    size = int(row.get("story_size") or 1)
    return (
        -size if size > 1 else 0,
        str(row.get("story_label") or "").lower() if size > 1 else "",
        str(row.get("story") or "") if size > 1 else "",
        str(row.get("published") or "") + str(row.get("source_name") or ""),
    )


def counts_line(parts: list[tuple[str, int]], width: int) -> str:
    """``parts`` joined in their order, dropping the lowest-ranked ones until the line fits
    ``width``: at 80 columns the sort and the marked count fell off the edge."""
    kept = list(parts)
    while len(kept) > 1 and len(" · ".join(text for text, _ in kept)) > width:
        kept.remove(min(kept, key=lambda part: part[1]))
    return " · ".join(text for text, _ in kept)


class LibraryScreen(Screen[None]):
    """All documents; enter opens one, space marks, o opens the marked side by side."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "library", where=lambda spec: spec.action not in _TABLE_ACTIONS
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        # False until the first overview arrives: "0 documents" before it would be a lie.
        self.loaded = False
        self.shown: list[dict[str, Any]] = []
        self.matches = 0
        self.marked: list[int] = []
        self.sort_index = 0
        self.text_search = False
        self._search_hits: tuple[str, list[int]] = ("", [])
        self._choices: list[str] = []
        # (fuzzy key, the rows it was computed on, the matching rows in order)
        self._fuzzy_hits: tuple[str, list[dict[str, Any]], list[dict[str, Any]]] = ("", [], [])
        self._filter_timer: Timer | None = None
        self._columns_for = 0

    def compose(self) -> ComposeResult:
        yield Static(id="library-counts")
        yield TextField(placeholder="Filter by title or outlet (fuzzy)", id="library-filter")
        yield DocumentTable(id="library-table", cursor_type="row", zebra_stripes=True)
        yield PriorityFooter(LIBRARY_HINTS)

    def on_mount(self) -> None:
        table = self.query_one(DocumentTable)
        self._update_counts()
        # After the app's own mount: a reader opened at start has covered the library by then.
        self.call_after_refresh(self.reload)
        table.focus()

    # Data ---------------------------------------------------------------------------
    class RowsLoaded(Message):
        """The overview, read by a worker."""

        def __init__(self, rows: list[dict[str, Any]]) -> None:
            super().__init__()
            self.rows = rows

    class FuzzyDone(Message):
        """The fuzzy filter's matches for ``key`` among ``rows``, best first."""

        def __init__(
            self, key: str, rows: list[dict[str, Any]], matches: list[dict[str, Any]]
        ) -> None:
            super().__init__()
            self.key = key
            self.rows = rows
            self.matches = matches

    class SearchDone(Message):
        """Full-text search results (document ids, best first) for ``query``."""

        def __init__(self, query: str, doc_ids: list[int]) -> None:
            super().__init__()
            self.query = query
            self.doc_ids = doc_ids

    def reload(self) -> None:
        """Re-read the overview from the store (after a change here or elsewhere).

        Hidden under the reader (``claimdesk read``, undo, another annotator's commit), the
        library reads nothing: that query and its table would compete with the reader's
        first screen and keys. It reads when shown again (:meth:`on_screen_resume`).
        """
        if not self.is_active:
            return
        self._load_rows(self.app.db_path, self.app.annotator)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-rows")
    def _load_rows(self, db_path: Path, annotator: str) -> None:
        # A big corpus makes the overview query slow; its own Session keeps SQLite on this thread.
        with reader_session(db_path, annotator) as session:
            rows = session.overview()
            stories = session.story_columns()
        for row in rows:
            story = stories.get(int(str(row["id"])))
            row["story"], row["story_label"], row["story_size"] = story or (None, "", 1)
        self.post_message(self.RowsLoaded(rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-search")
    def _search(self, db_path: Path, annotator: str, query: str) -> None:
        with reader_session(db_path, annotator) as session:
            doc_ids = session.search(query)
        self.post_message(self.SearchDone(query, doc_ids))

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-filter")
    def _fuzzy(self, rows: list[dict[str, Any]], choices: list[str], key: str) -> None:
        worker = get_current_worker()
        matches = fuzzy_order(rows, key, choices, cancelled=lambda: worker.is_cancelled)
        if matches is not None:
            self.post_message(self.FuzzyDone(key, rows, matches))

    def on_library_screen_rows_loaded(self, message: RowsLoaded) -> None:
        self.rows = message.rows
        self.loaded = True
        self._choices = fuzzy_choices(self.rows)
        self.refill()

    def on_library_screen_fuzzy_done(self, message: FuzzyDone) -> None:
        if message.rows is not self.rows:
            return  # the overview was re-read meanwhile; a newer filter is on its way
        self._fuzzy_hits = (message.key, message.rows, message.matches)
        self.refill()

    def on_library_screen_search_done(self, message: SearchDone) -> None:
        self._search_hits = (message.query, message.doc_ids)
        self.refill()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(
            self, event, FAILED_WORK.get(event.worker.group, "Could not read the library")
        )

    def refill(self) -> None:
        """Apply filter and sort to ``rows`` and redraw the table, keeping the cursor's document."""
        table = self.query_one(DocumentTable)
        current = self.current_doc_id()
        query = self.query_one("#library-filter", Input).value.strip()
        rows = self.rows
        if query and self.text_search:
            searched, hits = self._search_hits
            if searched != query:
                self._search(self.app.db_path, self.app.annotator, query)  # type: ignore[attr-defined]
                return
            by_id = {row["id"]: row for row in rows}
            rows = [by_id[doc_id] for doc_id in hits if doc_id in by_id]
        elif query:
            key, computed_on, matches = self._fuzzy_hits
            if key != fuzzy_key(query) or computed_on is not rows:
                self._fuzzy(rows, self._choices, fuzzy_key(query))
                return
            rows = matches
        elif SORT_KEYS[self.sort_index][1] == "story":
            rows = sorted(rows, key=story_order)
        else:
            _name, column = SORT_KEYS[self.sort_index]
            rows = sorted(
                rows,
                key=lambda row: (
                    str(row.get(column) or "").lower() if column != "spans" else -int(row["spans"])
                ),
            )
        self.matches = len(rows)
        # A DataTable row costs ~0.2 ms to add; the cap keeps every keystroke in the filter
        # box fast on a corpus of tens of thousands of articles.
        self.shown = rows = rows[:MAX_ROWS]
        width = self.size.width
        columns, title_width = library_layout(width)
        if width != self._columns_for:
            # Fixed widths let the title take what is left, so every column fits in 80 cells.
            table.clear(columns=True)
            for key, heading, column_width in columns:
                table.add_column(Text(heading), key=key, width=column_width or title_width)
            self._columns_for = width
        else:
            table.clear()
        short = columns is LAYOUTS[-1]
        for row in rows:
            cells = self._cells(row, short_status=short)
            table.add_row(*[cells[c[0]] for c in columns], key=str(row["id"]))
        if current is not None:
            for number, row in enumerate(rows):
                if row["id"] == current:
                    table.move_cursor(row=number)
        self._update_counts()

    def _cells(self, row: dict[str, Any], *, short_status: bool = False) -> dict[str, Text]:
        status_names = STATUS_SHORT if short_status else STATUS_TEXT
        cells = {
            "mark": Text("●" if row["id"] in self.marked else " "),
            "outlet": safe_text(str(row.get("outlet") or "")),
            "date": safe_text(str(row.get("published") or "")[:10]),
            "title": safe_text(str(row.get("title") or row.get("source_name") or "")),
            "lang": safe_text(str(row.get("language") or "")),
            "spans": Text(str(row.get("spans") or 0), justify="right"),
            "status": Text(status_names.get(str(row.get("status")), str(row.get("status")))),
            "annotators": safe_text(str(row.get("annotators") or "")),
            "story": safe_text(
                f"{row['story_size']} {row['story_label']}"
                if int(row.get("story_size") or 1) > 1
                else ""
            ),
        }
        for cell in cells.values():
            cell.no_wrap = True
            cell.overflow = "ellipsis"
        return cells

    def _update_counts(self) -> None:
        if not self.loaded:
            self.query_one("#library-counts", Static).update(Text("reading the library…"))
            return
        if not self.rows:
            hint = "no documents yet: add articles with  claimdesk import PATH"
            self.query_one("#library-counts", Static).update(Text(hint))
            return
        done = sum(1 for row in self.rows if row.get("status") == "done")
        spans = sum(int(row.get("spans") or 0) for row in self.rows)
        mode = "text search" if self.text_search else "fuzzy"
        showing = f"showing {len(self.shown)}" + (
            f" of {self.matches} (filter to narrow)" if self.matches > len(self.shown) else ""
        )
        # (text, which goes first when the row is too narrow: lower goes first)
        parts = [
            (f"{len(self.rows)} documents", 9),
            (f"{done} done", 3),
            (f"{spans} span{'' if spans == 1 else 's'}", 2),
            (showing, 8),
            (f"marked {len(self.marked)}", 7 if self.marked else 0),
            (f"filter: {mode}", 1),
            (f"sort: {SORT_KEYS[self.sort_index][0]}", 6),
        ]
        # The static's padding takes a cell on each side.
        text = Text(counts_line(parts, (self.size.width or self.app.size.width) - 2))
        self.query_one("#library-counts", Static).update(text)

    def current_doc_id(self) -> int | None:
        table = self.query_one(DocumentTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return int(self.shown[table.cursor_row]["id"])

    # Events -------------------------------------------------------------------------
    def on_resize(self) -> None:
        if self.rows:
            self.refill()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        # Each key only restarts the wait; the filter runs once typing pauses.
        self.workers.cancel_group(self, "library-filter")
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE_S, self._typing_paused)

    def _typing_paused(self) -> None:
        self._filter_timer = None
        self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DocumentTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    # Actions ------------------------------------------------------------------------
    def action_open(self) -> None:
        doc_id = self.current_doc_id()
        if doc_id is not None:
            self._open([doc_id])

    def action_open_marked(self) -> None:
        ids = list(self.marked)
        if not ids:
            current = self.current_doc_id()
            ids = [current] if current is not None else []
        if ids:
            self._open(ids)

    def action_open_story(self) -> None:
        """Open every document of the story under the cursor side by side, oldest first."""
        doc_id = self.current_doc_id()
        if doc_id is None:
            return
        by_id = {row["id"]: row for row in self.rows}
        story = by_id[doc_id].get("story")
        if story is None:
            self.notify("No story yet: run `claimdesk stories --refresh`", markup=False)
            return
        members = sorted(
            (row for row in self.rows if row.get("story") == story),
            key=lambda row: (str(row.get("published") or ""), str(row.get("source_name"))),
        )
        self._open([int(row["id"]) for row in members])

    def _open(self, doc_ids: list[int]) -> None:
        from tui.screens.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(doc_ids))

    def action_mark(self) -> None:
        doc_id = self.current_doc_id()
        if doc_id is None:
            return
        if doc_id in self.marked:
            self.marked.remove(doc_id)
        else:
            self.marked.append(doc_id)
        table = self.query_one(DocumentTable)
        table.update_cell(str(doc_id), "mark", Text("●" if doc_id in self.marked else " "))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._update_counts()

    def action_filter(self) -> None:
        self._focus_filter()

    def _focus_filter(self) -> None:
        # Letters typed in the same read as `/` reached the list, not the filter: `s` sorted,
        # and `/Emoji enter` opened the first row unfiltered.
        self.app.drop_keys_typed_until_now(  # type: ignore[attr-defined]
            "Keys typed before the filter opened were ignored"
        )
        self.query_one("#library-filter", Input).focus()

    def action_search_text(self) -> None:
        self.text_search = not self.text_search
        box = self.query_one("#library-filter", Input)
        box.placeholder = (
            "Search the article text (full-text)"
            if self.text_search
            else "Filter by title or outlet (fuzzy)"
        )
        self._focus_filter()
        self.refill()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.refill()

    def action_clear_filter(self) -> None:
        box = self.query_one("#library-filter", Input)
        if box.value:
            box.value = ""
        self.query_one(DocumentTable).focus()
        self.refill()
