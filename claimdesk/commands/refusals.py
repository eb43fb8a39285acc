"""The refusals an import lists on stderr, shared by every import command.

A file of the wrong kind (a links file named to ``import``, a metrics dump) refuses
every record, one line each: 5,000 records flooded the terminal with 5,000 lines. The
first :data:`SHOWN_REFUSALS` say why; the rest are counted in one line, and the
command's summary still counts them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimdesk.commands.common import Outcome, say
from store.visible import visible

SHOWN_REFUSALS = 50


def say_refusals(refused: Sequence[object]) -> None:
    """``claimdesk: refused …`` for the first :data:`SHOWN_REFUSALS`, then how many more."""
    if refused:
        Outcome.failing()
    for reason in refused[:SHOWN_REFUSALS]:
        # Each names a file, whose name may hold escape sequences: shown, never sent.
        say(f"claimdesk: refused {visible(str(reason))}", err=True)
    if len(refused) > SHOWN_REFUSALS:
        say(
            f"claimdesk: … and {len(refused) - SHOWN_REFUSALS} more refusal(s) not shown",
            err=True,
        )
