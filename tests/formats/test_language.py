"""Language detection over a small set of European languages."""

from __future__ import annotations

import pytest

from store.formats.language import detect_language

SAMPLES = {
    "de": "Die Polizei hat am Montag in Berlin einen Mann festgenommen, der mehrere"
    " Einbrüche begangen haben soll.",
    "en": "The police arrested a man in Berlin on Monday who is suspected of several"
    " burglaries, officials said.",
    "fr": "La police a arrêté lundi à Berlin un homme soupçonné de plusieurs cambriolages,"
    " selon les autorités.",
    "es": "La policía detuvo el lunes en Berlín a un hombre sospechoso de varios robos,"
    " según las autoridades.",
    "it": "La polizia ha arrestato lunedì a Berlino un uomo sospettato di diversi furti,"
    " secondo le autorità.",
    "nl": "De politie heeft maandag in Berlijn een man gearresteerd die wordt verdacht van"
    " meerdere inbraken.",
    "pl": "Policja zatrzymała w poniedziałek w Berlinie mężczyznę podejrzanego o kilka"
    " włamań, podały władze.",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_detects_each_language(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["Berlin", "12345 67890", "", "Полиция задержала мужчину."])
def test_unclear_text_gives_none(text: str) -> None:
    assert detect_language(text) is None


def test_mixed_text_gives_none() -> None:
    assert detect_language("The police arrested a man. Die Polizei hat einen Mann.") is None


def test_only_the_start_is_sampled() -> None:
    assert detect_language(SAMPLES["de"] * 30 + SAMPLES["en"] * 300) == "de"
