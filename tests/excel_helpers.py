"""Editing exported workbooks the way another program would (openpyxl, not TrustDesk)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import Database
from db.excel.layout import DATA_SHEET, DECISION_COL, ID_COL, REASON_COL, VERSION_COL
from db.models import CpdActivity, Job, Module
from db.scope import scope_for
from tests.helpers import own_person_id, user_id


def rows_by_id(path: Path) -> dict[int, int]:
    """Activity id → spreadsheet row number."""
    book = load_workbook(path, read_only=True)
    try:
        sheet = book[DATA_SHEET]
        return {
            int(values[ID_COL]): number
            for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2)
            if values[ID_COL] is not None
        }
    finally:
        book.close()


def versions_in(path: Path) -> dict[int, int]:
    book = load_workbook(path, read_only=True)
    try:
        return {int(v[ID_COL]): int(v[VERSION_COL]) for v in book[DATA_SHEET].iter_rows(min_row=2, values_only=True)}
    finally:
        book.close()


def record_decisions(path: Path, decisions: Mapping[int, tuple[str, str]], out: Path | None = None) -> Path:
    """Type Decision/Reason cells for the given activity ids and save (to ``out`` or in place)."""
    where = rows_by_id(path)
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    for activity_id, (decision, reason) in decisions.items():
        row = where[activity_id]
        sheet.cell(row, DECISION_COL + 1).value = decision or None
        sheet.cell(row, REASON_COL + 1).value = reason or None
    target = out or path
    book.save(target)
    return target


def decidable(db: Database, username: str, path: Path, count: int) -> list[int]:
    """Ids in the workbook this user may decide (not their own, in an org they decide for)."""
    with db.read() as session:
        scope = scope_for(session, user_id(db, username))
        orgs = scope.orgs(Module.PARTNERSHIP_CPD, at_least=3)
        person = own_person_id(db, username)
        rows = session.execute(
            select(CpdActivity.id, CpdActivity.organisation_id, Job.person_id).join(Job, Job.id == CpdActivity.job_id)
        ).all()
    ok = {i for i, org, p in rows if org in orgs and p != person}
    return [i for i in versions_in(path) if i in ok][:count]
