"""How work that failed away from a key press reaches the user: one line, shown as text.

A worker's exception has no one to tell unless the code that started it does;
``exit_on_error=False`` alone makes it vanish. Every failure goes through here:

- the app's start-up workers (linker, sqlite-utils): :func:`report_failure`;
- the screens' store workers (library, review, clusters, the reader's comparison):
  :func:`report_failed_worker`;
- the match panel, which shows its failure in its title: :func:`error_line` and
  :func:`log_failure`.

The traceback goes to Textual's log (``textual console``, or the file named by
``TEXTUAL_LOG``), never to the terminal the app draws on.
"""

from __future__ import annotations

import traceback
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text
from rich.traceback import Traceback
from textual.app import App
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from store.error_log import append_to_log, unexpected_error
from tui.safe_text import visible_line

# Whatever can both log and notify: the app, a screen, a widget.
Reporter = Widget | App[Any]


def error_line(error: BaseException) -> str:
    """The exception's message as one safe line: its first non-blank line with control
    characters shown as symbols, else the exception's class name."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return visible_line(lines[0]) if lines else type(error).__name__


def log_failure(node: Reporter, what: str, error: BaseException) -> None:
    """``what`` failed, with the traceback, in Textual's log."""
    node.log.error(what, "".join(traceback.format_exception(error)))


def report_failure(node: Reporter, what: str, error: BaseException) -> None:
    """Log ``error`` and notify "``what``: message" (as text, never markup)."""
    log_failure(node, what, error)
    node.notify(f"{what}: {error_line(error)}", severity="error", markup=False)


def report_failed_worker(node: Reporter, event: Worker.StateChanged, what: str) -> None:
    """One notification for a worker of ``node`` that failed (a damaged page, a lost file):
    the screen that started it stays usable."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        report_failure(node, what, event.worker.error)


class EndingLine(Exception):
    """An error that ends the app, shown on exit as one line of plain text.

    Textual prints an exception's ``__rich__`` instead of its traceback, and a string
    from it is read as markup: a message holding ``[/x]`` raised MarkupError inside the
    app's error handling, and other brackets restyled it. :class:`rich.text.Text` is
    never markup.
    """

    def __rich__(self) -> Text:
        return Text(f"claimdesk: {visible_line(str(self))}")


class Unexpected(EndingLine):
    """An error nobody anticipated that ends the app: one line on exit, the traceback in
    the error log the console command writes to (:mod:`store.error_log`)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(unexpected_error(error))
        self.__cause__ = error


def logged_traceback(rendered: Traceback) -> Text:
    """The one line shown for a Rich traceback Textual ends the app with, the traceback
    itself written to the error log."""
    lines = rendered.trace.stacks[-1] if rendered.trace.stacks else None
    what = f"{lines.exc_type}: {lines.exc_value}" if lines else "an error"

    def write(stream: TextIO) -> None:
        Console(file=stream, width=100, color_system=None).print(rendered)

    log = append_to_log(write)
    where = f" (the details are in {log}; please report them)" if log else ""
    return Text(f"claimdesk: unexpected error: {visible_line(' '.join(what.split()))}{where}")
