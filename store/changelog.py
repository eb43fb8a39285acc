"""The append-only change log, and undo/redo built on it.

Every user action is one transaction that writes its rows and, beside them, one
``changes`` row per touched row (its columns before and after). Undo and redo are
new actions that point back at the action they reverse, so the log stays
append-only, survives restarts, and doubles as the audit trail.

| caller                        | calls                                   |
|-------------------------------|-----------------------------------------|
| spans, links, documents       | ``user_action`` + ``Action.record``     |
| Session.undo / Session.redo   | ``undo`` / ``redo``                     |
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import sqlite3
import uuid
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from store.clock import now
from store.db import write
from store.errors import ClaimdeskError, clipped

if TYPE_CHECKING:
    import sqlite_utils

ActionKind = Literal["do", "undo", "redo"]
Row = dict[str, Any]

# Tables whose rows undo may touch, with their primary keys.
UNDOABLE_TABLES: dict[str, tuple[str, ...]] = {
    "spans": ("id",),
    "links": ("id",),
    "labels": ("name",),
    "document_status": ("doc_id", "annotator"),
    "story_pins": ("doc_id",),
    "curation_rejections": ("doc_id", "start", "end", "annotator"),
}


def os_account() -> str | None:
    """The operating-system account running this process (its uid's name), for the log."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except (KeyError, OSError):
        return None


class UndoConflict(ClaimdeskError):
    """Undo or redo would overwrite a change someone made since."""


@dataclass(slots=True)
class Action:
    """One user action in progress: the rows it changed, recorded as it goes."""

    db: sqlite_utils.Database
    annotator: str
    kind: ActionKind = "do"
    ref_action: str | None = None
    summary: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    at: str = field(default_factory=now)
    recorded: int = 0
    os_user: str | None = field(default_factory=os_account)

    def record(self, table: str, key: Row, before: Row | None, after: Row | None) -> None:
        """Log that ``table``'s row ``key`` went from ``before`` to ``after`` (None: absent)."""
        if table not in UNDOABLE_TABLES:
            raise ValueError(f"{table} is not a logged table")
        self.db.execute(
            "INSERT INTO changes (action_id, kind, ref_action, at, annotator, table_name,"
            " row_id, before, after, summary, os_user) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                self.id,
                self.kind,
                self.ref_action,
                self.at,
                self.annotator,
                table,
                json.dumps(key, sort_keys=True),
                None if before is None else json.dumps(before, sort_keys=True),
                None if after is None else json.dumps(after, sort_keys=True),
                self.summary,
                self.os_user,
            ],
        )
        self.recorded += 1

    def update(self, table: str, row_id: str, current: Any, changes: dict[str, Any]) -> bool:
        """Set ``changes`` on the row ``row_id`` of ``table``, whose state is ``current``.

        Stamps ``updated_at`` and logs the change; returns False, touching nothing,
        when every value is already as asked.
        """
        if table not in UNDOABLE_TABLES:
            raise ValueError(f"{table} is not a logged table")
        before = {k: getattr(current, k) for k in changes}
        if before == changes:
            return False
        changes = {**changes, "updated_at": now()}
        before["updated_at"] = current.updated_at
        sets = ", ".join(f'"{k}" = ?' for k in changes)
        self.db.execute(f'UPDATE "{table}" SET {sets} WHERE id = ?', [*changes.values(), row_id])
        self.record(table, {"id": row_id}, before, changes)
        return True


@contextlib.contextmanager
def user_action(
    db: sqlite_utils.Database, annotator: str, summary: str | None = None
) -> Iterator[Action]:
    """One short transaction for one user action; committed when the block ends."""
    with write(db):
        yield Action(db=db, annotator=annotator, summary=summary)


@dataclass(frozen=True, slots=True)
class _Change:
    table: str
    key: Row
    before: Row | None
    after: Row | None


@dataclass(slots=True)
class _Stacks:
    """One annotator's undo and redo stacks, as of change ``seen`` in the log."""

    seen: int = 0
    done: list[str] = field(default_factory=list)
    undone: list[str] = field(default_factory=list)

    def replay(self, rows: Iterable[tuple[str, str, str | None, int]]) -> None:
        previous = None
        for action_id, kind, ref, last in rows:
            self.seen = max(self.seen, last)
            if action_id == previous:
                continue
            previous = action_id
            if kind == "do":
                self.done.append(action_id)
                self.undone.clear()
            elif kind == "undo" and ref is not None and _take(self.done, ref):
                self.undone.append(ref)
            elif kind == "redo" and ref is not None and _take(self.undone, ref):
                self.done.append(ref)


