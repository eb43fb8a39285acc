"""The w3c export read by pyld, the JSON-LD processor (``claimdesk[consumers]``): it
expands with the W3C context (vendored in ``data/``, no network), the collection,
its page and every annotation have an IRI, ``to_rdf`` takes ids from imported
files that hold spaces and ``#``, and every annotation keeps an absolute source
whatever URL a document was imported with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store.changelog import user_action
from store.export import export
from store.export.common import ExportFilter
from store.spans import create_span

jsonld = pytest.importorskip("pyld.jsonld")

CONTEXT_FILE = Path(__file__).parent / "data" / "anno.jsonld"
CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    assert url == CONTEXT_URL, f"the test may not fetch {url}"
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
    }


def _rdf(db: sqlite_utils.Database, tmp_path: Path) -> tuple[dict[str, Any], str]:
    export(db, "w3c", tmp_path / "w3c.jsonld")
    data = json.loads((tmp_path / "w3c.jsonld").read_text(encoding="utf-8"))
    options = {"documentLoader": _offline_loader, "format": "application/n-quads"}
    return data, jsonld.to_rdf(data, options)


def test_collection_page_and_annotations_have_iris(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    data, quads = _rdf(fixed_db, tmp_path)
    expanded = jsonld.expand(data, {"documentLoader": _offline_loader})
    (collection,) = expanded
    assert collection["@id"].startswith("urn:claimdesk:collection:")
    assert collection["@type"] == [AS + "OrderedCollection"]
    (page,) = collection[AS + "first"]
    assert page["@id"] == collection["@id"] + ":page1"
    items = page[AS + "items"][0]["@list"]
    assert len(items) == 9
    assert all(item["@id"].startswith("urn:claimdesk:span:") for item in items)
    assert f"<{collection['@id']}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in quads
    assert quads.count(f"<{OA}Annotation>") == 9


def test_span_ids_with_spaces_and_hashes_become_valid_iris(
    fixed_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    with user_action(fixed_db, "alice", "odd id") as action:
        create_span(action, 1, 4, 9, "CLAIM", span_id="my span #1", annotator="alice")
    _, quads = _rdf(fixed_db, tmp_path)
    assert "<urn:claimdesk:span:my%20span%20%231>" in quads
    # Every subject and object IRI is free of spaces and '#'-less urn fragments.
    for line in quads.splitlines():
        subject = line.split(" ", 1)[0]
        assert " " not in subject


HOSTILE_URLS = (
    "not a url with spaces",
    "_:b0",
    "/politik/artikel-123.html",
    "javascript:alert(1)",
)
SOURCE = OA + "hasSource"


def test_every_annotation_keeps_an_absolute_source_whatever_url_was_imported(
    tmp_path: Path,
) -> None:
    from store.db import connect
    from store.importer import import_paths

    articles = [
        {"id": f"hostile-{n}", "text": f"Die Stadt meldet {n} Besucher.", "url": url}
        for n, url in enumerate(HOSTILE_URLS)
    ]
    articles.append(
        {"id": "fine", "text": "Die Stadt meldet viele Besucher.", "url": "https://a.example/x"}
    )
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    db = connect(":memory:")
    import_paths(db, [batch])
    stored = dict(db.conn.execute("SELECT source_name, url FROM documents"))
    assert stored == {a["id"]: a["url"] for a in articles}
    with user_action(db, "alice", "spans") as action:
        for (doc_id,) in db.conn.execute("SELECT id FROM documents").fetchall():
            create_span(action, doc_id, 0, 9, "CLAIM")
    stats = export(db, "w3c", tmp_path / "w3c.jsonld")
    data = json.loads((tmp_path / "w3c.jsonld").read_text(encoding="utf-8"))
    loader = {"documentLoader": _offline_loader}

    (collection,) = jsonld.expand(data, loader)
    items = collection[AS + "first"][0][AS + "items"][0]["@list"]
    assert len(items) == len(articles)
    sources = []
    for item in items:
        (target,) = item[OA + "hasTarget"]
        (source,) = target[SOURCE]
        sources.append(source["@id"])
    assert sources.count("https://a.example/x") == 1
    assert sum(source.startswith("urn:sha256:") for source in sources) == len(HOSTILE_URLS)

    quads = jsonld.to_rdf(data, {**loader, "format": "application/n-quads"})
    # A source to_rdf dropped, made a blank node or resolved against a base is missing here.
    in_rdf = [line.split(" ")[2] for line in quads.splitlines() if f"<{SOURCE}>" in line]
    assert sorted(in_rdf) == sorted(f"<{source}>" for source in sources)
    for source in sources:
        scheme, _, rest = source.partition(":")
        assert scheme in {"https", "urn"}
        assert rest
        assert " " not in source
    notes = " ".join(stats.notes)
    assert f"{len(HOSTILE_URLS)} document URL(s) not an absolute http(s) IRI" in notes
    db.close()


def _selector_places(text: str, selector: dict[str, str]) -> list[int]:
    """Where a quote-anchoring client finds the selector: every start of exact whose
    prefix and suffix match around it."""
    whole = selector["prefix"] + selector["exact"] + selector["suffix"]
    places, at = [], text.find(whole)
    while at != -1:
        places.append(at + len(selector["prefix"]))
        at = text.find(whole, at + 1)
    return places


def test_a_quote_selector_is_widened_until_it_names_one_place(tmp_path: Path) -> None:
    from store.db import connect
    from store.importer import import_paths

    line = "Die Stadt meldet 11.000 Besucher am Wochenende."
    # The same sentence eleven times, then a different ending: 32 characters either side
    # match everywhere, a wider context only near the ending.
    near_end = " ".join([line] * 10) + " " + line + " Danach regnete es."
    repeated = " ".join([line] * 100)
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": "near", "text": near_end})
        + "\n"
        + json.dumps({"id": "rep", "text": repeated})
        + "\n",
        encoding="utf-8",
    )
    db = connect(":memory:")
    import_paths(db, [batch])
    ids = dict(db.conn.execute("SELECT source_name, id FROM documents"))
    # In the second-to-last sentence: its own 32 characters either side are every
    # sentence's, and the ending is 72 characters after it.
    last = near_end.rindex("11.000", 0, near_end.rindex("11.000"))
    middle = len(line + " ") * 50 + line.index("11.000")
    with user_action(db, "alice", "spans") as action:
        create_span(action, ids["near"], last, last + 6, "FIGURE", span_id="near")
        create_span(action, ids["rep"], middle, middle + 6, "FIGURE", span_id="rep")
    stats = export(db, "w3c", tmp_path / "w3c.jsonld")
    data = json.loads((tmp_path / "w3c.jsonld").read_text(encoding="utf-8"))
    by_id = {item["id"]: item for item in data["first"]["items"]}
    quote, position = by_id["urn:claimdesk:span:near"]["target"]["selector"]
    assert _selector_places(near_end, quote) == [position["start"]] == [last]
    assert 32 < len(quote["prefix"]) <= 1024
    quote, position = by_id["urn:claimdesk:span:rep"]["target"]["selector"]
    # Nothing within 1,024 characters tells the 51st sentence from its neighbours.
    assert len(quote["prefix"]) == len(quote["suffix"]) == 1024
    assert len(_selector_places(repeated, quote)) > 1
    assert position["start"] == middle
    assert (
        "1 span(s) stand in text repeated in its document beyond 1,024 characters either"
        " side" in " ".join(stats.notes)
    )
    # pyld still reads both.
    (collection,) = jsonld.expand(data, {"documentLoader": _offline_loader})
    assert len(collection[AS + "first"][0][AS + "items"][0]["@list"]) == 2
    db.close()


def test_two_versions_of_one_url_each_name_their_own_text(tmp_path: Path) -> None:
    # An article re-crawled after an update is a second stored text under one URL; both
    # had that URL as source, so a client fetching it applied one version's positions to
    # the other (11:13 of the update is "ic", not "10").
    from store.db import connect
    from store.importer import import_paths

    url = "https://news.example/a"
    articles = [
        {"id": "v1", "url": url, "text": "Police say 10 people were hurt."},
        # The same page written another way: the scheme and host's case, the default
        # port and a fragment change nothing that is fetched.
        {
            "id": "v2",
            "url": "HTTPS://News.example:443/a#update",
            "text": "Update: Police now say 12 people were hurt.",
        },
        {"id": "other", "url": "https://news.example/b", "text": "Police say 3 were hurt."},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    db = connect(":memory:")
    import_paths(db, [batch])
    ids = dict(db.conn.execute("SELECT source_name, id FROM documents"))
    texts = {a["id"]: a["text"] for a in articles}
    with user_action(db, "alice", "spans") as action:
        for name, text in texts.items():
            start = text.index("were") - 3
            create_span(action, ids[name], start, start + 2, "FIGURE")
    sha = dict(db.conn.execute("SELECT source_name, sha256 FROM documents"))
    loader = {"documentLoader": _offline_loader}
    for only in (None, "v1"):
        out = tmp_path / f"w3c-{only}.jsonld"
        wanted = ExportFilter() if only is None else ExportFilter(docs=(only,))
        stats = export(db, "w3c", out, wanted)
        data = json.loads(out.read_text(encoding="utf-8"))
        (collection,) = jsonld.expand(data, loader)
        items = collection[AS + "first"][0][AS + "items"][0]["@list"]
        targets = {}
        for item in items:
            (target,) = item[OA + "hasTarget"]
            (source,) = target[SOURCE]
            scope = [s["@id"] for s in target.get(OA + "hasScope", [])]
            targets[source["@id"]] = scope
        expected = {f"urn:sha256:{sha['v1']}": [url]}
        if only is None:
            expected |= {
                f"urn:sha256:{sha['v2']}": ["HTTPS://News.example:443/a#update"],
                "https://news.example/b": [],
            }
        # The selection does not change a document's source: v1 alone is still named
        # by its hash, as in the whole export.
        assert targets == expected
        notes = " ".join(stats.notes)
        shared = 2 if only is None else 1
        assert f"{shared} document(s) share their URL with another stored text" in notes
    db.close()
