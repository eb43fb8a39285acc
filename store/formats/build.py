"""Turning what a reader found into a stored-ready :class:`ParsedArticle`."""

from __future__ import annotations

from pathlib import Path

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.dates import normalize_date
from store.formats.fields import ArticleFields
from store.formats.language import detect_language
from store.formats.limits import check_length
from store.formats.metadata import clean_value, file_name_text, language_code
from store.formats.normalize import normalize_text, shows_text
from store.formats.titles import (
    MAX_OUTLET_CHARS,
    MAX_TITLE_CHARS,
    SOCIAL_HOSTS,
    bounded,
    first_line_title,
    url_host,
)

NO_TEXT = "no article text found"


def build_article(
    fields: ArticleFields,
    *,
    path: Path | str,
    source_name: str,
    max_chars: int,
    external_id: str | None = None,
) -> ParsedArticle:
    """Normalise the text, clean the metadata and fill in the title and language.

    Refuses (as ``path``) an article that is empty after normalisation or longer than
    ``max_chars``. Metadata language wins over detection; without a title the text's
    first headline-like line is the title. Titles and outlets are bounded in length.
    A file name's bytes that are not UTF-8 are kept as escapes (:func:`file_name_text`).
    """
    text = normalize_text(fields.text)
    if not shows_text(text):
        # NBSP, zero-width or ideographic spaces alone made an invisible article, listed
        # as an empty row, where a file of blanks was refused.
        raise ImportRefused(path, NO_TEXT)
    stored_before = (
        normalize_text(fields.text, soft_hyphens=True) if "\u00ad" in fields.text else None
    )
    check_length(text, path, max_chars)
    published = clean_value(fields.published)
    return ParsedArticle(
        source_name=file_name_text(source_name),
        text=text,
        title=bounded(_shown(fields.title), MAX_TITLE_CHARS) or first_line_title(text),
        outlet=_outlet(fields.outlet),
        published=normalize_date(published) if published is not None else None,
        url=clean_value(fields.url),
        language=language_code(fields.language) or detect_language(text),
        external_id=external_id,
        stored_before=stored_before if stored_before != text else None,
    )


def _outlet(value: str | None) -> str | None:
    """The cleaned outlet; one given as a web address (``site: https://www.x.de``) is its
    host, except a social network's page (``article:publisher`` is often the paper's
    Facebook page), which names no outlet."""
    cleaned = _shown(value)
    host = url_host(cleaned)
    if host is not None and host.removeprefix("www.") in SOCIAL_HOSTS:
        return None
    return bounded(host or cleaned, MAX_OUTLET_CHARS)


def _shown(value: str | None) -> str | None:
    """The cleaned metadata value, or None when nothing of it shows (a lone U+200B)."""
    cleaned = clean_value(value)
    return cleaned if cleaned is not None and shows_text(cleaned) else None
