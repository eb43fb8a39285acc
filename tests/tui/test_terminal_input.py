"""What ends the reader unexpectedly ends it with one line and a non-zero status, never a
traceback; and the terminal's bytes that are not UTF-8 are read, not fatal
(``tests/e2e/test_terminal_bytes.py`` sends them through tmux)."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.traceback import Traceback

from tests.tui.conftest import Corpus, settle
from tui import terminal_input
from tui.app import create_app
from tui.failures import Unexpected


def test_bytes_that_are_not_utf8_are_read_as_latin1_letters_or_replaced() -> None:
    decode = terminal_input.lenient_decoder("utf-8")().decode
    assert decode(b"caf\xe9 ") == "café "  # a Latin-1 terminal's "é"
    assert decode(b"\x9b31m") == "\ufffd31m"  # a C1 byte is no letter
    # A character split over two reads still waits for its second byte.
    assert decode(b"Stra\xc3") == "Stra"
    assert decode(b"\x9fe") == "ße"


def test_a_bracketed_paste_keeps_no_escape_and_keys_outside_it_keep_theirs() -> None:
    decode = terminal_input.lenient_decoder("utf-8")().decode
    assert decode(b"\x1b[A") == "\x1b[A"  # an arrow key, outside a paste
    # Inside it, escape sequences go whole, as import removes them: only the ESC went,
    # and a pasted ESC[31m left [31m in the note.
    assert decode(b"\x1b[200~x\x1bd\x1b[2Jy\x1b[201~\x1b") == "\x1b[200~xy\x1b[201~\x1b"
    assert decode(b"\x1b[200~x\x1b[31mred\x1b[0m \x1b]0;title\x07!\x1b[201~") == (
        "\x1b[200~xred !\x1b[201~"
    )


def test_a_paste_split_over_reads_is_cleaned_across_them() -> None:
    decode = terminal_input.lenient_decoder("utf-8")().decode
    pieces = [b"\x1b[200~note\x1b", b"[1mbold", b"\x1b]0;ti", b"tle\x07!\x1b[20", b"1~", b"\x1bd"]
    assert "".join(decode(piece) for piece in pieces) == "\x1b[200~notebold!\x1b[201~\x1bd"
    # The end marker's first characters wait for the next read, nothing else does.
    decode = terminal_input.lenient_decoder("utf-8")().decode
    assert decode(b"\x1b[200~abc\x1b[2") == "\x1b[200~abc"
    assert decode(b"01~q") == "\x1b[201~q"


def test_textual_reads_terminal_input_through_the_lenient_decoder() -> None:
    from textual.drivers import linux_driver

    # Fails when a Textual upgrade stops taking its decoder by this name: then the
    # reader would end on a Latin-1 byte again.
    assert terminal_input.install()
    assert linux_driver.getincrementaldecoder is terminal_input.lenient_decoder
    assert terminal_input.install()  # a second call keeps it
    assert codecs.getincrementaldecoder("utf-8")().errors == "strict"  # nowhere else


def _printed_on_exit(captured: pytest.CaptureFixture[str]) -> str:
    """What the app printed when it ended, its lines (wrapped at 80 columns) joined."""
    return "".join(captured.readouterr().err.splitlines())


async def test_a_defect_ends_the_reader_with_one_line_and_a_log(
    corpus: Corpus,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = create_app(corpus.path, "tester")

    def broken() -> None:
        raise RuntimeError("the\x1b[2J defect")

    async def run() -> None:
        async with app.run_test(size=(120, 24)) as pilot:
            await settle(pilot)
            app.call_later(broken)
            await app._exception_event.wait()

    with pytest.raises(Unexpected) as caught:
        await run()
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert app.return_code == 1
    line = _printed_on_exit(capsys)
    assert line.startswith("claimdesk: unexpected error: RuntimeError: the")
    assert "Traceback" not in line
    assert "\x1b" not in line
    log = tmp_path / "state" / "claimdesk" / "log" / "errors.log"
    assert f"the details are in {log}" in line
    assert 'raise RuntimeError("the' in log.read_text(encoding="utf-8")


async def test_a_traceback_from_textuals_own_threads_is_logged_not_shown(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = create_app(corpus.path, "tester")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        try:
            b"\xe9x".decode("utf-8")
        except UnicodeDecodeError:
            # What the driver's input thread hands to panic() when it fails.
            app.panic(Traceback())
        # What the app prints as it ends, as panic() left it: one line, wrapped at the
        # app console's width.
        console = Console(color_system=None, record=True, file=io.StringIO())
        for renderable in app._exit_renderables:
            console.print(renderable)
        line = "".join(console.export_text().splitlines())
    assert app.return_code == 1
    assert "Traceback" not in line
    assert line.startswith("claimdesk: unexpected error: UnicodeDecodeError: 'utf-8' codec")
    log = tmp_path / "state" / "claimdesk" / "log" / "errors.log"
    assert "Traceback" in log.read_text(encoding="utf-8")


async def _ended_by(app: object, error: Exception) -> tuple[BaseException, str]:
    """End ``app`` with ``error`` as an unhandled one; what it raised and the line shown."""
    caught: BaseException | None = None
    try:
        async with app.run_test(size=(120, 24)) as pilot:  # type: ignore[attr-defined]
            await settle(pilot)

            def fail() -> None:
                raise error

            app.call_later(fail)  # type: ignore[attr-defined]
            await app._exception_event.wait()  # type: ignore[attr-defined]
    except BaseException as raised:
        caught = raised
    assert caught is not None
    console = Console(color_system=None, record=True, file=io.StringIO(), width=400)
    console.print(caught.__rich__())  # type: ignore[attr-defined]
    return caught, console.export_text().strip()


async def test_the_line_an_error_ends_the_reader_with_is_text_not_markup(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "[/x]" in a message raised MarkupError inside the app's error handling.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = create_app(corpus.path, "tester")
    caught, line = await _ended_by(app, RuntimeError("bad [/x] and [bold]bold[/bold]"))
    assert isinstance(caught, Unexpected)
    assert line.startswith("claimdesk: unexpected error: RuntimeError: bad [/x] and [bold]bold")


async def test_a_lock_held_elsewhere_ends_the_reader_without_calling_it_damage(
    corpus: Corpus,
) -> None:
    import sqlite3

    app = create_app(corpus.path, "tester")
    _caught, line = await _ended_by(app, sqlite3.OperationalError("database is locked"))
    assert line == f"claimdesk: {corpus.path}: database is locked by another writer; try again"
    assert "restore" not in line
