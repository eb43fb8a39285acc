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
    if read.with_scripts is not None:
        article = replace(
            article, stored_scripts_read_before=_stored_forms(read.with_scripts, article)
        )
    if read.without_html_blocks is None:
        return article
    return replace(article, stored_without_html=_stored_forms(read.without_html_blocks, article))


def _scripts_note(count: int) -> str | None:
    # Said, not silent: the text of an element that looked like prose in the file is gone.
    if not count:
        return None
    return f"the content of {count} inline script or style element(s) was left out"


def _stored_forms(before: str, article: ParsedArticle) -> tuple[str, ...]:
    """The texts claimdesk stored for this file when it read it as ``before``: with soft
    hyphens (before they were dropped) and without; none that is the text now."""
    forms = {normalize_text(before), normalize_text(before, soft_hyphens=True)}
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
    # Each paragraph as read now and as read before inline scripts went with their
    # content: earlier claimdesks stored the latter, and must find that document again.
    paragraphs: list[tuple[str, str]] = []
    from_html: set[int] = set()
    first_heading: str | None = None
    scripts_left_out = 0
    heading_tag: str | None = None
    row: list[tuple[str, str]] | None = None
    rows: list[tuple[str, str]] = []
    for token in tokens:
        kind = token.type
        if kind == "inline":
            content, left_out = inline_text(token.children or [])
            scripts_left_out += left_out
            then = (
                inline_text(token.children or [], scripts_as_text=True)[0] if left_out else content
            )
            if row is not None:
                row.append((content, then))
            else:
                paragraphs.append((content, then))
            if heading_tag == "h1" and first_heading is None:
                first_heading = content
        elif kind in ("fence", "code_block"):
            paragraphs.append((token.content, token.content))
        elif kind == "html_block":
            shown = html_piece_paragraphs(token.content, path)
            from_html.update(range(len(paragraphs), len(paragraphs) + len(shown)))
            paragraphs.extend((part, part) for part in shown)
        elif kind == "heading_open":
            heading_tag = token.tag
        elif kind == "heading_close":
            heading_tag = None
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            rows.append(_both_joined(_CELL_SEPARATOR, row))
            row = None
        elif kind == "table_close":
            paragraphs.append(_both_joined("\n", rows))
            rows = []
    without_html = [then for number, (_, then) in enumerate(paragraphs) if number not in from_html]
    return MarkdownText(
        _joined(now for now, _ in paragraphs),
        first_heading,
        _joined(without_html) if from_html else None,
        scripts_left_out,
        _joined(then for _, then in paragraphs) if scripts_left_out else None,
    )


def _both_joined(separator: str, pairs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    return (
        separator.join(now for now, _ in pairs),
        separator.join(then for _, then in pairs),
    )


def _joined(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(part.strip("\n") for part in paragraphs)


def inline_text(children: Sequence[Token], *, scripts_as_text: bool = False) -> tuple[str, int]:
    """Text of an inline token's children with all markup left out, and how many script
    and style elements went with their content; with ``scripts_as_text``, none does: their
    tags are dropped as any other and their content kept, as claimdesk read them before."""
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
            alt, in_alt = inline_text(child.children or [], scripts_as_text=scripts_as_text)
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
