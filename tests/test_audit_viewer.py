"""The audit viewer (A2): filter the log in SQL, page it, export it to Excel all-or-nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db.audit_export import HEADERS, export_audit
from db.errors import PermissionDenied
from db.models import PartnershipState
from db.queries.audit import AuditFilter, audit_choices, audit_page, count_audit
from db.services.signoff import sign_off
from desktop.dialogs.audit_viewer import AuditViewer
from tests.gui_helpers import make_context
from tests.helpers import pending_elsewhere, user_id
from tests.test_signoff import decidable_orgs


def _decide(db, username: str, decision: PartnershipState, reason: str, limit: int) -> list[int]:
    me = user_id(db, username)
    ticked = pending_elsewhere(db, username, decidable_orgs(db, username), limit=limit)
    return list(sign_off(db, me, ticked, decision, reason).applied)


@pytest.fixture
def decided(demo_db):
    """Two batches by two people, so filters have something to tell apart."""
    rejected = _decide(demo_db, "sam.patel", PartnershipState.REJECTED, "Budget frozen until spring", 4)
    authorised = _decide(demo_db, "alex.morgan", PartnershipState.AUTHORISED, "In the improvement plan", 6)
    return {"rejected": rejected, "authorised": authorised}


def test_filters_narrow_the_log_in_sql(demo_db, decided) -> None:
    alex = user_id(demo_db, "alex.morgan")
    sam = user_id(demo_db, "sam.patel")
    everything = count_audit(demo_db, alex, AuditFilter())
    assert everything >= 10

    assert count_audit(demo_db, alex, AuditFilter(user_id=sam, action="partnership_rejected")) == 4
    rows = audit_page(demo_db, alex, AuditFilter(search="improvement PLAN"))
    assert len(rows) == 6 and {row.user for row in rows} == {"Alex Morgan"}
    assert all('"authorised"' in row.after for row in rows)
    one = decided["rejected"][0]
    assert [r.entity_id for r in audit_page(demo_db, alex, AuditFilter(entity="cpd_activity", entity_id=one))] == [one]
    tomorrow = date.today() + timedelta(days=1)
    assert count_audit(demo_db, alex, AuditFilter(date_from=tomorrow)) == 0
    assert count_audit(demo_db, alex, AuditFilter(date_from=date.today() - timedelta(days=1))) >= 10
    assert count_audit(demo_db, alex, AuditFilter(search="100%")) == 0  # % is taken literally
    choices = audit_choices(demo_db, alex)
    assert {"partnership_rejected", "partnership_authorised"} <= set(choices.actions)
    assert (sam, "Sam Patel") in choices.users


def test_someone_without_the_audit_permission_is_refused(demo_db) -> None:
    with pytest.raises(PermissionDenied, match="may not view the audit log"):
        count_audit(demo_db, user_id(demo_db, "chris.lee"), AuditFilter())


def test_export_writes_the_filtered_entries(demo_db, decided, tmp_path: Path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "audit.xlsx"
    assert export_audit(demo_db, alex, AuditFilter(action="partnership_rejected"), path) == 4
    sheet = load_workbook(path, read_only=True)["Audit log"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [row[3] for row in rows[1:]] == ["partnership_rejected"] * 4
    assert {row[8] for row in rows[1:]} == {"Budget frozen until spring"}
    assert list(path.parent.iterdir()) == [path]  # no temporary file left beside it


def test_an_interrupted_export_leaves_no_partial_file(demo_db, decided, tmp_path: Path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "audit.xlsx"
    path.write_bytes(b"last week's export")

    def stop(done: int, total: int, text: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_audit(demo_db, alex, AuditFilter(), path, progress=stop)
    assert path.read_bytes() == b"last week's export"
    assert list(path.parent.iterdir()) == [path]


def test_a_failure_while_saving_leaves_no_partial_file(demo_db, decided, tmp_path: Path, monkeypatch) -> None:
    import db.excel.writer as writer

    def disk_full(source: str, target: object) -> None:
        assert Path(source).stat().st_size > 0  # the whole workbook was written to the temporary file
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", disk_full)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "audit.xlsx"
    with pytest.raises(OSError, match="No space left"):
        export_audit(demo_db, user_id(demo_db, "alex.morgan"), AuditFilter(), path)
    assert list(path.parent.iterdir()) == []


def test_viewer_lists_filters_and_pages(qtbot, qtmodeltester, demo_db, decided, tmp_path: Path) -> None:
    context = make_context(demo_db, tmp_path, "alex.morgan")
    viewer = AuditViewer(context)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: viewer.action_box.count() > 1, timeout=10_000)
    qtmodeltester.check(viewer.model, force_py=True)

    viewer.action_box.setCurrentIndex(viewer.action_box.findData("partnership_rejected"))
    qtbot.waitUntil(lambda: viewer.model.total == 4 and viewer.model.rowCount() == 4, timeout=10_000)
    assert viewer.count_label.text() == "4 entries"
    assert viewer.model.index(0, 1).data().endswith(": reason Budget frozen until spring")

    path = tmp_path / "rejections.xlsx"
    viewer.export_to(path)
    qtbot.waitUntil(lambda: path.exists(), timeout=10_000)
    context.ops.wait_for_done(10_000)
    qtbot.waitUntil(lambda: "Exported 4 entries" in viewer.count_label.text(), timeout=10_000)
    context.ops.wait_for_done(10_000)
