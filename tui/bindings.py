"""Textual ``Binding`` lists built from the action registry, so every key has an id.

Screens and widgets call :func:`bindings_for` instead of writing ``BINDINGS`` by
hand; a keymap applied with ``App.set_keymap`` then reaches every one of them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from tui.actions import ActionSpec, specs_for

# Keys that must work even while a text box has focus. The reader's search key too,
# and for a second reason: a priority key acts before the keys typed after it are
# handed on, so a fast `/traffic` lands in the search box, not on one-letter keys.
_PRIORITY = frozenset({"app.quit", "app.command_palette", "reader.search"})


def binding_of(spec: ActionSpec) -> Binding:
    return Binding(
        spec.keys,
        spec.action,
        spec.description,
        show=spec.show,
        priority=spec.id in _PRIORITY,
        id=spec.id,
    )


def bindings_for(
    context: str, *, where: Callable[[ActionSpec], bool] | None = None
) -> list[Binding]:
    """The bindings of one registry context, optionally only those ``where`` accepts."""
    return [binding_of(spec) for spec in specs_for(context) if where is None or where(spec)]
