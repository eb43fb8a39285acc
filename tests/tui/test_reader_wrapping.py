"""Lazy wrapping: visual lines cover the text exactly, fit the width, and a 1 MB article
opens after wrapping only its beginning."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.tui.conftest import Corpus
from tui.app import create_app
from tui.safe_text import visible
from tui.screens.reader import ReaderScreen
from tui.widgets.line_index import LineIndex, text_cells

WORDS = st.sampled_from(["a", "flats", "Straße", "中文", "😀", "x" * 30, "  ", "\x1b[2J", "\t"])


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(st.lists(WORDS, max_size=25).map(" ".join), min_size=1, max_size=6),
    width=st.integers(min_value=4, max_value=50),
)
def test_lines_cover_the_text_in_order_and_fit_the_width(paragraphs: list[str], width: int) -> None:
    text = "\n".join(paragraphs)
    index = LineIndex(text, visible(text), width)
    index.wrap_more(10**9)
    assert index.complete
    pieces = []
    for line in range(index.wrapped_lines):
        start, end = index.line_range(line)
        piece = visible(text)[start:end]
        pieces.append(piece)
        # Spaces may hang past the edge; the words themselves fit.
        assert text_cells(piece.rstrip(" ")) <= max(width, 2)
    assert "".join(pieces) == visible(text).replace("␊", "")
    for offset in range(len(text) + 1):
        line = index.line_of(offset)
        start, end = index.line_range(line)
        assert start <= offset <= end


async def test_a_one_megabyte_article_opens_lazily_and_tags_near_its_end(
    corpus: Corpus,
) -> None:
    paragraph = "The council approved 300 new flats on Monday, officials said. " * 12
    text = "\n\n".join([paragraph.strip()] * (1_000_000 // len(paragraph) + 1))
    assert len(text) > 1_000_000
    doc = corpus.add(text, "big.txt")
    app = create_app(corpus.path, "tester", doc_ids=[doc])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view
        # Loading wraps only the first screens; the rest follows in timer ticks.
        view.load(text, view.sentences, view.spans)
        assert not view.index.complete
        assert view.index.wrapped_lines < 1_000 < view.index.estimated_lines()
        await pilot.press("ctrl+end", "comma", "s", "1")
        with corpus.session() as session:
            (span,) = session.spans(doc)
        assert span.quote == "The council approved 300 new flats on Monday, officials said."
        assert span.start > 990_000
        assert view.index.complete
