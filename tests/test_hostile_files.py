"""Hostile files met the way a user meets them: the installed ``claimdesk`` command run on
files built to break it (names that are not UTF-8, JSON with lone surrogates or absurd
nesting, FIFOs where a file is expected, a full disk on stdout). Each refusal is one line
naming the file, the exit status is 1, nothing stored is lost or half-written, and no
escape sequence from a file name reaches the terminal."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import add_document_to_file

TEXT = "Die Stadt meldet 11.000 Besucher. Der Bürgermeister nennt die Zahl vorläufig."
OTHER = "Das Land meldet 12.000 Besucher. Die Polizei bestätigt die Zahl nicht."
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _claimdesk() -> Path:
    beside = Path(sys.executable).parent / "claimdesk"
    if not beside.exists():
        pytest.fail("the claimdesk command is not installed in this environment")
    return beside


def _run(db: Path, *args: str | bytes, timeout: float = 60) -> tuple[int, str, str]:
    done = subprocess.run(
        [_claimdesk(), "--db", db, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    assert "unexpected error" not in err, err
    assert not CONTROL.search(err), repr(err)
    return done.returncode, out, err


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _counts(db: Path) -> tuple[object, ...]:
    return _rows(
        db,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM spans),"
        " (SELECT count(*) FROM links)",
    )[0]


@pytest.fixture
def two_documents(tmp_path: Path) -> Path:
    db = tmp_path / "c.db"
    add_document_to_file(db, TEXT, name="stadt.txt")
    add_document_to_file(db, OTHER, name="land.txt")
    return db


def test_file_names_that_are_not_utf8_import_and_can_be_named_again(tmp_path: Path) -> None:
    # Latin-1 names from an old archive: the undecodable byte used to stop the whole
    # folder with an "unexpected error", and named on its own, with a traceback.
    folder = tmp_path / "archive"
    folder.mkdir()
    latin1 = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(latin1, "wb") as stream:
        stream.write(TEXT.encode())
    # cafè.txt: both names were caf\ufffd.txt, the second stored as archive/caf\ufffd.txt,
    # and the bytes of café.txt typed exported cafè.txt's article.
    with open(os.path.join(os.fsencode(folder), b"caf\xe8.txt"), "wb") as stream:
        stream.write(OTHER.encode())
    (folder / "good.txt").write_text("Ein dritter Text über etwas anderes.", encoding="utf-8")
    db = tmp_path / "c.db"
    code, _, err = _run(db, "import", "-q", "--no-stories", os.fsencode(folder))
    assert (code, err) == (0, "")
    assert sorted(_rows(db, "SELECT source_name, text FROM documents")) == [
        ("caf\\xe8.txt", OTHER),
        ("caf\\xe9.txt", TEXT),
        ("good.txt", "Ein dritter Text über etwas anderes."),
    ]
    # The same bytes typed on the command line pick that document, and only it.
    for typed, text in ((b"caf\xe9.txt", TEXT), (b"caf\xe8.txt", OTHER)):
        code, out, err = _run(db, "export", "-f", "jsonl", "--doc", typed)
        assert code == 0, err
        [record] = [json.loads(line) for line in out.splitlines()]
        assert record["text"] == text
    code, _, err = _run(db, "import", "-q", "--no-stories", latin1)
    assert (code, err) == (0, "")


def test_file_names_with_controls_are_found_by_the_name_the_shell_completes(
    tmp_path: Path,
) -> None:
    # Stored under the cleaned name (escape gone, line break a space), the document was
    # "no document named" under the file's own name, which tab completion gives.
    folder = tmp_path / "hostile"
    folder.mkdir()
    names = ["esc\x1b[2Jclear.txt", "new\nline.txt", "cr\rret.txt"]
    for name, text in zip(names, (TEXT, OTHER, "Ein dritter Text."), strict=True):
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "c.db"
    code, _, err = _run(db, "import", "-q", "--no-stories", folder)
    assert (code, err) == (0, "")
    for name in names:
        code, out, err = _run(db, "export", "-f", "jsonl", "--doc", name)
        assert code == 0, (name, err)
        assert len(out.splitlines()) == 1, name


def test_lone_surrogates_in_jsonl_articles_refuse_only_their_lines(tmp_path: Path) -> None:
    source = tmp_path / "wire.jsonl"
    lines = [
        json.dumps({"id": "a", "text": TEXT}),
        # A JavaScript writer that cut a string inside an emoji leaves half the pair.
        json.dumps({"id": "b", "text": OTHER + " \ud83d"}),
        json.dumps({"id": "c", "text": "Ein dritter Text.", "title": "\udc00"}),
        json.dumps({"id": "d", "text": "Ein vierter Text mit 😀 Emoji."}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="ascii")
    db = tmp_path / "c.db"
    code, _, err = _run(db, "import", "-q", "--no-stories", source)
    assert code == 1
    assert err.splitlines() == [
        f"claimdesk: refused {source}:{n}: invalid JSON: a string holds \\u{s}, half of a"
        " UTF-16 surrogate pair and not a character"
        for n, s in ((2, "d83d"), (3, "dc00"))
    ]
    assert sorted(r[0] for r in _rows(db, "SELECT source_name FROM documents")) == ["a", "d"]


def _span_line(source: str, number: int, note: str = "n") -> str:
    span = {"id": f"s{number}", "start": 0, "end": 9, "label": "CLAIM", "note": note}
    return json.dumps({"meta": {"source": source}, "spans": [span]})


def test_an_annotation_file_bad_late_on_imports_nothing(two_documents: Path) -> None:
    # Line 651 is in the second batch of 500: that batch used to fail with an
    # "unexpected error" after the first 500 spans were stored.
    path = two_documents.parent / "spans.jsonl"
    lines = [_span_line("stadt.txt", n, "bad \ud800" if n == 651 else "n") for n in range(1, 701)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    code, _, err = _run(two_documents, "import-annotations", path)
    assert code == 1
    assert err.splitlines()[0].startswith(f"claimdesk: refused {path}:651: not valid JSON")
    assert "nothing imported" in err.splitlines()[1]
    assert _counts(two_documents) == (2, 0, 0)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"entities": [{"start_offset": 0, "label": "CLAIM"}]}, "has no start_offset and end_"),
        ({"label": [[True, 9, "CLAIM"]]}, "needs integer start/end"),
        ({"spans": [{"id": "x", "start": False, "end": 9, "label": "CLAIM"}]}, "needs integer"),
    ],
)
def test_malformed_annotation_spans_are_refused_not_crashed_on(
    two_documents: Path, record: dict[str, object], reason: str
) -> None:
    path = two_documents.parent / "model.jsonl"
    path.write_text(json.dumps({"meta": {"source": "stadt.txt"}, **record}) + "\n")
    code, _, err = _run(two_documents, "import-annotations", path)
    assert code == 1
    assert f"{path}:1: " in err
    assert reason in err
    assert _counts(two_documents) == (2, 0, 0)


DEEP = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
HUGE = '{"a": ' + "9" * 5_000 + "}"


@pytest.mark.parametrize("command", ["import-annotations", "import-links"])
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (DEEP, "nested too deeply"),
        (HUGE, "an integer of over 4,300 digits"),
        ('{"a": {"doc": "x.txt", "text": "mayor"}', "the line ends before its JSON value"),
        ('{"a": 1 "b": 2}', "Expecting ',' delimiter (column 9)"),
    ],
    ids=["deep", "huge", "cut", "comma"],  # a long id would go into the child's environment
)
def test_absurd_json_is_one_line_per_bad_record(
    two_documents: Path, command: str, line: str, reason: str
) -> None:
    path = two_documents.parent / "in.jsonl"
    path.write_text(line + "\n", encoding="ascii")
    code, _, err = _run(two_documents, command, path)
    assert code == 1
    assert err.startswith(f"claimdesk: refused {path}:1: not")
    assert reason in err.splitlines()[0]
    # Python's advice to call sys.set_int_max_str_digits() is no help to a user.
    assert "sys." not in err
    assert _counts(two_documents) == (2, 0, 0)


def test_a_deeply_nested_label_file_is_one_line(tmp_path: Path) -> None:
    toml = tmp_path / "labels.toml"
    toml.write_text("a = " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    code, _, err = _run(tmp_path / "l.db", "labels", "--load", toml)
    assert (code, err) == (1, f"claimdesk: {toml}: not valid TOML: nested too deeply\n")


def _link(reason: str) -> str:
    return json.dumps(
        {
            "a": {"doc": "stadt.txt", "start": 0, "end": 9, "text": TEXT[:9]},
            "b": {"doc": "land.txt", "start": 0, "end": 8, "text": OTHER[:8]},
            "status": "rejected",
            "reason": reason,
        },
        ensure_ascii=False,
    )


def test_hostile_html_in_a_nested_folder_is_refused_and_the_rest_imports(
    tmp_path: Path,
) -> None:
    # Each took from 33 s to minutes before the markup was counted ahead of parsing.
    folder = tmp_path / "corpus" / "outlet" / "2024"
    folder.mkdir(parents=True)
    (folder / "tiny.html").write_text("<html><body>" + "<p>a</p>" * 1_000_000, encoding="utf-8")
    attributes = " ".join(f"a{n}=v" for n in range(100_000))
    (folder / "attrs.html").write_text(f"<p {attributes}>Text.</p>", encoding="utf-8")
    (folder / "stadt.txt").write_text(TEXT, encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _run(db, "import", tmp_path / "corpus")
    assert code == 1
    assert err.splitlines() == [
        f"claimdesk: refused {folder / 'attrs.html'}: an HTML element has 100000 attributes,"
        " over the limit of 1000 for one element",
        f"claimdesk: refused {folder / 'tiny.html'}: HTML has more than 30000 elements,"
        " the limit for one article",
    ]
    assert out.startswith("imported 1 new document(s) from 3 file(s); 0 already present; 2 refused")
    assert _rows(db, "SELECT text FROM documents") == [(TEXT,)]


def test_a_text_file_of_metadata_only_is_refused_like_markdown_front_matter_only(
    tmp_path: Path,
) -> None:
    # The header became the article: "title: Real title\noutlet: Herald\n…" was stored
    # as text, while the same metadata as Markdown front matter was refused.
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "m1.txt").write_text(
        "title: Real title\noutlet: Herald\ndate: 2025-01-01\n\n", encoding="utf-8"
    )
    (folder / "m3.md").write_text("---\ntitle: X\noutlet: Y\n---\n", encoding="utf-8")
    (folder / "one.txt").write_text("Update: 3 dead in flood\n", encoding="utf-8")
    (folder / "stadt.txt").write_text(f"title: Stadt\n\n{TEXT}\n", encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _run(db, "import", "--no-stories", folder)
    assert code == 1
    assert err.splitlines() == [
        f"claimdesk: refused {folder / name}: no article text found" for name in ("m1.txt", "m3.md")
    ]
    assert out.startswith("imported 2 new document(s) from 4 file(s); 0 already present; 2 refused")
    assert _rows(db, "SELECT source_name, title, text FROM documents ORDER BY source_name") == [
        ("one.txt", "Update: 3 dead in flood", "Update: 3 dead in flood"),
        ("stadt.txt", "Stadt", TEXT),
    ]


def test_markdown_html_blocks_are_imported_as_text_never_as_markup(tmp_path: Path) -> None:
    # Every HTML block was dropped whole, with exit 0 and no word: the mayor's figure,
    # the div's text and the <p> paragraph were not in the stored article.
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "inline.md").write_text(
        "# Title\n\n<iframe src=x></iframe> The mayor said <b>35</b> people died.\n\n"
        "Another paragraph with <span>inline</span> html.\n\n"
        "<div>\nA whole div block of article text.\n<script>steal()</script>\n</div>\n\n"
        "<p>[bold]Loud[/bold] &amp;&#x1b;]0;owned&#x7; quiet.</p>\n\nEnd.\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    code, out, err = _run(db, "import", "--no-stories", folder)
    assert (code, err) == (0, "")
    assert out.startswith("imported 1 new document(s) from 1 file(s)")
    assert _rows(db, "SELECT text FROM documents") == [
        (
            "Title\n\nThe mayor said 35 people died.\n\nAnother paragraph with inline html."
            "\n\nA whole div block of article text.\n\n[bold]Loud[/bold] & quiet.\n\nEnd.",
        )
    ]


def test_front_matter_quoting_and_toml_are_read_as_their_writers_meant(tmp_path: Path) -> None:
    # Escapes were stored literally, quotes kept (so "Site" and Site made two outlets), a
    # folded title lost, and Hugo's TOML front matter stored as the article's text.
    folder = tmp_path / "fm"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: \"Caf\\u00e9 \\\"quoted\\\" news\"\noutlet: 'It''s Daily'\n"
        "date: 2025-03-04\n---\nBody md one.\n",
        encoding="utf-8",
    )
    (folder / "b.md").write_text(
        "---\ntitle: >-\n  A folded\n  title here\noutlet: [x, y]\n---\nBody md two.\n",
        encoding="utf-8",
    )
    (folder / "c.md").write_text(
        '---\ntitle: Plain # not a comment?\nsite_name: "Site" # comment\n---\nBody md three.\n',
        encoding="utf-8",
    )
    (folder / "d.md").write_text(
        '+++\ntitle = "TOML FM"\noutlet = "Site"\ndate = 2025-03-05\n+++\nBody toml.\n',
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    code, _out, err = _run(db, "import", folder)
    assert code == 0
    assert err == (
        f"claimdesk: note: {folder / 'b.md'}: front matter values that are not text were left"
        " out: outlet (a list)\n"
    )
    assert _rows(
        db, "SELECT source_name, title, outlet, published, text FROM documents ORDER BY 1"
    ) == [
        ("a.md", 'Café "quoted" news', "It's Daily", "2025-03-04", "Body md one."),
        ("b.md", "A folded title here", "fm", None, "Body md two."),
        ("c.md", "Plain", "Site", None, "Body md three."),
        ("d.md", "TOML FM", "Site", "2025-03-05", "Body toml."),
    ]
    (folder / "e.md").write_text('+++\ntitle = "x\n+++\nBody.\n', encoding="utf-8")
    code, _out, err = _run(db, "import", folder / "e.md")
    assert code == 1
    assert err.startswith(f"claimdesk: refused {folder / 'e.md'}: front matter is not valid TOML: ")
    assert _counts(db) == (4, 0, 0)


def test_files_of_invisible_characters_are_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "zw"
    folder.mkdir()
    (folder / "zw.txt").write_bytes(
        b"\xe2\x80\x8b\xe2\x80\x8c \xe2\x81\xa0\xef\xbb\xbf\n\xe2\x80\x8b\n"
    )
    (folder / "nbsp.txt").write_bytes(b"\xe3\x80\x80\xc2\xa0\xe2\x80\x83\n")
    (folder / "shy.txt").write_bytes(b"\xc2\xad\xc2\xad\n")
    db = tmp_path / "c.db"
    code, out, err = _run(db, "import", folder)
    assert code == 1
    assert sorted(err.splitlines()) == [
        f"claimdesk: refused {folder / name}: no article text found"
        for name in ("nbsp.txt", "shy.txt", "zw.txt")
    ]
    assert "imported 0 new document(s) from 3 file(s)" in out
    assert _counts(db) == (0, 0, 0)


def test_import_links_shows_a_hostile_file_name_as_escapes(two_documents: Path) -> None:
    path = two_documents.parent / "links\x1b]0;pwned\x07\x1b[2J.jsonl"
    path.write_text(_link("ok") + "\n{broken\n", encoding="utf-8")
    code, _, err = _run(two_documents, "import-links", path)
    assert code == 1
    assert err.startswith("claimdesk: refused ")
    assert err.count("\n") == 1
    assert "links\\x1b]0;pwned\\x07\\x1b[2J.jsonl:2: not JSON" in err
    assert _counts(two_documents) == (2, 0, 1)


def test_import_links_keeps_records_holding_a_raw_line_separator(two_documents: Path) -> None:
    # JSON allows U+2028, U+2029 and U+0085 raw inside strings; str.splitlines() cut such
    # a record in two and refused both halves.
    path = two_documents.parent / "links.jsonl"
    path.write_text(_link("first\u2028second\u2029third\x85fourth") + "\n", encoding="utf-8")
    code, out, err = _run(two_documents, "import-links", path)
    assert (code, err) == (0, "")
    assert out.startswith("read 1 record(s): 1 new link(s), 0 decision(s) changed")


@pytest.mark.parametrize(
    "command",
    [["import-annotations"], ["import-links"], ["labels", "--load"], ["import", "-q"]],
)
def test_a_fifo_where_a_file_is_expected_is_refused_not_waited_on(
    two_documents: Path, command: list[str]
) -> None:
    fifo = two_documents.parent / ("in.toml" if "labels" in command else "in.jsonl")
    os.mkfifo(fifo)
    code, _, err = _run(two_documents, *command, fifo, timeout=30)
    assert code == 1
    assert err.count("\n") == 1
    assert f"{fifo}: cannot read: not a regular file" in err


@pytest.mark.parametrize(
    "command", [["export", "-f", "jsonl", "--force", "--out"], ["backup", "--force"]]
)
def test_output_never_replaces_a_fifo_or_device_even_with_force(
    two_documents: Path, command: list[str]
) -> None:
    # The finished file is renamed into place: onto /dev/null (as root) that replaced the
    # device node with a regular file for every program on the machine.
    fifo = two_documents.parent / "out.jsonl"
    os.mkfifo(fifo)
    code, _, err = _run(two_documents, *command, fifo)
    assert code == 1
    assert err.count("\n") == 1
    assert f"{fifo}: is a device, FIFO or socket, not a file; it is never replaced" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in two_documents.parent.iterdir()) == ["c.db", "out.jsonl"]


NO_DEV_FULL = not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode))


def _with_stdout(db: Path, stdout: int | IO[bytes], *args: str) -> tuple[int, bytes]:
    """Exit status and stderr of the installed command with stdout on ``stdout``."""
    done = subprocess.run(
        [_claimdesk(), "--db", db, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stderr


def _report_lost(command: str, reason: str) -> tuple[int, bytes]:
    line = f"claimdesk: {command}: done, but its report could not be written to stdout ({reason})"
    return 1, (line + "\n").encode()


@pytest.mark.skipif(NO_DEV_FULL, reason="no /dev/full character device")
@pytest.mark.parametrize("command", [["stats"], ["labels"], ["stats", "--json"]])
def test_output_to_a_full_disk_is_one_line(two_documents: Path, command: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        outcome = _with_stdout(two_documents, full, *command)
    assert outcome == _report_lost(command[0], "the disk is full")


@pytest.mark.skipif(NO_DEV_FULL, reason="no /dev/full character device")
def test_an_import_and_a_backup_whose_report_meets_a_full_disk_say_they_were_done(
    two_documents: Path, tmp_path: Path
) -> None:
    # They said "stdout: cannot write (the disk is full)", exit 1, and the user could not
    # tell that the article was stored and the backup made.
    article = tmp_path / "neu.txt"
    article.write_text("Die Stadt meldet 11.000 Besucher.\n", encoding="utf-8")
    backup = tmp_path / "copy.db"
    for command in (["import", str(article)], ["backup", str(backup)]):
        with open("/dev/full", "wb") as full:
            outcome = _with_stdout(two_documents, full, *command)
        assert outcome == _report_lost(command[0], "the disk is full")
    assert _counts(two_documents)[0] == 3
    assert _counts(backup)[0] == 3


@pytest.mark.parametrize("command", [["stats"], ["labels"], ["check"]])
def test_stdout_open_only_for_reading_is_one_line_naming_it(
    two_documents: Path, tmp_path: Path, command: list[str]
) -> None:
    # `claimdesk stats 1<file`: "unexpected error: OSError: [Errno 9] Bad file descriptor".
    readable = tmp_path / "keep.txt"
    readable.write_text("keep\n", encoding="utf-8")
    with open(readable, "rb") as only_for_reading:
        outcome = _with_stdout(two_documents, only_for_reading, *command)
    assert outcome == _report_lost(command[0], "Bad file descriptor")
    assert readable.read_text(encoding="utf-8") == "keep\n"


def test_a_file_of_mixed_encodings_imports_readable_with_a_note(tmp_path: Path) -> None:
    # UTF-8 with a pasted Windows-1252 line used to be refused as undecodable.
    path = tmp_path / "gemischt.txt"
    path.write_bytes(TEXT.encode() + b"\n" + "Später: zwölf Häuser.".encode("cp1252"))
    db = tmp_path / "c.db"
    code, _out, err = _run(db, "import", path)
    assert (code, err) == (
        0,
        f"claimdesk: note: {path}: mixed encodings: 3 byte(s) in 3 place(s) are not UTF-8"
        " and were read as Windows-1252\n",
    )
    assert _rows(db, "SELECT text FROM documents") == [(f"{TEXT}\nSpäter: zwölf Häuser.",)]


@pytest.mark.parametrize(
    "command",
    [["stats"], ["export", "-f", "jsonl"], ["export", "-f", "links-jsonl", "-o", "-"]],
)
def test_a_closed_stdout_is_one_line_and_a_failure(two_documents: Path, command: list[str]) -> None:
    # `claimdesk stats >&-`: Python starts with sys.stdout None and print() drops every
    # line, so stats said nothing and exited 0, and export stopped on an AttributeError.
    before = _counts(two_documents)
    done = subprocess.run(
        ["sh", "-c", '"$0" "$@" >&-', _claimdesk(), "--db", two_documents, *command],
        capture_output=False,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (
        1,
        b"claimdesk: stdout is closed; nothing was done (redirect it to a file instead)\n",
    )
    assert _counts(two_documents) == before


def _with_stderr_closed(db: Path, *args: str | Path) -> tuple[int, bytes]:
    done = subprocess.run(
        ["sh", "-c", '"$0" "$@" 2>&-', _claimdesk(), "--db", db, *args],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout


def test_messages_never_land_in_the_data_when_stderr_is_closed(
    two_documents: Path, tmp_path: Path
) -> None:
    # `export 2>&- > out.jsonl`: Python starts with sys.stderr None, and print(file=None)
    # prints to stdout, so "exported 2 document(s) ..." ended the export data, exit 0.
    code, out = _with_stderr_closed(two_documents, "export", "-f", "jsonl")
    lines = out.decode().splitlines()
    assert code == 0
    assert sorted(json.loads(line)["meta"]["source"] for line in lines) == ["land.txt", "stadt.txt"]
    # A refusal is still a failure, and still not in stdout.
    refused = tmp_path / "scan.pdf"
    refused.write_bytes(b"%PDF-1.4")
    code, out = _with_stderr_closed(two_documents, "import", refused)
    assert (code, out.decode()) == (
        1,
        "imported 0 new document(s) from 0 file(s); 0 already present; 1 refused\n",
    )
    assert _with_stderr_closed(tmp_path / "missing.db", "stats") == (1, b"")
    assert not (tmp_path / "missing.db").exists()


def _into_a_pipe_nobody_reads(db: Path, *args: str | Path, stderr_too: bool) -> int:
    """The exit status with stdout (and stderr) on a pipe whose reader is gone, as
    after `| head -1` has its line: every write fails with EPIPE, whenever it comes."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [_claimdesk(), "--db", db, *args],
            stdout=write,
            stderr=write if stderr_too else subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    return done.returncode


