"""One annotator's handle on one database: the API the TUI and the CLI call.

A Session owns one SQLite connection and must stay on the thread that made it;
background workers open their own Session on the same path. Reads that need only the
connection are given the session itself (:class:`store.connected.Connected`); writes
and the rest get :attr:`Session.db`, which wraps the connection with sqlite-utils when
first asked for, so the reader's first screen is drawn before sqlite-utils is imported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from store import changelog, documents, labels, spans
from store.changelog import user_action
from store.db import as_database, data_version, file_replaced, is_writable, open_connection
from store.errors import StoreUnwritable
from store.model import Document, DocumentInfo, DocumentStatus, Label, Sentence, Span

if TYPE_CHECKING:
    import sqlite_utils

    from store.annotator_diff import Difference

    # Linking pulls in rapidfuzz and the lemmatizer: imported when first used.
    from store.linking.clusters import Cluster, Disagreement, MergeCheck
    from store.linking.decisions import DecidedMeanwhile, Suggestion
    from store.model import Link, LinkStatus
    from store.stories.corrections import StoryRef
    from store.stories.queries import Story


class Session:
    def __init__(
        self, path: Path | str, annotator: str, *, create: bool = True, reading: bool = False
    ) -> None:
        self.path = path
        self.annotator = annotator
        self.conn: sqlite3.Connection = open_connection(path, create=create, reading=reading)
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection wrapped by sqlite-utils (made, and sqlite-utils imported, once)."""
        if self._db is None:
            self._db = as_database(self.conn)
        return self._db

    @classmethod
    def for_db(cls, db: sqlite_utils.Database, annotator: str) -> Session:
        """Wrap an already open database (tests use in-memory ones)."""
        session = cls.__new__(cls)
        session.path = ":memory:"
        session.annotator = annotator
        session.conn = db.conn
        session._db = db
        return session

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def refuse_damaged(self, *, writing: bool = True) -> None:
        """Refuse, naming the file, a database with damaged pages (before a bulk write),
        and before a write one that cannot be written: ``link`` there said "the
        suggestions were partly updated" about a file it had not changed."""
        from store.check import refuse_damaged

        if writing and not is_writable(self.conn):
            raise StoreUnwritable(
                f"{self.path}: database is read-only (its file or folder cannot be written);"
                " nothing was changed"
            )
        refuse_damaged(self.conn, self.path)

    # Reading -----------------------------------------------------------------
    def data_version(self) -> int:
        return data_version(self)

    def file_replaced(self) -> str | None:
        """Why the database file is no longer the one this session opened, or None."""
        return file_replaced(self.conn)

    def document(self, doc_id: int) -> Document:
        return documents.get_document(self, doc_id)

    def find_document(self, name: str) -> Document:
        return documents.find_document(self, name)

    def documents(self) -> list[DocumentInfo]:
        return documents.list_documents(self)

    def overview(self) -> list[dict[str, object]]:
        return documents.document_overview(self.db, self.annotator)

    def search(self, query: str) -> list[int]:
        return documents.search_documents(self, query)

    def labels(self) -> list[Label]:
        return labels.list_labels(self)

    def spans(self, doc_id: int, annotators: list[str] | None = None) -> list[Span]:
        return spans.spans_for_document(self, doc_id, annotators=annotators)

    def spans_at(self, doc_id: int, offset: int) -> list[Span]:
        return spans.spans_at(self, doc_id, offset)

    def sentences(self, doc_id: int) -> list[Sentence]:
        rows = self.conn.execute(
            'SELECT id, doc_id, start, "end" FROM sentences WHERE doc_id = ? ORDER BY start',
            [doc_id],
        )
        return [Sentence(*row) for row in rows]

    def boilerplate(self, doc_id: int) -> list[tuple[int, int]]:
        """(start, end) of the document's sentences that are not article prose (to dim, skip)."""
        from store.boilerplate import boilerplate_sentences

        return boilerplate_sentences(self.db, doc_id)

    def status(self, doc_id: int) -> DocumentStatus:
        return documents.get_status(self, doc_id, self.annotator)

    def annotators(self) -> list[str]:
        return spans.annotators(self)

    def latest_change(self) -> int:
        from store.span_changes import latest_change

        return latest_change(self)

    def spans_changed_since(self, doc_id: int, change_id: int) -> tuple[list[Span], set[str], int]:
        """Live spans touched since ``change_id``, ids no longer live, the newest change id."""
        from store.span_changes import spans_changed_since

        return spans_changed_since(self, doc_id, change_id)

    def differences(self, doc_id: int) -> list[Difference]:
        """Where other annotators' spans in the document differ from this annotator's."""
        from store.annotator_diff import differences

        return differences(self.db, doc_id, self.annotator)

    def finished_annotators(self, doc_id: int) -> set[str]:
        """Who marked the document done (compared in mine vs theirs even without a span)."""
        from store.annotator_diff import finished_annotators

        return finished_annotators(self.db, doc_id)

    # Writing: each call is one committed transaction ----------------------------
    def add_span(
        self, doc_id: int, start: int, end: int, label: str, note: str | None = None
    ) -> Span:
        with user_action(self.db, self.annotator, f"add {label} span") as action:
            return spans.create_span(action, doc_id, start, end, label, note=note)

    def relabel_span(self, span_id: str, label: str) -> Span:
        with user_action(self.db, self.annotator, f"relabel span as {label}") as action:
            return spans.relabel_span(action, span_id, label)

    def set_note(self, span_id: str, note: str | None) -> Span:
        with user_action(self.db, self.annotator, "edit note") as action:
            return spans.set_span_note(action, span_id, note)

    def delete_span(self, span_id: str) -> Span:
        with user_action(self.db, self.annotator, "delete span") as action:
            return spans.delete_span(action, span_id)

    def set_status(self, doc_id: int, status: DocumentStatus) -> None:
        with user_action(self.db, self.annotator, f"mark document {status}") as action:
            documents.set_status(action, doc_id, status)

    def save_label(self, label: Label) -> None:
        with user_action(self.db, self.annotator, f"edit label {label.name}") as action:
            labels.save_label(action, label)

    def load_labels(self, path: Path) -> None:
        """Add or update the labels of a TOML label file, as one undoable step."""
        loaded = labels.load_labels_toml(path)
        with user_action(self.db, self.annotator, f"load labels from {path.name}") as action:
            labels.save_labels(action, loaded, str(path))

    # Links between documents (store.linking) ------------------------------------
    def link_suggestions(
        self, doc_id: int, start: int, end: int, other_doc_ids: list[int], k: int = 3
    ) -> list[Suggestion]:
        """Best matches for the claim at ``start:end`` in each other document, best first."""
        from store.linking.decisions import suggestions_for

        return suggestions_for(self.db, doc_id, start, end, other_doc_ids, k)

    def accept_link(
        self,
        link_id: str,
        create_span_label: str | None = None,
        *,
        expected: LinkStatus | None = None,
    ) -> Link:
        """Accept; with ``expected`` (the status shown), refuse a link decided otherwise since."""
        from store.linking.decisions import accept_link

        with user_action(self.db, self.annotator, "accept link") as action:
            return accept_link(
                action, link_id, create_span_label=create_span_label, expected=expected
            )

    def others_linking(self, span_id: str) -> list[str]:
        """The other annotators whose links use the span ``span_id``."""
        from store.linking.decisions import others_linking

        return others_linking(self.db, span_id, self.annotator)

    def decided_since_shown(self, link_id: str) -> DecidedMeanwhile | None:
        """Who decided the suggestion ``link_id`` since it was shown, or None while it is
        still a suggestion. Raises NotFound when it is gone (its document deleted)."""
        from store.linking.decisions import changed_since_shown, get_link

        return changed_since_shown(self.db, get_link(self.db, link_id), "suggested", self.annotator)

    def reject_link(
        self, link_id: str, reason: str | None = None, *, expected: LinkStatus | None = None
    ) -> Link:
        """Reject; with ``expected`` (the status shown), refuse a link decided otherwise since."""
        from store.linking.decisions import reject_link

        with user_action(self.db, self.annotator, "reject link") as action:
            return reject_link(action, link_id, reason, expected=expected)

    def link_spans(
        self,
        a: tuple[int, int, int],
        b: tuple[int, int, int],
        *,
        status: LinkStatus = "accepted",
        create_span_label: str | None = None,
        expected: LinkStatus | None = None,
    ) -> Link:
        """Link two (doc, start, end) claims by hand (or update the link between them).

        ``expected`` as for :meth:`accept_link`, ``"suggested"`` when no link was shown.
        """
        from store.linking.decisions import claim_score, find_link, link_spans, stored_order

        # Scored before the write transaction: scoring normalises both documents, which
        # for long ones takes seconds that every other annotator's save would wait.
        score = None
        if a[0] != b[0] and find_link(self.db, a, b) is None:
            score = claim_score(self.db, *stored_order(a, b))
        with user_action(self.db, self.annotator, f"{status[:-2]} link") as action:
            return link_spans(
                action,
                a,
                b,
                status=status,
                create_span_label=create_span_label,
                score=score,
                expected=expected,
            )

    def review_queue(
        self, *, limit: int = 100, after: tuple[float, str] | None = None
    ) -> list[Link]:
        from store.linking.decisions import review_queue

        return review_queue(self.db, limit=limit, after=after)

    def clusters(self) -> list[Cluster]:
        from store.linking.clusters import clusters

        return clusters(self.db)

    def cluster_disagreements(self, cluster: Cluster) -> list[Disagreement]:
        from store.linking.clusters import cluster_disagreements

        return cluster_disagreements(cluster.claims)

    def merge_conflicts(self, link_id: str) -> MergeCheck:
        from store.linking.clusters import merge_conflicts

        return merge_conflicts(self.db, link_id)

    # Stories (store.stories) ------------------------------------------------------
    def stories(self, *, include_single: bool = False) -> list[Story]:
        from store.stories.queries import list_stories

        return list_stories(self, include_single=include_single)

    def ungrouped_documents(self) -> int:
        from store.stories.queries import ungrouped_documents

        return ungrouped_documents(self)

    def story_exists(self, story_id: str | None = None) -> bool:
        from store.stories.queries import story_exists

        return story_exists(self, story_id)

    def story_of(self, doc_id: int) -> Story | None:
        from store.stories.queries import story_of

        return story_of(self, doc_id)

    def story_columns(self) -> dict[int, tuple[str, str, int]]:
        """Each grouped document's (story id, label, number of documents) for the library."""
        from store.stories.queries import story_columns

        return story_columns(self)

    def move_to_story(self, doc_id: int, story_id: str) -> str:
        from store.stories.corrections import move_document

        with user_action(self.db, self.annotator, "move document to story") as action:
            return move_document(action, doc_id, story_id)

    def split_story(self, doc_ids: list[int]) -> str:
        from store.stories.corrections import split_story

        with user_action(self.db, self.annotator, "split story") as action:
            return split_story(action, doc_ids)

    def merge_stories(self, keep: str, other: str) -> str:
        from store.stories.corrections import merge_stories

        with user_action(self.db, self.annotator, "merge stories") as action:
            return merge_stories(action, keep, other)

    def correct_stories(
        self,
        *,
        move: tuple[int, StoryRef] | None = None,
        split: list[int] | None = None,
        merge: tuple[StoryRef, StoryRef] | None = None,
    ) -> None:
        """A move, then a split, then a merge, as one undoable action: all of them or none.

        Stories named by a document are looked up as the earlier corrections left them.
        """
        from store.stories.corrections import (
            merge_stories,
            move_document,
            split_story,
            story_in_effect,
        )

        done = [
            summary
            for summary, given in (
                ("move document to story", move),
                ("split story", split),
                ("merge stories", merge),
            )
            if given
        ]
        if not done:
            return
        with user_action(self.db, self.annotator, ", ".join(done)) as action:
            if move:
                move_document(action, move[0], story_in_effect(action, move[1]))
            if split:
                split_story(action, split)
            if merge:
                merge_stories(
                    action, story_in_effect(action, merge[0]), story_in_effect(action, merge[1])
                )

    def undo(self) -> str | None:
        return self._replayed(changelog.undo)

    def redo(self) -> str | None:
        return self._replayed(changelog.redo)

    def _replayed(self, replay: Callable[[sqlite_utils.Database, str], str | None]) -> str | None:
        """Undo or redo; when it moved a story pin, bring the stories in effect up to date."""
        last = self.db.conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
        summary = replay(self.db, self.annotator)
        touched = self.db.conn.execute(
            "SELECT 1 FROM changes WHERE id > ? AND table_name = 'story_pins' LIMIT 1", [last]
        ).fetchone()
        if touched:
            from store.db import write
            from store.stories.storage import apply_pins

            with write(self.db):
                apply_pins(self.db)
        return summary
