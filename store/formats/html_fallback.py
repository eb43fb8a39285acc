"""Article text from HTML without trafilatura, for pages where it finds nothing.

Picks the main region (``<article>``, else ``<main>``, else ``<body>``), leaves out
scripts, navigation, page furniture and anything whose id or class names boilerplate,
and cuts paragraphs at block elements.
"""

from __future__ import annotations

from store.formats.html_blocks import Element, block_paragraphs

NEVER_SHOWN_TAGS = frozenset({"script", "style", "noscript", "template"})
"""Elements whose content a reader of the page never sees as text, wherever they stand."""

DROPPED_TAGS = NEVER_SHOWN_TAGS | frozenset(
    {
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "dialog",
        "head",
        "title",
        "meta",
        "link",
    }
)
"""Elements that never hold article text."""

BOILERPLATE_WORDS = (
    "cookie",
    "consent",
    "banner",
    "newsletter",
    "share",
    "social",
    "related",
    "advert",
)
"""Substrings of ids and classes that mark page furniture rather than article text."""

BOILERPLATE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
)
"""ARIA landmark roles of page furniture (``role="banner"`` is the site header)."""

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
"""Elements whose content is a paragraph (or several) of its own."""


_BREAKS = frozenset({"br"})
_PRESERVE = frozenset({"pre"})


def fallback_paragraphs(tree: Element) -> list[str]:
    """Paragraphs of the article in the parsed page ``tree`` (an ``<html>`` element)."""
    return block_paragraphs(
        main_region(tree),
        blocks=BLOCK_TAGS,
        breaks=_BREAKS,
        preserve=_PRESERVE,
        skip=is_boilerplate,
    )


def shown_paragraphs(tree: Element) -> list[str]:
    """Paragraphs of all the text ``tree`` shows, cut as :func:`fallback_paragraphs` cuts them.

    For HTML inside an article (a Markdown file's HTML blocks): it is all article, so no
    region is picked and nothing but :data:`NEVER_SHOWN_TAGS` is left out. An aside or
    a box classed ``social`` may hold a quoted claim.
    """
    return block_paragraphs(
        tree, blocks=BLOCK_TAGS, breaks=_BREAKS, preserve=_PRESERVE, skip=_never_shown
    )


def _never_shown(element: Element) -> bool:
    return element.tag in NEVER_SHOWN_TAGS


def main_region(tree: Element) -> Element:
    """The longest ``<article>``, else the first ``<main>``, else ``<body>``, else the tree."""
    articles = tree.findall(".//article")
    if articles:
        return max(articles, key=lambda element: len(element.text_content()))
    for path in (".//main", ".//body"):
        found = tree.find(path)
        if found is not None:
            return found
    return tree


def is_boilerplate(element: Element) -> bool:
    """Whether ``element`` is page furniture: by tag, role, hidden flag, id or class."""
    if element.tag in DROPPED_TAGS:
        return True
    attributes = element.attrib
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    if attributes.get("role", "").lower() in BOILERPLATE_ROLES:
        return True
    names = f"{attributes.get('id', '')} {attributes.get('class', '')}".lower()
    return any(word in names for word in BOILERPLATE_WORDS)
