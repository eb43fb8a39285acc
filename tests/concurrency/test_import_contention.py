"""A bulk import never makes an annotator's write fail (10,000 articles: the benchmark)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concurrency.import_contention import annotate_during_import, write_corpus


@pytest.mark.slow
def test_annotator_writes_land_during_a_bulk_import(tmp_path: Path) -> None:
    corpus = tmp_path / "wire.jsonl"
    write_corpus(corpus, 400)
    result = annotate_during_import(tmp_path / "shared.db", corpus)
    assert result.errors == []
    assert result.imported == 400
    assert result.refused == 0
    assert result.writes > 10  # the annotator really wrote while the import ran
    # One import batch holds the lock briefly: no write waited anywhere near the limit.
    assert max(result.latencies) < 3.0
