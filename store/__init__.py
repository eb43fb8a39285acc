"""claimdesk's headless core: schema, import, linking and export. No UI code lives here."""

from __future__ import annotations

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


class _SqliteUtilsWithoutNumpy:
    """Loads sqlite-utils without the numpy (and pandas) it imports only to map their
    scalar types to column types when it infers a table's schema.

    claimdesk's tables come from its migrations and its writes are plain SQL, so that
    mapping is never used, while importing numpy was the largest single cost of starting
    the reader (~100 ms). Modules that need numpy (linking, stories) still import it. A
    finder rather than an import here, so commands that never open a database
    (``--version``, ``--help``) do not load sqlite-utils at all. (Duck-typed: importing
    ``importlib.abc`` alone costs ~30 ms.)
    """

    hidden = ("numpy", "pandas")
    on_use = ("dateutil.parser",)

    def __init__(self) -> None:
        self._loader: Any = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "sqlite_utils":
            return None
        sys.meta_path.remove(self)  # once is enough, and the real spec comes from the rest
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or "numpy" in sys.modules:
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
        blocked = [name for name in self.hidden if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        for name in self.on_use:
            sys.modules.setdefault(name, _ImportedOnUse(name))
        try:
            self._loader.exec_module(module)
        finally:
            for name in blocked:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]


if "sqlite_utils" not in sys.modules:
    sys.meta_path.insert(0, _SqliteUtilsWithoutNumpy())
