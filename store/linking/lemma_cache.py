"""simplemma's decoded lemma dictionaries, kept per user as marshal data.

| caller                                  | calls       |
|-----------------------------------------|-------------|
| :mod:`store.linking.normalize` (import) | :func:`install` |

Every process that lemmatizes decodes simplemma's compressed dictionary first:
1.5-1.9 s of CPU for German (1.1 million entries) in each normalising worker of
each ``claimdesk link``, and in the reader's warm-up. ``marshal`` reads the
decoded mapping in about a third of that. The file is keyed by simplemma's
version and the SHA-256 of its data file, and starts with a magic string and the
SHA-256 of what follows, so a file that is damaged, cut short or left by another
version is never trusted: the dictionary is decoded as before and the file
written again. It is written to a temporary file and renamed, so a reader (two
workers start at once) sees a whole file or none. A cache folder that cannot be
read or written is no error: nothing is cached.

The hook is simplemma's module-level ``_load_dictionary_from_disk`` (simplemma
2.0); if a later simplemma lacks it, nothing is installed and nothing changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import platformdirs

MAGIC = b"claimdesk-lemmas-1\n"
_DIGEST = 32

Loader = Callable[[str], dict[bytes, bytes]]


def cache_folder() -> Path:
    """Where the decoded dictionaries are kept: the user's cache folder."""
    return platformdirs.user_cache_path("claimdesk", appauthor=False) / "lemmas"


def install() -> bool:
    """Route simplemma's dictionary loading through the cache; whether it could."""
    try:
        from simplemma.strategies.dictionaries import dictionary_factory
    except ImportError:
        return False
    original = getattr(dictionary_factory, "_load_dictionary_from_disk", None)
    folder = getattr(dictionary_factory, "DATA_FOLDER", None)
    if not callable(original) or not isinstance(folder, Path):
        return False
    if getattr(original, "cached_by_claimdesk", False):
        return True
    cached = _cached_loader(original, folder)
    cached.cached_by_claimdesk = True  # type: ignore[attr-defined]
    dictionary_factory._load_dictionary_from_disk = cached  # type: ignore[assignment]
    return True


def _cached_loader(original: Loader, data_folder: Path) -> Loader:
    def load(langcode: str) -> dict[bytes, bytes]:
        source = data_folder / f"{langcode}.plzma"
        try:
            path = cache_folder() / _file_name(langcode, source)
        except (OSError, ValueError):
            # Not a shipped language (simplemma raises its own error) or unreadable data.
            return original(langcode)
        found = read_cached(path)
        if found is not None:
            return found
        decoded = original(langcode)
        write_cached(path, decoded)
        return decoded

    return load


def _file_name(langcode: str, source: Path) -> str:
    if not langcode.isalnum():
        raise ValueError(langcode)
    try:
        version = metadata.version("simplemma")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:24]
    return f"simplemma-{version}-{langcode}-{digest}.marshal"


def read_cached(path: Path) -> dict[bytes, bytes] | None:
    """The mapping stored at ``path``, or None when it is missing, damaged or unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _DIGEST
    if len(data) <= head or not data.startswith(MAGIC):
        return None
    payload = memoryview(data)[head:]
    if hashlib.sha256(payload).digest() != data[len(MAGIC) : head]:
        return None
    try:
        mapping = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(mapping, dict):
        return None
    return mapping


def write_cached(path: Path, mapping: dict[bytes, bytes]) -> bool:
    """Store ``mapping`` at ``path`` atomically; False (and no file) when it cannot."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = marshal.dumps(mapping)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lemmas-", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC)
            file.write(hashlib.sha256(payload).digest())
            file.write(payload)
        os.replace(temporary, path)
        return True
    except (OSError, ValueError):
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
