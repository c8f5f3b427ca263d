"""Read a text file whose encoding nobody wrote down (CSV from GIAS, Excel or a staff system).

The rule is strict and deterministic, not a statistical guess, so the same
bytes always give the same text and a file we cannot read for certain is
refused with a sentence rather than stored garbled:

1. UTF-16/UTF-32 (a BOM or NUL bytes) and binary files are refused.
2. A UTF-8 BOM means UTF-8 (Excel's "CSV UTF-8"); the BOM is dropped.
3. Otherwise the bytes are tried as strict UTF-8. Text in ISO-8859-1 or
   cp1252 with any accented letter is practically never valid UTF-8
   (an accented byte must be followed by one of 0x80–0xBF), so a clean
   decode is UTF-8.
4. Otherwise cp1252 (what Excel on Windows saves). cp1252 is ISO-8859-1
   with printable characters (’ € – …) where ISO-8859-1 has C1 control
   codes, which never belong in text: so every ISO-8859-1 file that makes
   sense reads the same either way. Bytes cp1252 leaves undefined are refused.
5. The decoded text may hold no C0/C1 control character other than tab,
   carriage return and line feed, and no U+FFFD (a character already lost
   by an earlier conversion); the first such character is named with its line.

Why not charset-normalizer or chardet: they rank candidate encodings by
likelihood, which on a short file with a handful of accented names can
choose a Cyrillic or Greek code page; for three possible encodings a rule
is exact, needs no dependency and explains its refusals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from db.errors import ValidationError

UTF8_BOM = b"\xef\xbb\xbf"
#: every C0/C1 control character (Unicode category Cc) but tab, CR and LF, which separate fields and rows
_FORBIDDEN_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class TextFileError(ValidationError):
    """The file cannot be read as text for certain; nothing was changed."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    #: a name a person recognises: "UTF-8", "UTF-8 with BOM", "Windows-1252 (ISO-8859-1)" or "ASCII"
    encoding: str


def is_control(ch: str) -> bool:
    """C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F): never part of a name or a search."""
    return _CONTROL.fullmatch(ch) is not None


def first_control(value: str) -> str | None:
    """The first control character in ``value`` (tab and line breaks included), or None."""
    found = _CONTROL.search(value)
    return found.group() if found else None


def without_controls(value: str) -> str:
    """``value`` with tabs and line breaks as spaces and every other control character removed."""
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\r\n" else "", value)


def describe_char(ch: str) -> str:
    """``U+0092`` for a control character, ``U+FFFD (replacement character)`` for others, for a message."""
    if is_control(ch):
        return f"U+{ord(ch):04X}"
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed').lower()})"


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def decode_text(data: bytes, label: str) -> DecodedText:
    """Decode ``data`` by the rule above; ``label`` names the file in messages ("The GIAS extract x.csv")."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TextFileError(
            f"{label} is saved as UTF-16 (“Unicode text”), which TrustDesk does not read. "
            "Save it as “CSV UTF-8” or plain “CSV” instead."
        )
    if b"\x00" in data[:4096]:
        raise TextFileError(f"{label} contains binary data (it looks like a spreadsheet or another binary file).")
    if data.startswith(UTF8_BOM):
        try:
            return _checked(data[len(UTF8_BOM) :].decode("utf-8"), "UTF-8 with BOM", label)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start + len(UTF8_BOM)) + 1
            raise TextFileError(
                f"{label} says it is UTF-8 but line {line} is not valid UTF-8; save it again as “CSV UTF-8”."
            ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _checked(text, "ASCII" if text.isascii() else "UTF-8", label)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TextFileError(
            f"{label} is neither UTF-8 nor Windows-1252/ISO-8859-1: line {line} has the byte "
            f"0x{data[exc.start]:02X}, which neither defines. Save it again as “CSV UTF-8”."
        ) from exc
    return _checked(text, "Windows-1252 (ISO-8859-1)", label)


def _checked(text: str, encoding: str, label: str) -> DecodedText:
    found = _FORBIDDEN_IN_FILE.search(text)
    if found is not None:
        ch = found.group()
        what = f"the control character {describe_char(ch)}"
        if ch == "\ufffd":
            what = "a character lost in an earlier conversion (�)"
        raise TextFileError(
            f"{label} read as {encoding} has {what} on line {_line_of(text, found.start())}, "
            "so it is not plain text. Check how it was saved."
        )
    if not text.strip():
        raise TextFileError(f"{label} is empty.")
    return DecodedText(unicodedata.normalize("NFC", text), encoding)


def read_text_file(path: Path, label: str) -> DecodedText:
    """Read and decode a file; an unreadable one is a sentence, not a traceback."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TextFileError(f"Could not read {label}: {exc.strerror or exc}.") from exc
    return decode_text(data, label)