def _take(stack: list[str], item: str) -> bool:
    """Remove ``item`` from ``stack``; undo and redo nearly always take the top."""
    if stack and stack[-1] == item:
        stack.pop()
        return True
    try:
        stack.remove(item)
    except ValueError:
        return False
    return True


# Replaying a long log on every undo made undo grow with the annotator's history
# (40 ms of CPU after 4,000 actions); each connection keeps the stacks it built and
# reads only the log rows added since. The log is append-only with AUTOINCREMENT ids,
# so rows above ``seen`` are exactly the ones not replayed yet.
_STACKS: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, _Stacks]] = (
    weakref.WeakKeyDictionary()
)


def _stacks(db: sqlite_utils.Database, annotator: str) -> tuple[list[str], list[str]]:
    """The annotator's (undoable, redoable) action ids, newest last.

    Call inside a write transaction, so no other writer adds to the log meanwhile.
    """
    known = _STACKS.setdefault(db, {})
    stacks = known.get(annotator)
    newest = db.conn.execute("SELECT max(id) FROM changes").fetchone()[0] or 0
    if stacks is None or newest < stacks.seen:
        # Never built here, or the log shrank (a database restored under this connection).
        stacks = known[annotator] = _Stacks()
    # One action's rows are written in one transaction, so they follow each other in
    # the log: the first row of each run stands for the action (a GROUP BY sorted
    # the whole history in a temporary b-tree).
    rows = db.conn.execute(
        "SELECT action_id, kind, ref_action, id FROM changes"
        " WHERE annotator = ? AND id > ? ORDER BY id",
        [annotator, stacks.seen],
    )
    stacks.replay(rows)
    return list(stacks.done), list(stacks.undone)


def _changes_of(db: sqlite_utils.Database, action_id: str) -> list[_Change]:
    rows = db.conn.execute(
        "SELECT table_name, row_id, before, after FROM changes WHERE action_id = ? ORDER BY id",
        [action_id],
    )
    return [
        _Change(
            table=table,
            key=json.loads(key),
            before=None if before is None else json.loads(before),
            after=None if after is None else json.loads(after),
        )
        for table, key, before, after in rows
    ]


def _summary_of(db: sqlite_utils.Database, action_id: str) -> str | None:
    row = db.conn.execute(
        "SELECT summary FROM changes WHERE action_id = ? LIMIT 1", [action_id]
    ).fetchone()
    return None if row is None else row[0]


def _current(db: sqlite_utils.Database, table: str, key: Row, columns: list[str]) -> Row | None:
    where = " AND ".join(f'"{name}" = ?' for name in key)
    cols = ", ".join(f'"{name}"' for name in columns)
    row = db.conn.execute(
        f'SELECT {cols} FROM "{table}" WHERE {where}', list(key.values())
    ).fetchone()
    return None if row is None else dict(zip(columns, row, strict=True))


def _apply(
    action: Action, change: _Change, *, forward: bool, own_links: frozenset[str] = frozenset()
) -> None:
    """Move one row from one recorded state to the other, refusing if it moved since.

    ``own_links``: the ids of the links the same action changes, which may name a span
    it removes."""
    db = action.db
    expected, wanted = (change.before, change.after) if forward else (change.after, change.before)
    columns = sorted({*(expected or {}), *(wanted or {}), *change.key})
    current = _current(db, change.table, change.key, columns)
    if _is_suggested(expected) and current is None and _redecide(action, change, wanted):
        return
    undeciding = _is_suggested(wanted) and current is not None
    whole = _whole_row(db, change.table, change.key) if undeciding else None
    if expected is None:
        if current is not None:
            # A decision someone made on the pair since is said as that decision: "bob
            # re-created the link" was said of bob's rejecting it.
            decided = change.table == "links" and current.get("status") in DECIDED
            verb = str(current["status"]) if decided else "re-created"
            raise _conflict(action, change, forward, verb, current)
    else:
        if current is None:
            raise _conflict(action, change, forward, "deleted", expected)
        if any(current.get(k) != v for k, v in expected.items()):
            # Spans are deleted softly: the row stays with its deletion time set.
            gone = current.get("deleted_at") is not None and expected.get("deleted_at") is None
            raise _conflict(action, change, forward, "deleted" if gone else "changed", current)
    if wanted is None and change.table == "spans" and expected is not None:
        _refuse_linked_span(action, change, forward, expected, own_links)
    where = " AND ".join(f'"{name}" = ?' for name in change.key)
    try:
        if wanted is None:
            db.execute(f'DELETE FROM "{change.table}" WHERE {where}', list(change.key.values()))
        elif expected is None:
            row = {**change.key, **wanted}
            names = ", ".join(f'"{name}"' for name in row)
            marks = ", ".join("?" for _ in row)
            db.execute(
                f'INSERT INTO "{change.table}" ({names}) VALUES ({marks})', list(row.values())
            )
        else:
            sets = ", ".join(f'"{name}" = ?' for name in wanted)
            db.execute(
                f'UPDATE "{change.table}" SET {sets} WHERE {where}',
                [*wanted.values(), *change.key.values()],
            )
    except sqlite3.IntegrityError as error:
        # A label another annotator has used since cannot go: the foreign key said so
        # as SQLite's own words ("FOREIGN KEY constraint failed").
        raise _in_use(action, change, forward, expected or wanted or {}) from error
    if whole is not None and _current(db, change.table, change.key, list(change.key)) is None:
        # The trigger links_undecided made the row a suggestion: log the whole row gone.
        action.record(change.table, change.key, whole, None)
        return
    action.record(change.table, change.key, expected, wanted)


