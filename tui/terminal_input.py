"""Terminal input that no byte can end: bytes that are not UTF-8 are read, not fatal.

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


def lenient_decoder(encoding: str) -> Callable[..., Any]:
    """``codecs.getincrementaldecoder`` whose decoders never raise on a bad byte."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors=ERRORS)


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
