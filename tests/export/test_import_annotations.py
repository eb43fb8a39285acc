"""import-annotations: the jsonl round trip, doccano files, idempotence and refusals."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.cli import main
from store import annotations_import
from store.annotations_import import doccano_span_id, import_annotations
from store.changelog import undo, user_action
from store.db import connect, write
from store.documents import insert_document, text_sha256
from store.export import export
from store.formats import ParsedArticle
from store.formats.normalize import normalize_text
from store.labels import ensure_default_labels
from store.spans import create_span, delete_span, set_span_note
from tests.export.conftest import MORNING_POST, QUIET, TAGESBLATT

LABELS = ["CLAIM", "FIGURE", "SOURCE", "QUOTE", "EVENT"]


def _fresh(documents: list[tuple[str, str]]) -> sqlite_utils.Database:
    db = connect(":memory:")
    with write(db):
        ensure_default_labels(db)
        for name, text in documents:
            insert_document(db, ParsedArticle(name, text))
    return db


def _live_spans(db: sqlite_utils.Database) -> set[tuple[object, ...]]:
    return set(
        db.conn.execute(
            'SELECT s.id, d.source_name, s.start, s."end", s.label, s.annotator, s.quote, s.note'
            " FROM spans s JOIN documents d ON d.id = s.doc_id WHERE s.deleted_at IS NULL"
        )
    )


_alphabet = st.sampled_from(
    list("aZ äöß é\u0301 \u0308 .,\n\t😀👍🏽👩\u200d👩\u200d👧🇩🇪 中文 \u2028 “”„")
)
_document = st.text(_alphabet, min_size=1, max_size=50)


@st.composite
def corpora(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, str]], list[tuple[int, int, int, str, str, str | None]]]:
    texts = draw(st.lists(_document, min_size=1, max_size=3, unique=True))
    documents = [(f"doc-{i}.txt", text) for i, text in enumerate(texts)]
    spans = []
    for _ in range(draw(st.integers(0, 12))):
        index = draw(st.integers(0, len(texts) - 1))
        length = len(texts[index])
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, length))
        spans.append(
            (
                index,
                start,
                end,
                draw(st.sampled_from(LABELS)),
                draw(st.sampled_from(["alice", "bob", "model:ner-1"])),
                draw(st.none() | st.text(_alphabet, min_size=1, max_size=10)),
            )
        )
    return documents, spans


def _annotated(
    corpus: tuple[list[tuple[str, str]], list[tuple[int, int, int, str, str, str | None]]],
    *,
    notes: bool,
) -> sqlite_utils.Database:
    """A fresh database of the corpus's documents and spans (doccano carries no notes)."""
    documents, spans = corpus
    source = _fresh(documents)
    with user_action(source, "alice") as action:
        for index, start, end, label, annotator, note in spans:
            kept = note if notes else None
            create_span(action, index + 1, start, end, label, note=kept, annotator=annotator)
    return source


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corpora())
def test_jsonl_round_trip_gives_the_same_spans(
    tmp_path_factory: pytest.TempPathFactory,
    corpus: tuple[list[tuple[str, str]], list[tuple[int, int, int, str, str, str | None]]],
) -> None:
    documents, spans = corpus
    source = _annotated(corpus, notes=True)
    path = tmp_path_factory.mktemp("rt") / "spans.jsonl"
    export(source, "jsonl", path)
    target = _fresh(documents)
    report = import_annotations(target, path, importer="importer")
    assert report.refused == []
    assert report.added == len(spans)
    assert _live_spans(target) == _live_spans(source)
    again = import_annotations(target, path, importer="importer")
    assert (again.added, again.present) == (0, len(spans))
    source.close()
    target.close()


def test_fixed_database_round_trips(fixed_db: sqlite_utils.Database, tmp_path: Path) -> None:
    export(fixed_db, "jsonl", tmp_path / "spans.jsonl")
    target = _fresh(
        [
            ("a-tagesblatt.txt", TAGESBLATT),
            ("b-morning-post.md", MORNING_POST),
            ("c-quiet.txt", QUIET),
        ]
    )
    report = import_annotations(target, tmp_path / "spans.jsonl", importer="carol")
    assert report.ok
    assert _live_spans(target) == _live_spans(fixed_db)


