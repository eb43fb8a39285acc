"""sqlite-utils loads without numpy in its own thread, never hiding numpy from another."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import _SqliteUtilsWithoutNumpy


class _FakeLibrary(_SqliteUtilsWithoutNumpy):
    # A library standing in for sqlite-utils, a module standing in for numpy.
    hidden = ("cd_probe",)
    on_use = ()
    module = "cd_fake_library"


LIBRARY = """
import cd_sync
cd_sync.loading.set()
assert cd_sync.go_on.wait(10)
try:
    import cd_probe
    SAW_PROBE = True
except ImportError:
    SAW_PROBE = False
"""
SYNC = "import threading\nloading = threading.Event()\ngo_on = threading.Event()\n"


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_FakeLibrary]:
    (tmp_path / "cd_probe.py").write_text("VALUE = 1\n", "utf-8")
    (tmp_path / "cd_sync.py").write_text(SYNC, "utf-8")
    (tmp_path / "cd_fake_library.py").write_text(LIBRARY, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = _FakeLibrary()
    sys.meta_path.insert(0, finder)
    yield finder
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    for name in ("cd_probe", "cd_sync", "cd_fake_library"):
        sys.modules.pop(name, None)


def _load_library_in_a_thread() -> threading.Thread:
    thread = threading.Thread(target=importlib.import_module, args=("cd_fake_library",))
    thread.start()
    assert importlib.import_module("cd_sync").loading.wait(10)
    return thread


def test_the_library_loads_without_the_hidden_module(modules: _FakeLibrary) -> None:
    thread = _load_library_in_a_thread()
    importlib.import_module("cd_sync").go_on.set()
    thread.join(10)
    assert sys.modules["cd_fake_library"].SAW_PROBE is False
    assert "cd_probe" not in sys.modules
    assert not any(type(f).__name__ == "_HiddenFromOneThread" for f in sys.meta_path)


def test_another_thread_imports_the_hidden_module_while_the_library_loads(
    modules: _FakeLibrary,
) -> None:
    thread = _load_library_in_a_thread()
    # What the reader does: the linker imports numpy while sqlite-utils loads elsewhere.
    probe = importlib.import_module("cd_probe")
    importlib.import_module("cd_sync").go_on.set()
    thread.join(10)
    assert probe.VALUE == 1
    assert "cd_fake_library" in sys.modules
