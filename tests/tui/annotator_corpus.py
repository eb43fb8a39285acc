"""Two annotators' spans on the sample corpus's first English article, one per kind of difference.

Written through the store (``Session``) as the app would write them. "tester" is the
app's user; "bob" the other annotator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from store.session import Session

ENGLISH = "cw-20250311-kressbrunn-evacuation"


@dataclass(frozen=True)
class TwoAnnotators:
    path: Path
    doc_id: int
    text: str
    mine: dict[str, str]  # name -> span id, tester's
    theirs: dict[str, str]  # name -> span id, bob's

    def at(self, quote: str) -> int:
        return self.text.index(quote)


def _where(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def annotate_two(path: Path) -> TwoAnnotators:
    """Agreed: "KRESSBRUNN" EVENT. Only tester: "Authorities" SOURCE. Only bob: "Tuesday"
    EVENT. Label: "between 10,000 and 12,000 residents" CLAIM vs FIGURE. Extent:
    "Ilmenz river" vs "the Ilmenz river", both SOURCE."""
    with Session(path, "tester") as me, Session(path, "bob") as bob:
        doc_id = me.find_document(ENGLISH).id
        text = me.document(doc_id).text
        figure = "between 10,000 and 12,000 residents"
        mine = {
            "agreed": me.add_span(doc_id, *_where(text, "KRESSBRUNN"), "EVENT").id,
            "only_mine": me.add_span(doc_id, *_where(text, "Authorities"), "SOURCE").id,
            "label": me.add_span(doc_id, *_where(text, figure), "CLAIM").id,
            "extent": me.add_span(doc_id, *_where(text, "Ilmenz river"), "SOURCE").id,
        }
        theirs = {
            "agreed": bob.add_span(doc_id, *_where(text, "KRESSBRUNN"), "EVENT").id,
            "only_theirs": bob.add_span(doc_id, *_where(text, "Tuesday"), "EVENT").id,
            "label": bob.add_span(doc_id, *_where(text, figure), "FIGURE").id,
            "extent": bob.add_span(doc_id, *_where(text, "the Ilmenz river"), "SOURCE").id,
        }
    return TwoAnnotators(path, doc_id, text, mine, theirs)