@pytest.mark.parametrize("stderr_too", [True, False])
def test_a_refused_import_fails_even_when_its_reader_quits_early(
    two_documents: Path, tmp_path: Path, stderr_too: bool
) -> None:
    # `import many 2>&1 | head -1` exited 0 although 60 files were refused: the broken
    # pipe was taken for the end of a successful run.
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(60):
        (folder / f"empty{number}.txt").write_bytes(b"")
    assert _into_a_pipe_nobody_reads(two_documents, "import", folder, stderr_too=stderr_too) == 1
    # Output cut short is still no failure by itself.
    article = tmp_path / "neu.txt"
    article.write_text("Die Stadt meldet 11.000 Besucher.\n", encoding="utf-8")
    assert _into_a_pipe_nobody_reads(two_documents, "import", article, stderr_too=stderr_too) == 0
    exported = _into_a_pipe_nobody_reads(two_documents, "export", "-f", "jsonl", stderr_too=True)
    assert exported == 0


def test_the_error_log_takes_arguments_that_are_not_utf8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claimdesk.cli import unexpected_error

    monkeypatch.setattr(sys, "argv", ["claimdesk", "read", os.fsdecode(b"caf\xe9")])
    message = unexpected_error(RuntimeError("boom"))
    assert message.startswith("unexpected error: RuntimeError: boom (the details are in ")
    log = Path(message.split("the details are in ")[1].split(";")[0])
    assert "read caf\\udce9" in log.read_text(encoding="utf-8")


