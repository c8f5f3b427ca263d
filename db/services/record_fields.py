"""Checking what a person typed into a record's fields (organisations and people added by hand).

Each check returns the value as it will be stored (spaces collapsed, blanks as
None) or refuses with one sentence that names the field, so a dialog can show
it under that field and keep everything else as typed.  Plain Python: the
dialogs call the same checks live, before anything reaches the database.
"""

from __future__ import annotations

import re
from datetime import date

from db.errors import ValidationError
from db.text_files import describe_char, first_control

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_TRN = re.compile(r"\d{7}")
_URN = re.compile(r"\d{5,8}")


class FieldError(ValidationError):
    """A refusal about one field; ``field`` names it so the form can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def text(value: str | None, field: str, label: str, limit: int, *, required: bool = False) -> str | None:
    """One line of text: spaces collapsed; control characters and over-long values refused."""
    raw = value or ""
    control = first_control(raw.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    if control is not None:
        raise FieldError(field, f"The {label} holds a control character ({describe_char(control)}); retype it.")
    cleaned = " ".join(raw.split())
    if not cleaned:
        if required:
            raise FieldError(field, f"Give the {label}.")
        return None
    if len(cleaned) > limit:
        raise FieldError(field, f"The {label} is {len(cleaned):,} characters long; at most {limit:,} fit.")
    return cleaned


def email(value: str | None, field: str, label: str) -> str | None:
    """An e-mail address, or None when left blank; lower-cased so that matching by it works."""
    cleaned = text(value, field, label, 200)
    if cleaned is None:
        return None
    if not _EMAIL.fullmatch(cleaned):
        raise FieldError(field, f"“{cleaned}” is not an e-mail address (name@school.org.uk).")
    return cleaned.lower()


def trn(value: str | None) -> str | None:
    """A Teacher Reference Number: seven digits (spaces and a leading "TRN" are forgiven), or None."""
    cleaned = "".join((value or "").split())
    if cleaned.upper().startswith("TRN"):
        cleaned = cleaned[3:]
    if not cleaned:
        return None
    if not _TRN.fullmatch(cleaned):
        raise FieldError("trn", f"A teacher reference number is 7 digits; “{cleaned}” is not.")
    return cleaned


def urn(value: str | None) -> str | None:
    """A URN as GIAS gives it (digits only), or None for an organisation GIAS does not list."""
    cleaned = "".join((value or "").split())
    if not cleaned:
        return None
    if not _URN.fullmatch(cleaned):
        raise FieldError("urn", f"A URN is the school's number in GIAS (6 digits); “{cleaned}” is not.")
    return cleaned


def not_after_today(value: date, field: str, label: str, today: date) -> date:
    if value > today:
        raise FieldError(field, f"The {label} ({value:%d %b %Y}) is in the future; enter it on or after that day.")
    return value
