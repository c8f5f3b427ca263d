"""File › Export to PDF… / Print…: the Partnership CPD list as its filter shows it, with a header and a cap."""

from __future__ import annotations

import re

import pytest

from db.queries.activities import ActivityFilter
from db.queries.lookups import load_lookups
from desktop.modules.partnership_cpd.printing import (
    activities_document,
    activities_html,
    describe_filter,
    load_printed_list,
)
from tests.gui_helpers import close_window, make_context, open_window


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_export_to_pdf_writes_the_rows_the_filter_shows(qtbot, window, tmp_path) -> None:
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    path = tmp_path / "cpd"  # the suffix is added
    window.panels["partnership_cpd"].export_pdf(path)
    pdf = tmp_path / "cpd.pdf"
    qtbot.waitUntil(lambda: pdf.exists() and pdf.stat().st_size > 1000, timeout=20_000)
    window.context.ops.wait_for_done(10_000)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert _pages(data) >= 1


def test_header_says_the_filter_who_and_the_cap(qtbot, demo_db, tmp_path) -> None:
    context = make_context(demo_db, tmp_path)
    lookups = load_lookups(demo_db, context.user.id)
    busiest = load_printed_list(context, ActivityFilter(), cap=1).page.rows[0].organisation_id
    organisation = next(choice for choice in lookups.organisations if choice.id == busiest)
    filt = ActivityFilter(organisation_id=organisation.id, search="", sort="title", descending=False)
    printed = load_printed_list(context, filt, cap=5)
    assert printed.total > 5
    html = activities_html(printed)
    assert f"The first 5 of {printed.total:,} activities are printed" in html
    assert html.count("<tr>") == 1 + 5  # the heading row and five activities
    assert "Printed by Sam Patel on " in html and "(UK time)" in html
    assert organisation.label.replace("&", "&amp;") in html
    assert organisation.label in describe_filter(demo_db, filt) and "sorted by activity, ascending" in html
    titles = [row.title for row in printed.page.rows]
    assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)  # the list's own order


def test_a_long_list_runs_over_several_pages(qtbot, demo_db, tmp_path) -> None:
    from PySide6.QtCore import QSizeF

    context = make_context(demo_db, tmp_path)
    printed = load_printed_list(context, ActivityFilter(), cap=300)
    assert len(printed.page.rows) == 300
    document = activities_document(printed)
    document.setPageSize(QSizeF(1100, 760))  # about A4 landscape in points at this font size
    assert document.pageCount() > 3


def test_a_sign_off_result_prints_for_finance(qtbot, demo_db, tmp_path) -> None:
    from datetime import UTC, datetime

    from db.models import PartnershipState
    from db.queries.decision_batch import batch_report
    from db.services.signoff import sign_off
    from desktop.modules.partnership_cpd.printing import batch_html, print_batch
    from desktop.modules.partnership_cpd.sign_off_result_dialog import SignOffResultDialog
    from tests.helpers import pending_elsewhere, user_id
    from tests.test_signoff import decidable_orgs

    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=4)
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Paid from the central budget")
    context = make_context(demo_db, tmp_path)
    dialog = SignOffResultDialog(context, result)
    qtbot.addWidget(dialog)
    labels = [button.text() for button in dialog.findChildren(type(dialog.undo_button)) if button.isEnabled()]
    assert "&Print…" in labels and "Save as P&DF…" in labels

    report = batch_report(demo_db, sam, result.batch_id, limit=3)
    assert report.count == 4 and len(report.rows) == 3
    html = batch_html(report, "Sam Patel", datetime.now(UTC))
    assert f"Sign-off {result.batch_id}: authorised" in html
    assert "Paid from the central budget" in html and "The first 3 are listed" in html

    path = tmp_path / "batch.pdf"
    print_batch(dialog, context, result.batch_id, pdf=True, path=path)
    qtbot.waitUntil(lambda: path.exists() and path.stat().st_size > 1000, timeout=20_000)
    context.ops.wait_for_done(10_000)
    assert path.read_bytes().startswith(b"%PDF")
