"""Undo/redo through the change log: per annotator, across restarts, safe with others."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from store.changelog import UndoConflict
from store.db import connect
from store.session import Session
from tests.conftest import add_document

TEXT = "Der Pegel stieg auf 7,40 Meter. Die Stadt rief den Notstand aus."


def labels_of(session: Session, doc: int) -> list[tuple[int, str]]:
    return [(s.start, s.label) for s in session.spans(doc)]


def test_undo_and_redo_walk_back_and_forth(session: Session, db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    span = session.add_span(doc, 0, 31, "CLAIM")
    session.relabel_span(span.id, "FIGURE")
    session.set_note(span.id, "Pegel laut Stadt")
    assert session.undo() == "edit note"
    assert session.spans(doc)[0].note is None
    assert session.undo() == "relabel span as FIGURE"
    assert labels_of(session, doc) == [(0, "CLAIM")]
    assert session.undo() == "add CLAIM span"
    assert session.spans(doc) == []
    assert session.undo() is None
    assert session.redo() == "add CLAIM span"
    assert session.redo() == "relabel span as FIGURE"
    assert labels_of(session, doc) == [(0, "FIGURE")]


def test_new_action_clears_the_redo_stack(session: Session, db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    session.add_span(doc, 0, 3, "CLAIM")
    session.undo()
    session.add_span(doc, 4, 9, "EVENT")
    assert session.redo() is None
    assert labels_of(session, doc) == [(4, "EVENT")]


def test_delete_is_soft_and_undoable(session: Session, db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    span = session.add_span(doc, 0, 3, "CLAIM")
    session.delete_span(span.id)
    assert session.spans(doc) == []
    deleted = db.conn.execute("SELECT deleted_at FROM spans WHERE id = ?", [span.id]).fetchone()
    assert deleted[0] is not None
    session.undo()
    assert [s.id for s in session.spans(doc)] == [span.id]


def test_undo_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    database = connect(path)
    from store.db import write
    from store.labels import ensure_default_labels

    with write(database):
        ensure_default_labels(database)
    doc = add_document(database, TEXT)
    database.close()
    with Session(path, "alice") as first:
        first.add_span(doc, 0, 3, "CLAIM")
        first.add_span(doc, 4, 9, "EVENT")
    with Session(path, "alice") as second:
        assert second.undo() == "add EVENT span"
        assert labels_of(second, doc) == [(0, "CLAIM")]
    with Session(path, "alice") as third:
        assert third.redo() == "add EVENT span"
        assert labels_of(third, doc) == [(0, "CLAIM"), (4, "EVENT")]


def test_undo_is_per_annotator(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    alice.add_span(doc, 0, 3, "CLAIM")
    bob.add_span(doc, 4, 9, "EVENT")
    assert alice.undo() == "add CLAIM span"
    assert [(s.start, s.annotator) for s in alice.spans(doc)] == [(4, "bob")]


def test_undo_refuses_to_overwrite_someone_elses_later_change(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    span = alice.add_span(doc, 0, 3, "CLAIM")
    alice.relabel_span(span.id, "EVENT")
    bob.relabel_span(span.id, "QUOTE")
    with pytest.raises(UndoConflict) as caught:
        alice.undo()
    # Who did what to which span, not the row's key.
    assert str(caught.value) == "cannot undo: bob changed the QUOTE span “Der” since"
    assert session_label(alice, doc) == "QUOTE"
    # The failed undo wrote nothing, so the stack is unchanged and bob's change stands.
    assert db.conn.execute("SELECT count(*) FROM changes WHERE kind = 'undo'").fetchone()[0] == 0


def session_label(session: Session, doc: int) -> str:
    return session.spans(doc)[0].label


def test_status_changes_are_logged_and_undoable(
    session: Session, db: sqlite_utils.Database
) -> None:
    doc = add_document(db, TEXT)
    assert session.status(doc) == "todo"
    session.set_status(doc, "in_progress")
    session.set_status(doc, "done")
    assert session.status(doc) == "done"
    session.undo()
    assert session.status(doc) == "in_progress"
    session.undo()
    assert session.status(doc) == "todo"


def _fresh_stacks(path: Path, annotator: str) -> tuple[list[str], list[str]]:
    """Stacks replayed from the whole log by a connection that never built any."""
    from store.changelog import _stacks

    other = connect(path)
    try:
        return _stacks(other, annotator)
    finally:
        other.conn.close()


@pytest.mark.parametrize("seed", range(6))
def test_kept_undo_stacks_match_a_replay_of_the_whole_log(tmp_path: Path, seed: int) -> None:
    """Two terminals of one annotator (two connections) interleave actions, undos, redos.

    Each connection keeps its stacks and reads only the log rows added since; after
    every step both must agree with a connection replaying the whole log.
    """
    import random

    from store.changelog import _stacks

    path = tmp_path / "c.db"
    rng = random.Random(seed)
    first, second = Session(path, "ann"), Session(path, "ann")
    doc = add_document(first.db, TEXT)
    for _step in range(60):
        session = rng.choice([first, second])
        move = rng.random()
        if move < 0.5:
            start = rng.randrange(0, len(TEXT) - 4)
            session.add_span(doc, start, start + 3, rng.choice(["CLAIM", "EVENT"]))
        elif move < 0.8:
            session.undo()
        else:
            session.redo()
        expected = _fresh_stacks(path, "ann")
        for each in (first, second):
            each.db.conn.execute("BEGIN")
            try:
                assert _stacks(each.db, "ann") == expected
            finally:
                each.db.conn.execute("ROLLBACK")
    first.close()
    second.close()


def test_undo_of_a_span_someone_deleted_names_them_and_the_span(
    db: sqlite_utils.Database,
) -> None:
    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    span = bob.add_span(doc, 4, 9, "EVENT")
    alice.delete_span(span.id)
    with pytest.raises(UndoConflict) as caught:
        bob.undo()
    assert str(caught.value) == "cannot undo: alice deleted the EVENT span “Pegel” since"
    alice.undo()
    assert bob.undo() == "add EVENT span"


def test_undoing_a_label_edit_never_gives_two_labels_one_hotkey(
    db: sqlite_utils.Database,
) -> None:
    """Alice clears RUMOUR's key 6, bob gives 6 to ZETA, alice undoes: both held 6, and
    bob's key applied RUMOUR."""
    from store.model import Label

    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    alice.save_label(Label("RUMOUR", "#aa0000", "6", "", 6))
    alice.save_label(Label("RUMOUR", "#aa0000", None, "", 6))
    bob.save_label(Label("ZETA", "#00aa00", "6", "", 7))
    with pytest.raises(UndoConflict) as caught:
        alice.undo()
    assert str(caught.value) == (
        "cannot undo: hotkey 6 would be both RUMOUR's and ZETA's; someone gave it to one of them"
        " since"
    )
    assert {label.name: label.hotkey for label in alice.labels()}["RUMOUR"] is None
    assert db.conn.execute("SELECT count(*) FROM changes WHERE kind = 'undo'").fetchone()[0] == 0


