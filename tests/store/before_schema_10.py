"""Statements that take a database back from the newest schema to how schema 9 left it.

Schema 10 only adds objects (the compact ``suggestions`` table, its index, two views
and a trigger) and moves suggested rows out of ``links``; schema 12 only adds the
``curation_rejections`` table. Tests that rebuild an older database drop them before
rewinding ``user_version``.
"""

SCHEMA_10_UNDONE = (
    "DROP TABLE curation_rejections",
    "DROP TRIGGER links_undecided",
    "DROP VIEW all_links",
    "DROP VIEW suggested_links",
    "DROP TABLE suggestions",
)
