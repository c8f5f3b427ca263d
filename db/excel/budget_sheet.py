"""The Budget sheet: budget against authorised, pending and rejected spend (C7).

One line per organisation and academic period with a total line under each
period.  Totals are written as values (computed here from the same snapshot)
rather than formulas, so any program reading the file sees the figures.
Organisation names come from GIAS files and people: they are written through
``writer.TextStyle`` like every other text (X1).
"""

from __future__ import annotations

from itertools import groupby

from db.excel.layout import DAYS_FORMAT, MONEY_FORMAT
from db.excel.printing import print_setup
from db.excel.writer import TextStyle, XlsxObject
from db.queries.budget_summary import BudgetLine

HEADERS: tuple[tuple[str, float], ...] = (
    ("Period", 9),
    ("Organisation", 34),
    ("URN", 9),
    ("Budget", 13),
    ("Authorised", 13),
    ("Pending", 13),
    ("Rejected", 13),
    ("Remaining", 13),
    ("Remaining if pending authorised", 16),
    ("Authorised course fees", 14),
    ("Authorised cover", 13),
    ("Authorised travel & other", 14),
    ("Cover days authorised", 11),
    ("Cover days pending", 11),
)


def write(book: XlsxObject, sheet: XlsxObject, header_format: TextStyle, lines: list[BudgetLine]) -> None:
    add = book.add_format
    money = add({"num_format": MONEY_FORMAT})
    days = add({"num_format": DAYS_FORMAT})
    text = TextStyle(book)
    total_text = TextStyle(book, {"bold": True, "top": 1})
    total_money = add({"bold": True, "top": 1, "num_format": MONEY_FORMAT})
    total_days = add({"bold": True, "top": 1, "num_format": DAYS_FORMAT})
    none = TextStyle(book, {"italic": True, "font_color": "#666666"})
    for index, (header, width) in enumerate(HEADERS):
        sheet.set_column(index, index, width)
        header_format.write(sheet, 0, index, header)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)
    print_setup(sheet, landscape=True)
    if not lines:
        none.write(sheet, 1, 0, "No organisation you can see has a budget or activities for this selection.")
        return
    r = 0
    for period, group in groupby(lines, key=lambda line: line.period):
        items = list(group)
        for line in items:
            r += 1
            _line(sheet, r, line.period, line.organisation, line.urn, _figures(line), money, days, text, none)
        r += 1
        budgets = [line.budget_pence for line in items if line.budget_pence is not None]
        totals = BudgetLine(
            period_id=items[0].period_id,
            period=period,
            organisation_id=0,
            organisation=f"Total {period}",
            urn=None,
            budget_pence=sum(budgets) if budgets else None,
            authorised_pence=sum(line.authorised_pence for line in items),
            pending_pence=sum(line.pending_pence for line in items),
            rejected_pence=sum(line.rejected_pence for line in items),
            authorised_fee_pence=sum(line.authorised_fee_pence for line in items),
            authorised_cover_pence=sum(line.authorised_cover_pence for line in items),
            authorised_travel_other_pence=sum(line.authorised_travel_other_pence for line in items),
            authorised_cover_days=sum(line.authorised_cover_days for line in items),
            pending_cover_days=sum(line.pending_cover_days for line in items),
        )
        figures = _figures(totals)
        _line(sheet, r, period, totals.organisation, "", figures, total_money, total_days, total_text, total_text)
        r += 1  # a blank line between periods


def _figures(line: BudgetLine) -> list[tuple[str, float | None]]:
    def pounds(pence: int | None) -> float | None:
        return None if pence is None else pence / 100

    return [
        ("money", pounds(line.budget_pence)),
        ("money", pounds(line.authorised_pence)),
        ("money", pounds(line.pending_pence)),
        ("money", pounds(line.rejected_pence)),
        ("money", pounds(line.remaining_pence)),
        ("money", pounds(line.remaining_if_pending_pence)),
        ("money", pounds(line.authorised_fee_pence)),
        ("money", pounds(line.authorised_cover_pence)),
        ("money", pounds(line.authorised_travel_other_pence)),
        ("days", line.authorised_cover_days),
        ("days", line.pending_cover_days),
    ]


def _line(
    sheet: XlsxObject,
    r: int,
    period: str,
    organisation: str,
    urn: str | None,
    figures: list[tuple[str, float | None]],
    money: XlsxObject,
    days: XlsxObject,
    text: TextStyle,
    missing: TextStyle,
) -> None:
    text.write(sheet, r, 0, period)
    text.write(sheet, r, 1, organisation)
    text.write(sheet, r, 2, urn or "")
    for offset, (kind, value) in enumerate(figures):
        column = 3 + offset
        if value is None:
            missing.write(sheet, r, column, "no budget")
        else:
            sheet.write_number(r, column, value, money if kind == "money" else days)
