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
    """An output path as typed (``--out``, where ``-`` is stdout, and ``backup PATH``);
    an empty one is refused like :func:`given_path`: it named the working folder.

    Not a Path: a Path drops a trailing "/", the only sign that a folder was meant
    (see :func:`store.export.output.names_folder`).
    """
    given_path(value)
    return value
