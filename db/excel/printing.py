"""Page setup shared by the workbook's sheets."""

from __future__ import annotations


def print_setup(sheet: object, *, landscape: bool) -> None:
    """A4, as wide as the page, header row on every page: a printout a reviewer can read."""
    sheet.set_paper(9)  # type: ignore[attr-defined]
    if landscape:
        sheet.set_landscape()  # type: ignore[attr-defined]
    sheet.fit_to_pages(1, 0)  # type: ignore[attr-defined]
    sheet.repeat_rows(0)  # type: ignore[attr-defined]
    sheet.set_footer("&L&A&RPage &P of &N")  # type: ignore[attr-defined]