def _write_lines(path: Path, records: list[object]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_doccano_import_with_model_annotator_is_idempotent(tmp_path: Path) -> None:
    text = "Die Stadt meldet 11.000 Besucher."
    db = _fresh([("a.txt", text)])
    path = _write_lines(
        tmp_path / "d.jsonl",
        [{"text": text, "label": [[17, 23, "FIGURE"], [0, 33, "CLAIM"]]}],
    )
    report = import_annotations(db, path, importer="alice", annotator="model:ner-2")
    assert (report.added, report.refused) == (2, [])
    expected_id = doccano_span_id(text_sha256(text), 17, 23, "FIGURE", "model:ner-2")
    row = db.conn.execute("SELECT annotator, quote FROM spans WHERE id = ?", [expected_id])
    assert row.fetchone() == ("model:ner-2", "11.000")
    again = import_annotations(db, path, importer="alice", annotator="model:ner-2")
    assert (again.added, again.present) == (0, 2)


@pytest.mark.parametrize("kind", ["jsonl", "doccano"])
def test_spellings_of_one_annotator_name_are_one_span_on_every_import(
    tmp_path: Path, kind: str
) -> None:
    # Id-less spans hashed the name before it was cleaned: " alice", "alice  " and a
    # decomposed "José" became spans of their own beside "alice" and "José".
    text = "Die Stadt meldet 11.000 Besucher."
    db = _fresh([("a.txt", text)])
    names = ["alice", " alice", "alice  ", "Jos\u00e9", "Jose\u0301"]
    files = []
    for number, name in enumerate(names):
        if kind == "jsonl":
            record: dict[str, object] = {
                "meta": {"source": "a.txt"},
                "spans": [{"start": 17, "end": 23, "label": "FIGURE", "annotator": name}],
            }
            files.append((_write_lines(tmp_path / f"{number}.jsonl", [record]), None))
        else:
            record = {"meta": {"source": "a.txt"}, "label": [[17, 23, "FIGURE"]]}
            files.append((_write_lines(tmp_path / f"{number}.jsonl", [record]), name))
    for _round in range(2):
        for path, annotator in files:
            assert import_annotations(db, path, importer="carol", annotator=annotator).ok
    rows = db.conn.execute("SELECT id, annotator FROM spans ORDER BY annotator").fetchall()
    # A name that was clean already keeps its id, so databases that imported it before
    # still find their spans present.
    sha = text_sha256(text)
    assert rows == [
        (doccano_span_id(sha, 17, 23, "FIGURE", "Jos\u00e9"), "Jos\u00e9"),
        (doccano_span_id(sha, 17, 23, "FIGURE", "alice"), "alice"),
    ]


@pytest.mark.parametrize("kind", ["jsonl", "doccano"])
def test_a_span_deleted_since_an_import_stays_deleted_and_is_counted_apart(
    tmp_path: Path, kind: str
) -> None:
    # Importing the file again said the deleted span was "already present": neither
    # restored nor truthfully counted.
    text = "Die Stadt meldet 11.000 Besucher."
    db = _fresh([("a.txt", text)])
    marks = [(17, 23, "FIGURE"), (0, 33, "CLAIM")]
    if kind == "jsonl":
        spans = [{"start": a, "end": b, "label": c, "annotator": "alice"} for a, b, c in marks]
        record: dict[str, object] = {"meta": {"source": "a.txt"}, "spans": spans}
    else:
        record = {"meta": {"source": "a.txt"}, "label": [list(mark) for mark in marks]}
    path = _write_lines(tmp_path / "spans.jsonl", [record])
    assert import_annotations(db, path, importer="alice").added == 2
    figure = doccano_span_id(text_sha256(text), 17, 23, "FIGURE", "alice")
    with user_action(db, "alice", "delete") as action:
        delete_span(action, figure)
    again = import_annotations(db, path, importer="alice")
    assert (again.added, again.present, again.left_deleted, again.refused) == (0, 1, 1, [])
    assert {row[4] for row in _live_spans(db)} == {"CLAIM"}


def test_doccano_spans_default_to_the_importer_and_match_by_source(tmp_path: Path) -> None:
    text = "Alpha beta."
    db = _fresh([("a.txt", text)])
    path = _write_lines(
        tmp_path / "d.jsonl",
        [
            {
                "text": "Alpha beta. (edited in doccano)",
                "labels": [[0, 5, "CLAIM"]],
                "meta": {"source": "a.txt"},
            }
        ],
    )
    report = import_annotations(db, path, importer="alice")
    assert report.added == 1
    assert db.conn.execute("SELECT annotator FROM spans").fetchone() == ("alice",)


def test_refusals_are_one_line_each_and_nothing_imports(tmp_path: Path) -> None:
    text = "Alpha beta gamma."
    db = _fresh([("a.txt", text)])
    good = {"id": "ok1", "start": 0, "end": 5, "label": "CLAIM", "text": "Alpha", "annotator": "a"}
    path = _write_lines(
        tmp_path / "in.jsonl",
        [
            {
                "text": text,
                "meta": {"source": "a.txt"},
                "spans": [
                    good,
                    {
                        "id": "bad1",
                        "start": 6,
                        "end": 10,
                        "label": "CLAIM",
                        "text": "BETA",
                        "annotator": "a",
                    },
                    {
                        "id": "bad2",
                        "start": 0,
                        "end": 5,
                        "label": "OPINION",
                        "text": "Alpha",
                        "annotator": "a",
                    },
                    {"id": "bad3", "start": 5, "end": 99, "label": "CLAIM", "annotator": "a"},
                ],
            },
            {
                "text": "unknown article",
                "meta": {"source": "zzz.txt"},
                "spans": [
                    {"id": "bad4", "start": 0, "end": 7, "label": "CLAIM", "text": "unknown"},
                ],
            },
        ],
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    report = import_annotations(db, path, importer="alice")
    assert report.added == 0
    assert report.valid == 1
    assert report.first_refused_line == 1
    assert len(report.refused) == 5
    joined = "\n".join(report.refused)
    assert f"{path}:1: span 'CLAIM' at 6:10: text 'BETA' does not match" in joined
    assert "unknown label OPINION" in joined
    assert "offsets outside the document" in joined
    assert f"{path}:2: span 'CLAIM' at 0:7: document zzz.txt is not in the database" in joined
    assert f"{path}:3: not valid JSON" in joined
    assert _live_spans(db) == set()


def test_create_labels_adds_unknown_labels(tmp_path: Path) -> None:
    db = _fresh([("a.txt", "Alpha beta.")])
    path = _write_lines(
        tmp_path / "d.jsonl", [{"text": "Alpha beta.", "label": [[0, 5, "OPINION"]]}]
    )
    report = import_annotations(db, path, importer="alice", create_labels=True)
    assert (report.added, report.labels_created) == (1, ["OPINION"])
    assert db.conn.execute("SELECT colour FROM labels WHERE name = 'OPINION'").fetchone() == (
        "#9a9a9a",
    )


def test_documents_match_by_text_hash_when_names_differ(tmp_path: Path) -> None:
    db = _fresh([("renamed.txt", "Alpha beta.")])
    path = _write_lines(
        tmp_path / "in.jsonl",
        [
            {
                "text": "Alpha beta.",
                "meta": {"source": "original.txt"},
                "spans": [
                    {
                        "id": "x",
                        "start": 6,
                        "end": 10,
                        "label": "CLAIM",
                        "text": "beta",
                        "annotator": "bob",
                    }
                ],
            }
        ],
    )
    assert import_annotations(db, path, importer="alice").added == 1


@pytest.mark.parametrize("by", ["text", "sha256"])
def test_a_name_holding_another_text_yields_to_the_records_own_text(
    tmp_path: Path, by: str
) -> None:
    # The update was imported as a.txt and the first version, imported after it, as
    # v1/a.txt: spans of the first version, exported elsewhere as a.txt, were refused
    # against the update's text.
    first, update = "Police say 10 people were hurt.", "Update: police now say 12 were hurt."
    db = _fresh([("a.txt", update), ("v1/a.txt", first)])
    record: dict[str, object] = {
        "meta": {"source": "a.txt"},
        "spans": [
            {"id": "p1", "start": 11, "end": 13, "label": "FIGURE", "text": "10", "annotator": "al"}
        ],
    }
    if by == "text":
        record["text"] = first
    else:
        record["meta"] = {"source": "a.txt", "sha256": text_sha256(first)}
    report = import_annotations(db, _write_lines(tmp_path / "in.jsonl", [record]), importer="al")
    assert (report.added, report.refused) == (1, [])
    assert _live_spans(db) == {("p1", "v1/a.txt", 11, 13, "FIGURE", "al", "10", None)}
    # A record whose text no document holds still goes by its name, and is refused
    # there when its offsets do not fit.
    record = {**record, "text": "Another version altogether."}
    record["meta"] = {"source": "a.txt"}
    again = import_annotations(db, _write_lines(tmp_path / "b.jsonl", [record]), importer="al")
    assert again.added == 0
    assert "does not match the document" in " ".join(again.refused)


def test_an_existing_id_with_other_content_is_refused(tmp_path: Path) -> None:
    db = _fresh([("a.txt", "Alpha beta.")])
    with user_action(db, "alice") as action:
        create_span(action, 1, 0, 5, "CLAIM", span_id="same")
    path = _write_lines(
        tmp_path / "in.jsonl",
        [
            {
                "text": "Alpha beta.",
                "meta": {"source": "a.txt"},
                "spans": [{"id": "same", "start": 6, "end": 10, "label": "CLAIM", "text": "beta"}],
            }
        ],
    )
    report = import_annotations(db, path, importer="alice")
    assert report.added == 0
    assert (
        "span id same already exists with other offsets, label or annotator" in (report.refused[0])
    )


def test_one_id_for_two_annotators_spans_is_refused_not_dropped(tmp_path: Path) -> None:
    # The second annotator's span was counted "repeated in the file" and never stored.
    db = _fresh([("a.txt", "Alpha beta.")])
    spans = [
        {"id": "t1", "start": 0, "end": 5, "label": "CLAIM", "text": "Alpha", "annotator": who}
        for who in ("bob", "carol")
    ]
    path = _write_lines(
        tmp_path / "in.jsonl",
        [{"text": "Alpha beta.", "meta": {"source": "a.txt"}, "spans": spans}],
    )
    report = import_annotations(db, path, importer="alice")
    assert report.repeated == 0
    assert len(report.refused) == 1
    assert "span id t1 is used by another span in this file" in report.refused[0]
    assert db.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    # Stored as bob's, the same id for carol is refused on a later import too.
    bob = tmp_path / "bob.jsonl"
    _write_lines(bob, [{"text": "Alpha beta.", "meta": {"source": "a.txt"}, "spans": spans[:1]}])
    assert import_annotations(db, bob, importer="alice").added == 1
    carol = tmp_path / "carol.jsonl"
    _write_lines(carol, [{"text": "Alpha beta.", "meta": {"source": "a.txt"}, "spans": spans[1:]}])
    again = import_annotations(db, carol, importer="alice")
    assert "already exists with other offsets, label or annotator" in again.refused[0]


def test_batches_are_separate_undoable_actions(tmp_path: Path) -> None:
    text = "a b c d e"
    db = _fresh([("a.txt", text)])
    path = _write_lines(
        tmp_path / "d.jsonl",
        [{"text": text, "label": [[i, i + 1, "CLAIM"] for i in range(0, 9, 2)]}],
    )
    report = import_annotations(db, path, importer="alice", batch_size=2)
    assert report.added == 5
    actions = db.conn.execute("SELECT count(DISTINCT action_id) FROM changes").fetchone()[0]
    assert actions == 3
    assert undo(db, "alice") == "import 1 annotation(s)"
    assert len(_live_spans(db)) == 4


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("label", "CLAIM", "'label' is \"CLAIM\", not a list of [start, end, label]"),
        ("labels", None, "'labels' is null, not a list of [start, end, label]"),
        ("entities", {"start_offset": 0}, "'entities' is {\"start_offset\": 0}, not a list"),
    ],
)
def test_a_doccano_record_whose_spans_are_not_a_list_is_refused(
    tmp_path: Path, key: str, value: object, reason: str
) -> None:
    # A text-classification export ("label": "POSITIVE") or a hand-written object was
    # skipped: "imported 0 span(s) ... 0 refused", exit status 0.
    text = "Alpha beta gamma."
    db = _fresh([("a.txt", text)])
    path = _write_lines(tmp_path / "in.jsonl", [{"text": text, key: value}])
    for fmt in ("doccano", None):
        report = import_annotations(db, path, importer="alice", fmt=fmt)
        assert len(report.refused) == 1
        assert report.refused[0].startswith(f"{path}:1: {reason}")
        assert report.first_refused_line == 1
    assert _live_spans(db) == set()


