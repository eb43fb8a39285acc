"""Markdown front matter: YAML values read as YAML reads them, TOML read with tomllib."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import ImportRefused
from store.formats.front_matter import split_front_matter
from store.formats.markdown import read_markdown
from store.formats.metadata import clean_value
from store.formats.normalize import clean_controls

PATH = Path("fm") / "a.md"


def metadata(front_matter: str) -> tuple[str | None, str | None]:
    """Title and outlet of an article with this YAML front matter."""
    article = read_markdown(f"---\n{front_matter}\n---\nBody text.\n", PATH)
    return article.title, article.outlet


@pytest.mark.parametrize(
    ("front_matter", "title"),
    [
        # Each of these was stored as written: escapes literal, quotes kept, a block lost.
        ('title: "Caf\\u00e9 \\"quoted\\" news"', 'Café "quoted" news'),
        ("title: 'It''s Daily'", "It's Daily"),
        ('title: "Site" # comment', "Site"),
        ("title: 'Site'   # comment", "Site"),
        ("title: >-\n  A folded\n  title here", "A folded title here"),
        ("title: |\n  Two\n  lines\n\n", "Two lines"),
        ("title: >2\n   indented\n  text", "indented text"),
        ('title: "\\x41\\tB\\U0001F600 \\ud83d\\ude00"', "A B😀 😀"),
        ('title: "folded\n  over\n\n  lines"', "folded over lines"),
        ('title: "joined\\\n  here"', "joinedhere"),
        ("title:\n  On the next line\n  and the one after", "On the next line and the one after"),
        ("title: A plain\n  value # comment\nurl: x", "A plain value"),
        ("title: &anchor !!str Tagged", "Tagged"),
        ("title: Plain # not a comment?", "Plain"),
        ("title: C#, not a comment", "C#, not a comment"),
        # Not YAML, but plainly what the writer meant, and what was stored before.
        ("title: Breaking: 3 dead", "Breaking: 3 dead"),
        ("title: @mayor says no", "@mayor says no"),
    ],
)
def test_yaml_values_are_read_as_yaml_reads_them(front_matter: str, title: str) -> None:
    assert metadata(front_matter)[0] == title


@pytest.mark.parametrize(
    ("front_matter", "kind"),
    [
        ("title: [x, y]", "a list"),
        ("title:\n  - x\n  - y", "a list"),
        ("title:\n- x\n- y", "a list"),
        ("title: {a: b}", "a map"),
        ("title:\n  en: Flood\n  de: Flut", "a map"),
        ("a: &a x\ntitle: *a", "an alias"),
        ('title: "unclosed', "a quote that is never closed"),
        ('title: "closed" and more', "not valid YAML (text after the closing quote)"),
        ('title: "bad \\q escape"', "not valid YAML (an unknown escape)"),
    ],
)
def test_a_metadata_value_that_is_not_text_is_left_out_with_a_note(
    front_matter: str, kind: str
) -> None:
    article = read_markdown(f"---\n{front_matter}\noutlet: O\n---\nBody text.\n", PATH)
    assert article.title == "Body text."  # the first line, as without a title
    assert article.outlet == "O"
    assert article.note == f"front matter values that are not text were left out: title ({kind})"


def test_values_of_other_keys_are_left_out_without_a_note() -> None:
    article = read_markdown("---\ntags: [a, b]\nextra: *x\ntitle: T\n---\nBody.\n", PATH)
    assert (article.title, article.note) == ("T", None)


def test_nulls_and_empty_values_are_no_value() -> None:
    assert metadata("title: ~\noutlet: null") == ("Body text.", None)
    assert metadata("title: ''\noutlet:\n# comment") == ("Body text.", None)
    assert metadata("title:    # comment only") == ("Body text.", None)


def test_a_yaml_bomb_is_never_expanded() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    article = read_markdown("---\n" + "\n".join(lines) + "\ntitle: *i\n---\nBody.\n", PATH)
    assert article.text == "Body."
    assert article.note == "front matter values that are not text were left out: title (an alias)"


def test_toml_front_matter_is_read_not_stored_as_text() -> None:
    # Hugo's +++ front matter was not recognised: it became the text and the title.
    article = read_markdown(
        '+++\ntitle = "TOML FM"\noutlet = "Hugo \\u00e9 Daily"\ndate = 2025-03-04\n'
        'tags = ["a", "b"]\nurl = 7\n\n[params]\nx = 1\n+++\nBody toml.\n',
        PATH,
    )
    assert (article.title, article.outlet, article.published) == (
        "TOML FM",
        "Hugo é Daily",
        "2025-03-04",
    )
    assert article.text == "Body toml."
    assert article.note == "front matter values that are not text were left out: url (a number)"


def test_toml_dates_and_times_are_taken() -> None:
    article = read_markdown("+++\ndate = 2025-03-04T10:30:00+01:00\n+++\nBody.\n", PATH)
    assert article.published == "2025-03-04"


def test_invalid_toml_front_matter_refuses_the_file_naming_the_line() -> None:
    with pytest.raises(ImportRefused) as caught:
        read_markdown('+++\ntitle = "ok"\noutlet = Herald\n+++\nBody.\n', PATH)
    assert (
        str(caught.value)
        == f"{PATH}: front matter is not valid TOML: Invalid value (at line 3, column 10)"
    )


@pytest.mark.parametrize("value", ["[" * 100_000, "{b = " * 50_000])
def test_toml_front_matter_nested_too_deeply_is_one_line(value: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read_markdown(f"+++\na = {value}\n+++\nBody.\n", PATH)
    assert str(caught.value) == f"{PATH}: front matter is not valid TOML: nested too deeply"


def test_an_unclosed_toml_block_is_markdown() -> None:
    front = split_front_matter("+++\ntitle = 'x'\n\nBody", PATH)
    assert (front.pairs, front.body) == ([], "+++\ntitle = 'x'\n\nBody")


_STYLES = st.sampled_from([None, "'", '"', "|", ">"])


@settings(max_examples=300, deadline=None)
@given(
    value=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60),
    style=_STYLES,
    width=st.integers(min_value=10, max_value=80),
)
def test_every_way_yaml_writes_a_string_reads_back_the_same(
    value: str, style: str | None, width: int
) -> None:
    yaml = pytest.importorskip("yaml")
    # PyYAML chooses escapes, quoting, folding and chomping as the style and width let it.
    dumped = yaml.safe_dump(
        {"title": value, "outlet": "O"}, default_style=style, width=width, allow_unicode=True
    )
    expected = clean_value(yaml.safe_load(dumped)["title"])
    # The Markdown reader unifies line ends first: NEL, U+2028 and U+2029 are line breaks.
    source = clean_controls(f"---\n{dumped}---\nBody.\n")
    pairs = dict(split_front_matter(source, PATH).pairs)
    assert clean_value(pairs.get("title")) == expected
    assert pairs["outlet"] == "O"


@settings(max_examples=300, deadline=None)
# Anchors and tags (& and !) are left to the examples above: PyYAML ends an anchor at
# the first character that is not a letter, digit, - or _, where YAML ends it at a space.
@given(st.text(alphabet="ab #:'\"\\\n-|>*[]{}xu0e9", max_size=40))
def test_what_yaml_reads_as_text_is_read_the_same(value: str) -> None:
    yaml = pytest.importorskip("yaml")
    source = f"title: {value}\nurl: u\n"
    try:
        expected = yaml.load(source, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        expected = None  # anything read, or nothing, but no crash
    front = split_front_matter(f"---\n{source}---\nBody.\n", PATH)
    # Which blocks are front matter is claimdesk's call (keys are names, "0:" is none).
    is_front_matter = front.body == "Body.\n"
    if is_front_matter and isinstance(expected, dict) and isinstance(expected.get("title"), str):
        pairs = dict(front.pairs)
        assert clean_value(pairs.get("title")) == clean_value(expected["title"])