def test_a_huge_article_of_short_sentences_is_flagged_in_linear_time() -> None:
    # A 9 MB article (within the import limit) of 500,000 short sentences took over five
    # minutes: each sentence's text was cut out with SQLite's substr(), which walks the
    # document from its start. 100,000 sentences cost ~90 s of CPU that way, ~1 s now.
    import time

    from store.boilerplate import mark_repeated
    from store.db import connect
    from tests.conftest import add_document

    db = connect(":memory:")
    try:
        doc_id = add_document(db, "Satz mit Wörtern. " * 99_999 + "Satz mit Wörtern.")
        assert db.conn.execute("SELECT count(*) FROM sentences").fetchone()[0] == 100_000
        (outlet,) = db.conn.execute(
            "SELECT outlet FROM documents WHERE id = ?", [doc_id]
        ).fetchone()
        started = time.process_time()
        mark_repeated(db, [outlet])
        assert time.process_time() - started < 15
    finally:
        db.close()


PRETTY = json.dumps(
    [{"text": TEXT, "meta": {"source": "stadt.txt"}, "spans": []}, {"text": OTHER}], indent=2
)


@pytest.mark.parametrize(
    ("command", "where"),
    [
        (["import", "-q", "--no-stories"], ""),
        (["import-annotations"], ":2"),
        (["import-links"], ":2"),
    ],
)
def test_a_pretty_printed_json_array_is_one_line_not_one_per_line(
    two_documents: Path, command: list[str], where: str
) -> None:
    path = two_documents.parent / "export.jsonl"
    path.write_text("\n" + PRETTY + "\n", encoding="utf-8")
    code, _, err = _run(two_documents, *command, path)
    assert code == 1
    refusals = [line for line in err.splitlines() if "nothing imported from" not in line]
    assert refusals == [
        f"claimdesk: refused {path}{where}: one JSON document"
        " spread over many lines (it opens with a lone '['), not JSON Lines: write one object"
        " a line (jq -c '.[]' turns an array into that)"
    ]
    assert _counts(two_documents) == (2, 0, 0)


