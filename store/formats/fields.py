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
}
"""Metadata keys understood in text headers and front matter (lower case) and their field."""


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
        """Fill fields from ``(key, value)`` pairs; unknown keys are ignored, first value wins."""
        for key, value in pairs:
            field = METADATA_KEYS.get(key.strip().lower())
            if field is not None and getattr(self, field) is None and value.strip():
                setattr(self, field, value)


def is_metadata_key(key: str) -> bool:
    """Whether ``key`` (any case) is one of :data:`METADATA_KEYS`."""
    return key.strip().lower() in METADATA_KEYS
