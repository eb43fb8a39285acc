"""Cleaning of metadata values (titles, outlets, URLs, language tags) for storage."""

from __future__ import annotations

import re
import unicodedata

from store.formats.normalize import without_escape_sequences

_WHITESPACE_CONTROLS = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x85", " "))
# U+FFFE and U+FFFF go with the controls, as in article text: XML 1.0 cannot hold them.
_OTHER_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# A file name with bytes that are not UTF-8 reaches Python with each such byte as a lone
# surrogate (U+DC80-U+DCFF), which SQLite cannot store; it is shown as U+FFFD instead.
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def clean_value(value: str | None) -> str | None:
    """One-line form of a metadata value: no controls, single spaces, NFC; None if empty."""
    if value is None:
        return None
    value = without_escape_sequences(value)
    # Line breaks and tabs separate words, so they become spaces; other controls go.
    value = _OTHER_CONTROLS.sub("", value.translate(_WHITESPACE_CONTROLS))
    value = storable(value)
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value or None


def clean_name(name: str) -> str:
    """An annotator's name in the form spans store it (:func:`clean_value`: single spaces,
    NFC), or as given when cleaning leaves nothing. Ids derived from a name and lookups by
    it use this form: " alice" and a decomposed "José" made spans and searches of their
    own beside "alice" and "José"."""
    return clean_value(name) or name


def storable(text: str) -> str:
    """``text`` with every lone surrogate (an undecodable file-name byte) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def file_name_text(name: str) -> str:
    """A file name as a document's name: each byte that is not UTF-8 written ``\\xe9``.

    U+FFFD for every such byte made ``café.txt`` and ``cafè.txt`` of a Latin-1 archive
    one name, and the bytes of one typed on the command line opened the other's
    article. The escape keeps the byte, as Python's ``backslashreplace`` does, so
    distinct names stay distinct and the same bytes typed give the same name; unlike a
    guessed Latin-1 reading, it cannot meet a UTF-8 ``café.txt`` of the same corpus.
    """
    return _UNDECODED_BYTE.sub(lambda byte: f"\\x{ord(byte.group()) - 0xDC00:02x}", name)


def language_code(value: str | None) -> str | None:
    """Primary subtag of a BCP 47 tag in lower case (``de-DE`` → ``de``); None for a value
    that is not such a tag, so that the text's detected language is stored instead.

    Detection yields bare codes, so metadata is reduced to the same form. A value that was
    not a tag used to be kept: ``<html lang="en.examples">`` was stored as ``en.examples``,
    which spaCy took for a module to import, and one such page stopped the corpus's export.
    """
    cleaned = clean_value(value)
    if cleaned is None:
        return None
    match = _LANGUAGE_TAG.fullmatch(cleaned)
    code = match.group(1).lower() if match else None
    # ISO 639's "undetermined", "no linguistic content", "multiple" and "uncoded" name no
    # language: the text's detected one says more.
    return None if code in _NO_LANGUAGE else code
