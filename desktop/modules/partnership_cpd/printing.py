"""Print and PDF: the Partnership CPD list as its filter shows it (File menu), and a sign-off's result.

Qt's own print support: the rows become a QTextDocument table with a header saying which filter,
who and when, and ``QTextDocument.print_`` lays it out on the printer's (or the PDF's) pages and
numbers each page at the foot. The rows are read off the UI thread, in the filter's own order,
up to ``PRINT_CAP``; beyond that the header says how many were left out and how to get them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QPushButton, QWidget

from db.audit_text import local_time
from db.engine import Database
from db.errors import TrustDeskError
from db.queries import activities as activity_queries
from db.queries import filter_words
from db.queries.activities import ActivityFilter, ActivityPage
from db.queries.decision_batch import BatchReport, batch_report
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.formatting import day, money, state

T = TypeVar("T")

#: rows on paper at most (about 45 pages of A4 landscape); a longer list belongs in Excel
PRINT_CAP = 2_000


SORT_WORDS = {
    "individual": "individual",
    "organisation": "organisation",
    "title": "activity",
    "start": "start date",
    "cost": "cost",
    "state": "partnership state",
}


@dataclass(frozen=True, slots=True)
class PrintedList:
    """Everything the printed pages say, read in one go."""

    filter_words: str
    who: str
    database: str
    at: datetime  # UTC
    page: ActivityPage
    cap: int = PRINT_CAP

    @property
    def total(self) -> int:
        return self.page.summary.count if self.page.summary is not None else len(self.page.rows)


def describe_filter(db: Database, filt: ActivityFilter) -> str:
    """The filter in the words the panel's chips use, and the order: one line for the printed header."""
    direction = "descending" if filt.descending else "ascending"
    words = filter_words.describe_filter(db, filt) or "Every activity"
    return f"{words}; sorted by {SORT_WORDS.get(filt.sort, filt.sort)}, {direction}"


def load_printed_list(context: AppContext, filt: ActivityFilter, cap: int = PRINT_CAP) -> PrintedList:
    """On a worker: the rows (first ``cap`` in the list's order), their count and the filter's words."""
    db, user_id = context.db, context.user.id
    page = activity_queries.first_page(db, user_id, filt, limit=cap)
    words = describe_filter(db, filt)
    return PrintedList(words, context.user.display_name, context.db.target.short_name, datetime.now(UTC), page, cap)


def activities_html(printed: PrintedList) -> str:
    rows = printed.page.rows
    total = printed.total
    if total > len(rows):
        count = (
            f"The first {len(rows):,} of {total:,} activities are printed, in the list's order; "
            "narrow the filter (or export to Excel) for the rest."
        )
    else:
        count = f"{total:,} {'activity' if total == 1 else 'activities'}."
    if printed.page.summary is not None:
        count += f" Total cost of all {total:,}: {money(printed.page.summary.total_cost_pence)}."
    cells = "".join(
        "<tr>"
        f"<td>{escape(r.individual)}</td><td>{escape(r.organisation)}</td><td>{escape(r.title)}</td>"
        f"<td>{day(r.starts_on)}</td><td align='right'>{money(r.total_cost_pence)}</td>"
        f"<td>{escape(state(r.partnership_state))}</td>"
        "</tr>"
        for r in rows
    )
    head = _head(("Individual", "Organisation", "Activity", "Starts", "Cost", "Partnership"))
    return (
        "<h2>Partnership CPD</h2>"
        f"<p><b>Filter:</b> {escape(printed.filter_words)}<br>"
        f"Printed by {escape(printed.who)} on {local_time(printed.at)} (UK time) from {escape(printed.database)}.<br>"
        f"{escape(count)}</p>"
        f"<table width='100%' border='1' cellspacing='0' cellpadding='3' style='border-collapse: collapse'>"
        f"<thead><tr>{head}</tr></thead>{cells}</table>"
    )


def activities_document(printed: PrintedList) -> QTextDocument:
    return html_document(activities_html(printed))


def print_document(document: QTextDocument, device: QPagedPaintDevice) -> None:
    """``print_`` paginates to the device's page and writes the page number at each foot."""
    device.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    document.print_(device)


def write_pdf(document: QTextDocument, path: Path, title: str) -> None:
    """Raises OSError when the file cannot be written (QPdfWriter itself would fail silently)."""
    with path.open("ab"):
        pass
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("TrustDesk")
    writer.setResolution(300)
    print_document(document, writer)