def test_undoing_a_label_someone_has_used_names_them(db: sqlite_utils.Database) -> None:
    from store.model import Label

    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    alice.save_label(Label("ZETA", "#00aa00", None, "", 7))
    bob.add_span(doc, 0, 3, "ZETA")
    with pytest.raises(UndoConflict) as caught:
        alice.undo()
    assert str(caught.value) == "cannot undo: bob has used the label ZETA since"
    assert "ZETA" in {label.name for label in alice.labels()}
    assert labels_of(bob, doc) == [(0, "ZETA")]


def test_changing_a_span_someone_deleted_says_who_and_which(db: sqlite_utils.Database) -> None:
    # The reader showed "span bad8fa3dba174295b398bff091abec97 was deleted".
    from store.errors import ClaimdeskError

    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    span = alice.add_span(doc, 0, 9, "CLAIM")
    bob.delete_span(span.id)
    with pytest.raises(ClaimdeskError) as caught:
        alice.set_note(span.id, "Pegel laut Stadt")
    assert str(caught.value) == "bob deleted the CLAIM span “Der Pegel” since; nothing was changed"


def test_a_redo_refused_over_a_row_gone_from_the_table_names_the_span(
    db: sqlite_utils.Database,
) -> None:
    # bob's redo of his delete, after alice undid her span away: "cannot redo: alice
    # deleted a spans entry since", the table's name and no span.
    doc = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    span = alice.add_span(doc, 4, 9, "EVENT")
    bob.delete_span(span.id)
    assert bob.undo() == "delete span"
    assert alice.undo() == "add EVENT span"
    with pytest.raises(UndoConflict) as caught:
        bob.redo()
    assert str(caught.value) == "cannot redo: alice deleted the EVENT span “Pegel” since"


def test_a_redo_refused_over_a_decision_since_names_that_decision(tmp_path: Path) -> None:
    # alice accepted and undid; bob rejected the pair; alice's redo said "bob re-created
    # the link".
    from tests.tui.test_review_scopes import linked

    path = tmp_path / "c.db"
    linked(path)
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        link = alice.review_queue()[0]
        alice.accept_link(link.id)
        assert alice.undo() == "accept link"
        bob.reject_link(link.id)
        with pytest.raises(UndoConflict) as caught:
            alice.redo()
    assert str(caught.value).startswith("cannot redo: bob rejected the link “")


def test_undo_never_takes_away_a_partner_span_another_annotators_link_uses(
    db: sqlite_utils.Database,
) -> None:
    # alice's accepted link made a partner span, bob linked that span to a third report,
    # alice undid: the span went, the foreign key emptied bob's link's span (unlogged),
    # and redo did not give it back.
    first, second, third = (
        add_document(db, f"{TEXT} Bericht {name}.", name=f"{name}.txt", outlet=name)
        for name in "ABC"
    )
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    alice.add_span(first, 0, 31, "CLAIM")
    mine = alice.link_spans((first, 0, 31), (second, 0, 31), create_span_label="CLAIM")
    (partner,) = alice.spans(second)
    theirs = bob.link_spans((third, 0, 31), (second, 0, 31))
    assert partner.id in (theirs.a_span, theirs.b_span)
    with pytest.raises(UndoConflict) as caught:
        alice.undo()
    assert str(caught.value) == (
        "cannot undo: bob linked the CLAIM span “Der Pegel stieg auf 7,40 Meter.” since"
    )
    kept = db.conn.execute("SELECT a_span, b_span FROM links WHERE id = ?", [theirs.id]).fetchone()
    assert partner.id in kept
    assert db.conn.execute("SELECT status FROM links WHERE id = ?", [mine.id]).fetchone() == (
        "accepted",
    )
    # Once bob's link is undone, alice's undo goes through, span and all.
    assert bob.undo() == "accept link"
    assert alice.undo() == "accept link"
    assert alice.spans(second) == []