def _utf16(text: str, offset: int) -> int:
    """``offset`` as JavaScript counts it: the UTF-16 code units before it."""
    return len(text[:offset].encode("utf-16-le")) // 2


FIREMEN = "👨🏻\u200d🚒 firemen drive firetrucks 🇩🇪 heute"


def test_doccano_offsets_are_utf16_as_doccano_counts_them(tmp_path: Path) -> None:
    # doccano/doccano#2290: doccano's screen counts UTF-16 code units, so "firetrucks"
    # is 22:32 there and 19:29 in code points; a code-point file put every span after an
    # emoji one unit early per emoji.
    db = _fresh([("f.txt", FIREMEN)])
    with user_action(db, "alice") as action:
        for quote in ("firetrucks", "heute", "firemen"):
            start = FIREMEN.index(quote)
            create_span(action, 1, start, start + len(quote), "CLAIM")
    stats = export(db, "doccano", tmp_path / "d.jsonl")
    (record,) = [json.loads(line) for line in (tmp_path / "d.jsonl").open(encoding="utf-8")]
    assert [22, 32, "CLAIM"] in record["label"]
    for start, end, _ in record["label"]:
        units = record["text"].encode("utf-16-le")
        quote = units[2 * start : 2 * end].decode("utf-16-le")
        assert quote in ("firetrucks", "heute", "firemen")
    assert record["meta"]["offsets"] == "utf-16"
    assert stats.notes[0].startswith("3 span(s) in 1 document(s) have UTF-16 offsets")
    db.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corpora())
