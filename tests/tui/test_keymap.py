"""Keymap files: the shipped ones are complete and sendable, bad ones name file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser
from textual.binding import Binding
from textual.events import Key
from textual.keys import _character_to_key

from claimdesk.cli import main as cli_main
from store.segment import split_sentences
from tests.tui.conftest import ARTICLE_A, Corpus
from tests.tui.xterm_keys import xterm_sequence
from tui import keymap as keymap_module
from tui.actions import ACTIONS, BY_ID, ActionSpec
from tui.app import create_app
from tui.keymap import (
    ACTIVE_TOGETHER,
    SHIPPED_KEYMAPS,
    KeymapError,
    keymap_file,
    load_keymap,
)
from tui.keynames import KeyNameError, canonical_key, character_key
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen

KEYMAPS = Path(__file__).resolve().parents[2] / "keymaps"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def parse_keys(sequence: str) -> list[str]:
    """The key names Textual's terminal parser makes of ``sequence``."""
    parser = XTermParser()
    tokens = [*parser.feed(sequence), *parser.feed("")]
    return [token.key for token in tokens if isinstance(token, Key)]


# Shipped keymaps ---------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
def test_shipped_keymap_binds_every_action(name: str) -> None:
    keymap = load_keymap(name)
    assert set(keymap) == set(BY_ID)
    assert all(keymap[action_id] for action_id in keymap)


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
def test_shipped_file_lists_every_id_itself(name: str) -> None:
    """Each file stands alone (no extends), so it can be read as documentation."""
    text = (KEYMAPS / f"{name}.toml").read_text(encoding="utf-8")
    assert "extends" not in text.split("[keys]")[0]
    for spec in ACTIONS:
        assert f'"{spec.id}"' in text, spec.id


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
def test_every_shipped_key_arrives_from_a_terminal_as_bound(name: str) -> None:
    """Type each key as an xterm would; Textual's parser must name it as the keymap does."""
    for action_id, keys in load_keymap(name).items():
        for key in keys.split(","):
            assert parse_keys(xterm_sequence(key)) == [key], f"{name}: {action_id} {key!r}"


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
def test_labels_one_to_nine_on_the_digits(name: str) -> None:
    keymap = load_keymap(name)
    for digit in range(1, 10):
        assert str(digit) in keymap[f"reader.label_{digit}"].split(",")


def test_vim_and_emacs_have_their_characteristic_keys() -> None:
    vim = {k: v.split(",") for k, v in load_keymap("vim").items()}
    emacs = {k: v.split(",") for k, v in load_keymap("emacs").items()}
    expected_vim = {
        "reader.cursor_left": "h", "reader.cursor_down": "j", "reader.cursor_up": "k",
        "reader.cursor_right": "l", "reader.word_next": "w", "reader.word_prev": "b",
        "reader.sentence_prev": "left_parenthesis", "reader.sentence_next": "right_parenthesis",
        "reader.paragraph_prev": "left_curly_bracket",
        "reader.paragraph_next": "right_curly_bracket",
        "reader.line_start": "0", "reader.line_end": "dollar_sign",
        "reader.doc_start": "g", "reader.doc_end": "G", "reader.select_down": "J",
        "reader.select_word_next": "W", "app.undo": "u", "app.redo": "ctrl+r",
        "reader.page_down": "ctrl+f",
    }  # fmt: skip
    expected_emacs = {
        "reader.cursor_left": "ctrl+b", "reader.cursor_right": "ctrl+f",
        "reader.cursor_up": "ctrl+p", "reader.cursor_down": "ctrl+n",
        "reader.word_next": "ctrl+right", "reader.word_prev": "ctrl+left",
        "reader.sentence_prev": "alt+a", "reader.sentence_next": "alt+e",
        "reader.page_down": "ctrl+v", "reader.page_up": "alt+v",
        "reader.line_start": "ctrl+a", "reader.line_end": "ctrl+e",
        "app.undo": "ctrl+underscore", "app.command_palette": "alt+x",
        "reader.clear_selection": "ctrl+g",
    }  # fmt: skip
    for action_id, key in expected_vim.items():
        assert key in vim[action_id], action_id
    for action_id, key in expected_emacs.items():
        assert key in emacs[action_id], action_id


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
def test_no_key_serves_two_actions_that_are_active_together(name: str) -> None:
    keymap = load_keymap(name)
    for group in ACTIVE_TOGETHER:
        seen: dict[str, str] = {}
        for spec in ACTIONS:
            if spec.context in group:
                for key in keymap[spec.id].split(","):
                    assert seen.setdefault(key, spec.id) == spec.id, (name, key)


