"""What a store function that only reads needs: something holding an open connection.

Both a ``sqlite_utils.Database`` and a :class:`store.session.Session` have one, so the
reads of the reader's first screen run on the session's plain connection, and
sqlite-utils (tens of milliseconds to import) loads only after the first frame.
"""

from __future__ import annotations

import sqlite3
from typing import Protocol


class Connected(Protocol):
    @property
    def conn(self) -> sqlite3.Connection: ...