def test_doccano_round_trip_gives_the_same_spans(
    tmp_path_factory: pytest.TempPathFactory,
    corpus: tuple[list[tuple[str, str]], list[tuple[int, int, int, str, str, str | None]]],
) -> None:
    # Emoji, skin tones, flags and ZWJ families: offsets go out in UTF-16 and come back
    # as the same code points.
    documents = corpus[0]
    source = _annotated(corpus, notes=False)
    path = tmp_path_factory.mktemp("rt") / "doccano.jsonl"
    export(source, "doccano", path)
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        for start, end, _ in record["label"]:
            assert start <= end <= _utf16(record["text"], len(record["text"]))
    target = _fresh(documents)
    report = import_annotations(target, path, importer="importer")
    assert report.refused == []

    def extents(db: sqlite_utils.Database) -> set[tuple[object, ...]]:
        return {row[1:5] + row[6:7] for row in _live_spans(db)}

    assert extents(target) == extents(source)
    source.close()
    target.close()


def test_a_doccano_file_of_an_older_claimdesk_is_read_in_code_points(tmp_path: Path) -> None:
    # Written before the offsets were UTF-16: meta has claimdesk's span_ids and no
    # "offsets". Read in UTF-16 its span would land a character early and still match
    # the file's own text.
    db = _fresh([("f.txt", FIREMEN)])
    path = _write_lines(
        tmp_path / "old.jsonl",
        [{"text": FIREMEN, "label": [[19, 29, "CLAIM"]], "meta": {"span_ids": ["x"]}}],
    )
    assert import_annotations(db, path, importer="alice").added == 1
    row = db.conn.execute("SELECT quote FROM spans").fetchone()
    assert row == ("firetrucks",)


