"""Terminal input that no byte can end (bytes that are not UTF-8 are read, not fatal) and
no paste can turn into key presses.

Textual's Linux driver decodes what the terminal sends as strict UTF-8 in its input
thread, and one bad byte ends the app with a traceback and exit status 0, losing a
half-typed note: an annotator on a Latin-1 terminal typing ``é`` (``0xe9``), a terminal
sending 8-bit meta, a paste holding a raw C1 byte. There is no option for it; the
driver takes its decoder from ``codecs.getincrementaldecoder`` by name, so the name is
replaced, in that module only, by one whose decoders read a bad byte as Latin-1 when
that is a printable letter (what such a terminal meant) and as U+FFFD otherwise.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable
from typing import Any

from store.formats.normalize import ESCAPE_SEQUENCE, without_escape_sequences

ERRORS = "claimdesk-terminal"
# Latin-1's printable upper half: what a Latin-1 or cp1252 terminal sends for ``é``.
_PRINTABLE_LATIN1 = range(0xA0, 0x100)


def _read_as_latin1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(chr(byte) if byte in _PRINTABLE_LATIN1 else "\ufffd" for byte in bad)
    return text, error.end


codecs.register_error(ERRORS, _read_as_latin1)


PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteSafeDecoder:
    """An incremental decoder that leaves no escape character inside a bracketed paste.

    Textual's parser reads an ESC inside a paste as the start of a key sequence and
    delivers what follows as key presses, not as pasted text: pasting ``note\x1bd``
    into the reader deleted the span under the cursor, and a note pasted with colour
    codes came out reordered. Between the terminal's paste markers escape sequences are
    removed whole and other ESC characters dropped, so the whole paste arrives as text.
    """

    def __init__(self, inner: codecs.IncrementalDecoder) -> None:
        self._inner = inner
        self._pasting = False
        self._held = ""  # the start of a paste's end marker, split over two reads

    def decode(self, data: bytes, final: bool = False) -> str:
        text = self._held + self._inner.decode(data, final)
        self._held = ""
        if not self._pasting and PASTE_START not in text:
            return text
        out: list[str] = []
        at = 0
        while at < len(text):
            if not self._pasting:
                start = text.find(PASTE_START, at)
                if start < 0:
                    out.append(text[at:])
                    break
                out.append(text[at : start + len(PASTE_START)])
                at = start + len(PASTE_START)
                self._pasting = True
                continue
            end = text.find(PASTE_END, at)
            if end < 0:
                body = text[at:]
                kept = 0 if final else max(_marker_start_at_end(body), _unfinished_escape(body))
                out.append(_pasted(body[: len(body) - kept]))
                self._held = body[len(body) - kept :]
                break
            out.append(_pasted(text[at:end]) + PASTE_END)
            at = end + len(PASTE_END)
            self._pasting = False
        return "".join(out)


def _pasted(body: str) -> str:
    """A paste's text without escape characters: each whole sequence goes, as import
    removes them (only the ESC went, and a pasted ``ESC[31m`` left ``[31m`` in the note)."""
    return without_escape_sequences(body).replace("\x1b", "")


# An escape sequence split over two reads is held back until it is whole; no longer than
# this, so an ESC that starts nothing does not hold back the rest of a long paste.
_LONGEST_HELD = 256


def _unfinished_escape(text: str) -> int:
    """How many characters at the end of ``text`` are an escape sequence not yet whole."""
    last = text.rfind("\x1b")
    if last < 0 or len(text) - last > _LONGEST_HELD or ESCAPE_SEQUENCE.match(text, last):
        return 0
    return len(text) - last


def _marker_start_at_end(text: str) -> int:
    """How many characters at the end of ``text`` could begin :data:`PASTE_END`."""
    for size in range(min(len(text), len(PASTE_END) - 1), 0, -1):
        if PASTE_END.startswith(text[-size:]):
            return size
    return 0


def lenient_decoder(encoding: str) -> Callable[..., Any]:
    """``codecs.getincrementaldecoder`` whose decoders never raise on a bad byte and keep
    a bracketed paste free of escape characters (:class:`PasteSafeDecoder`)."""
    make = functools.partial(codecs.getincrementaldecoder(encoding), errors=ERRORS)

    def paste_safe(*args: Any, **kwargs: Any) -> PasteSafeDecoder:
        return PasteSafeDecoder(make(*args, **kwargs))

    return paste_safe


def install() -> bool:
    """Make Textual's Linux driver read terminal input leniently; False where there is
    no such driver (another platform) or it no longer decodes this way (a Textual
    upgrade: ``tests/tui/test_terminal_input.py`` says so)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:
        return False
    if getattr(linux_driver, "getincrementaldecoder", None) is not codecs.getincrementaldecoder:
        return linux_driver.getincrementaldecoder is lenient_decoder  # type: ignore[attr-defined]
    linux_driver.getincrementaldecoder = lenient_decoder  # type: ignore[attr-defined]
    return True