def _refuse_linked_span(
    action: Action, change: _Change, forward: bool, state: Row, own_links: frozenset[str]
) -> None:
    """Refuse to remove a span that a link of another action names.

    Undoing alice's accepted link took away the partner span it had made, which bob had
    linked since: the foreign key emptied bob's link's span, unlogged, and redo did not
    give it back."""
    span_id = change.key.get("id")
    for link_id, annotator in action.db.conn.execute(
        "SELECT id, annotator FROM links WHERE a_span = ? OR b_span = ? ORDER BY id",
        [span_id, span_id],
    ):
        if link_id not in own_links:
            raise _conflict(action, change, forward, "linked", state, annotator or "someone")


def _conflict(
    action: Action,
    change: _Change,
    forward: bool,
    verb: str,
    state: Row,
    who: str | None = None,
) -> UndoConflict:
    """The refusal as the annotator reads it: who did what to which span or link.

    The row's key alone (``spans row {'id': 'ecc17e…'}``) told the annotator nothing.
    """
    now = _row(action.db, change.table, change.key)
    # A row gone from the table (an undone insert) is named from the log: "alice
    # deleted a spans entry since" told the annotator nothing.
    row = {**(_last_logged(action.db, change.table, change.key) if now is None else now), **state}
    if who is None:
        last = last_changed_by(action.db, change.table, change.key)
        who = "someone" if last is None or last == action.annotator else last
    step = "redo" if forward else "undo"
    return UndoConflict(f"cannot {step}: {who} {verb} {named(change.table, row)} since")


def _in_use(action: Action, change: _Change, forward: bool, state: Row) -> UndoConflict:
    row = {**(_row(action.db, change.table, change.key) or {}), **change.key, **state}
    who = "someone"
    if change.table == "labels" and "name" in row:
        user = action.db.conn.execute(
            "SELECT annotator FROM spans WHERE label = ? ORDER BY annotator = ? LIMIT 1",
            [row["name"], action.annotator],
        ).fetchone()
        who = str(user[0]) if user else who
    step = "redo" if forward else "undo"
    return UndoConflict(f"cannot {step}: {who} has used {named(change.table, row)} since")


def _shared_hotkeys(db: sqlite_utils.Database) -> tuple[str, list[str]] | None:
    """A hotkey two labels hold, and their names: undoing one label's edit can hand it
    back a key another label took in between, and the key then applied either."""
    row = db.conn.execute(
        "SELECT hotkey, group_concat(name, char(31)) FROM labels WHERE hotkey IS NOT NULL"
        " GROUP BY hotkey HAVING count(*) > 1 ORDER BY hotkey LIMIT 1"
    ).fetchone()
    return None if row is None else (str(row[0]), sorted(str(row[1]).split("\x1f")))


def last_changed_by(db: sqlite_utils.Database, table: str, key: Row) -> str | None:
    """The annotator whose action last wrote the row ``key`` of ``table``, per the log."""
    last = db.conn.execute(
        "SELECT annotator FROM changes WHERE table_name = ? AND row_id = ?"
        " ORDER BY id DESC LIMIT 1",
        [table, json.dumps(key, sort_keys=True)],
    ).fetchone()
    return None if last is None else str(last[0])


def _quoted(text: object) -> str:
    words = " ".join(str(text).split())
    return f"“{clipped(words)}”"


def named(table: str, row: Row) -> str:
    """A row as a refusal names it: ``the link “…” – “…”``, ``the SOURCE span “…”``."""
    if table == "spans" and "quote" in row:
        return f"the {row.get('label', '')} span {_quoted(row['quote'])}".replace("  ", " ")
    if table == "links" and "a_quote" in row and "b_quote" in row:
        return f"the link {_quoted(row['a_quote'])} – {_quoted(row['b_quote'])}"
    if table == "labels" and "name" in row:
        return f"the label {row['name']}"
    if table == "curation_rejections" and "start" in row:
        return f"the curated region {row['start']}-{row['end']}"
    return f"a {table.replace('_', ' ')} entry"


