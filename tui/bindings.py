"""Textual ``Binding`` lists built from the action registry, so every key has an id.

Screens and widgets call :func:`bindings_for` instead of writing ``BINDINGS`` by
hand; a keymap applied with ``App.set_keymap`` then reaches every one of them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import Screen

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


def dialog_bindings(screen: Screen[object]) -> list[Binding]:
    """The keys that work in the modal dialog ``screen``, for its footer and help.

    Its own bindings, read from the dialog itself: the focused text field binds enter too,
    which hides the dialog's enter from ``Screen.active_bindings``. And the app's help
    keys that type no character: the app's bindings stop at a modal screen, and the app
    opens help itself on such a key (``?`` is typed into the field).
    """
    # The chain's copy of the dialog's bindings has the keymap applied and drops the keys
    # the focused field types.
    own = [
        binding
        for node, bindings_map in screen._modal_binding_chain
        if node is screen
        for bindings in bindings_map.key_to_bindings.values()
        for binding in bindings
        if binding.id
    ]
    keys_of = getattr(screen.app, "dialog_help_keys", None)
    keys: tuple[str, ...] = keys_of() if callable(keys_of) else ()
    return own + [Binding(key, "app.help", "Keys", id="app.help") for key in keys]
