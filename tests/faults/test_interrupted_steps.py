"""A ctrl+c in the last step of a long command says what the earlier steps finished."""

from __future__ import annotations

from pathlib import Path

import pytest

import claimdesk.commands.import_cmd as import_cmd
import store.linking.suggest as suggest
from claimdesk.cli import main
from store.paths import sample_corpus_path


def _ctrl_c(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_stories_regroup_says_the_documents_are_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Said only "claimdesk: interrupted", though every document was stored.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(3):
        (corpus / f"a{number}.txt").write_text(f"Bericht {number}. Die Stadt meldet es.")
    monkeypatch.setattr(import_cmd, "refresh_stories", _ctrl_c)
    database = tmp_path / "c.db"
    assert main(["--db", str(database), "import", str(corpus)]) == 130
    assert capsys.readouterr().err == (
        "claimdesk: interrupted; 3 document(s) were imported; the stories were not"
        " regrouped (claimdesk stories --refresh does it)\n"
    )
    monkeypatch.undo()
    assert main(["--db", str(database), "stories", "--refresh"]) == 0


def test_ctrl_c_while_stories_regroup_still_names_the_refused_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the summary line was said: the files refused were learnt by importing again.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Bericht eins. Die Stadt meldet es.")
    (corpus / "empty.txt").write_text("")
    monkeypatch.setattr(import_cmd, "refresh_stories", _ctrl_c)
    assert main(["--db", str(tmp_path / "c.db"), "import", str(corpus)]) == 130
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("claimdesk: refused ")
    assert "empty.txt" in lines[0]
    assert lines[1] == (
        "claimdesk: interrupted; 1 document(s) were imported, 1 file(s) refused; the stories"
        " were not regrouped (claimdesk stories --refresh does it)"
    )


def test_ctrl_c_while_suggestions_are_stored_says_a_rerun_completes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "c.db"
    documents = sorted(sample_corpus_path().rglob("*.txt"))[:4]
    assert len(documents) == 4
    assert main(["--db", str(database), "import", "-q", *map(str, documents)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(suggest, "store_suggestions", _ctrl_c)
    assert main(["--db", str(database), "link"]) == 130
    assert capsys.readouterr().err.endswith(
        "claimdesk: interrupted; the suggestions were partly updated (decisions untouched);"
        " claimdesk link again completes them\n"
    )
