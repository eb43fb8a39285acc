"""Shared fixtures: isolated user folders, fresh databases, the sample corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import sqlite_utils

from store.db import connect, write
from store.documents import insert_document
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.paths import sample_corpus_path
from store.segment import split_sentences
from store.session import Session

REQUIRE_CONSUMERS = "CLAIMDESK_REQUIRE_CONSUMERS"


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """With $CLAIMDESK_REQUIRE_CONSUMERS set (CI sets it), a consumer library that cannot be
    imported fails the export tests that need it instead of skipping them unseen."""
    report = yield
    if (
        os.environ.get(REQUIRE_CONSUMERS)
        and report.skipped
        and "could not import" in str(report.longrepr)
    ):
        report.outcome = "failed"
    return report


REPO = Path(__file__).resolve().parent.parent


def in_fresh_python(script: str) -> str:
    """Run ``script`` in a new interpreter at the repository root (this one has modules
    loaded that the script asks about); its output, after checking it succeeded."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point every per-user folder at a temporary one so no test touches real user data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("CLAIMDESK_DB", raising=False)
    monkeypatch.delenv("CLAIMDESK_CONFIG", raising=False)
    monkeypatch.setenv("CLAIMDESK_ANNOTATOR", "tester")
    return home


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    """A fresh, migrated in-memory database with the default labels."""
    database = connect(":memory:")
    with write(database):
        ensure_default_labels(database)
    yield database
    database.close()


def add_document(
    database: sqlite_utils.Database, text: str, name: str = "doc.txt", outlet: str = "outlet"
) -> int:
    """Store ``text`` (assumed normalised) as a document with its sentences; its id."""
    with write(database):
        doc_id = insert_document(database, ParsedArticle(name, text, outlet=outlet))
        assert doc_id is not None
        database.conn.executemany(
            'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
            [(doc_id, s, e) for s, e in split_sentences(text)],
        )
    return doc_id


def add_document_to_file(
    path: Path, text: str, name: str = "doc.txt", outlet: str = "outlet"
) -> int:
    """:func:`add_document` on the database file at ``path``, opened for it and closed."""
    database = connect(path)
    try:
        return add_document(database, text, name, outlet)
    finally:
        database.close()


@pytest.fixture
def session(db: sqlite_utils.Database) -> Session:
    return Session.for_db(db, "alice")


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus imported once per test run into a file database."""
    from store.importer import import_paths
    from store.stories.storage import refresh_stories

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    database = connect(path)
    try:
        import_paths(database, [sample_corpus_path()])
        refresh_stories(database)
        database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    return path


@pytest.fixture
def sample_db_path(sample_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the imported sample corpus, safe to write to."""
    target = tmp_path / "claimdesk.db"
    target.write_bytes(sample_db_template.read_bytes())
    return target


@pytest.fixture
def tmpfs_mount(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of the test's own, writable until the test remounts it read-only (root only,
    where mounting is allowed), else the test is skipped."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root")
    place = tmp_path / "mount"
    place.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(place)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("this machine does not allow mounting")
    try:
        yield place
    finally:
        subprocess.run(["umount", str(place)], check=False)
