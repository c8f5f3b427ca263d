"""A request file read whole (X2) by the shared reader, and its rows turned into records."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from db.import_files import table
from db.import_files.table import FileTable, ImportFileError
from db.progress import Progress
from db.request_import.fields import check_mapping, recognise
from db.request_import.records import RequestRecord, make_record

#: a trust enters a few thousand requests a term; a file past this is not a list of requests
MAX_REQUEST_ROWS = 100_000
MAX_CSV_BYTES = 60 * 1024 * 1024


class RequestFileError(ImportFileError):
    """The request file cannot be imported as it is; nothing was changed."""


REQUEST_FILE = table.FileKind(
    noun="a list of CPD requests",
    imports="requests",
    max_rows=MAX_REQUEST_ROWS,
    max_csv_bytes=MAX_CSV_BYTES,
    recognise=recognise,
    error=RequestFileError,
    too_many_hint="Export one school or one term at a time.",
)


def read_request_file(path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileTable:
    return table.read_table(REQUEST_FILE, path, sheet, progress)


def sheet_names(path: Path) -> tuple[str, ...]:
    return table.sheet_names(REQUEST_FILE, path)


def make_records(found: FileTable, mapping: Mapping[str, str]) -> tuple[dict[str, str], tuple[RequestRecord, ...]]:
    """The checked mapping and every data row as a record (a row's problem kept with it)."""
    checked = check_mapping(mapping, found.headers, f"“{found.name}”")
    columns = {field: found.headers.index(header) for field, header in checked.items()}
    return checked, tuple(make_record(row, values, columns) for row, values in found.rows)
