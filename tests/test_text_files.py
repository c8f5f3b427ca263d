"""The one rule for reading a text file of unknown encoding (db/text_files.py), shared by every import."""

from __future__ import annotations

import pytest

from db.text_files import TextFileError, decode_text, without_controls

NAMES = "Zoë Ashdown, Siân O’Neill, Élan café – €5\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (NAMES.encode("utf-8"), NAMES, "UTF-8"),
        (b"\xef\xbb\xbf" + NAMES.encode("utf-8"), NAMES, "UTF-8 with BOM"),
        (NAMES.encode("cp1252"), NAMES, "Windows-1252 (ISO-8859-1)"),
        ("Zoë Ashdown, Siân\n".encode("iso-8859-1"), "Zoë Ashdown, Siân\n", "Windows-1252 (ISO-8859-1)"),
        (b"URN,Name\r\n1,Plain\r\n", "URN,Name\r\n1,Plain\r\n", "ASCII"),
        ("Zoe\u0308\n".encode(), "Zoë\n", "UTF-8"),  # decomposed (as macOS saves it) is stored composed
    ],
)
def test_what_gias_and_excel_save_is_read_as_written(data, text, encoding) -> None:
    decoded = decode_text(data, "The file f.csv")
    assert (decoded.text, decoded.encoding) == (text, encoding)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Zoë".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04\x00\x00", "binary data"),
        ("a\nb\u0080c\n".encode(), r"control character U\+0080 on line 2"),
        (b"a\nb\nc\x07d", r"control character U\+0007 on line 3"),
        (b"caf\xc3\xa9 \x81", "line 1 has the byte 0x81"),  # neither valid UTF-8 nor defined in cp1252
        (b"\xef\xbb\xbfok\n\xe9\n", "says it is UTF-8 but line 2"),
        ("lost \ufffd".encode(), "lost in an earlier conversion"),
        (b" \r\n", "is empty"),
    ],
)
def test_what_cannot_be_read_for_certain_is_refused_in_one_sentence(data, message) -> None:
    with pytest.raises(TextFileError, match=message) as refused:
        decode_text(data, "The file f.csv")
    assert refused.value.message.startswith("The file f.csv ") and "\n" not in refused.value.message


def test_without_controls_keeps_words_apart_and_drops_the_rest() -> None:
    assert without_controls("zo\x00ë\tsmith\r\nx\x85y") == "zoë smith  xy"