def test_a_jsonl_file_of_blank_lines_is_refused_like_a_blank_text_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n   \n\t\n", encoding="utf-8")
    code, _, err = _run(tmp_path / "c.db", "import", "-q", "--no-stories", path)
    assert (code, err) == (
        1,
        f"claimdesk: refused {path}: no article text found (only blank lines)\n",
    )


def test_backup_names_a_hostile_target_visibly_and_still_succeeds(two_documents: Path) -> None:
    # The report printed the paths raw: an OSC 0 in the name retitled the terminal, and a
    # byte that is not UTF-8 failed the command with an "unexpected error" after the copy.
    target = os.path.join(os.fsencode(two_documents.parent), b"copy\x1b]0;pwned\x07\xff.db")
    done = subprocess.run(
        [_claimdesk(), "--db", two_documents, "backup", target],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert not CONTROL.search(done.stdout.decode("utf-8"))
    assert b"copy\\x1b]0;pwned\\x07\\udcff.db" in done.stdout
    assert _rows(Path(os.fsdecode(target)), "SELECT count(*) FROM documents") == [(2,)]


def test_a_file_name_with_line_breaks_is_one_line_of_message(two_documents: Path) -> None:
    # Messages let \r and \n through raw: the \r sent the cursor back so the name's text
    # overwrote "claimdesk:", and the \n split one message into two lines.
    name = two_documents.parent / "gone\rclaimdesk: all fine\n.jsonl"
    for command in (["import-links"], ["import-annotations"], ["labels", "--load"]):
        code, out, err = _run(two_documents, *command, name)
        assert (code, out) == (1, "")
        assert err.startswith("claimdesk: /")
        assert err.count("\n") == 1
        assert err.endswith("/gone\\x0dclaimdesk: all fine\\x0a.jsonl: cannot read: no such file\n")
    target = two_documents.parent / "copy\r\n.db"
    code, out, err = _run(two_documents, "backup", target)
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert "\r" not in out
    assert "copy\\x0d\\x0a.db" in out


def test_a_bad_argument_is_echoed_visibly_by_the_usage_error(two_documents: Path) -> None:
    # argparse quoted an unrecognised argument raw: ESC[2J in it cleared the terminal.
    code, out, err = _run(two_documents, "stats", "--wide\x1b[2J\x1b]0;pwned\x07\r")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "claimdesk: error: unrecognized arguments: --wide\\x1b[2J\\x1b]0;pwned\\x07\\x0d"
    )


