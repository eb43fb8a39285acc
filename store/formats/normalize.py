"""Text normalisation applied once on import.

Offsets stored later are code points into :func:`normalize_text`'s output, so the
function must be a fixed point of itself: normalising stored text again changes nothing.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

ESCAPE_SEQUENCE = re.compile(
    # CSI, as ESC [ or as the one C1 character U+009B (which some terminals act on: only the
    # U+009B went, and "\x9b31m" was stored as "31m"): parameter, intermediate, final bytes.
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC/DCS/SOS/PM/APC strings, ended by BEL or ST
    r"|\x1b[ -/]+[0-~]"  # nF sequences such as ``ESC ( B`` (character set selection)
    r"|\x1b[0-Z\\^-~]"  # other two-character sequences; a lone ``ESC [``/``ESC ]`` is not one
)
"""Complete terminal escape sequences; incomplete ones lose only their ESC (or CSI) later."""

ESCAPE_STARTS = ("\x1b", "\x9b")
"""The characters an escape sequence starts with: text without them needs no search."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""Category Cc (C0, DEL, C1) except newline and tab, and the noncharacters U+FFFE and
U+FFFF: XML 1.0 cannot hold them (nor C0), so the xmi export could not write a text or
note holding one, and they mean nothing in a text (U+FFFE is a byte-swapped BOM)."""

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (outside its ``Char`` production): C0 controls other
than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF. Import
removes or refuses them all; an older database may still hold some."""

_LINE_SEPARATORS = ("\r", "\u2028", "\u2029", "\x85")
_BLANK_LINE_RUN = re.compile(r"\n{3,}")

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_OTHER_INVISIBLE = frozenset(
    # Default-ignorable code points outside category Cf (the combining grapheme joiner,
    # Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors)
    # and the blank Braille pattern, a common way to post "empty" text.
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def without_escape_sequences(text: str) -> str:
    """``text`` with every complete terminal escape sequence removed whole (an incomplete
    one keeps all but its ESC or CSI, which the control removal takes)."""
    if any(start in text for start in ESCAPE_STARTS):
        return ESCAPE_SEQUENCE.sub("", text)
    return text


def clean_controls(text: str) -> str:
    """Unify line ends as ``\\n`` and remove terminal escape sequences, control characters
    and the noncharacters U+FFFE and U+FFFF.

    This is the part of normalisation that never touches spaces, so markup readers can
    apply it before parsing without losing markdown's trailing-space line breaks.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    for separator in _LINE_SEPARATORS:
        if separator in text:
            text = text.replace(separator, "\n")
    return _CONTROL.sub("", without_escape_sequences(text))


def normalize_text(text: str, *, soft_hyphens: bool = False) -> str:
    """Return ``text`` in the one canonical form stored for articles.

    Line ends become ``\\n``; terminal escape sequences, control characters other
    than newline and tab, and U+FFFE and U+FFFF (which XML 1.0 cannot hold) go; the
    result is NFC; trailing spaces and tabs are stripped from every line; runs of blank
    lines become a single blank line; leading and trailing blank lines and leading byte
    order marks go, and so do soft hyphens (``soft_hyphens`` keeps them: the form stored
    before, to recognise an article stored then). Everything else (NBSP, zero-width and
    bidi characters, emoji) is kept for the display layer to deal with.
    """
    text = clean_controls(text)
    if "\u00ad" in text and not soft_hyphens:
        # Soft hyphens (HTML's &shy;, common in German news pages) are invisible line-break
        # hints: kept, "Bürger\u00admeisterin" showed as "Bürger·meisterin", search for the
        # word found nothing, and the linker scored an identical sentence below a paraphrase.
        text = text.replace("\u00ad", "")
    # NFC only after the removals: dropping a control between a letter and a combining
    # mark can create a new composition. The steps below only remove spaces, newlines
    # and leading BOMs next to newlines or at the start, none of which can compose, so
    # the result is a fixed point.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        # One rstrip per line is linear; a ``[ \t]+$`` regex retries at every space.
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANK_LINE_RUN.sub("\n\n", text)
    # A BOM that becomes leading once blank lines go must go too, or a second pass
    # would remove it; lines are already right-stripped, so no new blank line appears.
    return text.strip("\n").lstrip("\ufeff\n")


def shows_text(text: str) -> bool:
    """Whether ``text`` has a character that shows: one that is not whitespace (NBSP, em
    and ideographic spaces too), a control, a format character (zero-width spaces and
    joiners, bidi marks, the BOM, soft hyphens), another default-ignorable one, or the
    blank Braille pattern."""
    stripped = text.strip()
    if not stripped:
        return False
    if not _invisible(stripped[0]):
        return True  # nearly every text, at once
    return _shown_character().search(stripped) is not None


def _invisible(char: str) -> bool:
    return (
        unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or char in _OTHER_INVISIBLE
        or "\U000e0000" <= char <= "\U000e0fff"  # tags and variation selectors 17-256
        or char.isspace()
    )


@functools.cache
def _shown_character() -> re.Pattern[str]:
    """A pattern for any character that is not :func:`_invisible`, built once (about 0.4 s):
    a text of 10 million zero-width spaces took 2.5 s a character at a time."""
    ranges: list[str] = []
    start: int | None = None
    for code in range(sys.maxunicode + 2):
        inside = code <= sys.maxunicode and _invisible(chr(code))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return re.compile(f"[^{''.join(ranges)}]")
