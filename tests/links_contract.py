"""The links-jsonl record's fields, written down once for every test that checks an export.

Kept in the tests, not imported from the exporter, so a field the exporter drops or
adds fails them instead of moving the contract along with the code.
"""

RECORD_FIELDS = frozenset(
    {"id", "a", "b", "score", "status", "method", "annotator", "reason", "cluster"}
)
END_FIELDS = frozenset({"doc", "start", "end", "text", "span"})
