"""Annotators' corrections of stories, kept as pins that recomputation never overrides.

Each correction pins every document of the stories it touches, so the corrected
stories stay as the annotator left them: a moved document cannot drift back, and
the rest of its old story is not pulled after it. Pins are rows of ``story_pins``
written through the change log, so undo and redo reverse them like any other edit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from store.changelog import Action
from store.clock import now
from store.errors import ClaimdeskError, NotFound
from store.stories.storage import apply_pins


def _members(action: Action, story_id: str) -> list[int]:
    rows = action.db.conn.execute(
        "SELECT doc_id FROM document_stories WHERE story_id = ? ORDER BY doc_id", [story_id]
    ).fetchall()
    if not rows:
        raise NotFound(f"no story {story_id!r}")
    return [int(r[0]) for r in rows]


def story_of_document(action: Action, doc_id: int) -> str:
    row = action.db.conn.execute(
        "SELECT story_id FROM document_stories WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if row is None:
        raise ClaimdeskError(
            f"document {doc_id} has no story yet; run `claimdesk stories --refresh`"
        )
    return str(row[0])


def _pin(action: Action, doc_id: int, story_id: str) -> None:
    """Pin one document to a story, logging the row before and after."""
    row = action.db.conn.execute(
        "SELECT story_id, annotator, updated_at FROM story_pins WHERE doc_id = ?", [doc_id]
    ).fetchone()
    before = (
        None
        if row is None
        else dict(zip(("story_id", "annotator", "updated_at"), row, strict=True))
    )
    if before is not None and before["story_id"] == story_id:
        return
    after = {"story_id": story_id, "annotator": action.annotator, "updated_at": now()}
    action.db.execute(
        "INSERT INTO story_pins (doc_id, story_id, annotator, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(doc_id) DO UPDATE SET story_id = excluded.story_id,"
        " annotator = excluded.annotator, updated_at = excluded.updated_at",
        [doc_id, story_id, action.annotator, after["updated_at"]],
    )
    action.record("story_pins", {"doc_id": doc_id}, before, after)


def _pin_story(action: Action, story_id: str, skip: Iterable[int] = ()) -> None:
    left_out = set(skip)
    for doc in _members(action, story_id):
        if doc not in left_out:
            _pin(action, doc, story_id)


def move_document(action: Action, doc_id: int, target_story: str) -> str:
    """Put ``doc_id`` into ``target_story``; both stories are pinned as they now stand."""
    source = story_of_document(action, doc_id)
    _members(action, target_story)
    if source == target_story:
        return target_story
    _pin_story(action, source, skip=[doc_id])
    _pin_story(action, target_story)
    _pin(action, doc_id, target_story)
    apply_pins(action.db)
    return target_story


def split_story(action: Action, doc_ids: Iterable[int]) -> str:
    """Take ``doc_ids`` (all of one story) out of it into a new story; its new id."""
    moving = sorted(set(doc_ids))
    if not moving:
        raise ClaimdeskError("name at least one document to split off")
    sources = {story_of_document(action, doc) for doc in moving}
    if len(sources) != 1:
        raise ClaimdeskError("the documents to split off must all be in one story")
    (source,) = sources
    if set(_members(action, source)) == set(moving):
        raise ClaimdeskError("that is the whole story; name only the documents to split off")
    new_story = "story-" + uuid.uuid4().hex[:10]
    _pin_story(action, source, skip=moving)
    for doc in moving:
        _pin(action, doc, new_story)
    apply_pins(action.db)
    return new_story


StoryRef = int | str
"""A story named by one of its documents (a document id) or by its story id."""


def story_in_effect(action: Action, ref: StoryRef) -> str:
    """The story id ``ref`` names now, within the action (after its earlier corrections)."""
    if isinstance(ref, str):
        _members(action, ref)
        return ref
    return story_of_document(action, ref)


def merge_stories(action: Action, keep: str, other: str) -> str:
    """Put every document of ``other`` into ``keep``."""
    if keep == other:
        raise ClaimdeskError("a story cannot be merged with itself")
    _members(action, keep)
    _pin_story(action, keep)
    for doc in _members(action, other):
        _pin(action, doc, keep)
    apply_pins(action.db)
    return keep
