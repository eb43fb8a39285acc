"""One document in the reader: a header, the article view and a status line."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Span as StyleSpan
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Static

from store.model import Document, DocumentStatus, Span
from tui.safe_text import safe_text, visible
from tui.widgets.article_view import ArticleView

STATUS_TEXT: dict[str, str] = {"todo": "todo", "in_progress": "in progress", "done": "done"}


SEPARATOR = " · "
# A story label shorter than this says nothing: drop it rather than show "story: …".
MIN_STORY_CELLS = 14


def _joined(parts: list[str]) -> str:
    return SEPARATOR.join(part for part in parts if part)


def _shortened(part: str, cells: int) -> str:
    """``part`` cut to ``cells`` cells, ending in an ellipsis if it was cut."""
    text = Text(part)
    text.truncate(cells, overflow="ellipsis")
    return text.plain


def fit_meta(
    position: str, story: str, outlet: str, date: str, fixed: list[str], width: int
) -> str:
    """The header's first line within ``width`` cells, giving up the least needed first.

    ``position`` and ``fixed`` (status, coverage, whose spans) are never shortened.
    """
    line = _joined([position, story, outlet, date, *fixed])
    if cell_len(line) <= width:
        return line
    # The story shortened beside everything else, then beside all but the date.
    for others in ([outlet, date], [outlet]):
        room = width - cell_len(_joined([position, *others, *fixed])) - len(SEPARATOR)
        if story and room >= MIN_STORY_CELLS:
            return _joined([position, _shortened(story, room), *others, *fixed])
    for kept in ([position, outlet, date, *fixed], [position, outlet, *fixed]):
        if cell_len(_joined(kept)) <= width:
            return _joined(kept)
    room = width - cell_len(_joined([position, *fixed])) - len(SEPARATOR)
    if outlet and room >= 4:
        return _joined([position, _shortened(outlet, room), *fixed])
    return _joined([position, *fixed])


def header_text(
    document: Document,
    status: DocumentStatus,
    coverage: float,
    width: int,
    position: str = "",
    shown: str = "",
    story: str = "",
) -> Text:
    """Story · outlet · date · status · progress, then the title, all shown literally.

    ``position`` ("2/3") is shown on narrow terminals, where only one pane is visible.
    Status and coverage always show: when the line is too long the story label is
    shortened (with an ellipsis), then the date goes, then the story, then the outlet
    is shortened.
    """
    first = Text(
        fit_meta(
            position,
            f"story: {visible(story)}" if story else "",
            visible(document.outlet or ""),
            (document.published or "")[:10],
            [STATUS_TEXT.get(status, status), f"{coverage:.0%} of sentences", shown],
            max(10, width),
        ),
        style="bold",
    )
    first.truncate(max(10, width), overflow="ellipsis")
    title = safe_text(document.title or document.source_name)
    title.truncate(max(10, width), overflow="ellipsis")
    return Text("\n").join([first, title])


def status_text(
    view: ArticleView, spans: dict[str, Span], snap_words: bool, me: str | None = None
) -> Text:
    """What is under the cursor: the innermost span (label, who, when, note), ``me``'s own
    first as the keys take it, or the selection."""
    ids = view.span_ids_at(view.cursor)
    known = [i for i in ids if i in spans]
    if known:
        # The span `d`, `n` and the number keys act on: the line named the model's EVENT
        # while `d` deleted the annotator's own FIGURE under it.
        own = [i for i in known if spans[i].annotator == me]
        span = spans[(own or known)[0]]
        line = Text()
        line.append(span.label, style="bold")
        line.append(f" · {visible(span.annotator)} · {span.updated_at[:16].replace('T', ' ')}")
        if len(ids) > 1:
            line.append(f" · +{len(ids) - 1} more")
        if span.note:
            line.append(" · note: ")
            line.append_text(safe_text(span.note.replace("\n", " ")))
        return line
    selection = view.selection
    snap = "words" if snap_words else "chars"
    if selection:
        start, end = selection
        return Text(f"selected {start}–{end} ({end - start} chars) · snap {snap}")
    where = f"offset {view.cursor}/{len(view.text)}"
    sentence = view.sentence_number()
    if sentence is not None:
        where = f"sentence {sentence}/{len(view.sentences)} · {where}"
    return Text(f"{where} · snap {snap}", style="dim")


class PaneHeader(Widget):
    """The pane's two header lines, fitted to the width they are drawn at.

    Fitted when drawn rather than when the status changes: before the first layout the
    width is unknown, and a header fitted then went out cut to ten cells in the first
    frame, to be fitted again on the resize that followed.
    """

    def __init__(self, pane: ArticlePane) -> None:
        super().__init__(classes="pane-header")
        self.pane = pane

    def render(self) -> Text:
        return self.pane.header_for(self.content_region.width)


class ArticlePane(Vertical):
    """A document's column in the reader; the screen fills its parts."""

    def __init__(self, document: Document, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="article-pane")
        self.document = document
        self._header_state: tuple[DocumentStatus, float] | None = None
        self.position = ""
        self.shown = ""
        self.story = ""
        # The status line (found once: it is asked for on every key) and what it shows.
        self._status_line: Static | None = None
        self._status_shown: tuple[str, str, list[StyleSpan]] | None = None

    def compose(self) -> ComposeResult:
        yield PaneHeader(self)
        yield ArticleView()
        yield Static(classes="pane-status")

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def show_header(self, status: DocumentStatus, coverage: float) -> None:
        self._header_state = (status, coverage)
        try:
            header = self.query_one(PaneHeader)
        except NoMatches:
            # A store poll can reach a pane still being mounted; it draws once mounted.
            return
        header.refresh()

    def header_for(self, width: int) -> Text:
        """The header at ``width`` cells (empty until the screen has shown the status)."""
        if self._header_state is None:
            return Text()
        status, coverage = self._header_state
        return header_text(
            self.document, status, coverage, width, self.position, self.shown, self.story
        )

    def show_status(self, text: Text) -> None:
        status = self._status_line
        if status is None:
            try:
                status = self._status_line = self.query_one(".pane-status", Static)
            except NoMatches:
                # A key can reach a pane still being mounted; its first status draw follows.
                return
        # Unchanged text is not drawn again: each update costs a repaint of the line.
        # (Rich's Text equality ignores the base style, so it is compared too.)
        shown = (text.plain, str(text.style), list(text.spans))
        if shown != self._status_shown:
            self._status_shown = shown
            status.update(text, layout=False)
