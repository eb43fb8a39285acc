"""``claimdesk backup PATH``: a verified copy of the live database."""

from __future__ import annotations

import argparse
import os
from typing import Any

from claimdesk.commands.common import common_parent, existing_database_of, say
from claimdesk.commands.path_arguments import given_output
from store.backup import backup


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backup",
        parents=[common_parent()],
        description=(
            "Copy the database through SQLite's online backup API (safe while annotators"
            " write), check the copy with PRAGMA integrity_check, and move it into place"
            " only when it is sound. An existing PATH is kept unless --force is given."
        ),
    )
    # As typed, not a Path: a Path drops the trailing "/" that shows a folder was meant.
    parser.add_argument("path", type=given_output, metavar="PATH", help="file to write the copy to")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    source = existing_database_of(args)
    result = backup(source, os.path.expanduser(args.path), force=args.force)
    # say(): the paths are file names, which may hold escape sequences or undecodable bytes.
    say(f"backed up {source} to {result.path} ({result.bytes:,} bytes, integrity ok)")
    return 0