def test_none_uses_the_config_files_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "config.toml", 'keymap = "emacs"\n')
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    assert load_keymap(None) == load_keymap("emacs")


def test_none_without_config_is_default() -> None:
    assert load_keymap(None) == load_keymap("default")


def test_config_keymap_path_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keys").mkdir()
    write(tmp_path / "keys" / "mine.toml", 'extends = "vim"\n[keys]\n"reader.pick_label" = "T"\n')
    config = write(tmp_path / "config.toml", 'keymap = "keys/mine.toml"\n')
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    assert load_keymap(None)["reader.pick_label"] == "T"


# User files ----------------------------------------------------------------------


def test_user_file_overrides_one_binding(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mine.toml",
        """
        extends = "vim"
        [keys]
        "reader.select_sentence" = "V, ctrl+s"
        """,
    )
    mine = load_keymap(str(path))
    vim = load_keymap("vim")
    assert mine["reader.select_sentence"] == "V,ctrl+s"
    assert {k: v for k, v in mine.items() if k != "reader.select_sentence"} == {
        k: v for k, v in vim.items() if k != "reader.select_sentence"
    }


def test_dotted_and_subtable_spellings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mine.toml",
        """
        extends = "default"
        [keys]
        app.quit = "ctrl+x"
        [keys.reader]
        pick_label = "?"
        """,
    )
    with pytest.raises(KeymapError) as caught:
        load_keymap(str(path))
    # '?' is app.help's key too: the clash is reported at the line that introduced it.
    assert f"{path}:5:" in str(caught.value)
    assert "question_mark" in str(caught.value)
    path.write_text(path.read_text().replace('"?"', '"T"'))
    keymap = load_keymap(str(path))
    assert keymap["app.quit"] == "ctrl+x"
    assert keymap["reader.pick_label"] == "T"


def test_extends_a_relative_file(tmp_path: Path) -> None:
    write(tmp_path / "base.toml", 'extends = "emacs"\n[keys]\n"reader.pick_label" = "T"\n')
    path = write(tmp_path / "top.toml", 'extends = "base.toml"\n[keys]\n"reader.edit_note" = "N"\n')
    keymap = load_keymap(str(path))
    assert keymap["reader.pick_label"] == "T"
    assert keymap["reader.edit_note"] == "N"
    assert keymap["reader.cursor_down"] == "ctrl+n,down"


def test_symbols_are_stored_under_textuals_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mine.toml",
        """
        extends = "default"
        [keys]
        "links.accept" = "+,=,ä"
        "reader.close" = "alt+Q"
        """,
    )
    keymap = load_keymap(str(path))
    assert keymap["links.accept"] == "plus,equals_sign,ä"
    assert keymap["reader.close"] == "alt+shift+q"


# Errors name the file and the line ----------------------------------------------------


def refused(tmp_path: Path, body: str) -> str:
    path = write(tmp_path / "bad.toml", body)
    with pytest.raises(KeymapError) as caught:
        load_keymap(str(path))
    message = str(caught.value)
    assert "\n" not in message
    return message.replace(str(path), "FILE")


def test_unknown_action_id(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        """
        extends = "default"
        [keys]
        "reader.cursor_down" = "j"
        "reader.slect_sentence" = "v"
        """,
    )
    assert message.startswith("keymap FILE:4: unknown action id 'reader.slect_sentence'")
    assert "did you mean 'reader.select_sentence'" in message


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("ctrl+shift+a", "'ctrl+a'"),
        ("shift+j", "write 'J'"),
        ("ctrl+i", "tab"),
        ("ctrl+m", "enter"),
        ("ctrl+h", "backspace"),
        ("alt+less_than_sign", "alt works only with a letter"),
        ("alt+1", "alt works only with a letter"),
        ("ctrl+space", "ctrl+@"),
        ("plus_sign", "write 'plus'"),
        ("alt+b", "arrives as 'ctrl+left'"),
        ("pgdown", "unknown key"),
        ("j,,k", "empty key name"),
        ("super+j", "only ctrl, shift and alt"),
        ("ctrl+1", "plain digit"),
    ],
)
def test_unsendable_or_unknown_key(tmp_path: Path, keys: str, expected: str) -> None:
    message = refused(
        tmp_path,
        f"""
        extends = "default"
        [keys]

        "reader.toggle_snap" = "{keys}"
        """,
    )
    assert message.startswith("keymap FILE:4: reader.toggle_snap: ")
    assert expected in message


