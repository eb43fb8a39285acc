"""simplemma's decoded dictionaries cached per user: the same mapping, never a damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest
from simplemma.strategies.dictionaries import dictionary_factory

from store.linking import lemma_cache


def _decode(langcode: str) -> dict[bytes, bytes]:
    """simplemma's own decoding, beneath the cache."""
    return dictionary_factory.frontcode._decode_stream(
        dictionary_factory._read_decompressed(langcode)
    )


@pytest.fixture
def loader(tmp_path: Path) -> lemma_cache.Loader:
    assert lemma_cache.cache_folder().is_relative_to(tmp_path.parent), "isolated"
    return lemma_cache._cached_loader(_decode, dictionary_factory.DATA_FOLDER)


def _cached_file() -> Path:
    (path,) = lemma_cache.cache_folder().glob("simplemma-*-en-*.marshal")
    return path


def test_install_routes_simplemma_through_the_cache() -> None:
    assert lemma_cache.install()
    assert lemma_cache.install(), "installing twice is harmless"
    assert getattr(dictionary_factory._load_dictionary_from_disk, "cached_by_claimdesk", False)


def test_a_cached_dictionary_is_the_decoded_one(loader: lemma_cache.Loader) -> None:
    decoded = _decode("en")
    assert loader("en") == decoded  # decoded, then written
    path = _cached_file()
    assert path.read_bytes().startswith(lemma_cache.MAGIC)
    assert lemma_cache.read_cached(path) == decoded
    assert loader("en") == decoded  # read back
    assert not list(path.parent.glob("*.tmp")), "no temporary file is left"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: b"X" + data[1:],
        lambda data: data[: len(lemma_cache.MAGIC) + 32],
    ],
    ids=["empty", "cut short", "one bit flipped", "other magic", "header only"],
)
def test_a_damaged_file_is_never_trusted_and_is_written_again(
    loader: lemma_cache.Loader, damage: object
) -> None:
    decoded = loader("en")
    path = _cached_file()
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    assert lemma_cache.read_cached(path) is None
    assert loader("en") == decoded
    assert lemma_cache.read_cached(path) == decoded, "rewritten whole"


def test_a_cache_folder_that_cannot_be_written_is_no_error(
    loader: lemma_cache.Loader, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    # A file in the way fails for root too, where a read-only mode would not.
    monkeypatch.setattr(lemma_cache, "cache_folder", lambda: blocked / "lemmas")
    assert loader("en") == _decode("en")
    assert blocked.read_text().startswith("a file")
    assert lemma_cache.write_cached(blocked / "lemmas" / "x.marshal", {b"a": b"b"}) is False


def test_another_simplemma_version_uses_another_file(
    loader: lemma_cache.Loader, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader("en")
    first = _cached_file()
    monkeypatch.setattr(lemma_cache.metadata, "version", lambda _name: "99.0")
    loader("en")
    names = sorted(p.name for p in first.parent.glob("simplemma-*-en-*.marshal"))
    assert len(names) == 2
    assert any("-99.0-" in name for name in names)


def test_an_unsupported_language_fails_as_simplemma_does(loader: lemma_cache.Loader) -> None:
    with pytest.raises(ValueError, match="Unsupported language"):
        loader("../de")
    assert not lemma_cache.cache_folder().exists() or not list(lemma_cache.cache_folder().iterdir())
