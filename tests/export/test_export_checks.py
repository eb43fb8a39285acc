"""The checks every export makes, atomic output, and the filters."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store import changelog as changelog_module
from store import spans as spans_module
from store.changelog import user_action
from store.documents import set_status
from store.errors import ClaimdeskError, QuoteMismatch
from store.export import brat, export, jsonl
from store.export.common import ExportFilter, ExportOptions, normalise_since
from store.spans import set_span_note
from tests.export.conftest import FROZEN


def _corrupt_span(db: sqlite_utils.Database, span_id: str) -> None:
    """Bypass the store's guard the way a broken tool writing SQL directly would."""
    db.execute("DROP TRIGGER spans_quote_update")
    db.execute("UPDATE spans SET quote = 'not the text' WHERE id = ?", [span_id])


@pytest.mark.parametrize(
    "name", ["jsonl", "doccano", "conll", "brat", "label-studio", "w3c", "csv"]
)
def test_span_mismatch_stops_export_naming_the_span(
    fixed_db: sqlite_utils.Database, tmp_path: Path, name: str
) -> None:
    _corrupt_span(fixed_db, "s07")
    target = tmp_path / "out"
    with pytest.raises(QuoteMismatch, match=r"span s07 in b-morning-post\.md"):
        export(fixed_db, name, target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["jsonl", "pairs", "markdown", "brat"])