@pytest.mark.parametrize("command", ["import-annotations", "import-links"])
@pytest.mark.parametrize("content", [b"", b"\n \n\t\n"])
def test_an_empty_decisions_or_annotations_file_is_refused(
    two_documents: Path, command: str, content: bytes
) -> None:
    # Exit 0 with "imported 0" read as done, when most likely the wrong file was named.
    empty = two_documents.parent / "empty.jsonl"
    empty.write_bytes(content)
    before = _counts(two_documents)
    code, _, err = _run(two_documents, command, empty)
    assert code == 1
    assert (
        err
        == f"claimdesk: refused {empty}: no records: the file is empty or holds only blank lines\n"
    )
    assert _counts(two_documents) == before


@pytest.mark.parametrize(
    "command", [["stats"], ["export", "--format", "jsonl", "--out", "-"], ["agree"]]
)
def test_a_command_that_only_reads_leaves_an_empty_database_file_alone(
    tmp_path: Path, command: list[str]
) -> None:
    # SQLite takes a 0-byte file for an empty database; migrating it was a write.
    empty = tmp_path / "touched.db"
    empty.touch()
    code, out, err = _run(empty, *command)
    assert code == 1
    assert out == ""
    assert err == f"claimdesk: {empty}: is an empty file, not a claimdesk database\n"
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["touched.db"]


