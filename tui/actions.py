"""The one registry of user-facing actions: stable ids, what they do, default keys.

Keymap files map these ids to keys and are validated against this list, so an
unknown id is an error instead of being silently ignored by Textual. Widgets and
screens build their ``BINDINGS`` from here with :func:`bindings_for`.

An id is ``CONTEXT.NAME``; the context says where the binding lives:

| context  | bound on                                    |
|----------|---------------------------------------------|
| app      | the App (active everywhere unless shadowed) |
| library  | the library screen                          |
| reader   | the reader screen and its article panes     |
| links    | the match panel, review queue and clusters  |
| panel    | the match panel's list while it has focus   |
| review   | the review queue screen only                |
| confirm  | yes/no modals (the merge check)             |
| picker   | the label picker                            |
| curation | the curation screen and its span editor     |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    action: str
    description: str
    keys: str
    show: bool = False

    @property
    def context(self) -> str:
        return self.id.split(".", 1)[0]


def _spec(id: str, action: str, description: str, keys: str, show: bool = False) -> ActionSpec:
    return ActionSpec(id, action, description, keys, show)


ACTIONS: tuple[ActionSpec, ...] = (
    # app
    _spec("app.quit", "quit", "Quit", "ctrl+q", True),
    _spec("app.help", "help", "Keys", "f1,question_mark", True),
    _spec("app.command_palette", "command_palette", "Commands", "ctrl+p"),
    _spec("app.undo", "undo", "Undo", "ctrl+z"),
    _spec("app.redo", "redo", "Redo", "ctrl+y"),
    _spec("app.next_theme", "next_theme", "Next theme", "ctrl+t"),
    _spec("app.library", "library", "Library", "ctrl+l"),
    # library
    _spec("library.cursor_up", "cursor_up", "Up", "up"),
    _spec("library.cursor_down", "cursor_down", "Down", "down"),
    _spec("library.page_up", "page_up", "Page up", "pageup"),
    _spec("library.page_down", "page_down", "Page down", "pagedown"),
    _spec("library.first", "first", "First", "home"),
    _spec("library.last", "last", "Last", "end"),
    _spec("library.open", "open", "Open", "enter", True),
    _spec("library.mark", "mark", "Mark", "space", True),
    _spec("library.open_marked", "open_marked", "Open marked", "o", True),
    _spec("library.filter", "filter", "Filter", "slash", True),
    _spec("library.search_text", "search_text", "Search text", "ctrl+f"),
    _spec("library.sort", "sort", "Sort", "s"),
    _spec("library.clear_filter", "clear_filter", "Clear filter", "escape"),
    _spec("library.open_story", "open_story", "Open story", "O", True),
    # reader: moving
    _spec("reader.cursor_left", "move('char', -1)", "Left", "left"),
    _spec("reader.cursor_right", "move('char', 1)", "Right", "right"),
    _spec("reader.cursor_up", "move('line', -1)", "Up", "up"),
    _spec("reader.cursor_down", "move('line', 1)", "Down", "down"),
    _spec("reader.word_prev", "move('word', -1)", "Previous word", "ctrl+left"),
    _spec("reader.word_next", "move('word', 1)", "Next word", "ctrl+right"),
    _spec("reader.sentence_prev", "move('sentence', -1)", "Previous sentence", "comma"),
    _spec("reader.sentence_next", "move('sentence', 1)", "Next sentence", "full_stop"),
    _spec("reader.paragraph_prev", "move('paragraph', -1)", "Previous paragraph", "ctrl+up"),
    _spec("reader.paragraph_next", "move('paragraph', 1)", "Next paragraph", "ctrl+down"),
    _spec("reader.page_up", "move('page', -1)", "Page up", "pageup"),
    _spec("reader.page_down", "move('page', 1)", "Page down", "pagedown"),
    _spec("reader.line_start", "move('line_edge', -1)", "Line start", "home"),
    _spec("reader.line_end", "move('line_edge', 1)", "Line end", "end"),
    _spec("reader.doc_start", "move('document', -1)", "Document start", "ctrl+home"),
    _spec("reader.doc_end", "move('document', 1)", "Document end", "ctrl+end"),
    # reader: selecting
    _spec("reader.select_left", "select('char', -1)", "Extend left", "shift+left"),
    _spec("reader.select_right", "select('char', 1)", "Extend right", "shift+right"),
    _spec("reader.select_up", "select('line', -1)", "Extend up", "shift+up"),
    _spec("reader.select_down", "select('line', 1)", "Extend down", "shift+down"),
    _spec("reader.select_word_prev", "select('word', -1)", "Extend word back", "ctrl+shift+left"),
    _spec("reader.select_word_next", "select('word', 1)", "Extend word", "ctrl+shift+right"),
    _spec(
        "reader.select_sentence_prev",
        "select('sentence', -1)",
        "Extend sentence back",
        "less_than_sign",
    ),
    _spec(
        "reader.select_sentence_next",
        "select('sentence', 1)",
        "Extend sentence",
        "greater_than_sign",
    ),
    _spec(
        "reader.select_paragraph_prev",
        "select('paragraph', -1)",
        "Extend paragraph back",
        "ctrl+shift+up",
    ),
    _spec(
        "reader.select_paragraph_next",
        "select('paragraph', 1)",
        "Extend paragraph",
        "ctrl+shift+down",
    ),
    _spec(
        "reader.select_line_start", "select('line_edge', -1)", "Extend to line start", "shift+home"
    ),
    _spec("reader.select_line_end", "select('line_edge', 1)", "Extend to line end", "shift+end"),
    _spec("reader.select_sentence", "select_sentence", "Select sentence", "s", True),
    _spec("reader.select_word", "select_word", "Select word or number", "e"),
    _spec("reader.select_number", "select_number", "Select next number", "f"),
    _spec("reader.set_mark", "set_mark", "Set mark (moves extend)", "ctrl+@"),
    _spec("reader.clear_selection", "clear_selection", "Clear selection", "escape"),
    _spec("reader.toggle_snap", "toggle_snap", "Word snap on/off", "w"),
    _spec("reader.toggle_tags", "toggle_tags", "Label tags on/off", "number_sign"),
    # reader: annotating
    _spec("reader.label_1", "apply_label(1)", "Label 1", "1"),
    _spec("reader.label_2", "apply_label(2)", "Label 2", "2"),
    _spec("reader.label_3", "apply_label(3)", "Label 3", "3"),
    _spec("reader.label_4", "apply_label(4)", "Label 4", "4"),
    _spec("reader.label_5", "apply_label(5)", "Label 5", "5"),
    _spec("reader.label_6", "apply_label(6)", "Label 6", "6"),
    _spec("reader.label_7", "apply_label(7)", "Label 7", "7"),
    _spec("reader.label_8", "apply_label(8)", "Label 8", "8"),
    _spec("reader.label_9", "apply_label(9)", "Label 9", "9"),
    _spec("reader.pick_label", "pick_label", "Label…", "l", True),
    _spec("reader.delete_span", "delete_span", "Delete span", "d,delete", True),
    _spec("reader.edit_note", "edit_note", "Note", "n", True),
    _spec("reader.next_span", "jump_span(1)", "Next span", "right_square_bracket"),
    _spec("reader.prev_span", "jump_span(-1)", "Previous span", "left_square_bracket"),
    _spec("reader.search", "search", "Search in document", "slash"),
    _spec("reader.search_next", "search_next(1)", "Next match", "f3,ctrl+n"),
    _spec("reader.search_prev", "search_next(-1)", "Previous match", "ctrl+b"),
    _spec("reader.next_unannotated", "next_unannotated", "Next unannotated sentence", "u"),
    _spec("reader.next_pane", "next_pane", "Next pane", "tab", True),
    _spec("reader.prev_pane", "prev_pane", "Previous pane", "shift+tab"),
    _spec("reader.cycle_status", "cycle_status", "Status todo/in progress/done", "ctrl+d"),
    _spec("reader.annotator_filter", "annotator_filter", "Whose spans", "a"),
    _spec("reader.pick_annotator", "pick_annotator", "One annotator's spans", "A"),
    _spec("reader.next_difference", "jump_difference(1)", "Next difference", "right_curly_bracket"),
    _spec(
        "reader.prev_difference", "jump_difference(-1)", "Previous difference", "left_curly_bracket"
    ),
    _spec("reader.edit_labels", "edit_labels", "Edit labels", "ctrl+e"),
    _spec("reader.close", "close", "Back", "ctrl+w"),
    _spec("reader.curate", "curate", "Curate disagreements", "C"),
    # links
    _spec("links.matches", "matches", "Matches", "m", True),
    _spec("links.accept", "accept_link", "Accept link", "plus,y", True),
    _spec("links.reject", "reject_link", "Reject link", "minus,x", True),
    _spec("links.skip", "skip_link", "Skip", "k", True),
    _spec("links.review", "review", "Review queue", "r"),
    _spec("links.clusters", "clusters", "Clusters", "c"),
    _spec("links.choose", "choose_match", "Show match", "enter"),
    # review: the review queue only (so its keys may reuse the reader's)
    _spec("review.reject_near_miss", "reject_because('near-miss')", "No: near miss", "1", True),
    _spec(
        "review.reject_other_figure",
        "reject_because('different-figure')",
        "No: other figure",
        "2",
        True,
    ),
    _spec(
        "review.reject_other_event",
        "reject_because('different-event')",
        "No: other event",
        "3",
        True,
    ),
    _spec("review.scope", "cycle_scope", "Scope", "o", True),
    _spec("review.same_outlet", "toggle_same_outlet", "Same-outlet pairs", "O"),
    # panel: the match panel's list, only while it has the focus (so j/k can move it)
    _spec("panel.cursor_up", "cursor_up", "Previous match", "up"),
    _spec("panel.cursor_down", "cursor_down", "Next match", "down"),
    _spec("panel.close", "close_panel", "Close matches", "escape"),
    # confirm (a yes/no question, e.g. a link that merges conflicting facts)
    _spec("confirm.yes", "yes", "Yes", "y,enter", True),
    _spec("confirm.no", "no", "No", "n,escape", True),
    # picker
    _spec("picker.choose", "choose", "Choose", "enter"),
    _spec("picker.cancel", "cancel", "Cancel", "escape"),
    _spec("picker.cursor_up", "cursor_up", "Previous choice", "up"),
    _spec("picker.cursor_down", "cursor_down", "Next choice", "down"),
    # curation
    _spec("curation.choose", "choose", "Take this version", "enter", True),
    _spec("curation.reject", "reject", "Reject region", "x", True),
    _spec("curation.edit", "edit", "Edit", "e", True),
    _spec("curation.copy_agreed", "copy_agreed", "Copy agreed spans", "a", True),
    _spec("curation.finish", "finish", "Mark curated", "f", True),
    _spec("curation.cursor_up", "cursor_up", "Previous row", "up"),
    _spec("curation.cursor_down", "cursor_down", "Next row", "down"),
    _spec("curation.close", "close", "Back", "escape", True),
)

BY_ID: dict[str, ActionSpec] = {spec.id: spec for spec in ACTIONS}
CONTEXTS: tuple[str, ...] = tuple(dict.fromkeys(spec.context for spec in ACTIONS))


def specs_for(context: str) -> list[ActionSpec]:
    return [spec for spec in ACTIONS if spec.context == context]
