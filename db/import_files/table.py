"""Read an import file whole (X2): a CSV in UTF-8 (with or without BOM) or Windows-1252, or one sheet of
an .xlsx workbook. Nothing is guessed: a file that is not what its name says, a workbook with a
password, an encoding we cannot be sure of or a file past the row limit is refused in one sentence.

Values are kept as the file has them (text from a CSV; text, numbers or dates from a workbook); each
import checks and converts them row by row. ``FileKind`` words the refusals for what the file should be
("a staff list", "a list of CPD requests").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.errors import TrustDeskError, ValidationError
from db.excel.safety import OLE_MAGIC, ZIP_MAGIC, WorkbookRefused, check_workbook_file
from db.progress import NullProgress, Progress
from db.text_files import TextFileError, decode_text

MAX_COLUMNS = 300
#: how far down a title or a report's heading may push the header row
HEADER_SEARCH_ROWS = 10


class ImportFileError(ValidationError):
    """The file cannot be imported as it is; nothing was changed."""


@dataclass(frozen=True)
class FileKind:
    """What an import expects, to word its refusals and to find its header row."""

    #: "a staff list"
    noun: str
    #: finishes "TrustDesk imports … from those": "staff"
    imports: str
    max_rows: int
    max_csv_bytes: int
    #: the fields a header row names (field → header): a row naming three is the header
    recognise: Callable[[Sequence[str]], Mapping[str, str]]
    #: the error raised, so each import's callers can catch their own
    error: type[ImportFileError] = ImportFileError
    #: what to do about a file with too many rows
    too_many_hint: str = "Export a smaller list at a time."

    @property
    def bare(self) -> str:
        """ "staff list" from "a staff list"."""
        return self.noun.split(" ", 1)[1] if self.noun.startswith(("a ", "an ")) else self.noun


@dataclass(frozen=True)
class FileTable:
    """A file's header row and data rows (row number as the user sees it, values)."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    #: "UTF-8 with BOM", "Windows-1252 (ISO-8859-1)", or "sheet Staff" for a workbook
    read_as: str
    sheets: tuple[str, ...] = ()

    def ignored(self, mapping: Mapping[str, str]) -> tuple[str, ...]:
        """The named columns the mapping (field → column) does not use: the preview lists them as left out."""
        used = set(mapping.values())
        return tuple(h for h in self.headers if h and h not in used)


@dataclass(frozen=True, slots=True)
class FileShape:
    """What an import's mapping step shows: the columns, what TrustDesk recognised, how the file was read."""

    name: str
    headers: tuple[str, ...]
    recognised: Mapping[str, str]
    rows: int
    read_as: str
    sheets: tuple[str, ...]

    @classmethod
    def of(cls, table: FileTable, recognised: Mapping[str, str]) -> FileShape:
        return cls(table.name, table.headers, recognised, len(table.rows), table.read_as, table.sheets)


def _too_many(kind: FileKind, name: str) -> ImportFileError:
    return kind.error(
        f"“{name}” has more than {kind.max_rows:,} rows, far more than {kind.noun}; nothing was imported. "
        + kind.too_many_hint
    )


