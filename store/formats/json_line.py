"""One line of JSON from an untrusted file, with every way it can be bad as one reason.

Shared by the three JSON Lines readers (articles, ``import-annotations``,
``import-links``). ``json.loads`` alone lets three kinds of hostile line through as
crashes: nesting deeper than Python's recursion limit (``RecursionError``), an
integer longer than Python converts (a plain ``ValueError``), and a string escape
``\\ud800`` that is half of a UTF-16 surrogate pair. Python keeps such a lone
surrogate in the ``str``; it is not a character, cannot be encoded as UTF-8, and so
fails much later, when SQLite or a hash is handed the string, after part of a file
may already be stored. Here each is refused at its line instead.
"""

from __future__ import annotations

import json
import re
import sys

_SURROGATE = re.compile("[\ud800-\udfff]")
# A surrogate can only come from a ``\\uD8xx``-``\\uDFxx`` escape (UTF-8 input has none),
# so lines without one skip the walk over the parsed value.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


SPREAD_DOCUMENT = (
    "one JSON document spread over many lines (it opens with a lone {opening!r}), not JSON"
    " Lines: write one object a line (jq -c '.[]' turns an array into that)"
)
"""The one reason for a file whose first line is a lone ``[`` or ``{``: a JSON Lines record
never spans lines, and refusing each line of a pretty-printed array says the same thing
thousands of times."""

NO_RECORDS = "no records: the file is empty or holds only blank lines"
"""The reason for a decisions or annotations file with no record: "imported 0" with exit 0
read as done, when most likely the wrong file was named."""


def opens_spread_document(line: str) -> str | None:
    """``[`` or ``{`` when ``line`` (a file's first non-blank line) is only that, else None."""
    stripped = line.strip()
    return stripped if stripped in ("[", "{") else None


class BadJsonLine(ValueError):
    """``str(error)`` says, in one line, why the line is not usable JSON."""


def loads_line(line: str) -> object:
    """The JSON value on ``line``; raises :class:`BadJsonLine` with a one-line reason."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        # The line's own newline is a second line to json, whose column there (1) named
        # no place in the record: a record cut short is said as such.
        if error.pos >= len(line.rstrip()):
            raise BadJsonLine("the line ends before its JSON value is closed") from None
        raise BadJsonLine(f"{error.msg} (column {error.pos + 1})") from None
    except RecursionError:
        raise BadJsonLine("nested too deeply") from None
    except ValueError as error:
        if "integer string conversion" in str(error):
            # Python's message tells the user to call sys.set_int_max_str_digits().
            raise BadJsonLine(
                f"an integer of over {sys.get_int_max_str_digits():,} digits"
            ) from None
        raise BadJsonLine(str(error).splitlines()[0]) from None
    if _SURROGATE_ESCAPE.search(line):
        surrogate = first_lone_surrogate(value)
        if surrogate is not None:
            raise BadJsonLine(
                f"a string holds \\u{ord(surrogate):04x}, half of a UTF-16 surrogate pair"
                " and not a character"
            )
    return value


def first_lone_surrogate(value: object) -> str | None:
    """The first lone surrogate in any string or key of a parsed JSON value, or None.

    ``json.loads`` joins a valid pair into one character, so any surrogate left is lone.
    Walked with a stack: a value deep enough to parse is not re-walked recursively.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                return found.group()
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
