"""Storing suggestions: every stored quote is the document text at its offsets.

The database reads the documents' text for every decided row (by hand, imported,
accepted, rejected); for suggested rows it checks the quote's length only, and
the linker checks each suggested sentence against the stored text before it
stores anything (store.linking.storing).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from store.clock import now
from store.db import connect, write
from store.errors import ClaimdeskError
from store.linking.decisions import find_link, suggestion_id
from store.linking.features import build_corpus
from store.linking.storing import store_suggestions
from store.linking.suggest import (
    LinkReport,
    LinkSettings,
    compute_suggestions,
    link_documents,
    load_documents,
)
from store.session import Session
from tests.conftest import add_document
from tests.linking.corpus import add_flood_corpus, sentence_at

ROOT = Path(__file__).resolve().parents[2]
# The trigger's abort, as raw SQL sees it or as store.db.write reports it.
REFUSED = (sqlite3.IntegrityError, ClaimdeskError)


def _insert(
    db: sqlite_utils.Database,
    a: tuple[int, int, int],
    a_quote: str,
    b: tuple[int, int, int],
    b_quote: str,
    status: str,
) -> str:
    link_id = f"test-{status}-{a}-{b}"
    with write(db):
        db.execute(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, score, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [link_id, *a, a_quote, *b, b_quote, status, 0.5, "test", now(), now()],
        )
    return link_id


def _text(db: sqlite_utils.Database, where: tuple[int, int, int]) -> str:
    doc_id, start, end = where
    (text,) = db.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
    return str(text)[start:end]


def _same_length_other_text(quote: str) -> str:
    return quote[::-1] if quote[::-1] != quote else "x" * len(quote)


@pytest.fixture
def sides(db: sqlite_utils.Database) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    add_flood_corpus(db)
    return (
        sentence_at(db, "tagesblatt.txt", "Rund 11.000"),
        sentence_at(db, "rundschau.txt", "Elftausend"),
    )


@pytest.mark.parametrize("status", ["accepted", "rejected"])
def test_a_decided_row_with_a_wrong_quote_is_refused_by_the_database(
    db: sqlite_utils.Database,
    sides: tuple[tuple[int, int, int], tuple[int, int, int]],
    status: str,
) -> None:
    a, b = sides
    wrong = _same_length_other_text(_text(db, b))
    with pytest.raises(REFUSED, match="quote"):
        _insert(db, a, _text(db, a), b, wrong, status)
    _insert(db, a, _text(db, a), b, _text(db, b), status)  # the right quotes go in
    assert db.conn.execute("SELECT count(*) FROM links").fetchone() == (1,)


def test_a_suggested_row_whose_quote_has_another_length_is_refused(
    db: sqlite_utils.Database, sides: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> None:
    a, b = sides
    with pytest.raises(REFUSED, match="quote"):
        _insert(db, a, _text(db, a) + "!", b, _text(db, b), "suggested")
    assert db.conn.execute("SELECT count(*) FROM links").fetchone() == (0,)


def test_a_suggestion_with_a_wrong_quote_cannot_be_decided(
    db: sqlite_utils.Database, sides: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> None:
    # A suggested row written past the linker (raw SQL) is checked only for its length;
    # the full check runs when anyone accepts or rejects it, so no decision rests on it.
    a, b = sides
    link_id = _insert(db, a, _same_length_other_text(_text(db, a)), b, _text(db, b), "suggested")
    session = Session.for_db(db, "alice")
    with pytest.raises(REFUSED, match="quote"):
        session.accept_link(link_id)
    with pytest.raises(REFUSED, match="quote"):
        session.reject_link(link_id)
    with pytest.raises(REFUSED, match="quote"), write(db):
        db.execute("UPDATE links SET status = 'accepted' WHERE id = ?", [link_id])
    assert db.conn.execute("SELECT status FROM links").fetchall() == [("suggested",)]


def test_deciding_a_right_suggestion_passes_the_full_check(
    db: sqlite_utils.Database, sides: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> None:
    a, b = sides
    first = _insert(db, a, _text(db, a), b, _text(db, b), "suggested")
    session = Session.for_db(db, "alice")
    assert session.accept_link(first).status == "accepted"
    assert session.undo() is not None  # back to suggested: an update the guard allows
    # ...after which the row is a suggestion again (schema 10), under its pair's id.
    again = find_link(db, a, b)
    assert again is not None
    assert (again.id, again.status) == (suggestion_id((*a, *b)), "suggested")
    assert db.conn.execute("SELECT count(*) FROM links").fetchone() == (0,)
    assert session.reject_link(again.id).status == "rejected"


def test_the_linker_stores_nothing_when_a_quote_is_not_the_stored_text(
    db: sqlite_utils.Database,
) -> None:
    add_flood_corpus(db)
    settings = LinkSettings()
    corpus = build_corpus(load_documents(db), workers=settings.workers)
    selected = compute_suggestions(corpus, settings)
    assert selected
    # As if the document's text had changed between reading it and storing: same
    # length, so only the check against the stored text can see it.
    target = selected[0][1]
    tampered = list(corpus.quotes)
    tampered[target] = _same_length_other_text(tampered[target])
    bad = replace(corpus, quotes=tampered)
    with pytest.raises(ClaimdeskError, match="changed while linking"):
        store_suggestions(db, bad, selected, scope=None, report=LinkReport())
    assert db.conn.execute("SELECT count(*) FROM suggestions").fetchone() == (0,)
    store_suggestions(db, corpus, selected, scope=None, report=LinkReport())
    assert db.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] > 0


def test_every_stored_suggestion_quotes_the_document_text(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    report = link_documents(db)
    assert report.inserted > 0
    # Every reader sees suggestions through these views (schema 10).
    for view in ("suggested_links", "all_links"):
        rows = db.conn.execute(
            f"SELECT a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end, b_quote FROM {view}"
        ).fetchall()
        assert len(rows) == report.inserted
        for ad, as_, ae, aq, bd, bs, be, bq in rows:
            assert _text(db, (ad, as_, ae)) == aq
            assert _text(db, (bd, bs, be)) == bq


def _story_corpus(path: Path, documents: int) -> None:
    """Stories of five outlets sharing their facts word for word: many suggestions."""
    rng = random.Random(11)
    words = [f"wort{n}" for n in range(4_000)]
    db = connect(path)
    try:
        with write(db):
            for story in range(documents // 5):
                facts = [
                    " ".join(rng.choices(words, k=10)).capitalize() + f" {story * 10 + n}."
                    for n in range(8)
                ]
                for outlet in range(5):
                    filler = [
                        " ".join(rng.choices(words, k=10)).capitalize() + "." for _ in range(12)
                    ]
                    text = " ".join(rng.sample(facts + filler, k=len(facts) + len(filler)))
                    add_document(db, text, f"s{story}-o{outlet}.txt", f"outlet{outlet}")
    finally:
        db.close()


def _pairs(path: Path) -> set[tuple[int, ...]]:
    conn = sqlite3.connect(path)
    try:
        return set(
            conn.execute(
                "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, status FROM all_links"
            ).fetchall()
        )
    finally:
        conn.close()


def _claimdesk(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimdesk", "--db", str(database), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_kill_9_while_storing_leaves_a_consistent_database_that_a_re_run_completes(
    tmp_path: Path,
) -> None:
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    _story_corpus(killed, 400)
    shutil.copyfile(killed, clean)
    assert _claimdesk(clean, "link", "-q").returncode == 0
    expected = _pairs(clean)
    assert len(expected) > 5_000
    link = subprocess.Popen(
        [sys.executable, "-m", "claimdesk", "--db", str(killed), "link", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        watch = sqlite3.connect(f"file:{killed}?mode=ro", uri=True, timeout=5)
        deadline = time.monotonic() + 300
        stored = 0
        while link.poll() is None and time.monotonic() < deadline and not stored:
            with contextlib.suppress(sqlite3.Error):
                (stored,) = watch.execute("SELECT count(*) FROM suggestions").fetchone()
            time.sleep(0.01)
        watch.close()
        assert link.poll() is None, "link ended before it could be killed while storing"
    finally:
        link.kill()
        link.wait()
    partial = _pairs(killed)
    assert 0 < len(partial) < len(expected)
    assert partial <= expected
    checked = _claimdesk(killed, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _claimdesk(killed, "link", "-q").returncode == 0
    assert _pairs(killed) == expected
