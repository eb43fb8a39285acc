"""Annotators' corrections of stories: kept across recomputation, undoable, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from claimdesk.cli import main
from store.db import write
from store.importer import import_paths
from store.paths import sample_corpus_path
from store.session import Session
from store.stories.queries import story_ids
from store.stories.storage import refresh_stories


@pytest.fixture
def stories_session(db: sqlite_utils.Database) -> Session:
    import_paths(db, [sample_corpus_path()])
    refresh_stories(db)
    return Session.for_db(db, "alice")


def _doc(session: Session, name: str) -> int:
    return session.find_document(name).id


def _story(session: Session, name: str) -> str:
    return story_ids(session.db)[_doc(session, name)]


def test_move_is_kept_across_recomputation_and_undone(stories_session: Session) -> None:
    s = stories_session
    budget, flood = "kurier-haushalt-2026.txt", "kurier-tag1-evakuierung.txt"
    before_budget = _story(s, budget)
    assert before_budget != _story(s, flood)
    s.move_to_story(_doc(s, budget), _story(s, flood))
    assert _story(s, budget) == _story(s, flood)
    refresh_stories(s.db)
    assert _story(s, budget) == _story(s, flood)
    assert s.undo() == "move document to story"
    assert _story(s, budget) == before_budget
    refresh_stories(s.db)
    assert _story(s, budget) != _story(s, flood)
    assert s.redo() == "move document to story"
    assert _story(s, budget) == _story(s, flood)


def test_split_and_merge_are_kept_and_undone(stories_session: Session) -> None:
    s = stories_session
    sarn_de, sarn_en = "nws-velthausen-sarn.txt", "meridian-velthausen-old-town.txt"
    assert _story(s, sarn_de) == _story(s, sarn_en)
    new = s.split_story([_doc(s, sarn_en)])
    assert _story(s, sarn_en) == new != _story(s, sarn_de)
    refresh_stories(s.db)
    assert _story(s, sarn_en) == new != _story(s, sarn_de)
    s.merge_stories(_story(s, sarn_de), new)
    assert _story(s, sarn_en) == _story(s, sarn_de)
    s.undo()
    assert _story(s, sarn_en) != _story(s, sarn_de)
    s.undo()
    refresh_stories(s.db)
    assert _story(s, sarn_en) == _story(s, sarn_de)
    assert s.db.conn.execute("SELECT count(*) FROM story_pins").fetchone()[0] == 0


def test_a_new_document_the_algorithm_groups_with_pinned_ones_joins_their_story(
    stories_session: Session,
) -> None:
    s = stories_session
    sarn_de = "nws-velthausen-sarn.txt"
    s.merge_stories(_story(s, sarn_de), _story(s, "kurier-haushalt-2026.txt"))
    pinned = _story(s, sarn_de)
    # The merge pinned the English report too; unpinned, the algorithm still groups it
    # with its German twin, so it follows the twin into the corrected story.
    assert _story(s, "meridian-velthausen-old-town.txt") == pinned
    with write(s.db):
        s.db.execute(
            "DELETE FROM story_pins WHERE doc_id = ?", [_doc(s, "meridian-velthausen-old-town.txt")]
        )
    refresh_stories(s.db)
    assert _story(s, "meridian-velthausen-old-town.txt") == pinned


def test_split_refuses_a_whole_story(stories_session: Session) -> None:
    s = stories_session
    from store.errors import ClaimdeskError

    with pytest.raises(ClaimdeskError, match="whole story"):
        s.split_story(
            [_doc(s, "nws-velthausen-sarn.txt"), _doc(s, "meridian-velthausen-old-town.txt")]
        )


def _sample_db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    assert main(["--db", str(path), "import", "-q", str(sample_corpus_path())]) == 0
    return path


def test_cli_json_lists_stories_with_documents_and_outlets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_db(tmp_path)
    capsys.readouterr()
    assert main(["stories", "--db", str(path), "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert stories
    assert all(set(s) == {"id", "label", "documents", "outlets"} for s in stories)
    assert all(len(s["documents"]) >= 2 for s in stories)
    velthausen = [s for s in stories if "nws-velthausen-sarn.txt" in s["documents"]]
    assert velthausen[0]["documents"] == [
        "nws-velthausen-sarn.txt",
        "meridian-velthausen-old-town.txt",
    ]
    assert velthausen[0]["outlets"] == ["Meridian Post", "nachrichtenwerk-sued"]
    assert main(["stories", "--db", str(path), "--json", "--all"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert sum(len(s["documents"]) for s in everything) == 33


def test_cli_move_and_text_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _sample_db(tmp_path)
    capsys.readouterr()
    assert (
        main(
            [
                "stories",
                "--db",
                str(path),
                "--move",
                "kurier-haushalt-2026.txt",
                "nws-velthausen-sarn.txt",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    block = next(b for b in out.split("story-") if "nws-velthausen" in b)
    assert "kurier-haushalt-2026.txt" in block
    assert "2025-03-13 – 2025-11-20" in block


def test_control_characters_in_stored_strings_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "in" / "evil.txt"
    article.parent.mkdir()
    body = "Quendolin Harrowgate opened the Brisvale dam at Tolmarsh today. " * 20
    article.write_text(f"title: Dam\\x1b]0;pwned\\x07 opened\\u202e\n\n{body}\n", encoding="utf-8")
    twin = tmp_path / "in" / "twin.txt"
    twin.write_text(f"title: Dam opened again\n\n{body} Again.\n", encoding="utf-8")
    path = tmp_path / "c.db"
    assert main(["--db", str(path), "import", "-q", str(article.parent)]) == 0
    db = sqlite_utils.Database(path)
    # Importers clean controls; write one in directly, as an older claimdesk or a script might.
    db.execute(
        "UPDATE documents SET title = ?, outlet = ? WHERE source_name = 'evil.txt'",
        ["Dam\x1b]0;pwned\x07 \u202eopened", "Out\x9blet"],
    )
    db.conn.commit()
    db.close()
    capsys.readouterr()
    for extra in ([], ["--json"]):
        assert main(["stories", "--db", str(path), "--refresh", *extra]) == 0
        out = capsys.readouterr().out
        assert "evil.txt" in out
        assert not any(c in out for c in "\x1b\x07\x9b\u202e")
    json.loads(out)


def test_every_exported_document_carries_its_story_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_db(tmp_path)
    out = tmp_path / "out.jsonl"
    assert main(["export", "--db", str(path), "--format", "jsonl", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with Session(path, "tester") as session:
        expected = {
            session.document(doc).source_name: story for doc, story in story_ids(session.db).items()
        }
    assert len(records) == 33
    assert {r["meta"]["source"]: r["meta"]["story"] for r in records} == expected
    by_story = {r["meta"]["story"] for r in records if "velthausen" in r["meta"]["source"]}
    assert len(by_story) == 1


def test_doccano_label_studio_and_brat_carry_the_story_id_too(tmp_path: Path) -> None:
    path = _sample_db(tmp_path)
    with Session(path, "tester") as session:
        expected = {
            session.document(doc).source_name: story for doc, story in story_ids(session.db).items()
        }
    base = ["export", "--db", str(path), "--out"]
    assert main([*base, str(tmp_path / "d.jsonl"), "--format", "doccano"]) == 0
    doccano = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert {r["meta"]["source"]: r["meta"]["story"] for r in doccano} == expected
    assert main([*base, str(tmp_path / "ls.json"), "--format", "label-studio"]) == 0
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert {t["data"]["source"]: t["data"]["story"] for t in tasks} == expected
    assert main([*base, str(tmp_path / "brat"), "--format", "brat"]) == 0
    header, *rows = (tmp_path / "brat" / "documents.tsv").read_text().splitlines()
    assert header.split("\t") == ["file", "source", "outlet", "date", "language", "story"]
    assert {row.split("\t")[1]: row.split("\t")[5] for row in rows} == expected


def test_link_recomputes_the_stories_with_sentence_links_as_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_db(tmp_path)
    hospital = ["herald-hospital-ransomware.txt", "nws-klinik-notbetrieb.txt"]
    hospital.append("rundschau-klinik-cyberangriff.txt")
    with Session(path, "tester") as session:
        before = {_story(session, name) for name in hospital}
    # The English report shares names but few words with the German ones.
    assert len(before) == 2
    capsys.readouterr()
    assert main(["link", "--db", str(path), "--docs", *hospital]) == 0
    assert "stories: 6 of two or more documents" in capsys.readouterr().out
    with Session(path, "tester") as session:
        assert len({_story(session, name) for name in hospital}) == 1
    assert main(["link", "--db", str(path), "--docs", *hospital]) == 0
    assert "stories: unchanged" in capsys.readouterr().out


def test_import_without_stories_leaves_them_to_the_stories_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.db"
    assert main(["--db", str(path), "import", "--no-stories", str(sample_corpus_path())]) == 0
    assert "stories:" not in capsys.readouterr().out
    with Session(path, "tester") as session:
        assert story_ids(session.db) == {}
    assert main(["stories", "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    with Session(path, "tester") as session:
        assert len(story_ids(session.db)) == 33


def test_the_listing_says_how_many_documents_no_story_holds_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # stories --all listed 33 of 83 documents, exit 0, and said nothing of the 50 imported
    # with --no-stories after the stories were grouped.
    path = _sample_db(tmp_path)
    assert main(["stories", "--db", str(path), "--all"]) == 0
    assert "no story yet" not in capsys.readouterr().err
    article = tmp_path / "late.txt"
    article.write_text("Ein später Bericht über etwas anderes. Er hat zwei Sätze.\n")
    assert main(["--db", str(path), "import", "-q", "--no-stories", str(article)]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", str(path), "--all", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "late.txt" not in out
    assert err == (
        "claimdesk: note: 1 document(s) are in no story yet;"
        " claimdesk stories --refresh groups them\n"
    )
    assert main(["stories", "--db", str(path), "--refresh", "--all"]) == 0
    out, err = capsys.readouterr()
    assert "late.txt" in out
    assert err == ""


def test_cli_refuses_every_correction_when_one_name_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_db(tmp_path)
    assert main(["stories", "--db", str(path), "--all", "--json"]) == 0
    before = capsys.readouterr().out
    budget, sarn = "kurier-haushalt-2026.txt", "nws-velthausen-sarn.txt"
    for bad in (
        ["--move", budget, sarn, "--merge", budget, "nosuch"],
        ["--move", budget, sarn, "--merge", budget, "story-0000000000"],
        ["--move", budget, sarn, "--split", "nosuch"],
    ):
        assert main(["stories", "--db", str(path), *bad]) == 1
        assert "nosuch" in capsys.readouterr().err or bad[-1].startswith("story-")
        assert main(["stories", "--db", str(path), "--all", "--json"]) == 0
        assert capsys.readouterr().out == before
    db = sqlite_utils.Database(path)
    assert db.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 0


def test_cli_corrections_of_one_command_are_one_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_db(tmp_path)
    budget, sarn, flood = (
        "kurier-haushalt-2026.txt",
        "nws-velthausen-sarn.txt",
        "kurier-tag1-evakuierung.txt",
    )
    s = Session(path, "alice")
    before = story_ids(s.db)
    # The merge names the budget report's story as the move left it: Sarn's.
    args = ["--move", budget, sarn, "--merge", budget, flood]
    assert main(["stories", "--db", str(path), "--annotator", "alice", *args]) == 0
    after = story_ids(s.db)
    assert after[_doc(s, budget)] == after[_doc(s, sarn)] == after[_doc(s, flood)]
    assert s.db.conn.execute("SELECT count(DISTINCT action_id) FROM changes").fetchone()[0] == 1
    assert s.undo() == "move document to story, merge stories"
    assert story_ids(s.db) == before


def test_a_document_whose_name_starts_with_story_can_be_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Any name starting with "story-" was taken for a story id: "no story 'story-notes.txt'".
    from tests.conftest import add_document_to_file

    path = _sample_db(tmp_path)
    add_document_to_file(path, "Notizen zur Flut in Kressbrunn.", "story-notes.txt")
    assert main(["stories", "--db", str(path), "--refresh"]) == 0
    budget = "kurier-haushalt-2026.txt"
    assert main(["stories", "--db", str(path), "--move", budget, "story-notes.txt"]) == 0
    s = Session(path, "x")
    ids = story_ids(s.db)
    assert ids[_doc(s, budget)] == ids[_doc(s, "story-notes.txt")]
    capsys.readouterr()
    assert main(["stories", "--db", str(path), "--merge", budget, "story-nosuch"]) == 1
    assert "no story or document 'story-nosuch'" in capsys.readouterr().err


def test_importing_again_groups_documents_found_in_no_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An import killed after its last batch, before regrouping, leaves what --no-stories
    # leaves: every document stored, none in a story. Importing again found them all
    # "already present", regrouped nothing, and they stayed out of every story.
    path = tmp_path / "c.db"
    assert main(["--db", str(path), "import", "-q", "--no-stories", str(sample_corpus_path())]) == 0
    assert main(["--db", str(path), "import", str(sample_corpus_path())]) == 0
    out = capsys.readouterr().out
    assert "imported 0 new document(s)" in out
    assert "33 document(s) regrouped" in out
    with Session(path, "tester") as session:
        assert session.ungrouped_documents() == 0
    # With every document in a story, importing again does not regroup.
    assert main(["--db", str(path), "import", str(sample_corpus_path())]) == 0
    assert "stories:" not in capsys.readouterr().out