def test_a_doccano_offset_inside_a_character_is_refused(tmp_path: Path) -> None:
    db = _fresh([("f.txt", FIREMEN)])
    path = _write_lines(tmp_path / "d.jsonl", [{"text": FIREMEN, "label": [[1, 32, "CLAIM"]]}])
    report = import_annotations(db, path, importer="alice")
    assert report.added == 0
    (refusal,) = report.refused
    assert "'CLAIM' at 1:32: an offset falls between the two halves of a character" in refusal
    assert "Count grapheme clusters as one character" in refusal


def test_a_doccano_offset_past_the_end_is_said_in_the_files_count(tmp_path: Path) -> None:
    # The file counts UTF-16 code units: "outside the document (0-34)" named the code-point
    # length, inside which the refused offset lay.
    db = _fresh([("f.txt", FIREMEN)])
    units = len(FIREMEN.encode("utf-16-le")) // 2
    assert units > len(FIREMEN)
    path = _write_lines(
        tmp_path / "d.jsonl", [{"text": FIREMEN, "label": [[len(FIREMEN), units + 1, "CLAIM"]]}]
    )
    (refusal,) = import_annotations(db, path, importer="alice").refused
    assert refusal.endswith(f"offsets outside the document (0-{units} in UTF-16 code units)")


