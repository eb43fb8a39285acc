"""Screens that close only while they are on top.

Textual's ``dismiss`` runs the screen's result callback and pops whatever screen is on
top, whether or not that is the one dismissed. Two keys in one read (or a key and a
click) dismissed a picker twice: the second ran its callback again and popped the screen
under it, or, with nothing under it, ended the reader on ScreenStackError.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

R = TypeVar("R")


def _nothing() -> AwaitComplete:
    done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
    return done


class Dialog(ModalScreen[R]):
    """A modal screen whose ``dismiss`` does nothing once it is no longer on top, and which
    drops the keys typed before it opened."""

    def on_mount(self) -> None:
        # Keys typed in the same read as the one that opened it went to the screen below
        # before the dialog could take them: `l f i g enter` labelled the span with the
        # first label, the filter never saw "fig", and the enter chose the unfiltered row.
        drop = getattr(self.app, "drop_keys_typed_until_now", None)
        if drop is not None:
            drop("Keys typed before the dialog opened were ignored")

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        if not self.is_active:
            return _nothing()
        return super().dismiss(result)


class Page(Screen[R]):
    """A full screen whose ``dismiss`` does nothing once it is no longer on top."""

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        if not self.is_active:
            return _nothing()
        return super().dismiss(result)
