"""How a name typed on the command line picks a stored document.

Every command that takes document names (``read``, ``export --doc``, ``link --docs``,
``agree``) goes through :func:`resolve_document`, in this order:

| typed            | means                                                      |
|------------------|------------------------------------------------------------|
| ``#4``, ``id:4`` | the document with id 4                                     |
| ``004_x.txt``    | the document whose source name is exactly that             |
| ``004``          | the one document whose source name starts with ``004``     |

Bare numbers are names, never ids: numbered file names (``004_...``) are common and an
id taken by surprise opens the wrong article silently. An ambiguous prefix is an error
that lists the candidates, so the user can type a longer one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from store.errors import NotFound, clipped
from store.formats.metadata import clean_value, file_name_text, storable

if TYPE_CHECKING:
    from store.connected import Connected

# ASCII digits only: \d also takes Arabic-Indic and full-width digits, which int() reads.
_ID_FORM = re.compile(r"(?:#|id:)\s*([0-9]+)", re.IGNORECASE)
# SQLite's largest integer: a larger id is no document's, and binding it raised an
# OverflowError (an "unexpected error"); int() refuses over 4,300 digits on its own.
_LARGEST_ID = 2**63 - 1
# How many candidates an ambiguity message names before it says "and N more".
_SHOWN_CANDIDATES = 5


class AmbiguousName(NotFound):
    """A prefix that matches several source names; ``candidates`` holds them, sorted."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        shown = ", ".join(candidates[:_SHOWN_CANDIDATES])
        more = len(candidates) - _SHOWN_CANDIDATES
        tail = f" and {more} more" if more > 0 else ""
        super().__init__(
            f"document name {name!r} is ambiguous: {len(candidates)} documents start with it"
            f" ({shown}{tail}); type more of the name, or #ID"
        )


def document_id_of(name: str) -> int | None:
    """The id when ``name`` is written as ``#4`` or ``id:4``, else None."""
    match = _ID_FORM.fullmatch(name.strip())
    if match is None:
        return None
    digits = match.group(1).lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(_LARGEST_ID)) else _LARGEST_ID + 1


def resolve_document_id(db: Connected, name: str) -> int:
    """The id of the document ``name`` picks (see the module table); NotFound otherwise."""
    typed = name
    # A name typed with bytes that are not UTF-8 (a file name the shell completes) is
    # the name import gives that file: each such byte as \xNN (file_name_text).
    name = storable(file_name_text(name))
    wanted_id = document_id_of(name)
    if wanted_id is not None:
        if wanted_id > _LARGEST_ID:
            typed = clipped(name.strip())
            raise NotFound(f"no document with id {typed!r}: ids are smaller")
        row = db.conn.execute("SELECT id FROM documents WHERE id = ?", [wanted_id]).fetchone()
        if row is None:
            raise NotFound(f"no document with id {wanted_id}")
        return int(row[0])
    found = _named_exactly(db, name)
    if found is not None:
        return found
    if storable(typed) != name:
        found = _named_as_before(db, storable(typed))
        if found is not None:
            return found
    if not name:
        raise NotFound("an empty document name picks nothing")
    # substr() compares case-sensitively, unlike LIKE, and needs no escaping of % and _.
    rows = db.conn.execute(
        "SELECT id, source_name FROM documents WHERE substr(source_name, 1, ?) = ?"
        " ORDER BY source_name",
        [len(name), name],
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    if rows:
        raise AmbiguousName(name, [str(r[1]) for r in rows])
    hint = f" (an id is written #{name})" if name.isdigit() else ""
    raise NotFound(f"no document named {name!r}{hint}")


def _named_exactly(db: Connected, name: str) -> int | None:
    row = db.conn.execute("SELECT id FROM documents WHERE source_name = ?", [name]).fetchone()
    if row is not None:
        return int(row[0])
    # A file named with an escape sequence or a line break is stored under its cleaned
    # name (escape gone, line break a space): the name the shell completes finds it too.
    cleaned = clean_value(name)
    if cleaned is not None and cleaned != name:
        row = db.conn.execute(
            "SELECT id FROM documents WHERE source_name = ?", [cleaned]
        ).fetchone()
        if row is not None:
            return int(row[0])
    return None


def _named_as_before(db: Connected, legacy: str) -> int | None:
    """The document an older claimdesk stored under ``legacy``, a file name with U+FFFD
    for each byte that is not UTF-8, unless another file's document may hold it.

    That form is one for ``café.txt`` and ``cafè.txt`` of a Latin-1 archive: the second
    got ``outlet/name`` (or ``name~N``), and the bytes of one typed opened the other's
    article. With such a sibling stored, which one is meant cannot be told.
    """
    found = _named_exactly(db, legacy)
    if found is None:
        return None
    plain = clean_value(legacy) or legacy
    rows = db.conn.execute(
        "SELECT id, source_name FROM documents WHERE instr(source_name, ?) > 0"
        " ORDER BY source_name",
        [plain],
    ).fetchall()
    siblings = [str(n) for doc_id, n in rows if doc_id == found or _clash_form(str(n), plain)]
    if len(siblings) > 1:
        shown = ", ".join(clipped(n) for n in siblings[:_SHOWN_CANDIDATES])
        raise NotFound(
            f"document name {clipped(plain)!r} is ambiguous: claimdesk stored a file name's"
            f" bytes that are not UTF-8 as U+FFFD before, and {len(siblings)} documents may"
            f" be that file ({shown}); type #ID"
        )
    return found


def _clash_form(stored: str, name: str) -> bool:
    """Whether ``stored`` is a name the import's clash rule makes of ``name``."""
    clash, tilde, number = stored.rpartition("~")
    return stored.endswith("/" + name) or (bool(tilde) and clash == name and number.isdigit())
