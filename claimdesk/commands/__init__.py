"""Subcommands of ``claimdesk``: each module has ``register(subparsers)`` and ``run(args)``.

Only the module of the command being run is imported: the others pull in trafilatura,
numpy and the linker, which would add most of a second to every start of the reader.
The one-line summaries for ``claimdesk --help`` therefore live here, not in the modules.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any, Protocol


class Command(Protocol):
    def register(self, subparsers: Any) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace) -> int: ...


# name: (module in this package, one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("import_cmd", "import article files and folders"),
    "stats": (
        "stats_cmd",
        "documents per outlet, sentences, spans per label and annotator, links by status",
    ),
    "read": ("read_cmd", "open documents side by side in the reader"),
    "labels": ("labels_cmd", "list the label set, or load labels from a TOML file"),
    "link": (
        "link_cmd",
        "suggest links between sentences of different articles that report the same fact",
    ),
    "export": ("export_cmd", "export spans and links as training data (jsonl, conll, brat, ...)"),
    "import-annotations": (
        "import_annotations_cmd",
        "add spans from a claimdesk jsonl or doccano JSONL file",
    ),
    "import-links": (
        "import_links_cmd",
        "load accepted and rejected links from a links-jsonl file",
    ),
    "agree": (
        "agree_cmd",
        "inter-annotator agreement: span F1, Cohen's kappa, Krippendorff's alpha, links",
    ),
    "backup": ("backup_cmd", "copy the database to PATH while others keep working"),
    "check": (
        "check_cmd",
        "check integrity, the search index, text encoding and every span's offsets",
    ),
    "stories": (
        "stories_cmd",
        "reports of one unfolding news event grouped across outlets; correct them",
    ),
}


def load_command(name: str) -> Command:
    module, _summary = COMMANDS[name]
    loaded: Command = importlib.import_module(f"claimdesk.commands.{module}")
    return loaded


def command_in(argv: list[str]) -> str | None:
    """The subcommand named in ``argv``, skipping the values of the top-level options."""
    skip_next = False
    for token in argv:
        if skip_next:
            skip_next = False
        elif token in ("--db", "--annotator", "--keymap"):
            skip_next = True
        elif token == "--":
            return None
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None
