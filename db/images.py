"""Recognising a logo file by its content: PNG or JPEG, and its size in pixels.

A file's name says nothing about what it holds, so the first bytes (the magic
number) decide what it is, and the size header must decode to a sensible width
and height; anything else is refused with one sentence before it is stored or
put into a workbook. No imaging library is needed for either format's header.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from db.errors import ValidationError

MAX_LOGO_BYTES = 512 * 1024
MAX_SIDE = 10_000  # pixels: no logo is wider or taller; a larger number is a damaged header

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
#: JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other things
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_NOT_AN_IMAGE = "That file is not a PNG or JPEG image; choose a .png or .jpg logo."


@dataclass(frozen=True, slots=True)
class ImageInfo:
    kind: str  # "PNG" or "JPEG"
    width: int
    height: int


def inspect_logo(data: bytes) -> ImageInfo:
    """What the logo is, or ValidationError saying why it cannot be one."""
    if not data:
        raise ValidationError("That file is empty; choose a PNG or JPEG logo.")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"That logo is {len(data) / 1024:,.0f} KB; a logo may be at most {MAX_LOGO_BYTES // 1024} KB."
        )
    if data.startswith(PNG_MAGIC):
        info = _png(data)
    elif data.startswith(JPEG_MAGIC):
        info = _jpeg(data)
    else:
        raise ValidationError(_NOT_AN_IMAGE)
    if not (0 < info.width <= MAX_SIDE and 0 < info.height <= MAX_SIDE):
        raise ValidationError(f"That {info.kind} file is damaged: its size header does not make sense.")
    return info


def _png(data: bytes) -> ImageInfo:
    # The first chunk must be IHDR (13 bytes: width, height, …) right after the signature.
    if len(data) < 33 or data[12:16] != b"IHDR" or struct.unpack(">I", data[8:12])[0] != 13:
        raise ValidationError("That PNG file is damaged: it has no size header.")
    width, height = struct.unpack(">II", data[16:24])
    return ImageInfo("PNG", width, height)


def _jpeg(data: bytes) -> ImageInfo:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            break
        if marker in _SOF:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return ImageInfo("JPEG", width, height)
        if marker == 0xDA:  # start of scan before any frame header
            break
        at += 2 + length
    raise ValidationError("That JPEG file is damaged: it has no size header.")
