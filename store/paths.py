"""Where claimdesk keeps its files, and where the bundled data ships."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from store.errors import ClaimdeskError, UnusablePath

APP_NAME = "claimdesk"
DB_ENV = "CLAIMDESK_DB"


def configured_db_path() -> Path | None:
    """``$CLAIMDESK_DB``, or None when it is unset or empty.

    It names a database the way ``--db`` does, so it is never seeded with the sample
    corpus: a team's ``team.db`` mistyped or not yet mounted was created and filled with
    the sample articles, and ``stats`` showed their numbers as the team's.
    """
    configured = os.environ.get(DB_ENV)
    if not configured:
        return None
    if not configured.strip():
        # Taken as a file name, it created a database called " " in the current folder.
        raise ClaimdeskError(
            f"${DB_ENV} is blank ({configured!r}); unset it or set it to a database file"
        )
    return Path(configured).expanduser()


def default_db_path() -> Path:
    """``claimdesk.db`` in the user's data directory: the database seeded on first use."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "claimdesk.db"


def bundled_path(name: str) -> Path:
    """A folder shipped beside ``store/`` in the checkout and in the wheel."""
    return Path(__file__).resolve().parent.parent / name


def sample_corpus_path() -> Path:
    return bundled_path("sample_corpus")


def keymaps_path() -> Path:
    return bundled_path("keymaps")


def refuse_unusable(path: Path, what: str) -> None:
    """Refuse in one line a path the OS will not look at (a name too long, a loop of
    links, a parent that is a file, no permission), before anything is read or written.

    The exists()/is_dir() checks that follow raise on these instead of saying no, and
    the error reached the user as an "unexpected error". A missing path is left to the
    caller, for which it is often fine.
    """
    try:
        os.stat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise UnusablePath(path, error, what) from None


def refuse_non_database_file(path: Path, *, must_exist: bool = True) -> None:
    """Refuse in one line a database path that names a folder or a pipe, or (with
    ``must_exist``) nothing.

    Every command that opens a database says the same; ``backup`` said "no such
    database" of a folder. Reading the header of a FIFO without a writer waited for ever.
    """
    refuse_unusable(path, "the database")
    if path.is_dir():
        raise ClaimdeskError(f"{path}: is a folder, not a database file")
    if path.exists() and not path.is_file():
        raise ClaimdeskError(f"{path}: is a FIFO, device or socket, not a database file")
    if must_exist and not path.exists():
        raise ClaimdeskError(f"{path}: no such database")
