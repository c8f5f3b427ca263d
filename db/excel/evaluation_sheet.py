"""The budget workbook's evaluation sheets (DB1): what the CPD in the workbook was worth.

"Evaluation" holds evaluation completion, CPD hours per organisation and the
average rating per provider and per type; "Hours by person" lists everyone
with evaluated hours (it can be long, so it has a sheet of its own).  The
figures are the dashboard's (``db.queries.evaluation_figures``) for the
workbook's period and organisation, written as values.  Names come from
people and files, so every text goes through ``writer.TextStyle`` (X1).
"""

from __future__ import annotations

from db.excel.printing import print_setup
from db.excel.writer import TextStyle, XlsxObject
from db.queries.evaluation_figures import EvaluationCompletion, EvaluationFigures

EVALUATION_SHEET = "Evaluation"
PEOPLE_SHEET = "Hours by person"
HOURS_FORMAT = "#,##0.0"
RATING_FORMAT = "0.00"


def write(
    book: XlsxObject, header: TextStyle, figures: EvaluationFigures, completion: EvaluationCompletion, scope_text: str
) -> None:
    _write_summary(book, header, figures, completion, scope_text)
    _write_people(book, header, figures)


def _write_summary(
    book: XlsxObject, header: TextStyle, figures: EvaluationFigures, completion: EvaluationCompletion, scope_text: str
) -> None:
    sheet = book.add_worksheet(EVALUATION_SHEET)
    text = TextStyle(book)
    bold = TextStyle(book, {"bold": True})
    hours = book.add_format({"num_format": HOURS_FORMAT})
    rating = book.add_format({"num_format": RATING_FORMAT})
    percent = book.add_format({"num_format": "0%"})
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 3, 14)
    print_setup(sheet, landscape=False)
    r = 0
    bold.write(sheet, r, 0, f"What the CPD was worth — {scope_text}")
    r += 2
    for label, value, style in (
        ("Completed activities", completion.completed, None),
        ("…of which evaluated", completion.evaluated, None),
        ("Evaluation completion", completion.rate, percent),
        ("CPD hours evaluated", figures.hours, hours),
        ("Average rating (1 to 5)", figures.average_rating, rating),
    ):
        text.write(sheet, r, 0, label)
        if value is None:
            text.write(sheet, r, 1, "—")
        else:
            sheet.write_number(r, 1, value, style)
        r += 1
    r += 1
    r = _table(sheet, r, header, ("Organisation", "CPD hours", "Evaluations"), [
        (row.name, (row.hours, hours), (row.evaluations, None)) for row in figures.hours_by_organisation
    ], text)  # fmt: skip
    for title, rows in (("Provider", figures.rating_by_provider), ("Type", figures.rating_by_type)):
        r = _table(sheet, r + 1, header, (title, "Average rating", "Evaluations", "CPD hours"), [
            (row.name, (row.average, rating), (row.evaluations, None), (row.hours, hours)) for row in rows
        ], text)  # fmt: skip


def _table(
    sheet: XlsxObject,
    r: int,
    header: TextStyle,
    titles: tuple[str, ...],
    rows: list[tuple],
    text: TextStyle,
) -> int:
    for column, title in enumerate(titles):
        header.write(sheet, r, column, title)
    r += 1
    if not rows:
        text.write(sheet, r, 0, "No evaluations recorded for this selection.")
        return r + 1
    for name, *numbers in rows:
        text.write(sheet, r, 0, name)
        for column, (value, style) in enumerate(numbers, start=1):
            sheet.write_number(r, column, value, style)
        r += 1
    return r


def _write_people(book: XlsxObject, header: TextStyle, figures: EvaluationFigures) -> None:
    sheet = book.add_worksheet(PEOPLE_SHEET)
    text = TextStyle(book)
    hours = book.add_format({"num_format": HOURS_FORMAT})
    sheet.set_column(0, 1, 32)
    sheet.set_column(2, 3, 13)
    sheet.freeze_panes(1, 1)
    print_setup(sheet, landscape=False)
    for column, title in enumerate(("Individual", "Organisation", "CPD hours", "Evaluations")):
        header.write(sheet, 0, column, title)
    if not figures.hours_by_person:
        text.write(sheet, 1, 0, "No evaluations recorded for this selection.")
        return
    for r, row in enumerate(figures.hours_by_person, start=1):
        text.write(sheet, r, 0, row.name)
        text.write(sheet, r, 1, row.organisation)
        sheet.write_number(r, 2, row.hours, hours)
        sheet.write_number(r, 3, row.evaluations)
