"""CoNLL IOB2: one ``TOKEN<TAB>TAG`` a line, a blank line between sentences,
``-DOCSTART- -X- O O`` before each document.

CoNLL has no annotator column, so every tag reads as gold. A model's
pre-annotations (annotator ``model:NAME``) are left out and counted, unless that
annotator is selected with ``--annotator model:NAME`` (then they are what was asked
for).

IOB2 gives each token one tag, so overlapping spans cannot all be written. The
policy, applied on token ranges: the span covering the most tokens wins; ties go to
the longer span in characters, then to a person's span over a model's, then to the
label listed first in the label set, then to the earlier start, then to the smaller
span id. Spans left out are counted
in the summary. ``--conll-label L`` exports one label only (run it once per label
for one file per label, which keeps every span of that label that does not
overlap another of the same label).

A span covers every token it touches, so a span ending inside a word tags the
whole word (widened), and one ending in whitespace tags only the tokens inside it
(narrowed); the notes count the two apart. A span that crosses a sentence boundary
starts again with ``B-`` in the next sentence, since IOB2 readers reset at the blank
line. Sentences are the stored ones (the segmenter's), with any text between them as
sentences of its own.

After tagging, spans are re-derived from the tags and compared with the chosen
spans; any difference stops the export.
"""

from __future__ import annotations

from typing import IO

import sqlite_utils

from store.combining import is_default_ignorable
from store.errors import ClaimdeskError
from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    is_model,
    iter_documents,
    models_left_out_note,
    without_unselected_models,
)
from store.export.tokens import Token, shows_anything, token_bounds, tokenize
from store.model import Document, Span
from store.segment import split_sentences

DOCSTART = "-DOCSTART- -X- O O"

# (sentence index, first token, last token, label): one sentence's piece of a span.
Piece = tuple[int, int, int, str]


def sentence_ranges(db: sqlite_utils.Database, document: Document) -> list[tuple[int, int]]:
    """The stored sentences, plus any non-blank text between them, covering the text."""
    stored = [
        (int(s), int(e))
        for s, e in db.conn.execute(
            'SELECT start, "end" FROM sentences WHERE doc_id = ? ORDER BY start', [document.id]
        )
    ]
    if not stored:
        stored = split_sentences(document.text)
    text = document.text
    ranges: list[tuple[int, int]] = []
    position = 0
    for start, end in stored:
        start = max(start, position)
        if start >= end:
            continue
        if text[position:start].strip():
            ranges.append((position, start))
        ranges.append((start, end))
        position = end
    if text[position:].strip():
        ranges.append((position, len(text)))
    return ranges


def choose_spans(
    spans: list[Span], tokens: list[Token], label_rank: dict[str, int]
) -> tuple[list[tuple[Span, int, int]], list[Span]]:
    """The spans IOB2 can hold under the overlap policy, with token ranges; and the rest."""
    ranged: list[tuple[Span, int, int]] = []
    dropped: list[Span] = []
    for span in spans:
        bounds = token_bounds(tokens, span.start, span.end)
        if bounds is None:
            dropped.append(span)
        else:
            ranged.append((span, bounds[0], bounds[1]))
    ranged.sort(
        key=lambda item: (
            -(item[2] - item[1]),
            -(item[0].end - item[0].start),
            # A tie never goes to a model against a person.
            is_model(item[0].annotator),
            label_rank.get(item[0].label, len(label_rank)),
            item[0].start,
            item[0].id,
        )
    )
    taken = [False] * len(tokens)
    chosen: list[tuple[Span, int, int]] = []
    for span, first, last in ranged:
        if any(taken[first : last + 1]):
            dropped.append(span)
            continue
        for index in range(first, last + 1):
            taken[index] = True
        chosen.append((span, first, last))
    chosen.sort(key=lambda item: item[1])
    return chosen, dropped


def tags_for(
    chosen: list[tuple[Span, int, int]], sentence_of: list[int]
) -> tuple[list[str], set[Piece]]:
    """IOB2 tags for every token, and the sentence pieces the chosen spans make."""
    tags = ["O"] * len(sentence_of)
    pieces: set[Piece] = set()
    for span, first, last in chosen:
        piece_start = first
        for index in range(first, last + 1):
            begins = index == first or sentence_of[index] != sentence_of[index - 1]
            tags[index] = ("B-" if begins else "I-") + span.label
            if begins and index != first:
                pieces.add((sentence_of[piece_start], piece_start, index - 1, span.label))
                piece_start = index
        pieces.add((sentence_of[piece_start], piece_start, last, span.label))
    return tags, pieces


