"""The doccano, Label Studio and brat outputs have the shapes those tools document."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.changelog import user_action
from store.db import connect, write
from store.documents import insert_document
from store.export import export
from store.export.brat import fragments
from store.export.common import ExportOptions
from store.export.output import MARKER
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.spans import create_span
from tests.export.validators import validate_brat_folder, validate_doccano, validate_label_studio
from tests.links_contract import END_FIELDS, RECORD_FIELDS


def test_doccano_shape(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "doccano", tmp_path / "d.jsonl")
    lines = (tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()
    assert validate_doccano(lines) == 9


def test_label_studio_shape(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "label-studio", tmp_path / "ls.json")
    assert validate_label_studio((tmp_path / "ls.json").read_text(encoding="utf-8")) == 9


def test_label_studio_puts_model_spans_in_predictions(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import json

    export(fixed_db, "label-studio", tmp_path / "ls.json")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    predictions = [p for t in tasks for p in t.get("predictions", [])]
    assert {p["model_version"] for p in predictions} == {"ner"}
    people = {
        r["meta"]["annotator"]
        for t in tasks
        for a in t["annotations"]
        for r in a["result"]
        if r["type"] == "labels"
    }
    assert people == {"alice", "bob"}


def test_brat_shape_and_multiline_fragments(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    export(fixed_db, "brat", tmp_path / "brat")
    assert validate_brat_folder(tmp_path / "brat") == 9
    assert sorted(p.name for p in (tmp_path / "brat").iterdir() if p.name != MARKER) == [
        "alice",
        "annotation.conf",
        "annotators.tsv",
        "bob",
        "documents.tsv",
        "links.tsv",
        "model_ner-2f693747",
    ]
    alice = (tmp_path / "brat" / "alice" / "a-tagesblatt.ann").read_text(encoding="utf-8")
    bob = (tmp_path / "brat" / "bob" / "a-tagesblatt.ann").read_text(encoding="utf-8")
    assert "T1\tEVENT 36 44;45 62\t3. Juni. Der Bürgermeister\n" in bob
    assert "#1\tAnnotatorNotes T2\t=1+1 looks odd second line\n" in alice
    assert "R1\tSAME_FACT Arg1:T1 Arg2:T2\n" in alice
    assert "*" not in alice + bob
    links = (tmp_path / "brat" / "links.tsv").read_text(encoding="utf-8").splitlines()
    assert links[1].split("\t")[:5] == [
        "l1",
        "accepted",
        links[2].split("\t")[2],
        "a-tagesblatt.txt",
        "a-tagesblatt",
    ]
    assert len(links) == 5


def test_fragments_split_at_every_line_break() -> None:
    text = "ab\ncd\u2028ef\r\n\ngh"
    assert fragments(text, 0, len(text)) == [(0, 2), (3, 5), (6, 8), (11, 13)]
    assert fragments("\n\n", 0, 2) == []


def test_fragments_leave_out_whitespace_at_the_ends_and_cut_at_tabs() -> None:
    text = " a b\t c\u00a0\n"
    assert fragments(text, 0, len(text)) == [(1, 4), (6, 7)]
    assert fragments(" \t\u2003", 0, 3) == []


def test_brat_self_check_reads_lines_as_the_readers_do(tmp_path: Path) -> None:
    from store.errors import QuoteMismatch
    from store.export.brat import check_against_text

    txt = tmp_path / "t.txt"
    txt.write_text("Minister sagte\tam", encoding="utf-8")
    check_against_text(txt, ["T1\tCLAIM 0 8\tMinister"])
    with pytest.raises(QuoteMismatch):
        check_against_text(txt, ["T1\tCLAIM 0 9\tMinister "])
    with pytest.raises(QuoteMismatch):
        check_against_text(txt, ["T1\tCLAIM 9 17\tsagte\tam"])


def test_brat_refuses_carriage_returns(tmp_path: Path) -> None:
    from store.errors import ClaimdeskError

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("cr.txt", "one\r\ntwo"))
    with pytest.raises(ClaimdeskError, match="carriage return"):
        export(db, "brat", tmp_path / "brat")
    assert not (tmp_path / "brat").exists()
    assert list(tmp_path.iterdir()) == []


_chars = st.sampled_from(list("ab Zé\u0301ü.\n😀👩\u200d👧\u2028,1\t\u00a0"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(_chars, min_size=1, max_size=40),
    cuts=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=6),
)
def test_shapes_hold_for_random_unicode(
    tmp_path_factory: pytest.TempPathFactory, text: str, cuts: list[tuple[int, int]]
) -> None:
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        doc_id = insert_document(db, ParsedArticle("r.txt", text))
    assert doc_id is not None
    with user_action(db, "alice") as action:
        for start, length in cuts:
            end = min(len(text), start + length)
            if start < end:
                create_span(action, doc_id, start, end, "CLAIM")
    folder = tmp_path_factory.mktemp("shapes")
    export(db, "doccano", folder / "d.jsonl")
    export(db, "label-studio", folder / "ls.json")
    export(db, "brat", folder / "brat")
    validate_doccano((folder / "d.jsonl").read_text(encoding="utf-8").splitlines())
    assert (folder / "d.jsonl").read_text(encoding="utf-8").count("\n") == 1
    validate_label_studio((folder / "ls.json").read_text(encoding="utf-8"))
    validate_brat_folder(folder / "brat")
    db.close()


def test_links_jsonl_follows_the_linking_contract(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import json

    texts = dict(fixed_db.conn.execute("SELECT source_name, text FROM documents"))
    export(fixed_db, "links-jsonl", tmp_path / "links.jsonl")
    records = [json.loads(line) for line in (tmp_path / "links.jsonl").open(encoding="utf-8")]
    assert [r["status"] for r in records] == ["accepted", "accepted", "rejected", "suggested"]
    for record in records:
        assert set(record) == RECORD_FIELDS
        for side in (record["a"], record["b"]):
            assert set(side) == END_FIELDS
            assert texts[side["doc"]][side["start"] : side["end"]] == side["text"]
        assert (record["cluster"] is not None) == (record["status"] == "accepted")
    assert records[0]["cluster"] == records[1]["cluster"]
    assert [r["id"] for r in records] == ["l1", "l2", "l3", "l4"]
    assert records[2]["reason"] == "near-miss"


def test_pairs_split_keeps_each_group_in_one_split(tmp_path: Path) -> None:
    import json

    from store.export.pairs import decision_groups, split_of

    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        for n in range(40):
            insert_document(db, ParsedArticle(f"d{n:02}.txt", f"Claim {n} here. Other {n}."))
        # Ten groups of four claims: two accepted pairs kept apart by a rejection.
        plan = [(0, 1, "accepted"), (0, 2, "rejected"), (2, 3, "accepted")]
        rows = [
            (
                f"l{g}-{i}-{j}",
                g + i + 1,
                0,
                6 + len(str(g + i)),
                f"Claim {g + i}",
                g + j + 1,
                0,
                6 + len(str(g + j)),
                f"Claim {g + j}",
                status,
            )
            for g in range(0, 40, 4)
            for i, j, status in plan
        ]
        db.conn.executemany(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,'manual','t','t')",
            rows,
        )
    export(db, "pairs", tmp_path / "pairs", options=ExportOptions(with_meta=True))
    records = [
        {**json.loads(line), "split": path.stem}
        for path in sorted((tmp_path / "pairs").glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
    ]
    assert len(records) == 30
    assert {r["label"] for r in records} == {0, 1}
    assert len({r["split"] for r in records}) > 1
    split_of_claim: dict[str, str] = {}
    for record in records:
        for text in (record["sentence1"], record["sentence2"]):
            assert split_of_claim.setdefault(text, record["split"]) == record["split"]
    groups = decision_groups([(("x", 0, 1), ("y", 0, 1)), (("y", 0, 1), ("z", 0, 1))])
    assert set(groups.values()) == {("x", 0, 1)}
    assert split_of(("x", 0, 1)) in {"train", "dev", "test"}


def test_excel_csv_has_a_bom_and_safe_cells(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import csv

    export(fixed_db, "csv", tmp_path / "x.csv", options=ExportOptions(excel=True))
    raw = (tmp_path / "x.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "doc"
    assert "Bürgermeister" in raw.decode("utf-8-sig")
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'=1+1 looks odd\nsecond line" in cells


def test_doccano_counts_overlaps_and_no_overlap_keeps_the_longest(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import itertools
    import json

    stats = export(fixed_db, "doccano", tmp_path / "d.jsonl")
    # s01, s02, s05 and s03 in the first document; s06 and s07 in the second.
    assert "6 span(s) overlap another" in " ".join(stats.notes)
    assert "Allow overlapping spans" in " ".join(stats.notes)
    stats = export(
        fixed_db, "doccano", tmp_path / "n.jsonl", options=ExportOptions(no_overlap=True)
    )
    # model:ner's s05 and s08 are pre-annotations, left out before choosing.
    assert "--no-overlap: 2 span(s) by a model" in " ".join(stats.notes)
    assert "--no-overlap: 3 overlapping span(s) left out" in " ".join(stats.notes)
    records = [json.loads(line) for line in (tmp_path / "n.jsonl").open(encoding="utf-8")]
    for record in records:
        spans = sorted(record["label"])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        assert len(record["meta"]["annotators"]) == len(record["label"])
    assert [s[2] for s in records[0]["label"]] == ["CLAIM", "QUOTE"]
    assert records[0]["meta"]["span_ids"] == ["s01", "s04"]


def test_doccano_relations_shape_joins_claims_of_one_fact(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import json

    from store.annotations_import import import_annotations
    from tests.export.conftest import build_fixed_db

    export(fixed_db, "doccano", tmp_path / "r.jsonl", options=ExportOptions(relations=True))
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").open(encoding="utf-8")]
    first = records[0]
    assert "label" not in first
    by_id = {e["id"]: e for e in first["entities"]}
    assert len(by_id) == 5
    for entity in first["entities"]:
        assert set(entity) == {"id", "label", "start_offset", "end_offset"}
    (relation,) = first["relations"]
    ends = {
        (by_id[relation[k]]["start_offset"], by_id[relation[k]]["end_offset"])
        for k in ("from_id", "to_id")
    }
    assert ends == {(0, 44), (17, 32)}
    assert relation["type"] == "SAME_FACT"
    # The same file reads back through import-annotations' doccano reader.
    other = connect(":memory:")
    build_fixed_db(other)
    other.execute("DELETE FROM spans")
    report = import_annotations(other, tmp_path / "r.jsonl", importer="carol")
    assert (report.added, report.refused) == (9, [])
    other.close()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://a.example/politik/x.html?id=1#top", True),
        ("http://b.example/ä", True),
        ("not a url with spaces", False),
        ("_:b0", False),
        ("/politik/artikel-123.html", False),
        ("javascript:alert(1)", False),
        ("https://a.example/\x07bell", False),
        ("https://a.example/\u200etext", False),
        ("https://a.example/<x>", False),
        ("https://a.example:port/", False),
        ("https:///no-host", False),
        ("ftp://a.example/x", False),
        ("", False),
    ],
)
def test_w3c_source_is_a_stored_url_only_if_absolute_web_iri(url: str, kept: bool) -> None:
    from store.export.w3c import usable_url

    assert (usable_url(url) == url) is kept
