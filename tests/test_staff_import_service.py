"""Importing staff into a fresh trust: what each row will do, applying it in one transaction with
audit, and the same file twice changing nothing (P1, D6, X2). On both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from db.changes import recorded
from db.errors import PermissionDenied, StaleData
from db.models import AuditEntry, Job, Level, Module, Person, SharingLevel
from db.queries.staff import JOBS, StaffFilter, first_staff_page
from db.queries.staff_import import preview_staff_import, saved_mapping
from db.services.grants import GrantSpec, give_grant
from db.services.staff_import import apply_staff_import, import_staff, save_mapping
from db.services.users import UserDetails, add_user
from db.staff_import.fields import MappingError
from db.staff_import.plan import Action
from tests.staff_import_helpers import HR, MIS, XLSX, fresh_trust, school_id, share, write_csv

TODAY = date(2026, 11, 30)


def _counts(db) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Person)),
            session.scalar(select(func.count()).select_from(Job)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def _job(db, code: str) -> Job:
    with db.read() as session:
        job = session.scalar(select(Job).where(Job.staff_code == code))
        assert job is not None
        session.expunge(job)
        return job


def _person_of(db, code: str) -> Person:
    with db.read() as session:
        person = session.scalar(select(Person).join(Job, Job.person_id == Person.id).where(Job.staff_code == code))
        session.expunge(person)
        return person


def test_the_three_fixture_files_make_a_real_trust_and_a_second_import_changes_nothing(db) -> None:
    user = fresh_trust(db)
    for path in (MIS, HR, XLSX):
        plan, result = import_staff(db, user, path)
        assert not [e for e in plan.entries if e.action is Action.SKIP and "leaver" not in e.reason], path
    people, jobs, audit = _counts(db)
    # MIS: 14 people, 15 jobs (Gareth Llewellyn at two schools by his TRN); HR: Neil Lewis's second job
    # by TRN, one leaver TrustDesk never had is skipped; the workbook: 6 people.
    assert (people, jobs) == (14 + 10 + 6, 15 + 11 + 6)
    assert _person_of(db, "FB005").id == _person_of(db, "LW006").id
    assert _person_of(db, "100231").id == _person_of(db, "LW001").id
    assert _person_of(db, "100232").first_name == "Renée" and _person_of(db, "100232").last_name == "O’Connor"
    assert _person_of(db, "3001").first_name == "Zoë"
    assert _job(db, "3003").started_on == date(2023, 9, 1)  # an Excel serial in a number cell
    assert _job(db, "FB003").started_on == date(2019, 9, 3)  # dd/mm/yyyy, never mm/dd
    assert _job(db, "FB002").line_manager_job_id == _job(db, "FB001").id  # by e-mail
    assert _job(db, "FB003").line_manager_job_id == _job(db, "FB002").id  # by staff code
    assert _job(db, "FB001").is_line_manager and not _job(db, "FB003").is_line_manager
    assert _job(db, "100237").ended_on == date(2027, 8, 31) and _job(db, "100237").active
    with db.read() as session:
        per_action = select(AuditEntry.action, func.count()).where(AuditEntry.action.like("staff_%"))
        actions = dict(session.execute(per_action.group_by(AuditEntry.action)).all())
    assert actions == {"staff_person_added": people, "staff_job_added": jobs}
    page = first_staff_page(db, user, StaffFilter(search="Llewellyn"))
    schools = {row.organisation for row in page.rows}
    assert schools == {"Finchbrook Primary Academy", "Larkwell Infant and Junior School"}

    for path in (MIS, HR, XLSX):
        again = preview_staff_import(db, user, path)
        assert again.to_apply == [], path
        _plan, result = import_staff(db, user, path)
        assert result.people_added == result.jobs_added == result.updated == 0
    assert _counts(db) == (people, jobs, audit)


def test_the_preview_writes_nothing_and_says_each_field_old_to_new(db, tmp_path) -> None:
    user = fresh_trust(db)
    import_staff(db, user, MIS)
    before = _counts(db)
    changed = write_csv(
        tmp_path,
        [
            "FB003,Dr,Zoë,Hartley,z.hartley@finchbrook.sch.uk,941787,Year 6 Lead,03/09/2019,FB001,1734567,UPS1",
            "FB004,Miss,Priya,Raman,p.raman@finchbrook.sch.uk,941787,Class Teacher,2021-09-01,FB002,1845678,MPS2",
        ],
    )
    plan = preview_staff_import(db, user, changed, today=TODAY)
    assert _counts(db) == before
    zoe = next(e for e in plan.entries if e.row == 2)
    assert zoe.action is Action.UPDATE
    assert "title: Ms → Dr" in zoe.detail and "role: Class Teacher → Year 6 Lead" in zoe.detail
    assert "pay scale: MPS3 → UPS1" in zoe.detail
    assert "line manager: Tomás Quigley (Finchbrook Primary Academy) → Aoife O'Brien" in zoe.detail
    assert next(e for e in plan.entries if e.row == 3).action is Action.UNCHANGED  # ISO date, same day
    version = _job(db, "FB003").version
    apply_staff_import(db, user, plan)
    job = _job(db, "FB003")
    assert (job.role, job.pay_scale, job.version) == ("Year 6 Lead", "UPS1", version + 1)
    assert job.line_manager_job_id == _job(db, "FB001").id
    with db.read() as session:
        before, after = session.execute(
            select(AuditEntry.before, AuditEntry.after).where(AuditEntry.action == "staff_job_updated")
        ).one()
    assert before["role"] == "Class Teacher" and after["role"] == "Year 6 Lead"


def test_whole_list_ends_the_jobs_a_school_left_out_and_only_then(db, tmp_path) -> None:
    user = fresh_trust(db)
    import_staff(db, user, MIS)
    header, *lines = MIS.read_text("utf-8-sig").splitlines()
    kept = [line for line in lines if line.startswith("FB") and not line.startswith("FB007")]
    shorter = write_csv(tmp_path, kept, header=header)
    partial = preview_staff_import(db, user, shorter, today=TODAY)
    assert partial.count(Action.END) == 0
    plan = preview_staff_import(db, user, shorter, whole_list=True, today=TODAY)
    ended = [e for e in plan.entries if e.action is Action.END]
    assert [(e.name, e.school) for e in ended] == [("Dariusz Nowak", "Finchbrook Primary Academy")]
    apply_staff_import(db, user, plan)
    job = _job(db, "FB007")
    assert (job.active, job.ended_on) == (False, TODAY)
    assert _job(db, "LW007").active  # Larkwell is not in the file: its staff are left alone
    with db.read() as session:
        ended_rows = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "staff_job_ended")
        assert session.scalar(ended_rows) == 1


def test_the_same_person_at_two_schools_is_offered_for_linking_never_merged_silently(db) -> None:
    user = fresh_trust(db)
    plan = preview_staff_import(db, user, MIS)
    assert [(e.row, e.link.row) for e in plan.offers] == [(14, 4)]  # Zoë Hartley: same name, near e-mail
    apply_staff_import(db, user, plan)  # not linked: two people
    assert _person_of(db, "FB003").id != _person_of(db, "LW005").id


def test_an_accepted_link_makes_one_person_with_two_jobs(db) -> None:
    user = fresh_trust(db)
    plan = preview_staff_import(db, user, MIS)
    result = apply_staff_import(db, user, plan, linked=frozenset({14}))
    assert (result.people_added, result.jobs_added) == (13, 15)
    assert _person_of(db, "FB003").id == _person_of(db, "LW005").id


def test_a_row_that_looks_like_someone_already_in_trustdesk_is_offered_too(db, tmp_path) -> None:
    user = fresh_trust(db)
    import_staff(db, user, MIS)
    other = write_csv(tmp_path, ["BW900,Mrs,Grace,Adeyemi,grace.adeyemi@birchwell.org.uk,944127,Office Manager,,,,"])
    assert preview_staff_import(db, user, other).offers == []  # "grace.adeyemi" is not near "g.adeyemi"
    near = write_csv(tmp_path, ["BW900,Mrs,Grace,Adeyemi,g.adeyemi@birchwell.org.uk,944127,Office Manager,,,,"])
    plan = preview_staff_import(db, user, near)
    assert [e.link.person_id for e in plan.offers] == [_person_of(db, "LW007").id]
    apply_staff_import(db, user, plan, linked=frozenset({2}))
    assert _person_of(db, "BW900").id == _person_of(db, "LW007").id


BAD_ROWS = [
    "X01,Mr,Ann,Lee,a.lee@x.sch.uk,999999,Teacher,01/09/2020,,,",  # 2: unknown URN
    "X02,Mr,,Lee,b.lee@finchbrook.sch.uk,941787,Teacher,01/09/2020,,,",  # 3: no first name
    "X03,Mr,Cat,Lee,c.lee@finchbrook.sch.uk,941787,Teacher,31/02/2020,,,",  # 4: no such date
    'X04,Mr,Dan,Lee,d.lee@finchbrook.sch.uk,941787,=HYPERLINK("x"),01/09/2020,,,',  # 5: a formula
    'X05,Mr,Eve,"Lee\tSmith",e.lee@finchbrook.sch.uk,941787,Teacher,01/09/2020,,,',  # 6: a tab in a name
    f"X06,Mr,Fay,Lee,f.lee@finchbrook.sch.uk,941787,{'Teacher ' * 20},01/09/2020,,,",  # 7: too long
    "X07,Mr,Gus,Lee,g.lee@finchbrook.sch.uk,941787,Teacher,01/09/2020,,,",  # 8 and 9: the same staff code
    "X07,Mr,Hal,Lee,h.lee@finchbrook.sch.uk,941787,Teacher,01/09/2020,,,",
    "X08,Mr,Ian,Lee,i.lee@finchbrook.sch.uk,941787,Teacher,01/09/2020,,12345,",  # 10: not a TRN
    "X09,Mr,Jo,Lee,j.lee@finchbrook.sch.uk,941787,Teacher,09/01/2020,,,",  # 11: fine
]


def test_each_bad_row_is_skipped_with_its_row_number_and_why_while_the_rest_import(db, tmp_path) -> None:
    user = fresh_trust(db)
    plan = preview_staff_import(db, user, write_csv(tmp_path, BAD_ROWS))
    why = {e.row: e.reason for e in plan.entries if e.action is Action.SKIP}
    assert "no school with the URN 999999" in why[2]
    assert why[3] == "row 3: no first name"
    assert "Start date “31/02/2020” is not a date" in why[4]
    assert "starts like a formula" in why[5]
    assert "Last name “Lee Smith” contains a line break or tab" in why[6]
    assert "159 characters long; TrustDesk keeps at most 80" in why[7]
    assert "the same staff code “X07”" in why[8] and "as row 9" in why[8] and "as row 8" in why[9]
    assert "not a 7-digit teacher reference number" in why[10]
    assert all(reason.startswith(f"row {row}:") for row, reason in why.items())
    assert [e.row for e in plan.to_apply] == [11]
    apply_staff_import(db, user, plan)
    assert _job(db, "X09").started_on == date(2020, 1, 9)
    assert _counts(db)[1] == 1


def test_schools_not_sharing_mis_data_are_skipped_with_the_agreement_named(db, tmp_path) -> None:
    """A staff import brings a school's own MIS records in: MIS data shared is enough (D6)."""
    user = fresh_trust(db, sharing=SharingLevel.NONE)
    share(db, SharingLevel.INSTITUTION, urn="942597")
    share(db, SharingLevel.MIS, urn="941787")
    plan = preview_staff_import(db, user, MIS)
    reasons = {e.school: e.reason for e in plan.entries if e.action is Action.SKIP}
    assert set(reasons) == {"Larkwell Infant and Junior School"}
    assert "shares institution data only with the trust" in reasons["Larkwell Infant and Junior School"]
    assert any(e.school == "Finchbrook Primary Academy" and e.action is not Action.SKIP for e in plan.entries)
    hr = preview_staff_import(db, user, HR)
    assert all("shares no data with the trust" in e.reason for e in hr.entries)


