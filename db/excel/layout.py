"""The shape of a TrustDesk budget workbook, shared by the export and the import.

The import trusts nothing it did not write itself: it finds the marker sheet,
checks the format version, and checks that the data sheet's header row is
exactly ``HEADERS`` — so a workbook whose columns were moved or renamed is
refused instead of having its decisions read from the wrong column.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from db.models import PartnershipState

FORMAT_ID = "trustdesk-budget-workbook"
FORMAT_VERSION = 1

DATA_SHEET = "Activities"
BUDGET_SHEET = "Budget"
NOTES_SHEET = "Notes"
MARKER_SHEET = "TrustDesk"  # very hidden: identifies the workbook and its format

AUTHORISE = "Authorise"
REJECT = "Reject"
DECISION_CHOICES = (AUTHORISE, REJECT)
DECISION_VALUES: dict[str, PartnershipState] = {
    "authorise": PartnershipState.AUTHORISED,
    "authorize": PartnershipState.AUTHORISED,
    "reject": PartnershipState.REJECTED,
}
MAX_REASON_CHARS = 2000

MAX_ROWS = 1_048_575  # Excel's own limit less the header: the most the export writes

# The import refuses workbooks past these before parsing them (safety.check_workbook_file).
# Measured on the largest workbook we export — the large demo's biggest period, 206,959
# rows: 22.5 MB on disk, its sheet 207.6 MB unpacked at a ratio of 9.2 (no shared strings);
# rewritten with shared strings and a decision on every row, as Excel saves it, 17.4 MB,
# sheet 150.4 MB, shared strings 0.4 MB (13,642 distinct strings). Had every text cell been
# unique, the shared strings would have been 70 MB. Each limit leaves room above the
# measurement; the import of that largest workbook peaked at 267 MB of memory, and one
# stretched to 300,000 rows, every row decided, at 266 MB (``/usr/bin/time -v``, dry run).
MAX_IMPORT_ROWS = 300_000
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SHEET_BYTES = 320 * 1024 * 1024  # per worksheet: streamed, so it costs time, not memory
#: openpyxl and our reader hold every shared string in memory: 32 MB of the shortest
#: strings (1.6 million) peaked at 164 MB
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_OTHER_PART_BYTES = 16 * 1024 * 1024  # styles, workbook, relationships, properties, theme
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ENTRIES = 500
#: deflate packs XML about 4–10 to 1; far more means padding built to blow up
MAX_COMPRESSION_RATIO = 50
RATIO_CHECKED_FROM_BYTES = 1024 * 1024


class Kind(enum.Enum):
    TEXT = "text"  # user-typed text: never a formula
    LABEL = "label"  # text we chose (state names, periods)
    DATE = "date"
    MONEY = "money"
    DAYS = "days"
    INTEGER = "integer"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    kind: Kind
    hidden: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("Decision", 12, Kind.LABEL),
    Column("Reason", 34, Kind.TEXT),
    Column("Individual", 22, Kind.TEXT),
    Column("Organisation", 30, Kind.TEXT),
    Column("Activity", 42, Kind.TEXT),
    Column("Type", 16, Kind.TEXT),
    Column("Provider", 26, Kind.TEXT),
    Column("Starts", 11.5, Kind.DATE),
    Column("Ends", 11.5, Kind.DATE),
    Column("Period", 9, Kind.LABEL),
    Column("Course fee", 12, Kind.MONEY),
    Column("Cover", 11, Kind.MONEY),
    Column("Travel & other", 14, Kind.MONEY),
    Column("Total cost", 12, Kind.MONEY),
    Column("Cover days", 11, Kind.DAYS),
    Column("Line manager", 13, Kind.LABEL),
    Column("CPD team", 11, Kind.LABEL),
    Column("Partnership", 21, Kind.LABEL),
    Column("Completion", 14, Kind.LABEL),
    Column("Training event", 28, Kind.TEXT),
    Column("Requested by", 22, Kind.TEXT),
    # Far right and hidden: what the import needs, where a reviewer won't trip over it.
    Column("Activity id (do not edit)", 12, Kind.INTEGER, hidden=True),
    Column("Version (do not edit)", 12, Kind.INTEGER, hidden=True),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
DECISION_COL = 0
REASON_COL = 1
INDIVIDUAL_COL = 2
ORGANISATION_COL = 3
TITLE_COL = 4
STARTS_COL = 7
ID_COL = len(COLUMNS) - 2
VERSION_COL = len(COLUMNS) - 1
#: the visible cells that must still describe the activity the hidden id names (none may be blank)
IDENTITY_COLS = (INDIVIDUAL_COL, ORGANISATION_COL, TITLE_COL, STARTS_COL)
#: hidden ids and versions are positive and fit the database's 32-bit integer columns
MAX_ID = 2**31 - 1
#: Excel's date serials: 1 is 1 Jan 1900, 2958465 is 31 Dec 9999
MAX_DATE_SERIAL = 2_958_465
#: Excel stores dates as days since 30 Dec 1899; ``date.toordinal()`` counts from 1 Jan 0001
EXCEL_EPOCH_ORDINAL = 693594
#: the columns a reviewer may type in; everything else is for reading
EDITABLE = frozenset({DECISION_COL, REASON_COL})


MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"
DAYS_FORMAT = "0.0#"
TIMESTAMP_FORMAT = "dd/mm/yyyy hh:mm"


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