LONG = "x" * 10_000


@pytest.mark.parametrize(
    "body",
    [
        f'extends = "default"\n[keys]\n"reader.pick_label" = "{LONG}"\n',
        f'extends = "default"\n[keys]\n"reader.pick_label" = "ctrl+{LONG}"\n',
        f'extends = "default"\n[keys]\n"reader.{LONG}" = "j"\n',
        f'extends = "default"\n{LONG} = 1\n',
        f'extends = "{LONG}.toml"\n',
    ],
    ids=["key", "modified key", "action", "setting", "extends"],
)
def test_a_huge_value_is_quoted_short(tmp_path: Path, body: str) -> None:
    # A 10,000-character key name made the one-line refusal 10,093 characters.
    message = refused(tmp_path, body)
    assert len(message) < 250
    assert "xxx…" in message


def test_a_control_character_padded_with_a_page_of_spaces_is_quoted_short(
    tmp_path: Path,
) -> None:
    # The spelling was echoed with its padding: 10,000 spaces in a one-line refusal.
    pad = " " * 10_000
    body = f'extends = "default"\n[keys]\n"reader.pick_label" = "{pad}\\u0001{pad}"\n'
    message = refused(tmp_path, body)
    assert message == (
        "keymap FILE:3: reader.pick_label: '\\x01' is not a printable key: use a name like 'space'"
    )


def test_two_actions_on_one_key_in_one_context(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        """
        extends = "vim"
        [keys]
        "reader.next_span" = "n"
        "reader.edit_note" = "j"
        """,
    )
    assert message.startswith("keymap FILE:4: key 'j' is bound to both reader.edit_note and")
    assert "reader.cursor_down (vim.toml line" in message


def test_app_key_clashes_with_a_screen_key(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "default"\n[keys]\n"app.quit" = "s"\n')
    assert message.startswith("keymap FILE:3: key 's' is bound to both app.quit and")
    # 's' is both library.sort and reader.select_sentence: either clash is reported.
    assert "library.sort" in message or "reader.select_sentence" in message


def test_same_key_in_separate_screens_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path / "ok.toml", 'extends = "default"\n[keys]\n"library.sort" = "l"\n')
    assert load_keymap(str(path))["library.sort"] == "l"  # reader.pick_label is also l


def test_links_clash_with_reader(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "vim"\n[keys]\n"links.skip" = "k"\n')
    assert message.startswith("keymap FILE:3: key 'k' is bound to both links.skip and")
    assert "reader.cursor_up" in message


def test_priority_action_on_a_typing_key(tmp_path: Path) -> None:
    """Quit works even in text boxes, so binding it to 'q' would make 'q' untypable."""
    message = refused(tmp_path, 'extends = "default"\n[keys]\n"app.quit" = "ctrl+q,q"\n')
    assert message.startswith("keymap FILE:3: app.quit: 'q' would be taken from every text box")


def test_picker_key_taken_by_its_search_box(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "default"\n[keys]\n"picker.cursor_up" = "ctrl+k"\n')
    assert message.startswith("keymap FILE:3: picker.cursor_up: 'ctrl+k' is used by the picker's")


def test_bad_toml(tmp_path: Path) -> None:
    message = refused(tmp_path, '[keys]\n"app.quit" = "ctrl+q"\n"app.help" = f1\n')
    assert message.startswith("keymap FILE:3: not valid TOML")


def test_nesting_deeper_than_the_toml_parser_goes_is_bad_toml(tmp_path: Path) -> None:
    # tomllib recurses into inline tables: the RecursionError was an "unexpected error".
    message = refused(tmp_path, "[keys]\nx = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n")
    assert message == "keymap FILE: not valid TOML: nested too deeply"


def test_duplicate_entry_is_bad_toml(tmp_path: Path) -> None:
    message = refused(
        tmp_path, 'extends = "default"\n[keys]\n"app.quit" = "ctrl+q"\n"app.quit" = "q"\n'
    )
    assert message.startswith("keymap FILE:4: not valid TOML")


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        ('[keys.reader]\npick_label = "T"\n[keys]\n"reader.pick_label" = "U"\n', (2, 4)),
        ('[keys]\n"reader.pick_label" = "U"\n[keys.reader]\npick_label = "T"\n', (2, 4)),
        ('[keys]\n"reader.pick_label" = "U"\nreader.pick_label = "T"\n', (2, 3)),
    ],
    ids=["table first", "quoted first", "dotted"],
)
def test_one_action_bound_twice_in_one_file_is_refused(
    tmp_path: Path, body: str, lines: tuple[int, int]
) -> None:
    # TOML takes the spellings for two keys, and the later one won without a word.
    message = refused(tmp_path, 'extends = "default"\n' + body)
    first, second = (line + 1 for line in lines)
    assert message == (
        f"keymap FILE:{second}: reader.pick_label is bound twice (lines {first} and {second})"
    )


