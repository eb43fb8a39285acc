"""Titles and outlets for articles whose source does not state them.

| caller                  | calls                                               |
|-------------------------|-----------------------------------------------------|
| ``build.build_article`` | :func:`bounded` on every title and outlet,          |
|                         | :func:`first_line_title` when there is no title      |
| ``store.importer``      | :func:`fallback_outlet` when there is no outlet      |

A title from the text is its first line that is not boilerplate by shape (a
dateline such as ``BERLIN``, a photo credit, a stamp such as ``(APA, 12.9.2015)``;
:func:`store.boilerplate.is_shape_boilerplate`), cut at a word. An outlet comes from
the file's folder, unless the folder's name says nothing about the article's URL
(``seeds/`` holding a page of ``www.spiegel.de``): then the URL's host names it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from store.boilerplate import is_shape_boilerplate
from store.formats.normalize import shows_text

# Stored metadata is one line; these bound what a hostile or broken source can put there.
MAX_TITLE_CHARS = 300
MAX_OUTLET_CHARS = 100
# A title taken from the text: a headline's length, not a paragraph's.
FIRST_LINE_TITLE_CHARS = 120
# How many lines from the top may be skipped as datelines and credits.
TITLE_LINES_LOOKED_AT = 6

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobil.", "mobile.")
# Hosts whose pages belong to everyone: a link there names no outlet.
SOCIAL_HOSTS = frozenset(
    {"facebook.com", "twitter.com", "x.com", "instagram.com", "linkedin.com", "youtube.com"}
)
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def bounded(value: str | None, limit: int) -> str | None:
    """``value`` cut to at most ``limit`` characters, at a word where one is near, with ``…``."""
    if value is None or len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def first_line_title(text: str) -> str | None:
    """The first line of ``text`` that reads as a headline, else its first line; one
    line, at most :data:`FIRST_LINE_TITLE_CHARS` characters. ``text`` is normalised."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if shows_text(line)][:TITLE_LINES_LOOKED_AT]
    if not lines:
        return None
    chosen = next((line for line in lines if not is_shape_boilerplate(line)), lines[0])
    return bounded(chosen, FIRST_LINE_TITLE_CHARS)


def url_host(url: str | None) -> str | None:
    """``spiegel.de`` for ``https://www.spiegel.de/…``; None for anything but a web URL."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host or "." not in host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    return host


def _squashed(name: str) -> str:
    return _NOT_ALNUM.sub("", name.casefold().translate(_TRANSLITERATE))


def folder_names_host(folder: str, host: str) -> bool:
    """Whether ``folder`` names the site at ``host``: ``meridian-post`` for
    ``meridianpost.example``, ``Spiegel Online`` for ``spiegel.de``."""
    squashed_folder = _squashed(folder)
    if not squashed_folder:
        return False
    labels = [_squashed(label) for label in host.split(".")[:-1]]
    return any(
        len(label) >= 3 and (label in squashed_folder or squashed_folder in label)
        for label in labels
    )


def fallback_outlet(folder: str, url: str | None) -> str | None:
    """The outlet of an article whose source names none: its folder's name, unless that
    says nothing about the article's URL, whose host then stands for the outlet."""
    host = url_host(url)
    if host is not None and not folder_names_host(folder, host):
        return bounded(host, MAX_OUTLET_CHARS)
    return bounded(folder, MAX_OUTLET_CHARS) or None
