"""The label set: defaults for claims in news, and loading a set from a TOML file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.changelog import Action
from store.errors import ClaimdeskError, quoted
from store.formats.files import cannot_read, open_binary
from store.model import Label
from store.settings_text import NotUtf8, settings_text

if TYPE_CHECKING:
    import sqlite_utils

    from store.connected import Connected

DEFAULT_LABELS: tuple[Label, ...] = (
    Label("CLAIM", "#4ea1ff", "1", "A checkable statement of fact made in the article.", 1),
    Label("FIGURE", "#f2b134", "2", "A number, amount, date or measurement given as fact.", 2),
    Label("SOURCE", "#b48ead", "3", "Who a statement is attributed to: person, office, outlet.", 3),
    Label("QUOTE", "#3fbf7f", "4", "Words reported as spoken or written by someone.", 4),
    Label("EVENT", "#ef6f6c", "5", "Something that happened, with its time or place.", 5),
)

# Matched with fullmatch: ``$`` would also accept a name ending in a line break,
# which splits a brat line and breaks a CoNLL sentence.
_NAME = re.compile(r"[A-Z][A-Z0-9_\-]{0,31}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_DESCRIPTION_CHARS = 300
_COLUMNS = ("name", "colour", "hotkey", "description", "position")
# How many unknown keys a refusal names.
_SHOWN_KEYS = 3


def list_labels(db: Connected) -> list[Label]:
    rows = db.conn.execute(
        "SELECT name, colour, hotkey, description, position FROM labels ORDER BY position, name"
    )
    return [Label(*row) for row in rows]


def ensure_default_labels(db: sqlite_utils.Database) -> None:
    """Give an empty label table the default set (never touches an existing set)."""
    if db.conn.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
        return
    db.conn.executemany(
        "INSERT OR IGNORE INTO labels (name, colour, hotkey, description, position)"
        " VALUES (?,?,?,?,?)",
        [(lb.name, lb.colour, lb.hotkey, lb.description, lb.position) for lb in DEFAULT_LABELS],
    )


# The hotkeys a label may have: the reader's label numbers (tui.screens.reader.label_for_number).
# Checked when a label is saved or loaded, never when stored ones are read, so a database
# written before this check still opens.
HOTKEYS = frozenset("123456789")


def validate_label(label: Label, where: str = "label") -> None:
    if not _NAME.fullmatch(label.name):
        raise ClaimdeskError(
            f"{where}: label name {quoted(label.name)} must be 1-32 of A-Z, 0-9, _ or -, "
            "starting with a letter"
        )
    if not _COLOUR.fullmatch(label.colour):
        raise ClaimdeskError(
            f"{where}: colour {quoted(label.colour)} of {label.name} must be #rrggbb"
        )
    if label.hotkey is not None and label.hotkey not in HOTKEYS:
        # The reader applies labels with its number keys 1-9 only (reader.label_1 ...
        # label_9, whatever keys a keymap puts them on): "q", "0" or "²" were stored and
        # listed as keys, yet pressing them did nothing.
        raise ClaimdeskError(
            f"{where}: hotkey {quoted(label.hotkey)} of {label.name} must be one of 1-9"
        )
    description = label.description or ""
    if not description.isprintable() or len(description) > MAX_DESCRIPTION_CHARS:
        raise ClaimdeskError(
            f"{where}: description of {label.name} must be one line of printable text,"
            f" at most {MAX_DESCRIPTION_CHARS} characters"
        )


def _check_hotkeys(saved: Sequence[Label], stored: dict[str, Label], where: str) -> None:
    """Refuse a hotkey that another label holds once ``saved`` replace their stored forms:
    two labels on key ``1`` left the key applying whichever the reader listed first."""
    final = {**stored, **{label.name: label for label in saved}}
    for label in saved:
        for other in final.values():
            if (
                label.hotkey is not None
                and other.name != label.name
                and other.hotkey == label.hotkey
            ):
                raise ClaimdeskError(
                    f"{where}: hotkey {label.hotkey!r} of {label.name} is {other.name}'s already;"
                    " give one of them another key"
                )


def save_labels(action: Action, entries: Sequence[LabelEntry], where: str) -> None:
    """Add or update the labels of a label file as one step, checked as a whole.

    A stored label keeps its place in the list and a new one goes after the last, as in
    the reader's label editor: the file's own order (1, 2, …) put a file of new labels in
    among the stored ones. Checked as a whole, a file may swap two labels' hotkeys.
    """
    stored = {label.name: label for label in list_labels(action.db)}
    last = max((label.position for label in stored.values()), default=0)
    placed: list[Label] = []
    for entry in entries:
        if entry.name in stored:
            label = entry.applied_to(stored[entry.name])
        else:
            last += 1
            label = entry.applied_to(None, position=last)
        validate_label(label, entry.where)
        placed.append(label)
    _check_hotkeys(placed, stored, where)
    for label in placed:
        _store_label(action, label)


def save_label(action: Action, label: Label) -> None:
    """Insert or update one label, logged for undo."""
    validate_label(label)
    _check_hotkeys([label], {stored.name: stored for stored in list_labels(action.db)}, "label")
    _store_label(action, label)


def _store_label(action: Action, label: Label) -> None:
    db = action.db
    row = db.conn.execute(
        "SELECT colour, hotkey, description, position FROM labels WHERE name = ?", [label.name]
    ).fetchone()
    new = {
        "colour": label.colour,
        "hotkey": label.hotkey,
        "description": label.description,
        "position": label.position,
    }
    if row is None:
        db.execute(
            "INSERT INTO labels (name, colour, hotkey, description, position) VALUES (?,?,?,?,?)",
            [label.name, label.colour, label.hotkey, label.description, label.position],
        )
        action.record("labels", {"name": label.name}, None, new)
        return
    old = dict(zip(("colour", "hotkey", "description", "position"), row, strict=True))
    if old == new:
        return
    db.execute(
        "UPDATE labels SET colour = ?, hotkey = ?, description = ?, position = ? WHERE name = ?",
        [label.colour, label.hotkey, label.description, label.position, label.name],
    )
    action.record("labels", {"name": label.name}, old, new)


@dataclass(frozen=True, slots=True)
class LabelEntry:
    """One ``[[label]]`` table of a label file; None for a key it leaves out.

    A key left out keeps the stored label's value: every load wrote all four, so a file
    that only recoloured CLAIM took its hotkey and description away without a word.
    ``hotkey = ""`` and ``description = ""`` still clear them.
    """

    name: str
    colour: str | None
    hotkey: str | None
    description: str | None
    where: str

    def applied_to(self, stored: Label | None, *, position: int = 0) -> Label:
        """The label once this entry is loaded over ``stored`` (None for a new label,
        which goes at ``position``)."""
        if stored is None:
            if self.colour is None:
                # Before validate_label: the name may be any length yet.
                raise ClaimdeskError(
                    f"{self.where}: new label {quoted(self.name)} needs a 'colour'"
                )
            stored = Label(self.name, self.colour, None, "", position)
        return Label(
            self.name,
            stored.colour if self.colour is None else self.colour,
            stored.hotkey if self.hotkey is None else (self.hotkey or None),
            stored.description if self.description is None else self.description,
            stored.position,
        )


def load_labels_toml(path: Path) -> list[LabelEntry]:
    """Read ``[[label]]`` tables (name, colour, hotkey, description) from a TOML file."""
    # open_binary refuses a FIFO or device, which would keep the read waiting forever.
    with open_binary(path) as stream:
        try:
            raw = stream.read()
        except OSError as error:
            raise cannot_read(path, error) from None
    try:
        text = settings_text(raw)
    except NotUtf8 as error:
        raise ClaimdeskError(f"{path}: {error}") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ClaimdeskError(f"{path}: not valid TOML: {error}") from error
    except RecursionError:
        raise ClaimdeskError(f"{path}: not valid TOML: nested too deeply") from None
    entries = data.get("label")
    if not isinstance(entries, list) or not entries:
        raise ClaimdeskError(f"{path}: expected one or more [[label]] tables")
    loaded: list[LabelEntry] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: [[label]] #{number}"
        if not isinstance(entry, dict):
            raise ClaimdeskError(f"{where}: must be a table")
        unknown = sorted(set(entry) - {"name", "colour", "color", "hotkey", "description"})
        if unknown:
            # A few, each clipped: every key of a generated file is still one line.
            shown = ", ".join(quoted(key) for key in unknown[:_SHOWN_KEYS])
            more = f" and {len(unknown) - _SHOWN_KEYS} more" if len(unknown) > _SHOWN_KEYS else ""
            raise ClaimdeskError(f"{where}: unknown key(s) {shown}{more}")
        name, colour = entry.get("name"), entry.get("colour", entry.get("color"))
        hotkey, description = entry.get("hotkey"), entry.get("description")
        if not isinstance(name, str):
            raise ClaimdeskError(f"{where}: needs a string 'name'")
        if colour is not None and not isinstance(colour, str):
            raise ClaimdeskError(f"{where}: 'colour' must be a string")
        if hotkey is not None and not isinstance(hotkey, str):
            raise ClaimdeskError(f"{where}: 'hotkey' must be a string")
        if description is not None and not isinstance(description, str):
            raise ClaimdeskError(f"{where}: 'description' must be a string")
        if name in seen_names:
            # Checked before the name is validated: it may be any length.
            raise ClaimdeskError(f"{where}: label {quoted(name)} is defined twice")
        if hotkey and hotkey in seen_keys:
            raise ClaimdeskError(f"{where}: hotkey {quoted(hotkey)} is used twice")
        seen_names.add(name)
        if hotkey:
            seen_keys.add(hotkey)
        loaded.append(LabelEntry(name, colour, hotkey, description, where))
    return loaded
