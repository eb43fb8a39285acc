"""The argparse type for files and folders named on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

EMPTY_PATH = "an empty path (an unset shell variable?)"


def given_path(value: str) -> Path:
    """``value`` as a path; an empty one is refused.

    ``Path("")`` is the current folder: ``claimdesk import "$DIR"`` with ``DIR`` unset
    imported every article under the working folder (the home folder, as often as not).
    """
    if not value.strip():
        raise argparse.ArgumentTypeError(EMPTY_PATH)
    return Path(value)


def given_output(value: str) -> str:
    """``--out`` as typed (``-`` is stdout, so not a Path); an empty one is refused like
    :func:`given_path`: it named the working folder."""
    given_path(value)
    return value
