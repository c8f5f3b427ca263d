"""Page setup shared by the workbook's sheets."""

from __future__ import annotations

from db.excel.writer import XlsxObject


def print_setup(sheet: XlsxObject, *, landscape: bool) -> None:
    """A4, as wide as the page, header row on every page: a printout a reviewer can read."""
    sheet.set_paper(9)
    if landscape:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_footer("&L&A&RPage &P of &N")