def batch_html(report: BatchReport, who: str, at: datetime) -> str:
    """A sign-off batch for finance: the decision and its reason, then each activity with its cost."""
    shown = len(report.rows)
    noun = "activity" if report.count == 1 else "activities"
    count = f"{report.count:,} {noun}, {money(report.total_cost_pence)} in all."
    if report.count > shown:
        count += f" The first {shown:,} are listed, by organisation and name."
    cells = "".join(
        "<tr>"
        f"<td>{escape(r.organisation)}</td><td>{escape(r.individual)}</td><td>{escape(r.title)}</td>"
        f"<td>{day(r.starts_on)}</td><td align='right'>{money(r.total_cost_pence)}</td>"
        f"<td>{escape(state(r.partnership_state))}</td>"
        "</tr>"
        for r in report.rows
    )
    return (
        f"<h2>Sign-off {report.batch_id}: {escape(state(report.decision).lower())}</h2>"
        f"<p>Decided by {escape(report.decided_by)} on {local_time(report.decided_at)} (UK time)."
        f"<br><b>Reason:</b> {escape(report.reason) or '—'}<br>{escape(count)}<br>"
        f"Printed by {escape(who)} on {local_time(at)} (UK time).</p>"
        f"<table width='100%' border='1' cellspacing='0' cellpadding='3' style='border-collapse: collapse'>"
        f"<thead><tr>{_head(('Organisation', 'Individual', 'Activity', 'Starts', 'Cost', 'Now'))}</tr></thead>"
        f"{cells}</table>"
    )


def _head(titles: tuple[str, ...]) -> str:
    return "".join(
        f"<th align='{'right' if title == 'Cost' else 'left'}' bgcolor='#e3e8ee'>{title}</th>" for title in titles
    )


def html_document(html: str) -> QTextDocument:
    document = QTextDocument()
    document.setDocumentMargin(0)
    font = document.defaultFont()
    font.setPointSizeF(8.5)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document


def deliver(
    parent: QWidget,
    context: AppContext,
    load: Callable[[], T],
    html_of: Callable[[T], str],
    *,
    pdf: bool,
    path: Path | None,
    suggested: str,
    title: str,
) -> None:
    """Ask where to (a PDF file, or a printer), read off the UI thread, then lay the pages out."""
    if pdf and path is None:
        name, _ = QFileDialog.getSaveFileName(
            parent, "Export to PDF", str(context.paths.data / suggested), "PDF document (*.pdf)"
        )
        if not name:
            return
        path = Path(name)
    if path is not None and path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    printer = None
    if not pdf:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"Print {title}")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return

    def done(loaded: T) -> None:
        document = html_document(html_of(loaded))
        if path is not None:
            try:
                write_pdf(document, path, title)
            except OSError as error:
                show_error(parent, TrustDeskError(f"Could not save {path}: {error.strerror or error}."))
                return
            context.navigator.tell(f"Saved {title} to {path}")
        elif printer is not None:
            print_document(document, printer)
            context.navigator.tell(f"Sent {title} to the printer")

    context.ops.query(load, done)


def print_activities(
    parent: QWidget,
    context: AppContext,
    filt: ActivityFilter,
    *,
    pdf: bool,
    path: Path | None = None,
) -> None:
    deliver(
        parent,
        context,
        lambda: load_printed_list(context, filt),
        activities_html,
        pdf=pdf,
        path=path,
        suggested=f"partnership-cpd-{datetime.now():%Y-%m-%d}.pdf",
        title="Partnership CPD",
    )


def print_batch(parent: QWidget, context: AppContext, batch_id: int, *, pdf: bool, path: Path | None = None) -> None:
    """A sign-off batch's result, for finance."""
    db, user_id, who = context.db, context.user.id, context.user.display_name
    deliver(
        parent,
        context,
        lambda: batch_report(db, user_id, batch_id, PRINT_CAP),
        lambda report: batch_html(report, who, datetime.now(UTC)),
        pdf=pdf,
        path=path,
        suggested=f"sign-off-{batch_id}.pdf",
        title=f"sign-off {batch_id}",
    )


def add_print_buttons(
    dialog: QWidget, buttons: QDialogButtonBox, context: AppContext, batch_id: int | None
) -> tuple[QPushButton, QPushButton]:
    """**Print…** and **Save as PDF…** for a sign-off result dialog (disabled when nothing was decided)."""
    print_button = QPushButton("&Print…")
    pdf_button = QPushButton("Save as P&DF…")
    for button, pdf in ((print_button, False), (pdf_button, True)):
        button.setEnabled(batch_id is not None)
        button.setAutoDefault(False)  # Enter closes the result; it never prints
        button.setToolTip("For finance: the decision, its reason and every decided activity with its cost")
        buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        if batch_id is not None:
            button.clicked.connect(lambda _checked=False, p=pdf: print_batch(dialog, context, batch_id, pdf=p))
    return print_button, pdf_button
