"""Publication dates in common written forms become ISO dates; others stay as given."""

from __future__ import annotations

import pytest

from store.formats.dates import normalize_date


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-11",
        "2025-3-11",
        "2025-03-11T18:40:00+01:00",
        "2025-03-11 18:40",
        "2025/03/11",
        "2025.03.11",
        "11.03.2025",
        "11. 3. 2025, 18.40 Uhr",
        "Di., 11.03.2025",
        "11. März 2025",
        "11 March 2025",
        "Tuesday, 11 March 2025",
        "March 11, 2025",
        "Mar. 11th, 2025",
        "Tue, 11 Mar 2025 18:40:00 +0000",
        "11 mars 2025",
        "11 de marzo de 2025",
        "11 marzo 2025",
        "11 maart 2025",
        "11 marca 2025",
    ],
)
def test_common_forms_become_iso(value: str) -> None:
    assert normalize_date(value) == "2025-03-11"


@pytest.mark.parametrize(
    ("value", "expected"), [("25/03/2025", "2025-03-25"), ("03/25/2025", "2025-03-25")]
)
def test_slashed_dates_convert_when_unambiguous(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["05/03/2025", "2025-02-30", "yesterday", "2025", "March 2025", "11 Foo 2025", "2025-03/11"],
)
def test_other_values_are_kept(value: str) -> None:
    assert normalize_date(value) == value
