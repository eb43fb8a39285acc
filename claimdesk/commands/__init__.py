"""Subcommands of ``claimdesk``: each module has ``register(subparsers)`` and ``run(args)``."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from claimdesk.commands import (
    agree_cmd,
    backup_cmd,
    export_cmd,
    import_annotations_cmd,
    import_cmd,
    labels_cmd,
    link_cmd,
    read_cmd,
    stats_cmd,
)


class Command(Protocol):
    def register(self, subparsers: Any) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: list[Command] = [import_cmd, stats_cmd, read_cmd, labels_cmd, agree_cmd, backup_cmd]
COMMANDS += [export_cmd, import_annotations_cmd]
COMMANDS += [link_cmd]