# A name over the file system's 255 bytes, with an escape sequence the message must show.
TOO_LONG = "\x1b[2J" + "y" * 300


def test_a_file_name_too_long_in_a_batch_is_refused_and_the_rest_imports(tmp_path: Path) -> None:
    # exists() raised ENAMETOOLONG: one "unexpected error", and nothing of the batch imported.
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "stadt.txt").write_text(TEXT, encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _run(db, "import", folder, f"{TOO_LONG}.txt")
    assert code == 1
    assert err == f"claimdesk: refused \\x1b[2J{'y' * 300}.txt: cannot read: file name too long\n"
    assert out.startswith("imported 1 new document(s) from 1 file(s); 0 already present; 1 refused")
    assert _rows(db, "SELECT text FROM documents") == [(TEXT,)]


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (["--db", f"{TOO_LONG}.db", "stats"], "the database"),
        (["--db", f"{TOO_LONG}.db", "check"], "the database"),
        (["backup", TOO_LONG], "the backup"),
        (["backup", f"{TOO_LONG}/copy.db"], "the backup"),
        (["export", "-f", "csv", "--out", TOO_LONG], "--out"),
        (["export", "-f", "brat", "--out", TOO_LONG], "--out"),
        (["export", "-f", "pairs", "--out", TOO_LONG], "--out"),
        (["export", "-f", "label-studio", "--label-config", TOO_LONG], "--label-config"),
    ],
)
def test_a_path_too_long_is_one_line_naming_it_and_nothing_is_written(
    two_documents: Path, command: list[str], what: str
) -> None:
    # Each was "unexpected error: OSError: [Errno 36] File name too long" with the raw name.
    before = two_documents.read_bytes()
    code, out, err = _run(two_documents, *command)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("claimdesk: \\x1b[2Jyyy")
    assert err.endswith(f": cannot be used for {what} (file name too long)\n")
    assert two_documents.read_bytes() == before
    assert sorted(p.name for p in two_documents.parent.iterdir()) == ["c.db"]