def test_a_user_imports_only_where_they_decide_on_staff(db) -> None:
    sam = fresh_trust(db)
    larkwell = school_id(db, "942597")
    head = add_user(db, sam, UserDetails("neil.lewis", "Neil Lewis"))
    give_grant(db, sam, head, GrantSpec(Module.STAFF, Level.DECIDE, organisation_id=larkwell))
    plan = preview_staff_import(db, head, MIS)
    skipped = {e.school for e in plan.entries if e.action is Action.SKIP}
    assert skipped == {"Finchbrook Primary Academy"}
    assert "You may not import staff at Finchbrook Primary Academy" in plan.entries[0].reason
    viewer = add_user(db, sam, UserDetails("vic.view", "Vic View"))
    give_grant(db, sam, viewer, GrantSpec(Module.STAFF, Level.VIEW))
    with pytest.raises(PermissionDenied, match="You may not import staff"):
        preview_staff_import(db, viewer, MIS)


def test_a_plan_overtaken_by_another_change_is_refused_whole(db) -> None:
    user = fresh_trust(db)
    import_staff(db, user, MIS)
    plan = preview_staff_import(db, user, HR)
    with db.transaction() as session:
        session.execute(update(Job).where(Job.staff_code == "LW001").values(staff_code="LW001X"))
        session.execute(update(Person).where(Person.last_name == "Lewis").values(trn=None))
    before = _counts(db)
    with pytest.raises(StaleData, match="Nothing was imported; preview the import again"):
        apply_staff_import(db, user, plan)
    assert _counts(db) == before


