"""The command palette's list of actions: every binding in force, by its registry id."""

from __future__ import annotations

from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.actions import BY_ID


class ActionCommands(Provider):
    """Offers each action bound on the current screen (and the app), with its keys."""

    def _commands(self) -> list[tuple[str, str, partial[object]]]:
        seen: set[str] = set()
        commands: list[tuple[str, str, partial[object]]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or binding.id in seen or binding.id not in BY_ID:
                continue
            if binding.id == "app.command_palette":
                continue
            seen.add(binding.id)
            keys = self.app.get_key_display(binding)
            title = f"{BY_ID[binding.id].description} ({keys})"
            run = partial(self.app.run_action, binding.action, active.node)
            commands.append((title, binding.id, run))  # type: ignore[arg-type]
        return sorted(commands)

    async def discover(self) -> Hits:
        for title, action_id, run in self._commands():
            yield DiscoveryHit(Content(title), run, text=title, help=action_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action_id, run in self._commands():
            score = matcher.match(f"{title} {action_id}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=action_id)


class Palette(CommandPalette):
    """Textual's command palette, whose list keys wait for the list to be laid out."""

    def _action_command_list(self, action: str) -> None:
        # `ctrl+p` then `pgup` 10 ms later (one read over SSH) paged a list whose options
        # were added but not laid out yet: KeyError in Textual's OptionList, and the reader
        # ended. The key is dropped; the next one finds the list ready.
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            return
