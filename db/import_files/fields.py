"""The columns an import file may have and how their headers are recognised.

A mapping is field → the file's header as written (``{"last_name": "Legal Surname"}``): it is what
the window shows, what ``import_mappings`` stores by name, and what the reader follows. Headers are
compared case- and space-insensitively (punctuation ignored too: "Work E-mail" is "workemail").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from db.errors import ValidationError


class MappingError(ValidationError):
    """The column mapping cannot be used for this file; nothing was read or changed."""


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    #: header spellings, best first: when a file has two, the earlier one is used
    synonyms: tuple[str, ...]


def normalise(header: str) -> str:
    """ "Work E-mail Address " → "workemailaddress": case, spaces and punctuation do not count."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


class FieldSet:
    """One import's fields: their labels, and which header names which field."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.by_key: Mapping[str, Field] = {field.key: field for field in self.fields}
        self.labels: Mapping[str, str] = {field.key: field.label for field in self.fields}
        self._spellings: dict[str, tuple[str, int]] = {}
        for field in self.fields:
            for rank, spelling in enumerate(field.synonyms):
                self._spellings.setdefault(normalise(spelling), (field.key, rank))

    def recognise(self, headers: Sequence[str]) -> dict[str, str]:
        """field → header for every field whose column the file has under a known spelling.

        Where a file has two spellings of one field ("Legal Forename" and "Preferred Forename") the
        better one is used and the other is left for the user to map or ignore.
        """
        best: dict[str, tuple[int, str]] = {}
        for header in headers:
            known = self._spellings.get(normalise(header))
            if known is None:
                continue
            key, rank = known
            if key not in best or rank < best[key][0]:
                best[key] = (rank, header)
        return {key: best[key][1] for key in (f.key for f in self.fields) if key in best}

    def checked_columns(self, mapping: Mapping[str, object]) -> dict[str, str]:
        """The mapping's fields given a column (blanks dropped), refused in one sentence when it names a
        field this import does not have or puts two fields in one column."""
        unknown = [key for key in mapping if key not in self.by_key]
        if unknown:
            raise MappingError(f"The mapping names {quoted(unknown)}, which TrustDesk does not import.")
        clean: dict[str, str] = {}
        used: dict[str, str] = {}
        for key, header in mapping.items():
            if not isinstance(header, str) or not header.strip():
                continue
            if header in used:
                raise MappingError(
                    f"The mapping puts both {self.labels[used[header]]} and {self.labels[key]} in the column "
                    f"“{header}”; a column can hold one field only."
                )
            used[header] = key
            clean[key] = header
        return clean


def quoted(words: Sequence[str]) -> str:
    """“A”, “B” and “C”"""
    shown = [f"“{word}”" for word in words]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def listed(words: Sequence[str]) -> str:
    """A, B and C"""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def require_columns(mapping: Mapping[str, str], headers: Sequence[str], name: str) -> None:
    """Every column the mapping uses is in the file (``name``: the file, quoted)."""
    missing_columns = [header for header in mapping.values() if header not in headers]
    if missing_columns:
        raise MappingError(f"{name} has no column {quoted(missing_columns)}, which the mapping uses.")
