"""claimdesk's headless core: schema, import, linking and export. No UI code lives here."""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils without the numpy (and pandas) it loads only to map their scalar
    types to column types when it infers a table's schema.

    claimdesk's tables come from its migrations and its writes are plain SQL, so that
    mapping is never used, while importing numpy is the largest single cost of starting
    the reader (~100 ms). Modules that need numpy (linking, stories) still import it.
    """
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    hidden = ("numpy", "pandas")
    blocked = [name for name in hidden if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


_import_sqlite_utils_without_numpy()
