"""Record decisions in an exported budget workbook as a reviewer's spreadsheet program would (openpyxl).

Run by the Windows Python under Wine from scripts/windows_build.sh, between the frozen program's
`export` and `import-decisions`: "Authorise" in the Decision column of the first COUNT rows, and
the activity ids of those rows written to IDS_FILE (one a line) for the check afterwards.

    python record_decisions.py WORKBOOK.xlsx IDS_FILE [COUNT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

DATA_SHEET = "Activities"  # db.excel.layout.DATA_SHEET
DECISION = "Decision"
ACTIVITY_ID = "Activity id (do not edit)"


def main() -> int:
    workbook, ids_file = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    book = load_workbook(workbook)
    sheet = book[DATA_SHEET]
    headers = [cell.value for cell in sheet[1]]
    decision_col, id_col = headers.index(DECISION) + 1, headers.index(ACTIVITY_ID) + 1
    ids = []
    for row in range(2, min(sheet.max_row, count + 1) + 1):
        sheet.cell(row, decision_col).value = "Authorise"
        ids.append(int(str(sheet.cell(row, id_col).value)))
    if not ids:
        print(f"{workbook.name} has no rows to decide", file=sys.stderr)
        return 1
    book.save(workbook)
    ids_file.write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
    print(f"recorded {len(ids)} decisions in {workbook.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
