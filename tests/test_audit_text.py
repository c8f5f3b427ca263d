"""The audit log in sentences (A2): every action the services write reads as English, in UK time."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from db.audit_text import TEMPLATES, changes, local_time, sentence, show_login
from db.gias.plan import Action
from db.models import PartnershipState
from db.queries import activities as activity_queries
from db.queries.audit import AuditFilter, AuditRow, audit_page
from db.services.activity_edits import current_edit, edit_activity
from db.services.signoff import sign_off
from desktop.dialogs.audit_viewer import AuditViewer
from tests.gui_helpers import make_context
from tests.helpers import pending_elsewhere, user_id
from tests.test_activity_edits import decidable
from tests.test_signoff import decidable_orgs

SERVICES = Path(__file__).resolve().parent.parent / "db" / "services"
_WRITTEN = re.compile(
    r'(?:action=|"action":\s*|act\.audit\(\s*|def action\(self\) -> str:\s*return\s+)'
    r'(f?"[^"]+"(?:\s+if\s+\w+\s+else\s+"[^"]+")?)'
)
_EXPANSIONS = {
    "{verb}": ("authorised", "rejected"),
    "{self.verb}": ("authorised", "rejected"),
    "{entry.action.value}": tuple(a.value for a in Action),
}


def _written_actions() -> set[str]:
    """Every action string in db/services, f-strings expanded with the values they can take."""
    found: set[str] = set()
    for path in SERVICES.glob("*.py"):
        for match in _WRITTEN.finditer(path.read_text(encoding="utf-8")):
            for literal in re.findall(r'f?"([^"]+)"', match.group(1)):
                if literal == "action":  # the generic helper's own parameter
                    continue
                holes = [hole for hole in _EXPANSIONS if hole in literal]
                if not holes:
                    found.add(literal)
                for hole in holes:
                    found.update(literal.replace(hole, value) for value in _EXPANSIONS[hole])
    return found


def test_every_action_the_services_write_has_a_sentence() -> None:
    written = _written_actions()
    assert {"partnership_authorised", "group_member_removed", "gias_updated", "user_created"} <= written
    assert not written - set(TEMPLATES), f"no sentence for {sorted(written - set(TEMPLATES))}"


@pytest.mark.parametrize("action", sorted(TEMPLATES))
def test_every_template_reads_even_with_little_to_go_on(action: str) -> None:
    bare = AuditRow(1, datetime(2026, 5, 1, 12), "Pat Kim", "", action, "thing", 7, "", '{"name": "KS2"}', "", None)
    text = sentence(bare)
    assert text.startswith("Pat Kim ") and "{" not in text and "_" not in text


def test_times_are_uk_local_with_summer_time() -> None:
    assert local_time(datetime(2026, 7, 1, 9, 30)) == "01 Jul 2026 10:30"  # BST
    assert local_time(datetime(2026, 1, 15, 9, 30)) == "15 Jan 2026 09:30"  # GMT
    assert local_time(datetime(2026, 3, 29, 0, 30)) == "29 Mar 2026 00:30"  # before the clocks go forward
    assert local_time(datetime(2026, 3, 29, 1, 30)) == "29 Mar 2026 02:30"  # after


def _newest(db, username: str, action: str):
    rows = audit_page(db, user_id(db, "sam.patel"), AuditFilter(action=action), limit=1)
    assert rows, f"no {action} entry"
    return rows[0]


def test_an_authorisation_reads_as_a_sentence_with_the_reason(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=1)
    (activity_id,) = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "In the improvement plan").applied
    shown = activity_queries.first_rows(demo_db, sam, activity_queries.ActivityFilter(search=""), limit=10_000)
    row = next(r for r in shown.rows if r.id == activity_id)

    entry = _newest(demo_db, "sam.patel", "partnership_authorised")
    assert sentence(entry) == (
        f"Sam Patel authorised “{row.title}” for {row.individual} ({row.organisation}): reason In the improvement plan"
    )
    assert f"<i>{row.title}</i>" in sentence(entry, rich=True).replace("&#x27;", "'")
    assert next((c.field, c.before, c.after) for c in changes(entry)) == (
        "partnership authorisation",
        "pending",
        "authorised",
    )
    assert all("version" not in c.field and "id" not in c.field.split() for c in changes(entry))


def test_a_cost_correction_names_the_field_in_words_and_money_in_pounds(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edit = replace(current_edit(row), course_fee_pence=row.course_fee_pence + 4_550)
    edit_activity(demo_db, sam, row.id, row.version, edit, note="Provider raised the fee")

    entry = _newest(demo_db, "sam.patel", "activity_edited")
    assert sentence(entry).startswith(f"Sam Patel corrected the course fee of “{row.title}” for ")
    assert sentence(entry).endswith(", so it needs re-authorisation: Provider raised the fee")
    fee = next(c for c in changes(entry) if c.field == "course fee")
    assert fee.before == f"£{row.course_fee_pence / 100:,.2f}"
    assert fee.after == f"£{(row.course_fee_pence + 4_550) / 100:,.2f}"


def _any_entry(db):
    sam = user_id(db, "sam.patel")
    sign_off(db, sam, pending_elsewhere(db, "sam.patel", decidable_orgs(db, "sam.patel"), limit=1),
             PartnershipState.AUTHORISED, "")  # fmt: skip
    return _newest(db, "sam.patel", "partnership_authorised")


def test_the_login_is_shown_only_when_it_differs_from_the_user(demo_db) -> None:
    entry = _any_entry(demo_db)
    assert not show_login(replace(entry, username="sam.patel", db_identity="SAM.PATEL"))
    assert show_login(replace(entry, username="sam.patel", db_identity="trustdesk_service"))
    assert not show_login(replace(entry, db_identity=""))


def test_an_unknown_action_still_reads(demo_db) -> None:
    entry = replace(_any_entry(demo_db), action="future_thing", entity="widget", reason="")
    assert sentence(entry).endswith("— future thing (widget)")


def test_viewer_shows_sentences_and_the_entry_in_full(qtbot, demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    long_reason = "Agreed at the CPD panel on Tuesday; " * 12
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=1)
    sign_off(demo_db, sam, ticked, PartnershipState.REJECTED, long_reason.strip())
    viewer = AuditViewer(make_context(demo_db, tmp_path, "sam.patel"))
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0, timeout=10_000)
    assert [c.title for c in viewer.model.COLUMNS] == ["When (UK time)", "What happened"]
    first = viewer.model.index(0, 1).data()
    assert first.startswith("Sam Patel rejected “")
    qtbot.waitUntil(lambda: "Partnership authorisation" in viewer.detail.toPlainText(), timeout=10_000)
    text = viewer.detail.toPlainText()
    assert "Agreed at the CPD panel on Tuesday" in text and "pending" in text and "rejected" in text
    assert viewer.detail.lineWrapMode() != viewer.detail.LineWrapMode.NoWrap  # long reasons wrap
