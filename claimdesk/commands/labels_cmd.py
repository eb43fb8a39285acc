"""``claimdesk labels``: list the label set, or load one from a TOML file."""

from __future__ import annotations

import argparse
from typing import Any

from claimdesk.commands.common import common_parent, open_session, say
from claimdesk.commands.path_arguments import given_path
from store.visible import visible


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "labels",
        parents=[common_parent()],
        description=(
            "Without --load, list the labels. With --load FILE, add or update the labels"
            " defined as [[label]] tables (name, colour, hotkey, description) in FILE. A new"
            " label needs name and colour; for a stored label, a key left out keeps its"
            ' value, and hotkey = "" or description = "" clears it.'
        ),
    )
    parser.add_argument(
        "--load", type=given_path, metavar="FILE", help="TOML file of [[label]] tables"
    )
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    # Listing never creates a database (a mistyped --db is an error); loading a label set
    # into a new one, before any article, is a way to start.
    loading = args.load is not None
    with open_session(args, create=loading, reading=not loading) as session:
        session.refuse_damaged(writing=loading)
        if loading:
            session.load_labels(args.load)
        for label in session.labels():
            hotkey, name = visible(label.hotkey or " "), visible(label.name)
            say(f"{hotkey}  {name:<12} {visible(label.colour)}  {visible(label.description)}")
    return 0
