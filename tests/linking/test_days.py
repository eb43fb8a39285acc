"""Days said differently resolve to one token against the publication date."""

from __future__ import annotations

import dataclasses
import datetime
import json
from contextlib import closing
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.db import connect
from store.linking.days import day_tokens, published_date
from store.linking.features import DocInput, build_corpus
from store.linking.score import pair_score
from tests.linking.corpus import sentences_document

THURSDAY = datetime.date(2025, 3, 13)


@pytest.mark.parametrize(
    ("sentence", "language", "day"),
    [
        ("Der Deich brach am Dienstagabend.", "de", "@d3.11"),
        ("The dyke broke late on Tuesday.", "en", "@d3.11"),
        ("Vor zwei Tagen brach der Deich.", "de", "@d3.11"),
        ("The dyke broke two days ago.", "en", "@d3.11"),
        ("Gestern stieg der Pegel.", "de", "@d3.12"),
        ("Yesterday the river rose.", "en", "@d3.12"),
        ("Am 11. März brach der Deich.", "de", "@d3.11"),
        ("Am 11.3. brach der Deich.", "de", "@d3.11"),
        ("On March 11th the dyke broke.", "en", "@d3.11"),
        ("It broke on the 11th of March.", "en", "@d3.11"),
        ("In der Nacht zum Mittwoch brach der Deich.", "de", "@d3.12"),
        ("Am Donnerstag tagt der Rat.", "de", "@d3.13"),  # the publication day itself
        ("Am kommenden Montag soll der Rat entscheiden.", "de", "@d3.17"),
        ("Last Thursday the council met.", "en", "@d3.6"),
        ("Vor einer Woche begann der Regen.", "de", "@d3.6"),
    ],
)
def test_a_day_said_differently_resolves_to_its_date(
    sentence: str, language: str, day: str
) -> None:
    assert day_tokens(sentence, language, THURSDAY) == [day]


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Montags ist das Amt geschlossen.", "de"),  # every Monday: no one day
        ("Sales rose 2.5. Then they fell.", "en"),  # an English decimal, not 2 May
        ("Am 31. Februar war nichts.", "de"),  # no such day
        ("Der Pegel stieg auf 4,50 Meter.", "de"),
    ],
)
def test_no_day_is_made_up(sentence: str, language: str) -> None:
    assert day_tokens(sentence, language, THURSDAY) == []


def test_without_a_publication_date_only_written_dates_resolve() -> None:
    assert day_tokens("Am 11. März, einem Dienstag, brach der Deich.", "de", None) == ["@d3.11"]
    assert day_tokens("Gestern, am Dienstag, brach der Deich.", "de", None) == []


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2025-03-13", THURSDAY),
        ("2025-03-13T08:15:00+01:00", THURSDAY),
        ("13 March 2025", None),  # unparsed forms are stored as written
        ("", None),
        (None, None),
    ],
)
def test_publication_dates_are_read_from_their_stored_form(
    stored: str | None, expected: datetime.date | None
) -> None:
    assert published_date(stored) == expected


def _dated(document: DocInput, published: str) -> DocInput:
    return dataclasses.replace(document, published=published)


def test_reports_a_day_apart_share_the_day_they_name() -> None:
    # Tuesday's flood told on Wednesday as "gestern" and on Thursday as "am Dienstag";
    # a third report, on Thursday, speaks of Thursday's events.
    documents = [
        _dated(sentences_document(1, "a", ["Gestern brach in Grimma der Deich"]), "2025-03-12"),
        _dated(sentences_document(2, "b", ["Der Deich in Grimma brach am Dienstag"]), "2025-03-13"),
        _dated(
            sentences_document(3, "c", ["Der Deich in Grimma brach am Donnerstag"]),
            "2025-03-13",
        ),
    ]
    dated = build_corpus(documents, clauses=False)
    undated = build_corpus(
        [dataclasses.replace(d, published=None) for d in documents], clauses=False
    )
    assert "@d3.11" in dated.texts[0].split()
    assert "@d3.11" in dated.texts[1].split()
    assert pair_score(dated, 0, 1) > pair_score(undated, 0, 1)
    assert pair_score(dated, 0, 1) > pair_score(dated, 0, 2)


def test_a_written_date_wins_over_a_weekday_said_beside_it() -> None:
    # Published a week and a half later, "Dienstag" alone would be the 18th.
    later = datetime.date(2025, 3, 20)
    assert day_tokens("Am Dienstag, 11. März, brach der Deich.", "de", later) == ["@d3.11"]
    assert day_tokens("Am Dienstag brach der Deich.", "de", later) == ["@d3.18"]


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # A regex that ignores case matches the long s; lower() kept it, a KeyError.
        ("Am 3. Augu\u017ft kam er", THURSDAY, ["@d8.3"]),
        ("Am Dien\u017ftag kam er", THURSDAY, ["@d3.11"]),
        ("Am 3. AUGU\u017fT", None, ["@d8.3"]),
        # Dates at the calendar's ends: the days before year 1 or after 9999 do not exist.
        ("Vor 20 Tagen, gestern", datetime.date(1, 1, 5), ["@d1.4"]),
        ("Am kommenden Montag, gestern", datetime.date(9999, 12, 31), ["@d12.30"]),
        ("vor 99 Wochen", datetime.date(1, 2, 1), []),
    ],
)
def test_hostile_text_and_dates_at_the_calendars_ends_give_what_exists(
    sentence: str, published: datetime.date | None, expected: list[str]
) -> None:
    assert day_tokens(sentence, "de", published) == expected


def test_link_runs_over_articles_dated_at_the_calendars_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "Vor 20 Tagen brach in Grimma der Deich am Flu\u017f. "
        "Am kommenden Montag, dem 3. Augu\u017ft, tagt der Krisenstab in Grimma."
    )
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        "".join(
            json.dumps({"id": name, "outlet": name, "date": date, "text": f"{name}: {text}"}) + "\n"
            for name, date in (("a", "0001-01-03"), ("b", "9999-12-31"), ("c", "2025-03-13"))
        ),
        encoding="utf-8",
    )
    database = tmp_path / "claims.db"
    assert main(["--db", str(database), "import", str(articles)]) == 0
    assert main(["--db", str(database), "link"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    with closing(connect(database)) as db:
        assert db.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] > 0