# Schema 10 keeps undecided suggestions out of ``links``. Undoing a decision logged
# before it sets its links row back to suggested, and the trigger ``links_undecided``
# turns that row into a suggestion and deletes it; the undo logs the whole row as
# deleted, so that redo can put the decision back under its old id.
DECIDED = ("accepted", "rejected")


def _is_suggested(state: Row | None) -> bool:
    return state is not None and state.get("status") == "suggested"


def _whole_row(db: sqlite_utils.Database, table: str, key: Row) -> Row | None:
    return _row(db, table, key) if table == "links" else None


def _last_logged(db: sqlite_utils.Database, table: str, key: Row) -> Row:
    """The row ``key`` of ``table`` as the log last had it whole (with its quote)."""
    rows = db.conn.execute(
        "SELECT before, after FROM changes WHERE table_name = ? AND row_id = ?"
        " ORDER BY id DESC LIMIT 50",
        [table, json.dumps(key, sort_keys=True)],
    )
    for before, after in rows:
        for state in (after, before):
            if state is None:
                continue
            logged = json.loads(state)
            if isinstance(logged, dict) and ("quote" in logged or "a_quote" in logged):
                return logged
    return {}


def _row(db: sqlite_utils.Database, table: str, key: Row) -> Row | None:
    """Every column of the row at ``key`` as it is now."""
    where = " AND ".join(f'"{name}" = ?' for name in key)
    cursor = db.conn.execute(f'SELECT * FROM "{table}" WHERE {where}', list(key.values()))
    row = cursor.fetchone()
    return None if row is None else dict(zip((d[0] for d in cursor.description), row, strict=True))


def _redecide(action: Action, change: _Change, wanted: Row | None) -> bool:
    """Redo a pre-schema-10 decision whose undo left a suggestion; False if it did not."""
    if change.table != "links" or wanted is None:
        return False
    logged = action.db.conn.execute(
        "SELECT before FROM changes WHERE table_name = 'links' AND row_id = ?"
        " AND after IS NULL AND before IS NOT NULL ORDER BY id DESC LIMIT 1",
        [json.dumps(change.key, sort_keys=True)],
    ).fetchone()
    if logged is None:
        return False
    row = {**json.loads(logged[0]), **wanted}
    sides = [row[f"{side}_{part}"] for side in "ab" for part in ("doc", "start", "end")]
    decided = action.db.conn.execute(
        "SELECT annotator FROM links WHERE (a_doc, a_start, a_end, b_doc, b_start, b_end) IN"
        " (VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?))",
        [*sides, *sides[3:], *sides[:3]],
    ).fetchone()
    if decided is not None:
        raise _conflict(action, change, True, "decided", row, decided[0] or "someone")
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    action.db.execute(f"INSERT INTO links ({names}) VALUES ({marks})", list(row.values()))
    action.record(change.table, change.key, None, row)
    return True


def _replay(db: sqlite_utils.Database, annotator: str, kind: Literal["undo", "redo"]) -> str | None:
    """Undo reverses the newest action in effect; redo re-applies the newest undone one."""
    with write(db):
        done, undone = _stacks(db, annotator)
        stack = done if kind == "undo" else undone
        if not stack:
            return None
        target = stack[-1]
        summary = _summary_of(db, target)
        action = Action(db=db, annotator=annotator, kind=kind, ref_action=target, summary=summary)
        changes = _changes_of(db, target)
        own_links = frozenset(
            str(change.key.get("id")) for change in changes if change.table == "links"
        )
        for change in reversed(changes) if kind == "undo" else changes:
            _apply(action, change, forward=kind == "redo", own_links=own_links)
        if any(change.table == "labels" for change in changes):
            shared = _shared_hotkeys(db)
            if shared is not None:
                key, names = shared
                owners = " and ".join(f"{name}'s" for name in names)
                raise UndoConflict(
                    f"cannot {kind}: hotkey {key} would be both {owners};"
                    " someone gave it to one of them since"
                )
        return summary or "change"


def undo(db: sqlite_utils.Database, annotator: str) -> str | None:
    """Reverse the annotator's newest action still in effect; its summary, or None."""
    return _replay(db, annotator, "undo")


def redo(db: sqlite_utils.Database, annotator: str) -> str | None:
    """Re-apply the annotator's newest undone action; its summary, or None."""
    return _replay(db, annotator, "redo")