def _noted(path: Path, note: str | None, annotator: str = "alice") -> Path:
    span = {"id": "s1", "start": 0, "end": 5, "label": "CLAIM", "text": "Alpha"}
    return _write_lines(
        path,
        [{"meta": {"source": "a.txt"}, "spans": [{**span, "annotator": annotator, "note": note}]}],
    )


def _note(db: sqlite_utils.Database) -> object:
    return db.conn.execute("SELECT note FROM spans WHERE id = 's1'").fetchone()[0]


def test_a_present_span_takes_the_files_note_as_part_of_the_undoable_import(
    tmp_path: Path,
) -> None:
    # A colleague's export with notes added or corrected was counted "already present"
    # and its notes dropped without a word.
    db = _fresh([("a.txt", "Alpha beta.")])
    assert import_annotations(db, _noted(tmp_path / "1.jsonl", None), importer="bob").added == 1
    noted = _noted(tmp_path / "2.jsonl", "checked: the mayor said it")
    report = import_annotations(db, noted, importer="bob")
    assert (report.added, report.present, report.notes_updated, report.refused) == (0, 0, 1, [])
    assert _note(db) == "checked: the mayor said it"
    # Importing it again is a no-op, and a file without a note leaves the note alone.
    log = db.conn.execute("SELECT count(*) FROM changes").fetchone()
    again = import_annotations(db, noted, importer="bob")
    assert (again.present, again.notes_updated, again.notes_kept) == (1, 0, 0)
    bare = import_annotations(db, tmp_path / "1.jsonl", importer="bob")
    assert (bare.present, bare.notes_updated) == (1, 0)
    assert db.conn.execute("SELECT count(*) FROM changes").fetchone() == log
    assert _note(db) == "checked: the mayor said it"
    # The note went in with the import's action, and its undo takes it back.
    assert undo(db, "bob") == "import 1 annotation(s)"
    assert _note(db) is None
    # An import's note, undone or not, is no one's edit: the next file replaces it.
    assert import_annotations(db, noted, importer="bob").notes_updated == 1


def test_a_note_edited_in_the_database_is_kept_and_counted(tmp_path: Path) -> None:
    db = _fresh([("a.txt", "Alpha beta.")])
    assert import_annotations(db, _noted(tmp_path / "1.jsonl", "first"), importer="bob").ok
    with user_action(db, "alice", "edit note") as action:
        set_span_note(action, "s1", "alice's own")
    for note in ("first", "a colleague's"):
        report = import_annotations(db, _noted(tmp_path / "2.jsonl", note), importer="bob")
        assert (report.present, report.notes_updated, report.notes_kept) == (0, 0, 1)
        assert _note(db) == "alice's own"


