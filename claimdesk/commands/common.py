"""Options every subcommand shares, and how a command opens its database."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import ClaimdeskError
from store.paths import DB_ENV, default_db_path

if TYPE_CHECKING:
    from store.session import Session

ANNOTATOR_ENV = "CLAIMDESK_ANNOTATOR"


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--db`` and ``--annotator``, accepted before or after the subcommand.

    Subcommand copies default to SUPPRESS so they never overwrite a value given
    before the subcommand.
    """
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar="PATH",
        help=f"database file (default: ${DB_ENV}, else claimdesk.db in the user data folder)",
    )
    parser.add_argument(
        "--annotator",
        default=default,
        metavar="NAME",
        help=f"who is annotating (default: ${ANNOTATOR_ENV}, else the login name)",
    )


def common_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    add_common_options(parent)
    return parent


def annotator_of(args: argparse.Namespace) -> str:
    """``--annotator``, else ``$CLAIMDESK_ANNOTATOR``, else the config file's, else the login."""
    name = getattr(args, "annotator", None) or os.environ.get(ANNOTATOR_ENV)
    if not name:
        from tui.config import load_config

        name = load_config().annotator or login_name()
    name = name.strip()
    if not name or not name.isprintable():
        raise ClaimdeskError(f"annotator name {name!r} must be printable and not empty")
    return name


def db_path_of(args: argparse.Namespace) -> tuple[Path, bool]:
    """The database path, and whether it is the default one (which gets seeded)."""
    given = getattr(args, "db", None)
    if given is not None:
        return Path(given).expanduser(), False
    return default_db_path(), True


def open_session(args: argparse.Namespace, *, seed: bool = True) -> Session:
    from store.session import Session

    path, is_default = db_path_of(args)
    if is_default and seed:
        seed_default_database(path)
    return Session(path, annotator_of(args))


def seed_default_database(path: Path) -> None:
    """Fill a missing default database from the sample corpus (the importer loads only then)."""
    if path.exists():
        return
    from store.seed import ensure_seeded

    ensure_seeded(path)


# Characters a terminal acts on or hides: controls, format characters (bidi
# overrides, zero-width), unassigned and private use, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def terminal_safe(text: str) -> str:
    """``text`` for printing: newlines kept, every other unsafe character as ``\\uXXXX``.

    Inside JSON string values the escape is itself valid JSON, so the same function
    serves plain and ``--json`` output; stored strings never move the cursor, set a
    window title or write the clipboard.
    """
    if text.isascii() and all(c == "\n" or " " <= c < "\x7f" for c in text):
        return text
    return "".join(
        c if c == "\n" or unicodedata.category(c) not in _UNSAFE_CATEGORIES else _escaped(c)
        for c in text
    )


def _escaped(char: str) -> str:
    """JSON's escape of one character (a surrogate pair beyond the first plane)."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def fail(message: str) -> int:
    print(f"claimdesk: {message}", file=sys.stderr)
    return 1
