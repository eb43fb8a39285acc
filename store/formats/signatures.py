"""Magic numbers of binary formats people mistake for articles (PDFs, Word files, images)."""

from __future__ import annotations

BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/DOCX"),
    (b"PK\x05\x06", "ZIP/DOCX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old MS Office"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x7fELF", "ELF"),
    (b"SQLite format 3\x00", "SQLite"),
)
"""Leading bytes and the name used in the refusal message."""


def binary_kind(head: bytes) -> str | None:
    """Name of the binary format whose signature ``head`` starts with, if any."""
    for signature, name in BINARY_SIGNATURES:
        if head.startswith(signature):
            # Three letters alone could start a text; bzip2 always writes a digit next.
            if name == "bzip2" and not head[3:4].isdigit():
                continue
            return name
    return None


def binary_reason(kind: str) -> str:
    """The one-line refusal reason for a binary file of ``kind``."""
    return f"binary file ({kind}), not text"