def test_a_note_edited_while_the_import_waits_for_the_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _fresh([("a.txt", "Alpha beta.")])
    assert import_annotations(db, _noted(tmp_path / "1.jsonl", None), importer="bob").ok
    checked = annotations_import.notes_edited_here

    def edited_meanwhile(db: sqlite_utils.Database, span_ids: Iterable[str]) -> set[str]:
        found = checked(db, span_ids)
        with user_action(db, "alice", "edit note") as action:
            set_span_note(action, "s1", "alice's own")
        return found

    monkeypatch.setattr(annotations_import, "notes_edited_here", edited_meanwhile)
    report = import_annotations(db, _noted(tmp_path / "2.jsonl", "theirs"), importer="bob")
    assert (report.notes_updated, report.notes_kept) == (0, 1)
    assert _note(db) == "alice's own"


def test_the_summary_counts_notes_updated_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.db"
    db = connect(path)
    with write(db):
        ensure_default_labels(db)
        insert_document(db, ParsedArticle("a.txt", "Alpha beta."))
    args = ["import-annotations", "--db", str(path)]
    assert main([*args, str(_noted(tmp_path / "1.jsonl", None))]) == 0
    assert main([*args, str(_noted(tmp_path / "2.jsonl", "theirs"))]) == 0
    with user_action(db, "alice", "edit note") as action:
        set_span_note(action, "s1", "alice's own")
    assert main([*args, str(_noted(tmp_path / "3.jsonl", "theirs again"))]) == 0
    db.close()
    summary = "imported 0 span(s) from 1 record(s); 0 already present; 0 refused"
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"{summary}; 1 note(s) updated",
        f"{summary}; 1 present with a different note, kept as edited here",
    ]


def _twice(path: Path, first: str | None, second: str | None, span_id: str | None) -> Path:
    """A file with one span in two records, each with its own note (or none)."""
    span = {"start": 0, "end": 5, "label": "CLAIM", "text": "Alpha", "annotator": "alice"}
    if span_id is not None:
        span["id"] = span_id
    return _write_lines(
        path,
        [
            {"meta": {"source": "a.txt"}, "spans": [{**span, "note": note}]}
            for note in (first, second)
        ],
    )


@pytest.mark.parametrize("span_id", ["s1", None], ids=["claimdesk", "prodigy"])
def test_one_span_twice_with_two_notes_is_refused_naming_both(
    tmp_path: Path, span_id: str | None
) -> None:
    # The first note was stored and the second dropped, counted "1 repeated in the file".
    db = _fresh([("a.txt", "Alpha beta.")])
    path = _twice(tmp_path / "n.jsonl", "the mayor said it", "not the mayor", span_id)
    report = import_annotations(db, path, importer="bob")
    assert report.refused == [
        f"{path}:2: span 'CLAIM' at 0:5 is on line 1 too, with another note ('the mayor"
        " said it' there, 'not the mayor' here): keep one of the notes, or join them in one"
    ]
    assert report.added == 0
    assert db.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


@pytest.mark.parametrize(("first", "second"), [("same", "same "), ("noted", None), (None, "noted")])
@pytest.mark.parametrize("stored", [False, True], ids=["new", "present"])
def test_one_span_twice_keeps_its_only_note_whichever_line_has_it(
    tmp_path: Path, first: str | None, second: str | None, stored: bool
) -> None:
    # The repeat without a note says nothing of it: the note of the other line is kept in
    # either order (it was lost when the line without one came first).
    db = _fresh([("a.txt", "Alpha beta.")])
    if stored:
        assert import_annotations(db, _noted(tmp_path / "0.jsonl", None), importer="bob").ok
    report = import_annotations(
        db, _twice(tmp_path / "n.jsonl", first, second, "s1"), importer="bob"
    )
    assert (report.refused, report.repeated) == ([], 1)
    assert (report.added, report.notes_updated) == ((0, 1) if stored else (1, 0))
    assert report.present == 0
    assert _note(db) == (first or second or "").strip()


_SCRAPED = "Der Bürger\u00admeister sagte\x07: 12 Tote."
_DECOMPOSED = "Zu\u0308rich: 35 Menschen starben."