def read_table(kind: FileKind, path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileTable:
    """The file's rows, by its extension: .csv or .xlsx (``sheet``: which one; the first by default)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        return read_csv(kind, path, progress)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(kind, path, sheet, progress)
    if suffix == ".xls":
        raise kind.error(f"“{path.name}” is an old-style .xls workbook; save it as .xlsx (or CSV) and import that.")
    raise kind.error(f"“{path.name}” is neither a .csv nor an .xlsx file; TrustDesk imports {kind.imports} from those.")


def _read_bytes(kind: FileKind, path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > kind.max_csv_bytes:
            raise kind.error(
                f"“{path.name}” is {size / 1e6:,.0f} MB, far larger than {kind.noun}; nothing was imported."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise kind.error(f"“{path.name}” does not exist.") from None
    except IsADirectoryError:
        raise kind.error(f"“{path.name}” is a folder, not {kind.noun}.") from None
    except OSError as exc:
        raise kind.error(f"Could not read “{path.name}”: {exc.strerror or exc}.") from None


def read_csv(kind: FileKind, path: Path, progress: Progress | None = None) -> FileTable:
    progress = progress or NullProgress()
    data = _read_bytes(kind, path)
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        raise kind.error(
            f"“{path.name}” is a workbook, not a CSV file: rename it to .xlsx (or save it as CSV) and import again."
        )
    try:
        decoded = decode_text(data, f"“{path.name}”")
    except TextFileError as exc:
        raise kind.error(exc.message) from exc
    del data
    reader = csv.reader(io.StringIO(decoded.text, newline=""))
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) > kind.max_rows:
                raise _too_many(kind, path.name)
            rows.append((reader.line_num, tuple(values)))
            if len(rows) % 10_000 == 0:
                progress.report(len(rows), len(rows) + 10_000, f"Reading row {len(rows):,}…")
                progress.check_cancelled()
    except csv.Error as exc:
        raise kind.error(f"“{path.name}” is not a valid CSV file (line {reader.line_num}: {exc}).") from None
    if not rows:
        raise kind.error(f"“{path.name}” is empty.")
    headers, body, read_as = _split_header(kind, rows, path.name, decoded.encoding)
    return FileTable(path.name, headers, body, read_as)


def _split_header(
    kind: FileKind, rows: list[tuple[int, tuple[Any, ...]]], name: str, read_as: str
) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[Any, ...]], ...], str]:
    """The header row and the data rows below it.

    The header is the first row unless that row names fewer than three fields TrustDesk knows and one
    of the next few does (an MIS report often starts with its title and the date it was run): then
    that row is the header and the lines above it are left out, as the preview says.
    """
    chosen = 0
    if len(kind.recognise(_header_texts(rows[0][1]))) < 3:
        for index, (_line, values) in enumerate(rows[1:HEADER_SEARCH_ROWS], start=1):
            if len(kind.recognise(_header_texts(values))) >= 3:
                chosen = index
                break
    line = rows[chosen][0]
    headers = _headers(kind, rows[chosen][1], name)
    if chosen:
        read_as = f"{read_as}, column names on row {line}"
    return headers, tuple(rows[chosen + 1 :]), read_as


def _header_texts(values: Iterable[Any]) -> list[str]:
    return ["" if value is None else str(value).strip() for value in values]


def _headers(kind: FileKind, values: Iterable[Any], name: str) -> tuple[str, ...]:
    headers = tuple("" if value is None else str(value).strip() for value in values)
    while headers and not headers[-1]:
        headers = headers[:-1]
    if not any(headers):
        raise kind.error(f"The first row of “{name}” is empty: it should name the columns.")
    if len(headers) > MAX_COLUMNS:
        raise kind.error(f"“{name}” has {len(headers):,} columns, far more than {kind.noun}.")
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise kind.error(f"“{name}” has two columns called “{header}”; rename one and import again.")
        seen.add(header)
    return headers


def _refuse_non_workbook(kind: FileKind, path: Path) -> None:
    """A CSV saved with an .xlsx name says so, rather than "not an Excel workbook"."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return  # check_workbook_file words it
    if not head or head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        return
    try:
        decode_text(head, path.name)
    except TextFileError:
        return
    raise kind.error(f"“{path.name}” is a text (CSV) file with an .xlsx name; rename it to .csv and import that.")


def _open_workbook(kind: FileKind, path: Path) -> Any:
    _refuse_non_workbook(kind, path)
    try:
        check_workbook_file(path)
    except WorkbookRefused as exc:
        raise kind.error(exc.message.replace("a TrustDesk budget workbook", kind.noun)) from None
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a malformed package
        raise kind.error(
            f"“{path.name}” could not be read as a workbook ({type(exc).__name__}); nothing was imported."
        ) from None


def sheet_names(kind: FileKind, path: Path) -> tuple[str, ...]:
    """The workbook's visible sheets, to choose from."""
    book = _open_workbook(kind, Path(path))
    try:
        return tuple(ws.title for ws in book.worksheets if ws.sheet_state == "visible")
    finally:
        book.close()


def read_xlsx(kind: FileKind, path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileTable:
    progress = progress or NullProgress()
    book = _open_workbook(kind, path)
    try:
        names = tuple(ws.title for ws in book.worksheets if ws.sheet_state == "visible")
        if not names:
            raise kind.error(f"“{path.name}” has no visible sheet.")
        chosen = sheet if sheet is not None else names[0]
        if chosen not in names:
            raise kind.error(f"“{path.name}” has no sheet called “{chosen}” (it has {', '.join(names)}).")
        ws = book[chosen]
        if (ws.max_row or 0) - 1 > kind.max_rows:
            raise _too_many(kind, path.name)
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if not values or all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                continue
            if len(rows) > kind.max_rows:
                raise _too_many(kind, path.name)
            rows.append((number, tuple(values[: MAX_COLUMNS + 1])))
            if len(rows) % 5_000 == 0:
                progress.report(len(rows), len(rows) + 5_000, f"Reading row {len(rows):,}…")
                progress.check_cancelled()
        if not rows:
            raise kind.error(f"The sheet “{chosen}” of “{path.name}” is empty.")
        headers, data, read_as = _split_header(kind, rows, path.name, f"sheet “{chosen}”")
        width = len(headers)
        return FileTable(path.name, headers, tuple((n, v[:width]) for n, v in data), read_as, names)
    except TrustDeskError:
        raise
    except Exception as exc:
        raise kind.error(
            f"“{path.name}” could not be read ({type(exc).__name__}: {exc}); nothing was imported."
        ) from None
    finally:
        book.close()
