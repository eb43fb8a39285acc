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
    """A modal screen whose ``dismiss`` does nothing once it is no longer on top."""

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
