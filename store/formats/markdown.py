"""Markdown articles: front matter for metadata, markdown-it-py's tokens for plain text,
the HTML reader's extraction for HTML blocks."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from store.formats import ParsedArticle
from store.formats.build import build_article
from store.formats.fields import ArticleFields
from store.formats.front_matter import split_front_matter
from store.formats.html import html_piece_paragraphs
from store.formats.html_markup import check_markup_pieces
from store.formats.limits import MAX_ARTICLE_CHARS, check_lines
from store.formats.markdown_markup import check_nesting, check_table_cells
from store.formats.normalize import clean_controls, normalize_text

_CELL_SEPARATOR = " | "

# As HTML reads tag names: ASCII case only, and the name ends at a space, "/" or ">"
# (<script-box> is a custom element, not a script).
_RAW_TEXT_OPEN = re.compile(r"<(script|style)(?=[\s/>])", re.IGNORECASE | re.ASCII)
_RAW_TEXT_CLOSE = re.compile(r"</(script|style)\s*>", re.IGNORECASE | re.ASCII)


class MarkdownText(NamedTuple):
    """What :func:`markdown_to_text` reads from a Markdown source."""

    text: str
    first_heading: str | None
    """The text of the first level-1 heading."""
    without_html_blocks: str | None
    """The text as claimdesk read it before it kept the text of HTML blocks (it dropped
    them whole, and kept inline script and style content as text); None when no HTML
    block has any."""
    scripts_left_out: int = 0
    """How many inline ``<script>`` and ``<style>`` elements were left out, content and all."""
    with_scripts: str | None = None
    """The text as claimdesk read it before it left inline script and style content out
    (it kept that content as text, dropping only the tags); None when none was left out."""
    without_alt_scripts: str | None = None
    """The text as claimdesk read it when it left script and style content out of image
    alt text too; None when no alt text has any."""


def read_markdown(text: str, path: Path, *, max_chars: int = MAX_ARTICLE_CHARS) -> ParsedArticle:
    """Read one markdown article; title from front matter, else the first level-1 heading."""
    # Only controls go before parsing: trailing spaces are markdown line breaks.
    check_lines(text, path)
    source = clean_controls(text).lstrip("\ufeff")
    front = split_front_matter(source, path)
    read = markdown_to_text(front.body, path)
    fields = ArticleFields(text=read.text)
    fields.set_metadata(front.pairs)
    if fields.title is None:
        fields.title = read.first_heading
    article = build_article(fields, path=path, source_name=path.name, max_chars=max_chars)
    notes = [note for note in (front.note, _scripts_note(read.scripts_left_out)) if note]
    if notes:
        article = replace(article, note="; ".join(notes))
    read_before = [text for text in (read.with_scripts, read.without_alt_scripts) if text]
    if read_before:
        article = replace(article, stored_scripts_read_before=_stored_forms(article, *read_before))
    if read.without_html_blocks is None:
        return article
    return replace(article, stored_without_html=_stored_forms(article, read.without_html_blocks))


def _scripts_note(count: int) -> str | None:
    # Said, not silent: the text of an element that looked like prose in the file is gone.
    if not count:
        return None
    return f"the content of {count} inline script or style element(s) was left out"


def _stored_forms(article: ParsedArticle, *befores: str) -> tuple[str, ...]:
    """The texts claimdesk stored for this file when it read it as one of ``befores``: with
    soft hyphens (before they were dropped) and without; none that is the text now."""
    forms = {
        normalize_text(before, soft_hyphens=kept) for before in befores for kept in (True, False)
    }
    return tuple(sorted(form for form in forms if form and form != article.text))


@functools.cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark")
    # A markdown-it-py without the table rule leaves tables as paragraphs.
    with contextlib.suppress(ValueError):
        parser.enable("table")
    return parser


def markdown_to_text(source: str, path: Path) -> MarkdownText:
    """Plain text of markdown ``source`` and the text of its first level-1 heading.

    Paragraphs, headings, list items, quoted paragraphs and code blocks each become a
    paragraph (blank line between); a table becomes one paragraph with a line per row.
    Inline markup keeps only its text: link text without the URL, image alt text,
    emphasis and code content; inline HTML tags are dropped, and an inline script or style
    element goes with its content (to the end of the paragraph if it is not closed there),
    as in HTML blocks. An HTML block is read as the HTML reader reads a page, but whole
    (:func:`html_piece_paragraphs`): its block elements make paragraphs, scripts, styles
    and comments go. HTML that reader would refuse (too many elements, nested too deeply)
    refuses the file, as ``path``, and so do tables of too many cells and quotes and lists
    nested past markdown-it's limit.
    """
    check_table_cells(source, path)
    parser = _parser()
    tokens = parser.parse(source)
    check_nesting(tokens, parser.options["maxNesting"], path)
    check_markup_pieces((token.content for token in tokens if token.type == "html_block"), path)
    # Each paragraph as read now, as read before inline scripts went with their content,
    # and as read when they went from alt text too: earlier claimdesks stored those, and
    # must find that document again.
    paragraphs: list[_Readings] = []
    from_html: set[int] = set()
    first_heading: str | None = None
    scripts_left_out = 0
    alt_scripts = False
    heading_tag: str | None = None
    row: list[_Readings] | None = None
    rows: list[_Readings] = []
    for token in tokens:
        kind = token.type
        if kind == "inline":
            children = token.children or []
            content, left_out = inline_text(children)
            scripts_left_out += left_out
            kept = inline_text(children, scripts_as_text=True)[0] if left_out else content
            dropped = content
            if any(child.type == "image" for child in children):
                dropped = inline_text(children, alt_scripts_as_text=False)[0]
                alt_scripts = alt_scripts or dropped != content
            if row is not None:
                row.append((content, kept, dropped))
            else:
                paragraphs.append((content, kept, dropped))
            if heading_tag == "h1" and first_heading is None:
                first_heading = content
        elif kind in ("fence", "code_block"):
            paragraphs.append((token.content,) * 3)
        elif kind == "html_block":
            shown = html_piece_paragraphs(token.content, path)
            from_html.update(range(len(paragraphs), len(paragraphs) + len(shown)))
            paragraphs.extend((part,) * 3 for part in shown)
        elif kind == "heading_open":
            heading_tag = token.tag
        elif kind == "heading_close":
            heading_tag = None
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            rows.append(_each_joined(_CELL_SEPARATOR, row))
            row = None
        elif kind == "table_close":
            paragraphs.append(_each_joined("\n", rows))
            rows = []
    without_html = [read[1] for number, read in enumerate(paragraphs) if number not in from_html]
    return MarkdownText(
        _joined(read[0] for read in paragraphs),
        first_heading,
        _joined(without_html) if from_html else None,
        scripts_left_out,
        _joined(read[1] for read in paragraphs) if scripts_left_out else None,
        _joined(read[2] for read in paragraphs) if alt_scripts else None,
    )


# A paragraph's text as read now, with inline script content kept as text, and with script
# content left out of alt text too.
_Readings = tuple[str, str, str]


def _each_joined(separator: str, readings: Sequence[_Readings]) -> _Readings:
    now, kept, dropped = ([read[number] for read in readings] for number in range(3))
    return separator.join(now), separator.join(kept), separator.join(dropped)


def _joined(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(part.strip("\n") for part in paragraphs)


def inline_text(
    children: Sequence[Token], *, scripts_as_text: bool = False, alt_scripts_as_text: bool = True
) -> tuple[str, int]:
    """Text of an inline token's children with all markup left out, and how many script
    and style elements went with their content; with ``scripts_as_text``, none does: their
    tags are dropped as any other and their content kept, as claimdesk read them before,
    and as image alt text always is unless ``alt_scripts_as_text`` is False."""
    parts: list[str] = []
    left_out = 0
    raw_text_tag: str | None = None
    for child in children:
        kind = child.type
        if raw_text_tag is not None:
            # A browser reads all up to the closing tag as the script's source, whatever
            # markdown it looks like; markdown-it makes that tag a token of its own.
            closing = _RAW_TEXT_CLOSE.fullmatch(child.content) if kind == "html_inline" else None
            if closing is not None and closing.group(1).lower() == raw_text_tag:
                raw_text_tag = None
            continue
        if kind in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "image":
            # Alt text is an attribute's plain text: a <script> in it runs nothing, and
            # renderers put its content there as text.
            alt, in_alt = inline_text(
                child.children or [],
                scripts_as_text=scripts_as_text or alt_scripts_as_text,
                alt_scripts_as_text=alt_scripts_as_text,
            )
            parts.append(alt)
            left_out += in_alt
        elif kind == "html_inline" and not scripts_as_text:
            opening = _RAW_TEXT_OPEN.match(child.content)
            if opening is not None:
                raw_text_tag = opening.group(1).lower()
                left_out += 1
        # link, emphasis and strong tokens only mark up the text around them; any other
        # html_inline is a single tag or comment, dropped: the text a tag marks up is in
        # the tokens around it.
    return "".join(parts), left_out