def test_a_trn_that_belongs_to_someone_else_is_never_overwritten(db, tmp_path) -> None:
    user = fresh_trust(db)
    import_staff(db, user, MIS)
    other = write_csv(tmp_path, ["FB003,Ms,Zoë,Hartley,z.hartley@finchbrook.sch.uk,941787,Class Teacher,,,9812345,"])
    entry = preview_staff_import(db, user, other).entries[0]
    assert entry.action is Action.SKIP and "differs from 1734567" in entry.reason


def test_the_import_publishes_the_jobs_it_touched(db) -> None:
    user = fresh_trust(db)
    plan = preview_staff_import(db, user, XLSX)
    done = recorded(lambda: apply_staff_import(db, user, plan))
    (change,) = done.changes
    assert change.kind == JOBS and len(change.ids) == 6


def test_a_mapping_is_saved_by_name_and_used_for_the_next_file(db, tmp_path) -> None:
    user = fresh_trust(db)
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "Code,Given,Family,Mail,Where,Job\nQ1,Ann,Lee,a.lee@finchbrook.sch.uk,941787,Teacher\n", encoding="utf-8"
    )
    with pytest.raises(MappingError, match="lacks the columns"):
        preview_staff_import(db, user, odd)
    mapping = {"staff_code": "Code", "first_name": "Given", "last_name": "Family", "email": "Mail",
               "urn": "Where", "role": "Job"}  # fmt: skip
    save_mapping(db, user, "Odd MIS", mapping)
    assert saved_mapping(db, "Odd MIS") == mapping
    plan = preview_staff_import(db, user, odd, mapping_name="Odd MIS")
    assert [e.action for e in plan.entries] == [Action.ADD_PERSON]
    with pytest.raises(MappingError, match="both First name and Last name in the column “Given”"):
        save_mapping(db, user, "Broken", mapping | {"last_name": "Given"})
    with pytest.raises(MappingError, match="both First name and Last name"):
        preview_staff_import(db, user, odd, mapping=mapping | {"last_name": "Given"})
    with pytest.raises(MappingError, match="has no column “Surname”"):
        preview_staff_import(db, user, odd, mapping=mapping | {"last_name": "Surname"})


def test_imported_staff_can_be_flood_filled_and_the_audit_log_reads_in_sentences(db) -> None:
    from db.audit_text import sentence
    from db.queries.audit import AuditFilter, audit_page
    from db.queries.flood_fill import quick_select

    user = fresh_trust(db)
    import_staff(db, user, MIS)
    teachers = quick_select(db, user, "role", "Class Teacher")
    assert sorted(teachers) == sorted(_job(db, code).id for code in ("FB003", "FB004", "LW003", "LW004"))
    rows = audit_page(db, user, AuditFilter(action="staff_job_added"), limit=50)
    texts = {sentence(row) for row in rows}
    assert "Sam Lead added Aoife O'Brien’s job as Headteacher (Finchbrook Primary Academy) from a staff file" in texts
    people = audit_page(db, user, AuditFilter(action="staff_person_added"), limit=50)
    assert "Sam Lead added Zoë Hartley from a staff file" in {sentence(row) for row in people}
