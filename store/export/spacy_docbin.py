"""A spaCy ``DocBin`` (``.spacy``): each document tokenised by a blank pipeline of its
own language (``xx``, spaCy's multi-language tokenizer, when the language is unknown
or has no spaCy tokenizer).

| in the ``Doc``                 | holds                                                  |
|--------------------------------|--------------------------------------------------------|
| ``doc.spans[ANNOTATOR]``       | one group per annotator (``model:NAME`` too); an       |
|                                | annotator called ``sc`` or ``annotator:…`` has its     |
|                                | group under ``annotator:`` + its name                  |
|                                | (``doc.spans["annotator:sc"]``), said in the message   |
| ``doc.spans["sc"]``            | the gold group: the ``--gold`` annotator's spans       |
|                                | (``gold``, what curation writes); when nobody in the   |
|                                | export is that annotator, every person's spans, each   |
|                                | extent and label once (models left out)                |
| ``doc.ents``                   | the longest non-overlapping spans of ``sc`` (the first |
|                                | of two as long); the others are counted per label in   |
|                                | the message                                            |
| ``span.id_``                   | claimdesk's span id                                    |
| ``doc.user_data["claimdesk"]`` | source, sha256, language, and per span its id, exact   |
|                                | offsets, label, annotator and note                     |

spaCy spans are whole tokens. A span whose start or end falls inside a token
(``78`` in ``78-Jährige``) is handled by ``--align``: ``expand`` (default) aligns it
to the tokens it touches (widened where an end cuts a token, narrowed where an end
lies in whitespace), ``contract`` narrows it to the tokens inside it (dropped when
none is), ``strict`` drops it. A span of whitespace alone holds no word for spaCy and
is left out whatever ``--align`` says. The export's message counts such spans per
label and says what was done; ``user_data`` keeps the exact offsets of every span.
Needs the optional extra ``claimdesk[spacy]``. A DocBin is serialised in one piece,
so this format, unlike the others, holds the exported documents in memory.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import IO, Any

import sqlite_utils

from store.errors import ClaimdeskError
from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    is_model,
    iter_documents,
)
from store.export.output import write_all
from store.model import Span

EXTRA_MESSAGE = (
    "the spacy format needs spaCy, which is not installed; install the extra:"
    " pip install 'claimdesk[spacy]'"
)
ALIGN_MODES = ("strict", "expand", "contract")
GOLD_GROUP = "sc"
# Put before an annotator's name when it would be the gold group's key, and before
# every name already starting with it, so that two annotators never share a key.
RENAMED_PREFIX = "annotator:"


def require_spacy() -> Any:
    try:
        import spacy
    except ImportError as error:
        raise ClaimdeskError(EXTRA_MESSAGE) from error
    return spacy


# A language spaCy is asked for: its name is joined into a module path to import
# (spacy.lang.<name>), so a stored `en.examples` imported a submodule and failed.
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def _blank_pipeline(spacy: Any, language: str) -> Any:
    """spaCy's blank pipeline for ``language``; the multi-language one for anything spaCy
    has no tokenizer for or cannot load (counted in the export's notes)."""
    if _LANGUAGE.fullmatch(language):
        try:
            return spacy.blank(language)
        except Exception:  # whatever fails there, one article must not stop the export
            pass
    return spacy.blank("xx")


def gold_spans(spans: list[Span], gold: str, gold_in_export: bool) -> list[Span]:
    """The spans of the ``sc`` group for one document (see the module table)."""
    if gold_in_export:
        return [span for span in spans if span.annotator == gold]
    seen: set[tuple[int, int, str]] = set()
    chosen = []
    for span in spans:
        key = (span.start, span.end, span.label)
        if is_model(span.annotator) or key in seen:
            continue
        seen.add(key)
        chosen.append(span)
    return chosen


def group_key(annotator: str) -> str:
    """The key of the annotator's group in ``doc.spans``: its name, except for ``sc`` (the
    gold group's key) and names starting with ``annotator:``, which get that prefix. It
    depends on the name alone, never on who else is in the export."""
    if annotator == GOLD_GROUP or annotator.startswith(RENAMED_PREFIX):
        return RENAMED_PREFIX + annotator
    return annotator


def _counted(counter: Counter[str]) -> str:
    return ", ".join(f"{label} {n}" for label, n in sorted(counter.items()))


def _alignment_notes(moved: Counter[str], left_out: Counter[str], align: str) -> list[str]:
    """One note per outcome for the spans off token bounds; each span is in one of them."""
    done = {
        # Widened where an end cuts a token, narrowed where it lies in whitespace.
        "expand": "aligned to whole tokens (widened or narrowed, --align expand)",
        "contract": "narrowed to the tokens inside them (--align contract)",
    }
    lost = {
        "expand": "left out, no token to align them to (--align expand)",
        "contract": "left out, no whole token inside them (--align contract)",
        "strict": "left out (--align strict)",
    }
    notes = []
    for counter, outcome in ((moved, done), (left_out, lost)):
        if counter:
            notes.append(
                f"{sum(counter.values())} span(s) not on token bounds ({_counted(counter)}):"
                f" {outcome[align]}; exact offsets are in user_data"
            )
    return notes


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[bytes], options: ExportOptions
) -> ExportStats:
    spacy = require_spacy()
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    if options.align not in ALIGN_MODES:
        raise ClaimdeskError(f"--align {options.align}: use one of {', '.join(ALIGN_MODES)}")
    stats = ExportStats()
    pipelines: dict[str, Any] = {}
    fallback_languages: Counter[str] = Counter()
    # A span off token bounds is counted once, under what --align did to it.
    moved: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    whitespace: Counter[str] = Counter()
    renamed: dict[str, str] = {}
    overlapped: Counter[str] = Counter()
    documents = list(iter_documents(db, flt))
    gold_in_export = any(s.annotator == options.gold for _, spans in documents for s in spans)
    docbin = DocBin(store_user_data=True)
    for document, spans in documents:
        # A damaged row may hold bytes (check names it); the export still goes through.
        stored = document.language if isinstance(document.language, str) else None
        language = (stored or "xx").split("-")[0].lower()
        if language not in pipelines:
            pipelines[language] = _blank_pipeline(spacy, language)
        if pipelines[language].lang == "xx" and language != "xx":
            fallback_languages[language] += 1
        pipeline = pipelines[language]
        # spaCy refuses text over nlp.max_length (1,000,000) to spare the parser's and
        # NER's memory; only the tokenizer runs here, and one long article (import
        # takes up to 10 million characters) stopped the whole export.
        pipeline.max_length = max(pipeline.max_length, len(document.text) + 1)
        doc = pipeline.make_doc(document.text)
        aligned: dict[str, Any] = {}
        for span in spans:
            if document.text[span.start : span.end].isspace():
                # No token, or only spaCy's whitespace tokens: "expand" made an empty Span
                # of " " that was still written, labelled, into the groups and doc.ents.
                whitespace[span.label] += 1
                continue
            exact = doc.char_span(span.start, span.end, label=span.label, span_id=span.id)
            if exact is not None:
                aligned[span.id] = exact
                continue
            piece = None
            if options.align != "strict":
                piece = doc.char_span(
                    span.start,
                    span.end,
                    label=span.label,
                    alignment_mode=options.align,
                    span_id=span.id,
                )
            if piece is None or all(token.is_space for token in piece):
                left_out[span.label] += 1
                continue
            moved[span.label] += 1
            aligned[span.id] = piece
        groups: dict[str, list[Any]] = {}
        for span in spans:
            if span.id in aligned:
                groups.setdefault(span.annotator, []).append(aligned[span.id])
        for annotator, group in groups.items():
            key = group_key(annotator)
            if key != annotator:
                renamed[annotator] = key
            doc.spans[key] = group
        gold = [
            aligned[s.id]
            for s in gold_spans(spans, options.gold, gold_in_export)
            if s.id in aligned
        ]
        doc.spans[GOLD_GROUP] = gold
        ents = filter_spans(gold)
        kept = {id(piece) for piece in ents}
        overlapped.update(piece.label_ for piece in gold if id(piece) not in kept)
        doc.ents = ents
        doc.user_data["claimdesk"] = {
            "source": document.source_name,
            "sha256": document.sha256,
            "language": document.language,
            "story": document.story,
            "spans": [[s.id, s.start, s.end, s.label, s.annotator, s.note] for s in spans],
        }
        docbin.add(doc)
        stats.documents += 1
        stats.spans += len(aligned)
    write_all(out, docbin.to_bytes())
    stats.notes += _alignment_notes(moved, left_out, options.align)
    if whitespace:
        stats.notes.append(
            f"{sum(whitespace.values())} span(s) cover only whitespace ({_counted(whitespace)}):"
            " left out; exact offsets are in user_data"
        )
    if overlapped:
        stats.notes.append(
            f"{sum(overlapped.values())} gold span(s) overlap a longer or earlier one"
            f" ({_counted(overlapped)}): in doc.spans[{GOLD_GROUP!r}] only, not in doc.ents"
        )
    if renamed:
        where = ", ".join(
            f"{name!r} in doc.spans[{key!r}]" for name, key in sorted(renamed.items())
        )
        stats.notes.append(
            f"{len(renamed)} annotator(s) have their span group renamed, so that none is the"
            f" gold group {GOLD_GROUP!r}: {where}"
        )
    source = (
        f"the {options.gold!r} annotator's spans"
        if gold_in_export
        else (f"every person's spans (no {options.gold!r} annotator in the export)")
    )
    stats.notes.append(f"span group 'sc' and doc.ents hold {source}")
    if fallback_languages:
        stats.notes.append(
            f"no spaCy tokenizer for {', '.join(sorted(fallback_languages))}:"
            " tokenised with the multi-language 'xx' tokenizer"
        )
    return stats
