"""``claimdesk read NAME...`` (and plain ``claimdesk``): open the reader."""

from __future__ import annotations

import argparse
import gc
from typing import TYPE_CHECKING, Any

from claimdesk.commands.common import (
    annotator_name,
    annotator_of,
    common_parent,
    db_path_of,
    seed_default_database,
)
from claimdesk.commands.path_arguments import given_output

if TYPE_CHECKING:
    from pathlib import Path


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "read",
        parents=[common_parent()],
        description=(
            "Open the named documents (source name, unique prefix, #ID or id:ID) side by side"
            " in the reader; with no names, reopen where you left off (the library on a"
            " first run, or when nothing saved remains)."
        ),
    )
    parser.add_argument("documents", nargs="*", metavar="NAME")
    add_tui_options(parser)
    parser.set_defaults(handler=run)
    return parser


def add_tui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keymap",
        metavar="NAME|FILE",
        # A name or a path, kept as typed; an empty one (an unset "$KEYMAP") is refused
        # as bad usage, as every path argument is: it was read as the working folder.
        type=given_output,
        default=argparse.SUPPRESS,
        help="default, vim, emacs, or a TOML keymap file (default: from the config file)",
    )


def run(args: argparse.Namespace) -> int:
    # Collections while Textual and claimdesk load walk a heap that only grows (~5% of
    # the CPU before the first frame): none until the reader's first frame (tui.app
    # enables them then), or until the command ends if it never gets there.
    gc.disable()
    try:
        return _open_reader(args)
    finally:
        gc.enable()


def _open_reader(args: argparse.Namespace) -> int:
    path, is_default = db_path_of(args)
    if is_default:
        seed_default_database(path)
    annotator = annotator_of(args)
    names: list[str] = list(getattr(args, "documents", []) or [])
    from store.curation import DEFAULT_GOLD
    from store.errors import ClaimdeskError, clipped
    from store.session import Session
    from tui.config import load_config

    config = load_config()
    gold = annotator_name(config.gold_name or DEFAULT_GOLD)
    if annotator == gold:
        # Spans made by hand under the gold name mixed into the curated set (one export
        # could not tell them apart), and curation then refused everyone: "gold
        # annotates too".
        raise ClaimdeskError(
            f"annotator {clipped(annotator)!r} is the name curated spans are stored under"
            " (gold_name); annotate under your own name (--annotator NAME), and curate"
            " with the curation screen"
        )
    label_file = config.label_file
    if label_file is not None:
        _check_label_file(label_file)
    # Resolve names and the configured label set before the screen takes over, so a typo
    # in either is a plain one-line error.
    # A new database file may be started here, but never a new folder for it, and not
    # when documents are named: a new database holds none, so the --db is a typo that
    # would otherwise leave an empty database behind.
    create = is_default or (not names and path.parent.is_dir())
    from store.db import read_only_place

    if read_only_place(str(path)):
        # SQLite opens such a file read-only without a word, and the reader failed only
        # at the first change the annotator made.
        from store.errors import StoreUnwritable

        raise StoreUnwritable(
            f"{path}: database is read-only (its file or folder cannot be written); the"
            " reader stores each change as it is made, so it needs one it can write"
            " (export, stats and check read this one)"
        )
    with Session(path, annotator, create=create) as session:
        doc_ids = [session.find_document(name).id for name in names]
        if label_file is not None:
            session.load_labels(label_file)
    from tui.launch import run_tui

    return run_tui(path, annotator, doc_ids=doc_ids, keymap=getattr(args, "keymap", None))


def _check_label_file(path: Path) -> None:
    """Refuse a configured label file that cannot be used, saying where it was named: the
    bare "labels.toml: no such file" sent a newcomer who had copied the README's config
    looking for a file they had never written."""
    from store.errors import ClaimdeskError
    from store.labels import load_labels_toml
    from tui.config import config_path

    try:
        load_labels_toml(path)
    except ClaimdeskError as error:
        raise ClaimdeskError(f"{error} (label_file in config {config_path()})") from None
