"""rapidfuzz's ``ratio`` of many text pairs, a bounded number of pairs at a time.

``process.cpdist`` converts every text of its two lists to its own representation
before it compares any pair: for the four million fully scored pairs of a
10,000-article corpus that copy was the peak of linking's memory (some 400 MB
above what the pairs and the corpus hold). Chunks keep the same results, each
pair is compared on its own, and still use every core within a chunk.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

# Pairs compared per cpdist call: large enough that starting its threads is noise.
RATIO_CHUNK = 250_000


def pair_ratios(
    first: npt.NDArray[np.object_], second: npt.NDArray[np.object_]
) -> npt.NDArray[np.float64]:
    """``fuzz.ratio(first[k], second[k]) / 100`` for every ``k``."""
    result = np.empty(len(first), dtype=np.float64)
    for begin in range(0, len(first), RATIO_CHUNK):
        stop = begin + RATIO_CHUNK
        result[begin:stop] = (
            process.cpdist(
                first[begin:stop],
                second[begin:stop],
                scorer=fuzz.ratio,
                workers=-1,
                dtype=np.float64,
            )
            / 100.0
        )
    return result
