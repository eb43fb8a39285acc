"""Bytes to text: UTF-8 first, then UTF-16/32 by byte order mark, then detection."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import charset_normalizer

from store.errors import ImportRefused
from store.formats.signatures import binary_kind, binary_reason

UNDECODABLE = "cannot decode: not UTF-8 and no text encoding detected"

_WIDE_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

WESTERN_PREFERENCE_CHAOS = 0.01
WESTERN_PREFERENCE_COHERENCE = 0.05
"""How close a Windows-1252 reading must be to the detector's favourite to be taken instead."""

MAX_UNPRINTABLE_SHARE = 0.02
"""Share of controls, unassigned, private-use or replacement characters that marks a bad guess."""

PLAUSIBILITY_SAMPLE = 100_000
"""Characters checked for :data:`MAX_UNPRINTABLE_SHARE`; a wrong codec shows early and evenly."""

_PRINTABLE_CONTROLS = frozenset("\t\n\r\x0c")
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a whole file's bytes, or refuse it with a one-line reason.

    Order: empty and binary files are refused; a UTF-32/UTF-16 byte order mark decides
    the codec; NUL bytes otherwise mean binary; valid UTF-8 (with or without BOM) is taken
    as is, without running detection; anything else goes to charset-normalizer.
    """
    if not data:
        raise ImportRefused(path, "empty file")
    kind = binary_kind(data[:16])
    if kind is not None:
        raise ImportRefused(path, binary_reason(kind))
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ImportRefused(
                    path, f"cannot decode: invalid {name} after a {name} byte order mark"
                ) from None
    if b"\x00" in data:
        raise ImportRefused(path, binary_reason("NUL bytes"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    return _decode_detected(data, path)


def _decode_detected(data: bytes, path: Path) -> str:
    """Decode with charset-normalizer's guess, preferring Windows-1252 when it is as good."""
    matches = list(charset_normalizer.from_bytes(data))
    # Without a BOM (and, having got here, without NUL bytes) a UTF-16/32 reading is a
    # coincidence of byte pairs: a short cp1252 "Müller" can pass as three CJK characters.
    candidates = [match for match in matches if not _is_wide(match.encoding)]
    if not candidates:
        raise ImportRefused(path, UNDECODABLE)
    best = candidates[0]
    text: str | None = None
    if _cp1252_as_good(matches, best.chaos, best.coherence):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = str(best)
    if not plausible_text(text):
        raise ImportRefused(path, UNDECODABLE)
    return text


def _is_wide(encoding: str) -> bool:
    return encoding.startswith(("utf_16", "utf_32"))


def _cp1252_as_good(
    matches: list[charset_normalizer.CharsetMatch], chaos: float, coherence: float
) -> bool:
    """Whether a reading as Windows-1252 is about as good as the detector's favourite.

    Western European text in a legacy encoding is nearly always Windows-1252, but the
    detector often names a sibling (cp1250 for German) that reads some letters wrongly.
    """
    return any(
        "cp1252" in match.could_be_from_charset
        for match in matches
        if match.chaos <= chaos + WESTERN_PREFERENCE_CHAOS
        and match.coherence >= coherence - WESTERN_PREFERENCE_COHERENCE
    )


def plausible_text(text: str) -> bool:
    """Whether ``text`` is mostly printable: a wrong encoding guess yields controls and gaps."""
    sample = text[:PLAUSIBILITY_SAMPLE]
    if not sample:
        return False
    unprintable = sum(
        1
        for char in sample
        if (char == "\ufffd" or unicodedata.category(char) in _UNPRINTABLE_CATEGORIES)
        and char not in _PRINTABLE_CONTROLS
    )
    return unprintable <= MAX_UNPRINTABLE_SHARE * len(sample)
