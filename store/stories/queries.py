"""Reading the stories in effect: cheap queries for the CLI, the library and the reader.

Kept apart from :mod:`store.stories.storage` so that showing a story never imports
the text processing that computes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

    from store.connected import Connected


@dataclass(frozen=True, slots=True)
class StoryDocument:
    doc_id: int
    source_name: str
    outlet: str | None
    title: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    label: str
    documents: list[StoryDocument]

    @property
    def outlets(self) -> list[str]:
        return sorted({d.outlet for d in self.documents if d.outlet})

    @property
    def dates(self) -> list[str]:
        return sorted({d.published[:10] for d in self.documents if d.published})


def list_stories(db: Connected, *, include_single: bool = False) -> list[Story]:
    """Stories in effect, largest first, each with its documents by date and outlet."""
    rows = db.conn.execute(
        "SELECT ds.story_id, s.label, d.id, d.source_name, d.outlet, d.title, d.published"
        " FROM document_stories ds JOIN documents d ON d.id = ds.doc_id"
        " LEFT JOIN stories s ON s.id = ds.story_id"
        " ORDER BY d.published, d.outlet, d.source_name"
    ).fetchall()
    labels: dict[str, str] = {}
    members: dict[str, list[StoryDocument]] = {}
    for story, label, *doc in rows:
        labels[story] = label or story
        members.setdefault(story, []).append(StoryDocument(*doc))
    stories = [
        Story(story, labels[story], docs)
        for story, docs in members.items()
        if include_single or len(docs) > 1
    ]
    stories.sort(key=lambda s: (-len(s.documents), s.label, s.id))
    return stories


def story_exists(db: Connected, story_id: str | None = None) -> bool:
    """Whether any document is grouped under ``story_id`` (under any story for None)."""
    if story_id is None:
        found = db.conn.execute("SELECT 1 FROM document_stories LIMIT 1").fetchone()
    else:
        found = db.conn.execute(
            "SELECT 1 FROM document_stories WHERE story_id = ? LIMIT 1", [story_id]
        ).fetchone()
    return found is not None


def ungrouped_documents(db: Connected) -> int:
    """How many documents no story holds yet (imported with ``--no-stories``, or while a
    regrouping was interrupted)."""
    row = db.conn.execute(
        "SELECT count(*) FROM documents d"
        " WHERE NOT EXISTS (SELECT 1 FROM document_stories s WHERE s.doc_id = d.id)"
    ).fetchone()
    return int(row[0])


def story_of(db: Connected, doc_id: int) -> Story | None:
    """The story in effect for one document, with all its documents; None before any refresh."""
    row = db.conn.execute(
        "SELECT story_id FROM document_stories WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if row is None:
        return None
    docs = db.conn.execute(
        "SELECT d.id, d.source_name, d.outlet, d.title, d.published FROM document_stories ds"
        " JOIN documents d ON d.id = ds.doc_id WHERE ds.story_id = ?"
        " ORDER BY d.published, d.outlet, d.source_name",
        [row[0]],
    ).fetchall()
    label = db.conn.execute("SELECT label FROM stories WHERE id = ?", [row[0]]).fetchone()
    return Story(row[0], label[0] if label else row[0], [StoryDocument(*d) for d in docs])


def story_ids(db: sqlite_utils.Database) -> dict[int, str]:
    """Every document's story id in effect (documents not yet grouped are absent)."""
    return {
        int(doc): str(story)
        for doc, story in db.conn.execute("SELECT doc_id, story_id FROM document_stories")
    }


def story_columns(db: Connected) -> dict[int, tuple[str, str, int]]:
    """Document id → (story id, label, number of documents in the story)."""
    rows = db.conn.execute(
        "SELECT ds.doc_id, ds.story_id, coalesce(s.label, ds.story_id),"
        " count(*) OVER (PARTITION BY ds.story_id)"
        " FROM document_stories ds LEFT JOIN stories s ON s.id = ds.story_id"
    )
    return {int(doc): (str(story), str(label), int(size)) for doc, story, label, size in rows}
