"""Text shown by the linking screens: claims in context, disagreeing values, merge warnings.

Everything here is built from untrusted article text, so it only ever produces
``rich.text.Text`` made with :func:`tui.safe_text.safe_text` (never markup).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from store.linking.clusters import (
    MONTH_NAMES,
    Claim,
    Disagreement,
    MergeCheck,
    cluster_disagreements,
)
from store.linking.normalize import guess_language
from store.linking.numbers import canonical, find_numbers
from store.model import Document, Sentence
from store.session import Session
from tui.safe_text import safe_text, visible_line

CONTEXT_CHARS = 160
DISAGREE_STYLE = "bold reverse"
CLAIM_STYLE = "bold underline"

ClaimKey = tuple[int, int, int]


def one_line(text: str, width: int) -> Text:
    """``text`` on one line of at most ``width`` cells, control characters made visible."""
    line = safe_text(visible_line(" ".join(text.split())))
    line.truncate(max(1, width), overflow="ellipsis")
    return line


def document_line(document: Document) -> Text:
    """Outlet · date · title of a document, literally."""
    parts = [document.outlet or document.source_name, (document.published or "")[:10]]
    meta = " · ".join(visible_line(p) for p in parts if p)
    line = Text(meta, style="bold")
    line.append(" · ")
    line.append_text(safe_text(visible_line(document.title or document.source_name)))
    return line


def claim_in_context(
    document: Document, sentences: Sequence[Sentence], start: int, end: int
) -> Text:
    """The claim with the sentence before and after it (dim), the claim itself marked."""
    before = [s for s in sentences if s.end <= start]
    after = [s for s in sentences if s.start >= end]
    text = document.text
    lead_from = before[-1].start if before else start
    tail_to = after[0].end if after else end
    lead = text[max(lead_from, start - CONTEXT_CHARS) : start]
    tail = text[end : min(tail_to, end + CONTEXT_CHARS)]
    # Cut neighbours at a word so a long one never hides the claim on a small screen.
    if lead_from < start - CONTEXT_CHARS:
        lead = "…" + lead.split(" ", 1)[-1]
    if tail_to > end + CONTEXT_CHARS:
        tail = tail.rsplit(" ", 1)[0] + "…"
    shown = Text()
    shown.append_text(safe_text(" ".join(lead.split()) + (" " if lead.strip() else ""), "dim"))
    shown.append_text(safe_text(" ".join(text[start:end].split()), CLAIM_STYLE))
    shown.append_text(safe_text((" " if tail.strip() else "") + " ".join(tail.split()), "dim"))
    return shown


def value_ranges(quote: str, kind: str, values: Sequence[str]) -> list[tuple[int, int]]:
    """Where ``values`` (display strings from :func:`claim_values`) stand in ``quote``."""
    wanted = set(values)
    if kind == "number":
        language = guess_language(quote)
        return [
            (m.start, m.end)
            for m in find_numbers(quote, language)
            if canonical(m.value) in wanted and 0 <= m.start < m.end <= len(quote)
        ]
    found = []
    for month in wanted:
        found += [(m.start(), m.end()) for m in re.finditer(re.escape(month), quote, re.I)]
    # A month may be written in the other language than the one it is displayed in.
    for names in MONTH_NAMES.values():
        for month in names.split():
            if month in wanted:
                continue
            for m in re.finditer(rf"\b{re.escape(month)}\b", quote, re.I):
                if _month_number(month) in {_month_number(v) for v in wanted}:
                    found.append((m.start(), m.end()))
    return sorted(set(found))


def _month_number(name: str) -> int | None:
    for names in MONTH_NAMES.values():
        listed = names.split()
        if name in listed:
            return listed.index(name) + 1
    return None


def highlighted_quote(claim: Claim, disagreements: Sequence[Disagreement]) -> Text:
    """The claim's quote with the values it disagrees on shown reversed."""
    quote = " ".join(claim.quote.split()) if "\n" in claim.quote else claim.quote
    shown = safe_text(visible_line(quote))
    # visible_line keeps one character per character only for printable text; only
    # highlight when offsets still line up.
    if len(shown.plain) != len(quote):
        return shown
    for disagreement in disagreements:
        for member, values in disagreement.values:
            if member.key == claim.key:
                for start, end in value_ranges(quote, disagreement.kind, values):
                    shown.stylize(DISAGREE_STYLE, start, end)
    return shown


def disagreement_lines(disagreements: Sequence[Disagreement]) -> list[Text]:
    """One line per kind: ``numbers differ: 300 (Alpha Post) · 600 (Beta Daily)``."""
    lines = []
    for disagreement in disagreements:
        kind = "numbers" if disagreement.kind == "number" else "months"
        line = Text(f"{kind} differ: ", style="bold")
        for index, (claim, values) in enumerate(disagreement.values):
            if index:
                line.append(" · ")
            line.append(", ".join(values), style=DISAGREE_STYLE)
            line.append(" (")
            line.append_text(safe_text(visible_line(claim.outlet or claim.source_name)))
            line.append(")")
        lines.append(line)
    return lines


def pair_merge_check(session: Session, first: ClaimKey, second: ClaimKey) -> MergeCheck:
    """What linking two claims that have no stored link yet would join.

    Without a stored link :meth:`Session.merge_conflicts` cannot be asked, so this
    compares the two claims' clusters (new disagreements only).
    """
    found = session.clusters()
    side: dict[ClaimKey, list[Claim]] = {}
    for cluster in found:
        for claim in cluster.claims:
            side[claim.key] = cluster.claims
    a, b = side.get(first), side.get(second)
    if a is not None and b is not None and a is b:
        return MergeCheck(merges=False)
    if a is None or b is None:
        return MergeCheck(merges=False)
    before = {d.kind for d in cluster_disagreements(a)} | {d.kind for d in cluster_disagreements(b)}
    merged = {c.key: c for c in [*a, *b]}
    new = tuple(d for d in cluster_disagreements(list(merged.values())) if d.kind not in before)
    return MergeCheck(merges=True, disagreements=new)
