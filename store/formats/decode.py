"""Bytes to text: UTF-8 first, then UTF-16/32 by byte order mark, then detection."""

from __future__ import annotations

import codecs
import itertools
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text, and a one-line note when decoding it took a repair."""

    text: str
    note: str | None = None


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a whole file's bytes, or refuse it with a one-line reason (see decode_text)."""
    return decode_text(data, path).text


def decode_text(data: bytes, path: Path) -> Decoded:
    """Decode a whole file's bytes, or refuse it with a one-line reason.

    Order: empty and binary files are refused; a UTF-32/UTF-16 byte order mark decides
    the codec; NUL bytes otherwise mean binary; valid UTF-8 (with or without BOM) is taken
    as is, without running detection; UTF-8 with stretches of Windows-1252 (a file pasted
    together from two sources) is read stretch by stretch, with a note; anything else goes
    to charset-normalizer.
    """
    if not data:
        raise ImportRefused(path, "empty file")
    kind = binary_kind(data[:16])
    if kind is not None:
        raise ImportRefused(path, binary_reason(kind))
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec))
            except UnicodeDecodeError:
                raise ImportRefused(
                    path, f"cannot decode: invalid {name} after a {name} byte order mark"
                ) from None
    if b"\x00" in data:
        raise ImportRefused(path, binary_reason("NUL bytes"))
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    mixed = decode_mixed(data.removeprefix(codecs.BOM_UTF8))
    if mixed is not None:
        return mixed
    return Decoded(_decode_detected(data, path))


MIN_UTF8_EVIDENCE = 2
"""Western characters in valid UTF-8 a file must hold before its other bytes are read as
Windows-1252 stretches. A Windows-1252 file holds such a pair only by accident (``Ã``
before a symbol); its accidental pairs, such as ``ß“`` (bytes DF 93), decode to other
scripts (U+07D3) and count against."""


def _is_western(char: str) -> bool:
    """Latin letters with accents, Latin-1 symbols, typographic punctuation and the euro."""
    return "\u00a0" <= char <= "\u024f" or "\u2010" <= char <= "\u20ac"


def decode_mixed(data: bytes) -> Decoded | None:
    """UTF-8 with stretches that are not UTF-8 read as Windows-1252, or None.

    Taken only when the valid UTF-8 shows that the file is UTF-8 (at least
    :data:`MIN_UTF8_EVIDENCE` accented Latin letters or typographic characters, more
    than other non-ASCII characters) and the result is plausible text.
    """
    stretches: list[tuple[int, int, str]] = []
    _STRETCHES.found = stretches
    try:
        text = data.decode("utf-8", errors=_AS_CP1252)
    finally:
        _STRETCHES.found = None
    wide = Counter(char for char in text if char > "\x7f")
    wide.subtract(char for _start, _end, read in stretches for char in read)
    western = sum(n for char, n in wide.items() if _is_western(char))
    if western < MIN_UTF8_EVIDENCE or western <= wide.total() - western:
        return None
    if not plausible_text(text):
        return None
    runs = 1 + sum(1 for before, after in itertools.pairwise(stretches) if after[0] != before[1])
    note = (
        f"mixed encodings: {sum(end - start for start, end, _ in stretches)} byte(s) in {runs}"
        " place(s) are not UTF-8 and were read as Windows-1252"
    )
    return Decoded(text, note)


_AS_CP1252 = "claimdesk-mixed-cp1252"
_STRETCHES = threading.local()


def _read_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes UTF-8 rejects, read as Windows-1252 and noted."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    read = error.object[error.start : error.end].decode("cp1252", errors="replace")
    found = getattr(_STRETCHES, "found", None)
    if found is None:  # used outside decode_mixed
        raise error
    found.append((error.start, error.end, read))
    return read, error.end


codecs.register_error(_AS_CP1252, _read_as_cp1252)


# What Windows-1252 text in German, English and their neighbours holds outside ASCII:
# accented Latin letters, and these. Superscripts and ``¿¹³¤`` are left out on purpose:
# they are what Polish and Czech letters (cp1250, ISO-8859-2) and the euro of
# ISO-8859-15 turn into when read as Windows-1252.
# The soft hyphen (0xAD) too, common in German news: without it one sent a Latin-1
# article to the detector, which read "Bürger\xadmeisterin" as Chinese.
_WESTERN_SYMBOLS = frozenset("\u00a0\u00ad«»§°·×´©®±½¼¾£€„“”‚‘’‹›–—…•™")
_WESTERN_LETTERS = frozenset("ŠšŽžŒœŸƒ")
MAX_ACCENTED_SHARE = 0.3
"""Of a text's letters, the most that may be accented for a Windows-1252 reading to be
taken without asking the detector: German has about one in fifty; Cyrillic or Greek
read as Windows-1252 is nearly all accented Latin."""


def _western_reading(data: bytes) -> str | None:
    """``data`` as Windows-1252 when that reads as Western European text, else None.

    charset-normalizer judges short text poorly: ``Über 11.000 Menschen`` in Latin-1
    came out as Chinese (Big5 pairs ``Üb``), ``ÄÖÜ`` lines as Arabic. A reading whose
    every non-ASCII character is a Latin letter or Western punctuation, and whose
    letters are mostly plain ASCII, is taken as it is.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = accented = 0
    for char in text:
        if char < "\x80":
            letters += char.isalpha()
        elif char in _WESTERN_SYMBOLS:
            continue
        elif ("\u00c0" <= char <= "\u00ff" or char in _WESTERN_LETTERS) and char.isalpha():
            letters += 1
            accented += 1
        else:
            return None
    if not letters or accented > MAX_ACCENTED_SHARE * letters:
        return None
    return text


def _decode_detected(data: bytes, path: Path) -> str:
    """Decode as Western European Windows-1252 when it reads as such, else with
    charset-normalizer's guess, preferring Windows-1252 when it is as good."""
    western = _western_reading(data)
    if western is not None:
        return western
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
