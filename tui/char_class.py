"""A regular-expression character class from a set of code points, as runs of ranges.

Shared by the reader's word motion (``tui.widgets.navigation``) and the placeholder
pattern of untrusted text (``tui.safe_text``); imports nothing of Textual, so the
motion rules stay testable without a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def code_point_class(codes: Iterable[int]) -> str:
    """The inside of ``[...]`` matching exactly ``codes``: each run of consecutive code
    points written as one range, a lone one as itself."""
    ordered = sorted(set(codes))
    if not ordered:
        raise ValueError("no code points")
    ranges: list[str] = []
    first = previous = ordered[0]
    for code in [*ordered[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        ranges.append(
            re.escape(chr(first))
            if first == previous
            else f"{re.escape(chr(first))}-{re.escape(chr(previous))}"
        )
        first = previous = code
    return "".join(ranges)
