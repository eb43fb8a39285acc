"""``claimdesk import-links``: decisions placed by offsets or unique text, idempotent, undoable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from claimdesk.cli import main
from store.changelog import user_action
from store.db import connect
from store.errors import ClaimdeskError
from store.linking import decisions, links_import
from store.linking.decisions import link_spans
from store.linking.links_import import import_links
from store.session import Session
from tests.linking.corpus import add_flood_corpus, sentence_at


def _side(
    db: sqlite_utils.Database, claim: tuple[int, int, int], *, shift: int = 0
) -> dict[str, object]:
    doc, start, end = claim
    name, text = db.conn.execute(
        "SELECT source_name, text FROM documents WHERE id = ?", [doc]
    ).fetchone()
    return {"doc": name, "start": start + shift, "end": end + shift, "text": text[start:end]}


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


Claim = tuple[int, int, int]


def _flood(db: sqlite_utils.Database) -> tuple[Claim, Claim, Claim]:
    """The flood corpus added to ``db``: one sentence of each of three reports."""
    add_flood_corpus(db)
    return (
        sentence_at(db, "tagesblatt.txt", "Nach tagelangem Regen"),
        sentence_at(db, "rundschau.txt", "Die Mulde trat"),
        sentence_at(db, "kurier.txt", "Die Polizei sperrte"),
    )


def _decided(db: sqlite_utils.Database) -> list[tuple[int, int, int, int, int, int, str]]:
    return db.conn.execute(
        "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, status FROM links"
        " WHERE status != 'suggested' ORDER BY 1, 2, 4, 5"
    ).fetchall()


def test_import_places_by_offsets_or_unique_text_and_is_idempotent_and_undoable(
    session: Session, tmp_path: Path
) -> None:
    db = session.db
    a, b, c = _flood(db)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted", "score": 0.9},
            # Offsets off by five: placed by the text's only occurrence instead.
            {"a": _side(db, a, shift=5), "b": _side(db, c), "status": "rejected"},
            {
                "a": _side(db, b),
                "b": {"doc": "kurier.txt", "start": 0, "end": 4, "text": "nowhere to be found"},
                "status": "accepted",
            },
            {"a": {"doc": "missing.txt", "text": "x"}, "b": _side(db, c), "status": "accepted"},
            {"a": _side(db, b), "b": _side(db, c), "status": "suggested"},
        ],
    )
    report = import_links(db, path, annotator="alice")
    assert (report.records, report.added, report.present, report.suggestions) == (5, 2, 0, 1)
    assert len(report.refused) == 2
    assert "side b: text not found in 'kurier.txt'" in report.refused[0]
    assert "missing.txt" in report.refused[1]
    first = _decided(db)
    assert sorted((row[0], row[3], row[6]) for row in first) == sorted(
        [
            (min(a[0], b[0]), max(a[0], b[0]), "accepted"),
            (min(a[0], c[0]), max(a[0], c[0]), "rejected"),
        ]
    )
    again = import_links(db, path, annotator="alice")
    assert (again.added, again.changed, again.present) == (0, 0, 2)
    assert _decided(db) == first
    assert session.undo() == "import links"
    assert _decided(db) == []


def test_cli_names_unplaceable_sides_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.db"
    db = connect(path)
    a, b, _ = _flood(db)
    good = {"a": _side(db, a), "b": _side(db, b), "status": "accepted"}
    db.close()
    links = _write(
        tmp_path / "l.jsonl",
        [good, {"a": {"doc": "nope.txt", "text": "x"}, "b": good["b"], "status": "accepted"}],
    )
    assert main(["--db", str(path), "import-links", str(links)]) == 1
    captured = capsys.readouterr()
    assert "l.jsonl:2: side a: no document named 'nope.txt'" in captured.err
    assert "read 2 record(s): 1 new link(s)" in captured.out
    assert main(["--db", str(path), "import-links", str(_write(links, [good]))]) == 0
    assert "1 already decided so" in capsys.readouterr().out


def test_a_huge_document_name_or_status_is_quoted_short_in_its_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both were echoed whole: a 10,000-character name gave a 10,000-character line.
    path = tmp_path / "claims.db"
    db = connect(path)
    a, b, _ = _flood(db)
    good = {"a": _side(db, a), "b": _side(db, b), "status": "accepted"}
    db.close()
    links = _write(
        tmp_path / "l.jsonl",
        [
            {**good, "a": {"doc": "n" * 10_000, "text": "x"}},
            {**good, "status": ["s" * 10_000]},
        ],
    )
    assert main(["--db", str(path), "import-links", str(links)]) == 1
    refusals = [line for line in capsys.readouterr().err.splitlines() if "l.jsonl:" in line]
    assert len(refusals) == 2
    assert all(len(line) < len(str(links)) + 120 for line in refusals)
    assert "side a: no document named 'nnnn" in refusals[0]
    assert "status must be accepted or rejected, not ['ssss" in refusals[1]


def test_import_keeps_a_rejections_reason_for_learning(session: Session, tmp_path: Path) -> None:
    db = session.db
    a, b, c = _flood(db)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted", "reason": "ignored"},
            {"a": _side(db, a), "b": _side(db, c), "status": "rejected", "reason": "near-miss"},
        ],
    )
    report = import_links(db, path, annotator="tester")
    assert report.added == 2
    reasons = dict(db.conn.execute("SELECT status, reason FROM links").fetchall())
    assert reasons == {"accepted": None, "rejected": "near-miss"}


def test_a_pair_decided_both_ways_in_one_file_is_refused_and_reimport_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    # The last line used to win: every import of such a file flipped the link twice,
    # said "2 changed" and added an undo step, so importing again was never a no-op.
    db = session.db
    a, b, c = _flood(db)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted"},
            # The same pair, sides swapped, the other way.
            {"a": _side(db, b), "b": _side(db, a), "status": "rejected"},
            {"a": _side(db, a), "b": _side(db, c), "status": "accepted"},
            {"a": _side(db, a), "b": _side(db, c), "status": "accepted"},
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted"},
        ],
    )
    report = import_links(db, path, annotator="alice")
    assert [line.split(":", 1)[1] for line in report.refused] == [
        "2: rejected here but accepted on line 1; the pair is not imported",
        "5: accepted here but rejected on line 2; the pair is not imported",
    ]
    assert (report.records, report.added, report.changed, report.present) == (5, 1, 0, 1)
    expected = [(min(a[0], c[0]), max(a[0], c[0]))]
    assert [(row[0], row[3]) for row in _decided(db)] == expected
    again = import_links(db, path, annotator="alice")
    assert (again.added, again.changed, again.present) == (0, 0, 2)
    assert [(row[0], row[3]) for row in _decided(db)] == expected


def test_a_repeated_line_of_a_pair_refused_later_is_not_counted_as_decided(
    session: Session, tmp_path: Path
) -> None:
    # Line 2 was counted "already decided so" and stayed counted once line 3 refused
    # the pair: the summary said one pair was decided that nothing decided.
    db = session.db
    a, b, _c = _flood(db)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted"},
            {"a": _side(db, b), "b": _side(db, a), "status": "accepted"},
            {"a": _side(db, a), "b": _side(db, b), "status": "rejected"},
        ],
    )
    report = import_links(db, path, annotator="alice")
    assert [line.split(":", 1)[1] for line in report.refused] == [
        "3: rejected here but accepted on line 1; the pair is not imported",
    ]
    assert (report.records, report.added, report.changed, report.present) == (3, 0, 0, 0)
    assert _decided(db) == []


def test_an_imported_reason_is_stored_as_one_clean_bounded_line(
    session: Session, tmp_path: Path
) -> None:
    # Stored as given: an OSC 52 (clipboard write), ESC[2J and 100,000 characters reached
    # links.reason, which every export and the merge dialog then carried.
    db = session.db
    a, b, _ = _flood(db)
    hostile = "[b]near[/b]\x1b]52;c;cHduZWQ=\x07 miss\x1b[2J\r\nsee " + "x" * 100_000
    path = _write(
        tmp_path / "links.jsonl",
        [{"a": _side(db, a), "b": _side(db, b), "status": "rejected", "reason": hostile}],
    )
    assert import_links(db, path, annotator="alice").added == 1
    (reason,) = db.conn.execute("SELECT reason FROM links").fetchone()
    kept = "[b]near[/b] miss see "
    assert reason == kept + "x" * (199 - len(kept)) + "…"


def test_a_byte_order_mark_and_raw_line_separators_in_strings_are_read_as_json_is(
    session: Session, tmp_path: Path
) -> None:
    db = session.db
    a, b, c = _flood(db)
    # json.dumps with ensure_ascii=False writes U+2028 raw; JSON allows it inside a
    # string, so it must not end the line.
    lines = [
        json.dumps(
            {"a": _side(db, a), "b": _side(db, b), "status": "rejected", "reason": "x\u2028y"},
            ensure_ascii=False,
        ),
        json.dumps({"a": _side(db, b), "b": _side(db, c), "status": "accepted"}),
    ]
    path = tmp_path / "links.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    report = import_links(db, path, annotator="alice")
    assert report.refused == []
    assert (report.records, report.added) == (2, 2)


def test_a_line_that_is_not_utf8_is_named_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.db"
    db = connect(path)
    a, b, _ = _flood(db)
    good = json.dumps({"a": _side(db, a), "b": _side(db, b), "status": "accepted"})
    db.close()
    links = tmp_path / "links.jsonl"
    # The first line is good and would import: the bad third line still stops all of it.
    links.write_bytes(good.encode() + b"\n\n" + b'{"status": "acc\xe9pted"}\n' + good.encode())
    code = main(["--db", str(path), "import-links", str(links)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1
    assert "links.jsonl" in err
    assert "not UTF-8 (line 3," in err
    assert _decided(connect(path)) == []


def test_new_pairs_are_scored_together_and_outside_the_write_transaction(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = session.db
    a, b, c = _flood(db)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {"a": _side(db, a), "b": _side(db, b), "status": "accepted"},
            {"a": _side(db, a), "b": _side(db, c), "status": "rejected"},
            {"a": _side(db, c), "b": _side(db, b), "status": "rejected"},
        ],
    )
    scored: list[list[tuple[Claim, Claim]]] = []

    def spy(database: sqlite_utils.Database, pairs: list[tuple[Claim, Claim]]) -> object:
        # Scoring inside the import's transaction held the write lock for minutes.
        assert not database.conn.in_transaction
        scored.append(list(pairs))
        return decisions.claim_scores(database, pairs)

    monkeypatch.setattr(links_import, "claim_scores", spy)
    assert import_links(db, path, annotator="alice").added == 3
    assert len(scored) == 1
    assert len(scored[0]) == 3
    stored = {
        ((r[0], r[1], r[2]), (r[3], r[4], r[5])): r[6]
        for r in db.conn.execute(
            "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, score FROM links"
            " WHERE method = 'manual'"
        )
    }
    # Whole sentences: the same score as each pair scored on its own.
    assert stored == {pair: decisions.claim_score(db, *pair) for pair in stored}
    assert all(score > 0 for score in stored.values())


def test_a_line_over_the_size_limit_is_refused_and_the_lines_after_it_import(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = session.db
    a, b, c = _flood(db)
    good = [
        json.dumps({"a": _side(db, a), "b": _side(db, b), "status": "accepted"}),
        json.dumps({"a": _side(db, a), "b": _side(db, c), "status": "rejected"}),
    ]
    limit = max(len(line) for line in good) + 10
    # Read a megabyte at a time past the limit: the rest of the long line is no record.
    monkeypatch.setattr(links_import, "MAX_FILE_BYTES", limit)
    path = tmp_path / "links.jsonl"
    path.write_text(f'{good[0]}\n{{"a": "{"x" * (3 << 20)}"}}\n{good[1]}\n', encoding="utf-8")
    report = import_links(db, path, annotator="alice")
    assert report.refused == [f"{path}:2: line is over the limit of {limit} bytes"]
    assert (report.records, report.added) == (3, 2)


def test_a_whitespace_only_side_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.db"
    db = connect(path)
    a, b, _ = _flood(db)
    good = {"a": _side(db, a), "b": _side(db, b), "status": "accepted"}
    # A blank side placed by its offsets: the first space of each sentence.
    spaces = []
    for doc, start, end in (a, b):
        text = db.conn.execute("SELECT text FROM documents WHERE id = ?", [doc]).fetchone()[0]
        space = text.index(" ", start, end)
        spaces.append(_side(db, (doc, space, space + 1)))
    db.close()
    links = _write(
        tmp_path / "l.jsonl",
        [
            {"a": spaces[0], "b": spaces[1], "status": "accepted"},
            {"a": good["a"], "b": spaces[1], "status": "accepted"},
            good,
        ],
    )
    assert main(["--db", str(path), "import-links", str(links)]) == 1
    err = capsys.readouterr().err.splitlines()
    blank = "text shows nothing (whitespace or invisible characters only)"
    assert [line for line in err if "whitespace" in line] == [
        f"claimdesk: refused {links}:1: side a: {blank}",
        f"claimdesk: refused {links}:2: side b: {blank}",
    ]
    db = connect(path)
    first, second = decisions.stored_order(a, b)
    assert _decided(db) == [(*first, *second, "accepted")]
    db.close()


def test_link_spans_refuses_a_whitespace_only_side(session: Session) -> None:
    from store.errors import ClaimdeskError

    a, b, _ = _flood(session.db)
    text = session.db.conn.execute("SELECT text FROM documents WHERE id = ?", [a[0]]).fetchone()[0]
    space = text.index(" ", a[1], a[2])
    with pytest.raises(ClaimdeskError, match="first side shows nothing"):
        session.link_spans((a[0], space, space + 1), b)
    with pytest.raises(ClaimdeskError, match="second side shows nothing"):
        session.link_spans(b, (a[0], space, space + 1), status="rejected")
    assert _decided(session.db) == []


def test_a_side_of_zero_width_characters_only_is_refused_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Scraped text carries zero-width spaces; two of them side by side were accepted as a
    # claim, and the pairs export wrote {"sentence1": "\u200b\u200b", ..., "label": 1}.
    path = tmp_path / "z.db"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("The vote\u200b\u200b passed on Monday.", encoding="utf-8")
    (folder / "b.txt").write_text("Lawmakers approved the bill.", encoding="utf-8")
    assert main(["--db", str(path), "import", "-q", "--no-stories", str(folder)]) == 0
    side_b = {"doc": "b.txt", "start": 0, "end": 28, "text": "Lawmakers approved the bill."}
    side_a = {"doc": "a.txt", "start": 8, "end": 10, "text": "\u200b\u200b"}
    links = _write(tmp_path / "l.jsonl", [{"a": side_a, "b": side_b, "status": "accepted"}])
    capsys.readouterr()
    assert main(["--db", str(path), "import-links", str(links)]) == 1
    assert (
        f"claimdesk: refused {links}:1: side a: text shows nothing (whitespace or invisible"
        " characters only)" in capsys.readouterr().err.splitlines()
    )
    with Session(path, "tester") as session:
        with pytest.raises(ClaimdeskError, match="first side shows nothing"):
            session.link_spans((1, 8, 10), (2, 0, 28))
        assert _decided(session.db) == []


def test_a_whitespace_link_stored_before_the_rule_can_still_be_rejected(session: Session) -> None:
    a, b, _ = _flood(session.db)
    text = session.db.conn.execute("SELECT text FROM documents WHERE id = ?", [a[0]]).fetchone()[0]
    space = text.index(" ", a[1], a[2])
    blank = (a[0], space, space + 1)
    # As an older claimdesk stored it, with no rule against it.
    session.db.conn.execute(
        "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end, b_quote,"
        " status, method, created_at, updated_at) VALUES ('old', ?, ?, ?, ' ', ?, ?, ?, ?,"
        " 'accepted', 'manual', 'then', 'then')",
        [*blank, *b, text_of(session, b)],
    )
    session.link_spans(blank, b, status="rejected")
    assert session.db.conn.execute("SELECT status FROM links WHERE id = 'old'").fetchone() == (
        "rejected",
    )
    from store.errors import ClaimdeskError

    with pytest.raises(ClaimdeskError, match="first side shows nothing"):
        session.link_spans(blank, b, status="accepted")


def text_of(session: Session, claim: tuple[int, int, int]) -> str:
    doc, start, end = claim
    row = session.db.conn.execute("SELECT text FROM documents WHERE id = ?", [doc]).fetchone()
    return str(row[0])[start:end]


def test_a_links_export_with_its_suggestions_imports_its_decisions_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The export writes undecided suggestions beside the decisions; each was refused
    # and the transfer "export && import-links" failed with status 1.
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    for path in (source, target):
        db = connect(path)
        a, b, c = _flood(db)
        db.close()
    assert main(["--db", str(source), "link", "-q", "--threshold", "0"]) == 0
    db = connect(source)
    with user_action(db, "alice", "links") as action:
        link_spans(action, a, b, status="accepted")
        link_spans(action, b, c, status="rejected")
    decided = _decided(db)
    db.close()
    out = tmp_path / "links.jsonl"
    assert main(["--db", str(source), "export", "-q", "-f", "links-jsonl", "--out", str(out)]) == 0
    statuses = [json.loads(line)["status"] for line in out.open(encoding="utf-8")]
    suggested = statuses.count("suggested")
    assert suggested > 0
    assert sorted(set(statuses)) == ["accepted", "rejected", "suggested"]
    capsys.readouterr()
    assert main(["--db", str(target), "import-links", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert f"0 refused; {suggested} undecided suggestion(s) skipped" in captured.out
    assert _decided(connect(target)) == decided


def test_a_side_is_tied_to_the_span_the_file_names_when_that_span_is_there(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # Each side was tied to the earliest live span at its offsets: with alice's and bob's
    # spans on one sentence, a link exported with bob's span came back tied to alice's.
    a, b, _c = _flood(db)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    alice.add_span(b[0], b[1], b[2], "CLAIM")
    theirs = bob.add_span(b[0], b[1], b[2], "FIGURE")
    gone = bob.add_span(a[0], a[1], a[2], "CLAIM")
    bob.delete_span(gone.id)
    path = _write(
        tmp_path / "links.jsonl",
        [
            {
                "a": {**_side(db, a), "span": gone.id},
                "b": {**_side(db, b), "span": theirs.id},
                "status": "accepted",
            }
        ],
    )
    assert import_links(db, path, annotator="bob").added == 1
    a_span, b_span = db.conn.execute("SELECT a_span, b_span FROM links").fetchone()
    tied = {a_span, b_span}
    assert theirs.id in tied
    # A named span that is deleted (or elsewhere) is not taken: no live span there.
    assert gone.id not in tied


def test_a_suggested_pair_accepted_from_a_file_is_tied_to_the_spans_the_file_names(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # After `claimdesk link` the pair is a suggestion already, and accepting it tied each
    # side to the earliest span there (alice's), whatever span the file named.
    a, b, _c = _flood(db)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    for claim in (a, b):
        alice.add_span(*claim, "CLAIM")
    theirs = [bob.add_span(*claim, "FIGURE") for claim in (a, b)]
    from store.linking.suggest import link_documents

    link_documents(db)
    assert decisions.find_link(db, a, b) is not None, "the pair is a suggestion"
    path = _write(
        tmp_path / "links.jsonl",
        [
            {
                "a": {**_side(db, a), "span": theirs[0].id},
                "b": {**_side(db, b), "span": theirs[1].id},
                "status": "accepted",
            }
        ],
    )
    report = import_links(db, path, annotator="carol")
    assert report.added + report.changed == 1
    tied = set(db.conn.execute("SELECT a_span, b_span FROM links").fetchone())
    assert tied == {span.id for span in theirs}


def test_a_link_accepted_by_hand_is_tied_to_the_annotators_own_spans_first(
    db: sqlite_utils.Database,
) -> None:
    # alice's link was tied to bob's older spans; when bob deleted his, her link named
    # nothing while her own spans stood at both sides.
    a, b, _c = _flood(db)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    older = [bob.add_span(*claim, "CLAIM") for claim in (a, b)]
    mine = [alice.add_span(*claim, "CLAIM") for claim in (a, b)]
    link = alice.link_spans(a, b)
    assert {link.a_span, link.b_span} == {span.id for span in mine}
    assert not {link.a_span, link.b_span} & {span.id for span in older}
