"""Ordinary news text is recognised by its function words, without the dictionaries."""

from __future__ import annotations

import pytest

from store.formats import language

GERMAN = (
    "Der Pegel der Ilmenz stieg am Mittwoch auf 6,84 Meter, wie die Stadt mitteilte. Die"
    " Feuerwehr war mit allen Kräften im Einsatz und hat die Deiche bei Nacht gesichert, sagte"
    " ein Sprecher. Auch die Bundeswehr wurde um Hilfe gebeten, die Lage ist nach wie vor ernst."
)
ENGLISH = (
    "The river rose to 6.84 metres on Wednesday, the town said. Firefighters were out in force"
    " and have secured the levees during the night, a spokesman said. The army has also been"
    " asked for help, and the situation is still serious after the heavy rain of the week."
)
FRENCH = (
    "Le niveau de la rivière est monté à 6,84 mètres mercredi, a indiqué la ville. Les pompiers"
    " sont sur place et ont sécurisé les digues pendant la nuit, selon un porte-parole. Il a"
    " aussi demandé de l'aide à l'armée, mais la situation reste grave pour les habitants."
)


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (ENGLISH, "en"), (FRENCH, "fr")])
def test_clear_text_is_decided_without_simplemma(
    text: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("simplemma should not be needed for clear-cut text")

    monkeypatch.setattr(language.simplemma, "langdetect", forbidden)
    assert language.detect_language(text) == code


def test_short_text_falls_back_to_simplemma() -> None:
    assert language._by_function_words("Hochwasser in Kressbrunn") is None
    assert language.detect_language("Hochwasser in Kressbrunn: Stadt evakuiert Altstadt") in {
        "de",
        None,
    }
