"""Read a staff file whole (X2) with the shared reader (``db.import_files.table``): a CSV in UTF-8 or
Windows-1252, or one sheet of an .xlsx workbook, refused in one sentence when it is not a staff list."""

from __future__ import annotations

from pathlib import Path

from db.import_files import table
from db.import_files.table import FileTable, ImportFileError
from db.progress import Progress
from db.staff_import.fields import recognise

#: far more staff than the largest trust employs (~30,000 jobs): a file past it is not a staff list
MAX_STAFF_ROWS = 100_000
#: a 100,000-row staff CSV is about 15 MB; past this the file is not read at all
MAX_CSV_BYTES = 40 * 1024 * 1024


class StaffFileError(ImportFileError):
    """The staff file cannot be imported as it is; nothing was changed."""


STAFF_FILE = table.FileKind(
    noun="a staff list",
    imports="staff",
    max_rows=MAX_STAFF_ROWS,
    max_csv_bytes=MAX_CSV_BYTES,
    recognise=recognise,
    error=StaffFileError,
    too_many_hint="Export one school or a smaller list at a time.",
)
#: what the staff import's callers name it
StaffTable = FileTable


def read_staff_file(path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileTable:
    """The file's rows, by its extension: .csv or .xlsx (``sheet``: which one; the first by default)."""
    return table.read_table(STAFF_FILE, path, sheet, progress)


def sheet_names(path: Path) -> tuple[str, ...]:
    """The workbook's visible sheets, to choose from."""
    return table.sheet_names(STAFF_FILE, path)
