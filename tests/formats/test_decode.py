"""decode_bytes: UTF-8 first, BOM-marked UTF-16/32, detection for legacy text, refusals."""

from __future__ import annotations

import random
from pathlib import Path

import charset_normalizer
import pytest

from store.errors import ImportRefused
from store.formats.decode import UNDECODABLE, Decoded, decode_bytes, decode_text

PATH = Path("corpus") / "article.txt"
GERMAN = "Größere Übel: „Die Straße“ kostet 5 € – sagt Müller. Öl, Äpfel und süße Brötchen."


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        decode_bytes(data, PATH)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{PATH}: ")
    return caught.value.reason


def test_utf8() -> None:
    assert decode_bytes(GERMAN.encode(), PATH) == GERMAN


def test_utf8_bom_is_dropped() -> None:
    assert decode_bytes(b"\xef\xbb\xbf" + GERMAN.encode(), PATH) == GERMAN


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    data = GERMAN.encode(codec)
    if not codec.endswith(("16", "32")):  # the -le/-be codecs write no BOM themselves
        data = ("\ufeff" + GERMAN).encode(codec)
    assert decode_bytes(data, PATH) == GERMAN


def test_windows_1252_german() -> None:
    text = f"{GERMAN}\nDie Stadt zahlt 1,5 Mio. € für „Soforthilfe“ – das ist mehr als geplant.\n"
    assert decode_bytes(text.encode("cp1252"), PATH) == text


def test_windows_1252_short_word() -> None:
    assert decode_bytes("Müller".encode("cp1252"), PATH) == "Müller"


@pytest.mark.parametrize(
    "text",
    [
        # charset-normalizer read these as Big5 (Chinese), GB18030 or an Arabic code page.
        "Über 11.000 Menschen",
        "Über 11.000 Menschen mussten ihre Häuser verlassen.",
        "Öl und Gas: Preise steigen",
        "Äpfel",
        "«Non», a-t-il dit à l'Élysée.",
        # A soft hyphen (0xAD) sent the whole text to the detector: Chinese again.
        "Die Bürger\u00admeisterin sagte am Montag, die Straße sei gesperrt.",
        "Die Ober\u00adbürgermeisterin sagte, das Hoch\u00adwasser steige weiter.",
    ],
)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_short_western_text_in_a_legacy_codec_is_not_read_as_another_script(
    text: str, codec: str
) -> None:
    assert decode_bytes(text.encode(codec), PATH) == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Правительство России объявило в понедельник о новых мерах поддержки.", "cp1251"),
        ("Η κυβέρνηση ανακοίνωσε τη Δευτέρα νέα μέτρα στήριξης για 11.000 οικογένειες.", "cp1253"),
        ("北京市政府星期一宣布了新的支持措施，涉及一万一千个家庭。", "gbk"),
    ],
)
def test_other_scripts_are_still_detected(text: str, codec: str) -> None:
    """Read as Windows-1252 they are accented Latin letters nearly throughout, or not
    Windows-1252 at all: the detector decides them as before."""
    assert decode_bytes(text.encode(codec), PATH) == text


def test_windows_1252_french_keeps_accents() -> None:
    text = "L'été dernier, le député a déclaré « très inquiet » – à Paris… ’voilà’."
    assert decode_bytes(text.encode("cp1252"), PATH) == text


def test_central_european_text_is_not_forced_to_1252() -> None:
    text = "Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština je krásný jazyk a vláda oznámila daně."
    assert decode_bytes(text.encode("cp1250"), PATH) == text


def test_random_high_bytes_are_refused() -> None:
    rng = random.Random(20250311)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(512))
    assert refusal(data) == UNDECODABLE


def test_invalid_utf16_after_bom_is_refused() -> None:
    reason = refusal(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8")
    assert reason.startswith("cannot decode: invalid UTF-16")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP/DOCX"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF"),
        (b"SQLite format 3\x00\x10\x00", "SQLite"),
    ],
)
def test_binary_signatures(data: bytes, kind: str) -> None:
    assert refusal(data) == f"binary file ({kind}), not text"


def test_nul_bytes_mean_binary() -> None:
    assert refusal(b"plain text\x00with a NUL") == "binary file (NUL bytes), not text"


def test_empty_file() -> None:
    assert refusal(b"") == "empty file"


def test_valid_utf8_skips_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("detection ran on valid UTF-8")

    monkeypatch.setattr(charset_normalizer, "from_bytes", fail)
    text = "Straße " * 100_000
    assert decode_bytes(text.encode(), PATH) == text


UTF8_PART = "Der Bürgermeister von Köln sagt: „Die Brücke über den Fluss bleibt gesperrt.“\n"
CP1252_PART = "Später meldete die Polizei, dass zwölf Häuser geräumt wurden – 5 € Schaden.\n"


def test_utf8_with_a_pasted_windows_1252_stretch_is_read_stretch_by_stretch() -> None:
    # Used to be refused as "not UTF-8 and no text encoding detected".
    data = UTF8_PART.encode() * 5 + CP1252_PART.encode("cp1252")
    decoded = decode_text(data, PATH)
    assert decoded.text == UTF8_PART * 5 + CP1252_PART
    assert decoded.note == (
        "mixed encodings: 6 byte(s) in 6 place(s) are not UTF-8 and were read as Windows-1252"
    )
    assert decode_bytes(data, PATH) == decoded.text


def test_windows_1252_with_a_pasted_utf8_paragraph_keeps_both_readable() -> None:
    # Used to be read as one legacy codec, so the UTF-8 paragraph became "BĂĽrgermeister".
    data = UTF8_PART.encode() + CP1252_PART.encode("cp1252") * 5
    decoded = decode_text(data, PATH)
    assert decoded.text == UTF8_PART + CP1252_PART * 5
    assert decoded.note is not None


def test_windows_1252_whose_bytes_pair_up_as_utf8_by_accident_is_not_mixed() -> None:
    # "ß“" is DF 93 in Windows-1252, valid UTF-8 for U+07D3: no evidence of UTF-8.
    text = "Er sagte „Gruß“, „groß“ und „Spaß“. Die Straße ist gesperrt, 5 € Strafe.\n" * 3
    assert decode_text(text.encode("cp1252"), PATH) == Decoded(text)
