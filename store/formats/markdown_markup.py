"""What a Markdown source holds that markdown-it cannot read at a bounded cost or whole.

markdown-it makes every row of a table as wide as its header row, with a few tokens and
an inline parse per cell: a 1.7 MB table of 40 rows by 20,000 columns took 16 s and
1.1 GB to import. :func:`check_table_cells` refuses such tables by counting, in linear
time, before the parser sees them. And markdown-it skips whatever lies deeper than its
nesting limit, text and all, where it should say so: :func:`check_nesting` refuses the
file instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from markdown_it.token import Token

from store.errors import ImportRefused
from store.formats.limits import MAX_MARKDOWN_TABLE_CELLS

_DELIMITER_ROW_CHARS = "|-: \t"
_CONTAINER_PREFIX = " \t>"
_CONTAINERS = frozenset({"blockquote_open", "list_item_open"})
"""The tokens whose content markdown-it parses one nesting level deeper."""


def table_cells(source: str, limit: int = MAX_MARKDOWN_TABLE_CELLS) -> int:
    """At least as many table cells as markdown-it makes of ``source``; counting stops
    once past ``limit``.

    A table's width is set by its delimiter row (``|---|:--:|``), and markdown-it gives
    every following line up to a blank one that many cells, however many its own ``|``
    make (it fills short rows, up to 65,536 cells a table, and cuts long ones). So each
    line is charged the width of the widest delimiter-like line since the last blank line
    (one of only ``|``, ``-``, ``:`` and blanks, with a ``|`` in it or in the header line
    before it), a blank line being one of only quote markers and blanks; the header row is
    charged on the delimiter row. Lines that only look like delimiter rows (in a code
    block, say) make the count higher, never lower.
    """
    if "|" not in source:
        return 0
    cells = 0
    width = 0
    after_pipe = False  # a header row needs a "|", its delimiter row does not
    for line in source.split("\n"):
        content = line.strip(_CONTAINER_PREFIX)
        if not content:
            width = 0
            after_pipe = False
            continue
        if (
            (after_pipe or "|" in content)
            and "-" in content
            and not content.strip(_DELIMITER_ROW_CHARS)
        ):
            width = max(width, sum(1 for column in content.split("|") if column.strip()))
        after_pipe = "|" in content
        cells += width
        if cells > limit:
            break
    return cells


def check_table_cells(source: str, path: Path | str, limit: int = MAX_MARKDOWN_TABLE_CELLS) -> None:
    """Refuse a Markdown source whose tables would have more than ``limit`` cells."""
    if table_cells(source, limit) > limit:
        raise ImportRefused(
            path, f"Markdown has more than {limit} table cells, the limit for one article"
        )


def check_nesting(tokens: Sequence[Token], max_nesting: int, path: Path | str) -> None:
    """Refuse a source whose quotes and lists nest past markdown-it's ``max_nesting``.

    markdown-it parses a quote's or list item's content one level deeper, and at
    ``max_nesting`` it skips the rest of that content: ``">" * 100 + " text"`` was read
    as nothing at all, and a 3,000-level list as its first nine items, without a word.
    """
    for token in tokens:
        if token.type in _CONTAINERS and token.level + 1 >= max_nesting:
            raise ImportRefused(
                path,
                f"Markdown nested too deeply to read (over {max_nesting} levels;"
                " a quote is one, a list two)",
            )