def spans_from_tags(tags: list[str], sentence_of: list[int]) -> set[Piece]:
    """Re-read IOB2 tags the way a reader would, resetting at sentence boundaries."""
    pieces: set[Piece] = set()
    current: list[int | str] | None = None
    for index, tag in enumerate(tags):
        new_sentence = index == 0 or sentence_of[index] != sentence_of[index - 1]
        continues = (
            tag.startswith("I-")
            and current is not None
            and not new_sentence
            and current[2] == tag[2:]
        )
        if current is not None and not continues:
            pieces.add(
                (sentence_of[int(current[0])], int(current[0]), int(current[1]), str(current[2]))
            )
            current = None
        if tag.startswith("B-") or (tag.startswith("I-") and current is None):
            current = [index, index, tag[2:]]
        elif continues and current is not None:
            current[1] = index
    if current is not None:
        pieces.add(
            (sentence_of[int(current[0])], int(current[0]), int(current[1]), str(current[2]))
        )
    return pieces


def _only_marks(text: str) -> bool:
    return all(map(is_default_ignorable, text))


def _change(text: str, start: int, end: int, span: Span) -> str | None:
    """How ``[start, end)``, the tokens a span is tagged on, differs from its offsets.

    Invisible format characters alone count for nothing: a span taking in the bidi
    isolates around its word (``\u2066Name\u2069``) is on the word's token, which leaves
    them out, and a reader sees the same words."""
    # An end inside a token moves outwards to the token's edge; an end in whitespace
    # (no token there) moves inwards to the nearest token inside the span.
    wider = shows_anything(text[start : span.start]) or shows_anything(text[span.end : end])
    narrower = not _only_marks(text[span.start : start]) or not _only_marks(text[end : span.end])
    if wider and narrower:
        return "both"
    if wider:
        return "widened"
    if narrower:
        return "narrowed"
    return None


def _alignment_notes(moved: dict[str, int]) -> list[str]:
    notes = []
    if moved["widened"]:
        notes.append(
            f"{moved['widened']} span(s) start or end inside a token and were widened to"
            " whole tokens"
        )
    if moved["narrowed"]:
        notes.append(
            f"{moved['narrowed']} span(s) start or end between tokens (in whitespace) and were"
            " narrowed to the tokens inside them"
        )
    if moved["both"]:
        notes.append(
            f"{moved['both']} span(s) were widened at one end (inside a token) and narrowed"
            " at the other (between tokens)"
        )
    return notes


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    ordered = db.conn.execute("SELECT name FROM labels ORDER BY position, name")
    label_rank = {str(name): rank for rank, (name,) in enumerate(ordered)}
    if options.conll_label is not None and options.conll_label not in label_rank:
        raise ClaimdeskError(f"--conll-label {options.conll_label}: no such label")
    no_tokens = overlapped = split = extra_pieces = 0
    # Each span counted once, so the notes add up to the spans that moved.
    moved = {"widened": 0, "narrowed": 0, "both": 0}
    models_left_out = 0
    for document, spans in iter_documents(db, flt):
        if options.conll_label is not None:
            spans = [span for span in spans if span.label == options.conll_label]
        spans, models = without_unselected_models(spans, flt)
        models_left_out += models
        tokens: list[Token] = []
        sentence_of: list[int] = []
        for number, (start, end) in enumerate(sentence_ranges(db, document)):
            for token in tokenize(document.text, start, end):
                tokens.append(token)
                sentence_of.append(number)
        chosen, dropped = choose_spans(spans, tokens, label_rank)
        tags, pieces = tags_for(chosen, sentence_of)
        if spans_from_tags(tags, sentence_of) != pieces:
            raise ClaimdeskError(
                f"{document.source_name}: CoNLL tags do not agree with the spans; export stopped"
            )
        out.write(DOCSTART + "\n\n")
        for index, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
            if index and sentence_of[index] != sentence_of[index - 1]:
                out.write("\n")
            out.write(f"{token.text}\t{tag}\n")
        if tokens:
            out.write("\n")
        stats.documents += 1
        stats.spans += len(chosen)
        empty = [span for span in dropped if token_bounds(tokens, span.start, span.end) is None]
        no_tokens += len(empty)
        overlapped += len(dropped) - len(empty)
        for span, first, last in chosen:
            change = _change(document.text, tokens[first].start, tokens[last].end, span)
            if change is not None:
                moved[change] += 1
            breaks = sum(
                1 for i in range(first + 1, last + 1) if sentence_of[i] != sentence_of[i - 1]
            )
            if breaks:
                split += 1
                extra_pieces += breaks
    if models_left_out:
        stats.notes.append(models_left_out_note(models_left_out))
    if overlapped:
        stats.notes.append(
            f"{overlapped} overlapping span(s) left out (longest span wins);"
            " use --conll-label LABEL for one label at a time"
        )
    if no_tokens:
        stats.notes.append(f"{no_tokens} span(s) covering no token left out")
    stats.notes += _alignment_notes(moved)
    if split:
        stats.notes.append(
            f"{split} span(s) cross a sentence end and were split into"
            f" {split + extra_pieces} entities (B- again after the blank line)"
        )
    return stats
