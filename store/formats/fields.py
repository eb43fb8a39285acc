"""What a reader pulls out of a file for one article, before cleaning and normalisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

METADATA_KEYS: dict[str, str | None] = {
    "title": "title",
    "outlet": "outlet",
    "date": "published",
    "published": "published",
    "url": "url",
    "language": "language",
    "lang": "language",
    # Recognised so a header naming an author still counts as metadata, but not stored:
    # the article record has no author field.
    "author": None,
    # Other names for the outlet, used when no ``outlet`` key is present. Not ``source``:
    # in a text header that is as often the agency (``Source: dpa``) as the paper.
    "publisher": "outlet",
    "site": "outlet",
    "sitename": "outlet",
    "site_name": "outlet",
}
"""Metadata keys understood in text headers and front matter (lower case) and their field."""

OUTLET_ALIASES = ("publisher", "site_name", "sitename", "site")
"""Header and front-matter keys that name the outlet when ``outlet`` does not."""

JSONL_OUTLET_ALIASES = ("publisher", "source", "site_name", "sitename", "site")
"""JSONL fields that name the outlet when ``outlet`` does not, in this order (crawls and
datasets commonly call it ``source``)."""


@dataclass(slots=True)
class ArticleFields:
    """Raw text and metadata of one article as a reader found them."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None

    def set_metadata(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Fill fields from ``(key, value)`` pairs; unknown keys are ignored, first value wins
        (an ``outlet`` key over its aliases wherever they stand)."""
        ordered = sorted(pairs, key=lambda pair: pair[0].strip().lower() in OUTLET_ALIASES)
        for key, value in ordered:
            field = METADATA_KEYS.get(key.strip().lower())
            if field is not None and getattr(self, field) is None and value.strip():
                setattr(self, field, value)


def is_metadata_key(key: str) -> bool:
    """Whether ``key`` (any case) is one of :data:`METADATA_KEYS`."""
    return key.strip().lower() in METADATA_KEYS