def test_unknown_extends(tmp_path: Path) -> None:
    message = refused(tmp_path, '# mine\nextends = "nano"\n[keys]\n')
    assert message.startswith("keymap FILE:2: extends 'nano': no such keymap")


def test_extends_missing_file(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "gone.toml"\n')
    assert message.startswith("keymap FILE:1: extends 'gone.toml': no such file")


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "bad.toml"\n')
    message = refused(tmp_path, 'extends = "a.toml"\n')
    assert "extends cycle: bad.toml -> a.toml -> bad.toml" in message


def test_file_without_extends_starts_from_the_registry(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.toml", '[keys]\n"app.quit" = "ctrl+x"\n')
    keymap = load_keymap(str(path))
    assert keymap["app.quit"] == "ctrl+x"
    assert set(keymap) == set(BY_ID)
    for spec in ACTIONS:
        if spec.id != "app.quit":
            assert keymap[spec.id] == ",".join(canonical_key(k) for k in spec.keys.split(","))


def test_bad_registry_default_is_reported_at_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ActionSpec("app.broken", "bell", "Broken", "ctrl+i")
    monkeypatch.setattr(keymap_module, "ACTIONS", (*ACTIONS, broken))
    monkeypatch.setitem(BY_ID, broken.id, broken)
    path = write(tmp_path / "mine.toml", '[keys]\n"app.quit" = "ctrl+x"\n')
    with pytest.raises(KeymapError) as caught:
        load_keymap(str(path))
    assert "actions.py" in str(caught.value)
    assert "default keys of app.broken: 'ctrl+i' never arrives" in str(caught.value)


def test_registry_default_keys_are_sendable() -> None:
    for spec in ACTIONS:
        for key in spec.keys.split(","):
            canonical_key(key)


def test_value_must_be_a_string(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "default"\n[keys]\n"app.quit" = ["ctrl+q"]\n')
    assert message.startswith("keymap FILE:3: app.quit: keys must be a string")


def test_unknown_top_level_setting(tmp_path: Path) -> None:
    message = refused(tmp_path, 'extends = "default"\nkeymap = "vim"\n')
    assert message.startswith("keymap FILE:2: unknown setting 'keymap'")


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    # Notepad's UTF-8 mark was "not valid TOML: Invalid statement" at line 1.
    path = tmp_path / "bom.toml"
    path.write_text('extends = "default"\n[keys]\n"reader.pick_label" = "T"\n', "utf-8-sig")
    assert load_keymap(str(path))["reader.pick_label"] == "T"


def test_a_utf16_keymap_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "wide.toml"
    path.write_text('extends = "default"\n', encoding="utf-16")
    with pytest.raises(KeymapError) as caught:
        load_keymap(str(path))
    assert str(caught.value) == f"keymap {path}: is UTF-16; save it as UTF-8"


def test_unknown_keymap_name() -> None:
    with pytest.raises(KeymapError, match="no such keymap: choose default, vim, emacs"):
        load_keymap("nano")


def test_missing_keymap_file(tmp_path: Path) -> None:
    with pytest.raises(KeymapError, match="no such file"):
        load_keymap(str(tmp_path / "absent.toml"))


def test_shipped_names_resolve_to_the_keymaps_folder() -> None:
    for name in SHIPPED_KEYMAPS:
        assert keymap_file(name) == KEYMAPS / f"{name}.toml"


# Key names agree with Textual ------------------------------------------------------


def test_character_names_match_textual() -> None:
    for code in range(0x21, 0x7F):
        assert character_key(chr(code)) == _character_to_key(chr(code))
    for character in "äöüßé§€":
        assert character_key(character) == _character_to_key(character)


def test_alt_letters_arrive_as_validated() -> None:
    """An alt+letter the validator accepts arrives under that name; the rest are refused."""
    for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        try:
            key = canonical_key(f"alt+{letter}")
        except KeyNameError:
            assert parse_keys("\x1b" + letter) != [f"alt+{letter}"], letter
        else:
            assert parse_keys("\x1b" + letter) == [key], letter


def test_canonical_key_examples() -> None:
    assert canonical_key("?") == "question_mark"
    assert canonical_key(" J ") == "J"
    assert canonical_key("alt+shift+f") == "alt+shift+f"
    assert canonical_key("ctrl+@") == "ctrl+@"
    with pytest.raises(KeyNameError):
        canonical_key("ctrl+A")


# Each shipped keymap drives the real app ------------------------------------------------


def first(keymap: dict[str, str], action_id: str) -> str:
    return keymap[action_id].split(",")[0]


@pytest.mark.parametrize("name", SHIPPED_KEYMAPS)
async def test_keys_from_each_keymap_drive_the_reader(corpus: Corpus, name: str) -> None:
    keymap = load_keymap(name)
    sentences = split_sentences(ARTICLE_A)
    app = create_app(corpus.path, "tester", doc_ids=[corpus.a, corpus.b], keymap=keymap)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view

        await pilot.press(first(keymap, "reader.cursor_down"))
        assert view.index.line_of(view.cursor) == 1
        await pilot.press(first(keymap, "reader.doc_start"))
        assert view.cursor == 0
        await pilot.press(first(keymap, "reader.word_next"))
        assert ARTICLE_A[: view.cursor].rstrip() == "The"
        await pilot.press(first(keymap, "reader.line_end"))
        assert view.index.line_of(view.cursor) == 0
        assert view.cursor > 40
        await pilot.press(first(keymap, "reader.line_start"))
        assert view.cursor == 0
        await pilot.press(first(keymap, "reader.sentence_next"))
        assert view.cursor == sentences[1][0]
        await pilot.press(first(keymap, "reader.select_sentence"))
        assert view.selection == sentences[1]
        await pilot.press(first(keymap, "reader.label_1"))
        await pilot.pause()
        with corpus.session() as session:
            assert [(s.start, s.end) for s in session.spans(corpus.a)] == [sentences[1]]

        await pilot.press(first(keymap, "app.undo"))
        await pilot.pause()
        with corpus.session() as session:
            assert session.spans(corpus.a) == []
        await pilot.press(first(keymap, "app.redo"))
        await pilot.pause()
        with corpus.session() as session:
            assert len(session.spans(corpus.a)) == 1

        await pilot.press(first(keymap, "reader.select_right"))
        assert view.mark is not None
        await pilot.press(first(keymap, "reader.clear_selection"))
        assert view.mark is None

        await pilot.press(first(keymap, "reader.next_pane"))
        assert screen.active == 1
        assert app.focused is screen.view

        await pilot.press(first(keymap, "app.help"))
        assert isinstance(app.screen, HelpScreen)
        shown = {row.action_id: row.keys for row in app.screen.rows}
        assert "reader.select_sentence" in shown
        assert (
            app.get_key_display(Binding(first(keymap, "reader.select_sentence"), "x"))
            in (shown["reader.select_sentence"])
        )


def test_bad_keymap_stops_the_reader_before_the_screen_opens(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.toml", 'extends = "vim"\n[keys]\n"reader.edit_note" = "j"\n')
    status = cli_main(["--db", str(corpus.path), "read", "--keymap", str(bad), "council-a.txt"])
    error = capsys.readouterr().err
    assert status == 1
    assert error == (
        f"claimdesk: keymap {bad}:3: key 'j' is bound to both reader.edit_note and"
        " reader.cursor_down (vim.toml line "
        + str(_line_in(KEYMAPS / "vim.toml", '"reader.cursor_down"'))
        + "), which are active together (links/reader screens)\n"
    )


def _line_in(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(prefix))