def test_a_keymap_name_too_long_is_one_line_naming_it(two_documents: Path) -> None:
    code, out, err = _run(two_documents, "read", "--keymap", TOO_LONG)
    assert (code, out) == (1, "")
    assert err == f"claimdesk: keymap \\x1b[2J{'y' * 300}: cannot read: file name too long\n"


def test_a_loop_of_links_or_a_file_as_folder_is_named_like_a_name_too_long(
    two_documents: Path,
) -> None:
    # The probe that names a name too long names these too: a loop of links was called
    # missing by import and, with --force, replaced by the export's file.
    loop = two_documents.parent / "loop"
    loop.symlink_to(loop)
    inside_a_file = two_documents.parent / "c.db" / "tasks.json"
    code, _, err = _run(two_documents, "export", "-f", "jsonl", "--force", "--out", loop)
    assert (code, err) == (
        1,
        f"claimdesk: {loop}: cannot be used for --out (too many symbolic links)\n",
    )
    code, _, err = _run(two_documents, "export", "-f", "jsonl", "--out", inside_a_file)
    assert (code, err) == (
        1,
        f"claimdesk: {inside_a_file}: cannot be used for --out (a folder in the path is a file)\n",
    )
    code, _, err = _run(two_documents, "import", "-q", loop)
    assert (code, err) == (1, f"claimdesk: refused {loop}: cannot read: too many symbolic links\n")
    assert _counts(two_documents) == (2, 0, 0)


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_an_annotator_name_of_a_page_is_refused_before_anything_is_written(
    two_documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # --annotator took 5,000 characters, where import-annotations allows 200 to a name.
    article = tmp_path / "neu.txt"
    article.write_text("Die Stadt meldet 11.000 Besucher.\n", encoding="utf-8")
    name = "x" * 5_000
    args: list[str | bytes] = ["import", str(article)]
    if how == "flag":
        args.append(f"--annotator={name}")
    else:
        monkeypatch.setenv("CLAIMDESK_ANNOTATOR", name)
    code, _, err = _run(two_documents, *args)
    assert (code, err) == (
        1,
        "claimdesk: annotator name of 5,000 characters; at most 200 are allowed\n",
    )
    assert _counts(two_documents)[0] == 2


def test_an_unprintable_annotator_name_of_a_page_is_quoted_short(
    two_documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checked before the length, it was echoed whole: 5,000 characters in one line.
    monkeypatch.setenv("CLAIMDESK_ANNOTATOR", "\x7f" + "x" * 5_000)
    code, _, err = _run(two_documents, "import", str(two_documents))
    assert (code, err) == (
        1,
        f"claimdesk: annotator name '\\x7f{'x' * 33}…' must be printable and not empty\n",
    )


@pytest.mark.parametrize("command", [["labels"], ["stats"], ["stories", "--all"]])
def test_a_pipe_whose_reader_is_gone_ends_the_report_quietly(
    two_documents: Path, command: list[str]
) -> None:
    # `claimdesk labels | true`: the report's last flush met the closed pipe after the
    # command had returned, and a Python traceback reached the terminal (exit 120).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        outcome = _with_stdout(two_documents, write_end, *command)
    finally:
        os.close(write_end)
    assert outcome == (0, b"")


def test_a_folders_link_to_a_file_outside_it_is_refused_and_one_inside_is_imported(
    two_documents: Path, tmp_path: Path
) -> None:
    # A corpus unpacked from someone else's archive keeps its links: `shadow.txt ->
    # /etc/shadow` (or `notes.txt -> ~/.ssh/id_ed25519`) went into the shared database.
    secret = tmp_path / "private" / "id_key.txt"
    secret.parent.mkdir()
    secret.write_text("PRIVATE KEY material, not an article.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").symlink_to(secret)
    (corpus / "real.txt").write_text("Die Stadt meldet 11.000 Besucher.\n", encoding="utf-8")
    (corpus / "again.txt").symlink_to(corpus / "real.txt")
    code, _, err = _run(two_documents, "import", "-q", "--no-stories", corpus)
    assert (code, err) == (
        1,
        f"claimdesk: refused {corpus / 'notes.txt'}: a symbolic link to a file outside"
        f" {corpus}; name the file itself to import it\n",
    )
    texts = [text for (text,) in _rows(two_documents, "SELECT text FROM documents")]
    assert not [t for t in texts if "PRIVATE" in t]
    # A link to a file the walk reaches anyway leaves it its own name (the link, first in
    # walk order, had given it its name and folder).
    assert _rows(
        two_documents,
        "SELECT source_name FROM documents WHERE text = 'Die Stadt meldet 11.000 Besucher.'",
    ) == [("real.txt",)]
    # Named itself, the file behind the link is imported: the user chose it.
    code, _, err = _run(two_documents, "import", "-q", "--no-stories", corpus / "notes.txt")
    assert (code, err) == (0, "")
    # A link to nothing is no file outside: it is said as unreadable.
    (corpus / "notes.txt").unlink()
    (corpus / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    code, _, err = _run(two_documents, "import", "-q", "--no-stories", corpus)
    assert code == 1
    assert f"refused {corpus / 'gone.txt'}: cannot read" in err
    assert "outside" not in err
