"""The text of a TOML file a person writes: a label set, a keymap, the config file.

TOML is UTF-8. Windows Notepad starts a UTF-8 file with a byte-order mark, which tomllib
called an "Invalid statement (at line 1, column 1)" in a file that looked right, so the
mark is skipped, as every other input skips it. A UTF-16 or UTF-32 file is named as
such, instead of in Python's codec words ("'utf-8' codec can't decode byte 0xff").
"""

from __future__ import annotations

import codecs

# UTF-32 first: its little-endian mark starts with UTF-16's.
_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


class NotUtf8(ValueError):
    """A settings file that is not UTF-8 text; the message is the problem, for a line
    that names the file."""


def settings_text(data: bytes) -> str:
    """``data`` as UTF-8 text without a leading byte-order mark, or :class:`NotUtf8`."""
    for mark, name in _WIDE_MARKS:
        if data.startswith(mark):
            raise NotUtf8(f"is {name}; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8(
            f"cannot read: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
