"""claimdesk's headless core: schema, import, linking and export. No UI code lives here."""

from __future__ import annotations

import _thread
import importlib
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any


class _ImportedOnUse(ModuleType):
    """A stand-in for a module that sqlite-utils imports as it loads but uses only inside
    functions claimdesk does not call: the real module is imported on the first
    attribute asked of it (dateutil's parser, ~15 ms, serves sqlite-utils' date recipes)."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


class _HiddenFromOneThread:
    """A finder that refuses ``names`` to the thread that put it in place, and to no other.

    Marking a module as absent in ``sys.modules`` would refuse it to every thread: the
    reader imports sqlite-utils in a thread after its first frame while the linker loads
    numpy in another, which then failed ("import of numpy halted").
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)
        self.thread = _thread.get_ident()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        if fullname in self.names and _thread.get_ident() == self.thread:
            raise ModuleNotFoundError(f"{fullname} is left out while sqlite-utils loads")
        return None


class _SqliteUtilsWithoutNumpy:
    """Loads sqlite-utils without the numpy (and pandas) it imports only to map their
    scalar types to column types when it infers a table's schema.

    claimdesk's tables come from its migrations and its writes are plain SQL, so that
    mapping is never used, while importing numpy was the largest single cost of starting
    the reader (~100 ms). Modules that need numpy (linking, stories) still import it,
    in any thread, even while sqlite-utils loads. A finder rather than an import here,
    so commands that never open a database (``--version``, ``--help``) do not load
    sqlite-utils at all. (Duck-typed: importing ``importlib.abc`` alone costs ~30 ms.)
    """

    hidden: tuple[str, ...] = ("numpy", "pandas")
    on_use: tuple[str, ...] = ("dateutil.parser",)
    module = "sqlite_utils"

    def __init__(self) -> None:
        self._loader: Any = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.module:
            return None
        sys.meta_path.remove(self)  # once is enough, and the real spec comes from the rest
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or self.hidden[0] in sys.modules:
            return spec
        self._loader = spec.loader
        spec.loader = self  # type: ignore[assignment]  # a loader by protocol
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        assert self._loader is not None
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        assert self._loader is not None
        for name in self.on_use:
            sys.modules.setdefault(name, _ImportedOnUse(name))
        hiding = _HiddenFromOneThread([n for n in self.hidden if n not in sys.modules])
        sys.meta_path.insert(0, hiding)
        try:
            self._loader.exec_module(module)
        finally:
            sys.meta_path.remove(hiding)


if "sqlite_utils" not in sys.modules:
    sys.meta_path.insert(0, _SqliteUtilsWithoutNumpy())