@pytest.mark.parametrize("original", [_SCRAPED, _DECOMPOSED], ids=["scraped", "nfd"])
@pytest.mark.parametrize("source", [None, "a.txt"])
def test_spans_on_the_text_before_normalisation_say_so(
    tmp_path: Path, original: str, source: str | None
) -> None:
    # Pre-annotations made on the original file were refused as "document (no source) is
    # not in the database" (or as a text mismatch), though the document was there.
    db = _fresh([("a.txt", normalize_text(original))])
    start = original.index(next(word for word in ("12", "35") if word in original))
    record: dict[str, object] = {"text": original, "label": [[start, start + 7, "FIGURE"]]}
    if source is not None:
        record["meta"] = {"source": source}
    report = import_annotations(db, _write_lines(tmp_path / "d.jsonl", [record]), importer="al")
    assert report.refused == [
        f"{tmp_path / 'd.jsonl'}:1: span 'FIGURE' at {start}:{start + 7}: the file has the text"
        " of document a.txt as it was before import normalised it (soft hyphens, control"
        " characters, line ends, Unicode NFC); offsets must count the stored text: export it"
        " (claimdesk export -f jsonl --doc id:1) and annotate that"
    ]
    assert _live_spans(db) == set()
    # Another text is still an unknown document.
    record["text"] = "Ein anderer Artikel, 12 Tote."
    record.pop("meta", None)
    other = import_annotations(db, _write_lines(tmp_path / "e.jsonl", [record]), importer="al")
    assert other.refused[0].endswith("document (no source) is not in the database")


_HUGE = 1 + 10**4000


@pytest.mark.parametrize(
    ("spans", "reason"),
    [
        ([[0, _HUGE, "CLAIM"]], f"span 'CLAIM' at 0:1{'0' * 38}…: offsets outside"),
        # Cut, the quote still closes: "'LLL… at" read as a value running on into the line.
        ([[0, 5, "L" * 10_000]], "span 'LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL…' at 0:5:"),
        ([["CLAIM", 0, 9]], 'label item ["CLAIM", 0, 9] is not [start, end, label]: the label'),
        ([[9, 9, "CLAIM"]], "span 'CLAIM' at 9:9: start 9 is not before end 9"),
        ([[9, 3, "CLAIM"]], "span 'CLAIM' at 9:3: start 9 is not before end 3"),
        ([[6, 99, "CLAIM"]], "span 'CLAIM' at 6:99: offsets outside the document (0-17 in UTF-16"),
        ([[0, 5, "CLAIM", "x" * 10_000]], 'label item [0, 5, "CLAIM", "xxxxxxxxxxxxxxx'),
    ],
    ids=["offset", "label", "label first", "empty", "backwards", "outside", "four items"],
)
def test_refusals_quote_values_short_and_say_what_is_wrong(
    tmp_path: Path, spans: list[object], reason: str
) -> None:
    # A 4,000-digit offset was echoed whole, a 10,000-character label twice (a 20,085-
    # character "line"); ["CLAIM", 0, 9] was "span 9 at CLAIM:0 needs integer start/end",
    # and a span ending where it starts "offsets outside the document".
    text = "Alpha beta gamma."
    db = _fresh([("a.txt", text)])
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": text, "label": spans}) + "\n", encoding="utf-8")
    report = import_annotations(db, path, importer="alice")
    assert len(report.refused) == 1
    assert report.refused[0].startswith(f"{path}:1: {reason}")
    assert len(report.refused[0]) < len(str(path)) + 160


def test_an_unknown_label_and_source_are_quoted_short(tmp_path: Path) -> None:
    db = _fresh([("a.txt", "Alpha beta.")])
    record = {"meta": {"source": "s" * 10_000}, "label": [[0, 5, "L" * 10_000]]}
    report = import_annotations(db, _write_lines(tmp_path / "in.jsonl", [record]), importer="al")
    assert report.refused[0].endswith(f": document {'s' * 39}… is not in the database")
    record["meta"] = {"source": "a.txt"}
    report = import_annotations(db, _write_lines(tmp_path / "in.jsonl", [record]), importer="al")
    assert report.refused[0].endswith(f": unknown label {'L' * 39}… (see --create-labels)")
    assert len(report.refused[0]) < len(str(tmp_path)) + 200