def test_link_mismatch_stops_export_naming_the_link(
    fixed_db: sqlite_utils.Database, tmp_path: Path, name: str
) -> None:
    fixed_db.execute("DROP TRIGGER links_quote_update")  # as a tool writing SQL directly
    fixed_db.execute("UPDATE links SET b_quote = 'other words' WHERE id = 'l2'")
    with pytest.raises(QuoteMismatch, match="link l2: its b text"):
        export(fixed_db, name, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def _fail_after_first(real: Any) -> Any:
    def failing(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for count, item in enumerate(real(*args, **kwargs)):
            if count == 1:
                raise RuntimeError("disk gone")
            yield item

    return failing


def test_failed_export_keeps_previous_file(
    fixed_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "spans.jsonl"
    target.write_text("previous\n", encoding="utf-8")
    monkeypatch.setattr(jsonl, "iter_documents", _fail_after_first(jsonl.iter_documents))
    with pytest.raises(RuntimeError, match="disk gone"):
        export(fixed_db, "jsonl", target, force=True)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["spans.jsonl"]


def test_failed_brat_export_keeps_previous_folder(
    fixed_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brat"
    export(fixed_db, "brat", target)
    before = {str(p): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    fixed_db.execute("DELETE FROM spans WHERE id = 's01'")
    monkeypatch.setattr(brat, "iter_documents", _fail_after_first(brat.iter_documents))
    with pytest.raises(RuntimeError, match="disk gone"):
        export(fixed_db, "brat", target, force=True)
    assert {str(p): p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["brat"]


def test_brat_replaces_an_earlier_export_but_not_a_foreign_folder(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    target = tmp_path / "brat"
    export(fixed_db, "brat", target)
    fixed_db.execute("DELETE FROM spans WHERE id = 's01'")
    with pytest.raises(ClaimdeskError, match="use --force"):
        export(fixed_db, "brat", target)
    export(fixed_db, "brat", target, force=True)
    alice = (target / "alice" / "a-tagesblatt.ann").read_text(encoding="utf-8")
    assert "T1\tCLAIM 0 44" not in alice
    assert [p.name for p in tmp_path.iterdir()] == ["brat"]
    (target / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(ClaimdeskError, match="holds files claimdesk did not write"):
        export(fixed_db, "brat", target, force=True)
    assert (target / "thesis.docx").read_bytes() == b"precious"


def test_spacy_without_the_extra_names_it(
    fixed_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(ClaimdeskError, match=r"claimdesk\[spacy\]"):
        export(fixed_db, "spacy", tmp_path / "out.spacy")
    assert list(tmp_path.iterdir()) == []


def test_xmi_without_the_extra_names_it(
    fixed_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cassis", None)
    with pytest.raises(ClaimdeskError, match=r"claimdesk\[xmi\]"):
        export(fixed_db, "xmi", tmp_path / "xmi")
    assert list(tmp_path.iterdir()) == []


def _exported_span_ids(db: sqlite_utils.Database, path: Path, wanted: ExportFilter) -> list[str]:
    export(db, "jsonl", path, wanted, force=True)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [span["id"] for line in lines for span in json.loads(line)["spans"]]


def test_deleted_spans_are_never_exported(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    ids = _exported_span_ids(fixed_db, tmp_path / "o", ExportFilter())
    assert "s10" not in ids
    assert len(ids) == 9


def test_span_order_is_start_end_label_annotator_id(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ids = _exported_span_ids(fixed_db, tmp_path / "o", ExportFilter())
    assert ids == ["s01", "s05", "s02", "s03", "s04", "s06", "s07", "s09", "s08"]


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (ExportFilter(labels=("FIGURE",)), ["s05", "s02", "s07"]),
        (ExportFilter(annotators=("bob",)), ["s03", "s04", "s09"]),
        (ExportFilter(labels=("SOURCE",), annotators=("model:ner",)), ["s08"]),
        (ExportFilter(docs=("b-morning",)), ["s06", "s07", "s09", "s08"]),
    ],
)
def test_filters_select_spans(
    fixed_db: sqlite_utils.Database, tmp_path: Path, wanted: ExportFilter, expected: list[str]
) -> None:
    assert _exported_span_ids(fixed_db, tmp_path / "o", wanted) == expected


def test_status_filter_selects_documents(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    with user_action(fixed_db, "bob") as action:
        set_status(action, 2, "done")
    export(fixed_db, "jsonl", tmp_path / "o", ExportFilter(status="done"), force=True)
    sources = [json.loads(line)["meta"]["source"] for line in (tmp_path / "o").open()]
    assert sources == ["b-morning-post.md"]
    export(
        fixed_db,
        "jsonl",
        tmp_path / "o",
        ExportFilter(status="done", annotators=("alice",)),
        force=True,
    )
    assert (tmp_path / "o").read_text(encoding="utf-8") == ""


def test_since_selects_changed_spans_and_skips_empty_documents(
    fixed_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = "2026-02-01T00:00:00.000Z"
    # The edit happens later than the fixture's frozen time, wherever it is stamped.
    for module in (spans_module, changelog_module):
        monkeypatch.setattr(module, "now", lambda: later)
    with user_action(fixed_db, "alice") as action:
        set_span_note(action, "s09", "checked")
    ids = _exported_span_ids(fixed_db, tmp_path / "o", ExportFilter(since="2026-01-15"))
    assert ids == ["s09"]
    assert len((tmp_path / "o").read_text(encoding="utf-8").splitlines()) == 1
    everything = _exported_span_ids(fixed_db, tmp_path / "o", ExportFilter(since=FROZEN))
    assert len(everything) == 9


def test_documents_without_spans_stay_unless_skipped(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    export(fixed_db, "doccano", tmp_path / "o", force=True)
    assert len((tmp_path / "o").read_text(encoding="utf-8").splitlines()) == 3
    export(fixed_db, "doccano", tmp_path / "o", ExportFilter(skip_empty=True), force=True)
    assert len((tmp_path / "o").read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        (ExportFilter(labels=("NOPE",)), "--label NOPE: no such label"),
        (ExportFilter(docs=("zzz",)), "--doc zzz"),
        (ExportFilter(since="last tuesday"), "--since 'last tuesday'"),
        # An empty --since (an unset shell variable) exported everything, as no filter.
        (ExportFilter(since=""), "--since '': not an ISO date"),
        (ExportFilter(status="todo"), "--status todo"),
    ],
)
def test_bad_filters_are_errors(
    fixed_db: sqlite_utils.Database, tmp_path: Path, wanted: ExportFilter, message: str
) -> None:
    with pytest.raises(ClaimdeskError, match=message):
        export(fixed_db, "jsonl", tmp_path / "o", wanted, force=True)
    assert list(tmp_path.iterdir()) == []


def test_since_accepts_dates_times_and_offsets() -> None:
    assert normalise_since("2026-01-15") == "2026-01-15T00:00:00.000Z"
    assert normalise_since("2026-01-15T12:30:00+02:00") == "2026-01-15T10:30:00.000Z"
    assert normalise_since("2026-01-15T12:30:00.5Z") == "2026-01-15T12:30:00.500Z"


def test_tokens_option_matches_spans_to_tokens(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    export(fixed_db, "jsonl", tmp_path / "o", options=ExportOptions(tokens=True), force=True)
    for line in (tmp_path / "o").open(encoding="utf-8"):
        record = json.loads(line)
        tokens = record["tokens"]
        for span in record["spans"]:
            first, last = tokens[span["token_start"]], tokens[span["token_end"]]
            assert first["start"] <= span["start"] < first["end"]
            assert last["start"] < span["end"] <= last["end"]


def test_csv_is_rfc4180_and_safe_mode_defuses_formulas(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    import csv

    export(fixed_db, "csv", tmp_path / "plain.csv")
    export(fixed_db, "csv", tmp_path / "safe.csv", options=ExportOptions(csv_safe=True))
    with (tmp_path / "plain.csv").open(encoding="utf-8", newline="") as handle:
        plain = list(csv.DictReader(handle))
    with (tmp_path / "safe.csv").open(encoding="utf-8", newline="") as handle:
        safe = list(csv.DictReader(handle))
    note = next(row["note"] for row in plain if row["note"])
    assert note == "=1+1 looks odd\nsecond line"
    assert next(row["note"] for row in safe if row["note"]) == "'" + note
    assert [row["text"] for row in plain] == [row["text"] for row in safe]
    assert (tmp_path / "plain.csv").read_bytes().count(b"\r\n") == 10


def test_w3c_selectors(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "w3c", tmp_path / "annotations.jsonld")
    document = json.loads((tmp_path / "annotations.jsonld").read_text(encoding="utf-8"))
    items = document["first"]["items"]
    assert len(items) == 9
    quote, position = items[0]["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector"
    assert position == {"type": "TextPositionSelector", "start": 0, "end": 44}
    assert len(items[4]["target"]["selector"][0]["prefix"]) == 32


def test_markdown_with_doc_counts_the_links_of_the_clusters_it_shows(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # With --doc the header and the summary counted every accepted link in the
    # database, above clusters that held none of them.
    whole = export(fixed_db, "markdown", tmp_path / "all.md")
    assert whole.links > 0
    assert f"from {whole.links} accepted link(s)" in (tmp_path / "all.md").read_text()
    quiet = export(fixed_db, "markdown", tmp_path / "c.md", ExportFilter(docs=("c-quiet.txt",)))
    assert quiet.links == 0
    assert "0 fact cluster(s) from 0 accepted link(s)." in (tmp_path / "c.md").read_text()
