"""Folder walking: unreadable folders are reported, the rest of the batch still imports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store.importer import import_paths


def test_unreadable_folder_is_one_line_and_the_rest_imports(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "corpus" / "Kurier"
    locked = tmp_path / "corpus" / "Gesperrt"
    good.mkdir(parents=True)
    locked.mkdir()
    (good / "a.txt").write_text("Der Pegel sinkt wieder.\n", encoding="utf-8")
    (locked / "b.txt").write_text("Das darf niemand lesen.\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        # Root reads any folder whatever its mode, so the denial is simulated here.
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = import_paths(db, [tmp_path / "corpus"])
    assert report.added == 1
    assert [str(r) for r in report.refused] == [f"{locked}: cannot read folder: permission denied"]
    names = [r[0] for r in db.conn.execute("SELECT source_name FROM documents")]
    assert names == ["a.txt"]


def test_readme_and_license_in_a_folder_are_not_articles(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text("# About this corpus\n\nNotes.\n", encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text("All rights reserved.\n", encoding="utf-8")
    (tmp_path / "bericht.txt").write_text("Die Brücke ist wieder offen.\n", encoding="utf-8")
    report = import_paths(db, [tmp_path])
    assert report.added == 1
    explicit = import_paths(db, [tmp_path / "README.md"])
    assert explicit.added == 1


def test_a_linked_folder_is_not_followed_and_said_so(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # os.walk lists a linked folder without entering it: corpus/linked/one.txt was left
    # out of "import corpus" without a word (exit 0), while "import corpus/linked" read it.
    real, corpus = tmp_path / "real", tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    real.mkdir()
    (real / "one.txt").write_text("Linked folder article text one.\n", encoding="utf-8")
    (corpus / "own.txt").write_text("Own article text.\n", encoding="utf-8")
    (corpus / "linked").symlink_to(real)
    # Links that lose nothing are not named: one to a folder inside the named one (walked
    # where it is), and one whose target is named too.
    (corpus / "again").symlink_to(corpus / "sub")
    report = import_paths(db, [corpus])
    assert report.added == 1
    assert report.refused == []
    assert report.notes == [
        f"1 linked folder(s) not followed: {corpus / 'linked'} (name it to import it)"
    ]
    both = import_paths(db, [corpus, real])
    assert both.added == 1
    assert both.notes == []
    # Several are named up to five, then counted.
    for number in range(6):
        (corpus / f"link{number}").symlink_to(real)
    many = import_paths(db, [corpus])
    assert len(many.notes) == 1
    assert many.notes[0].startswith("7 linked folder(s) not followed: ")
    assert many.notes[0].endswith(" and 2 more (name one to import it)")
