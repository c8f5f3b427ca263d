"""File › Trust settings… services (both engines): start month, cover limits, name, logo, budget periods."""

from __future__ import annotations

import struct
import zipfile
import zlib
from datetime import date

import pytest
from sqlalchemy import select, update

from db.audit_text import sentence
from db.cover_limits import limit_for_job
from db.errors import PermissionDenied, StaleData, ValidationError
from db.excel.export import export_workbook
from db.models import AcademicPeriod, AuditEntry, Budget, CpdActivity, Job, Level, Module, TrustSetting
from db.periods import period_containing
from db.queries.activities import ActivityFilter
from db.queries.audit import AuditFilter, audit_page
from db.queries.budget_context import cover_contexts
from db.queries.trust_settings import load_trust_settings, preview_start_month
from db.services.grants import GrantSpec, give_grant
from db.services.trust_settings import (
    add_budget_period,
    set_default_cover_limit,
    set_logo,
    set_role_cover_limit,
    set_start_month,
    set_trust_name,
)
from tests.helpers import user_id


def png(width: int = 3, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG, built by hand: no imaging library is needed."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a JPEG: SOI, an APP0 segment, then a baseline frame header with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _snapshot(db) -> tuple[dict, dict, list]:
    with db.read() as session:
        budgets = {
            b.id: (b.organisation_id, b.period_id, b.amount_pence, b.version) for b in session.scalars(select(Budget))
        }
        periods = {p.id: p.starts_on.year for p in session.scalars(select(AcademicPeriod))}
        placed = session.execute(
            select(CpdActivity.id, CpdActivity.starts_on, CpdActivity.period_id, CpdActivity.version)
        ).all()
    return budgets, periods, placed


def _audit(db, action: str):
    rows = audit_page(db, user_id(db, "alex.morgan"), AuditFilter(action=action), limit=5)
    assert rows, f"no {action} entry"
    return rows[0]


def test_a_new_start_month_moves_exactly_what_the_preview_said(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    budgets, periods, before = _snapshot(demo_db)
    preview = preview_start_month(demo_db, alex, 7)  # the demo has no activity in August
    assert preview.activities > 0 and preview.budgets_affected > 0
    assert preview.sentence == (
        f"Changing to July moves {preview.activities:,} activities to another period (budgets are kept per period)."
    )
    assert all(move.from_label != move.to_label for move in preview.moves)
    with demo_db.read() as session:
        stored = set(session.scalars(select(AcademicPeriod.label)))
    assert all(move.new_period == (move.to_label not in stored) for move in preview.moves)

    done = set_start_month(demo_db, alex, 7, preview.activities)

    assert done.activities_moved == preview.activities
    assert set(done.periods_created) == {move.to_label for move in preview.moves if move.new_period}
    budgets_after, periods_after, after = _snapshot(demo_db)
    assert budgets_after == budgets, "budgets stay with their period, amounts and versions untouched"
    assert {pid: year for pid, year in periods_after.items() if pid in periods} == periods, "periods keep their year"
    with demo_db.read() as session:
        by_id = {p.id: (p.label, p.starts_on, p.ends_on) for p in session.scalars(select(AcademicPeriod))}
        assert session.scalar(select(TrustSetting.value).where(TrustSetting.key == "academic_year_start_month")) == "7"
    for label, starts_on, ends_on in by_id.values():
        expected = period_containing(date(starts_on.year, 7, 1), 7)
        assert (label, starts_on, ends_on) == (expected.label, expected.starts_on, expected.ends_on)
    moved = 0
    old = {row.id: row.period_id for row in before}
    for row in after:
        assert by_id[row.period_id][1] == period_containing(row.starts_on, 7).starts_on
        moved += old[row.id] != row.period_id
    assert moved == preview.activities
    assert {row.id: row.version for row in after} == {row.id: row.version for row in before}

    entry = _audit(demo_db, "start_month_changed")
    assert sentence(entry) == (
        f"Alex Morgan moved the start of the academic year from September to July, moving {moved} activities "
        "to another period"
    )
    assert preview_start_month(demo_db, alex, 7).sentence == "The academic year already starts in July."
    with pytest.raises(ValidationError, match="already starts in July"):
        set_start_month(demo_db, alex, 7, 0)


def test_january_gives_calendar_year_labels_and_back_again(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    set_start_month(demo_db, alex, 1, preview_start_month(demo_db, alex, 1).activities)
    with demo_db.read() as session:
        labels = list(session.scalars(select(AcademicPeriod.label).order_by(AcademicPeriod.starts_on)))
        wrong = session.execute(
            select(CpdActivity.id)
            .join(AcademicPeriod, AcademicPeriod.id == CpdActivity.period_id)
            .where(
                (CpdActivity.starts_on < AcademicPeriod.starts_on) | (CpdActivity.starts_on > AcademicPeriod.ends_on)
            )
            .limit(1)
        ).first()
    assert wrong is None
    assert labels and all(len(label) == 4 and label.isdigit() for label in labels)
    set_start_month(demo_db, alex, 9, preview_start_month(demo_db, alex, 9).activities)
    with demo_db.read() as session:
        assert all("/" in label for label in session.scalars(select(AcademicPeriod.label)))


def test_a_stale_preview_is_refused_and_nothing_changes(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    preview = preview_start_month(demo_db, alex, 7)
    # Someone else moves an activity's start into July meanwhile: one more would now move.
    with demo_db.transaction() as session:
        stays = session.execute(
            select(CpdActivity.id, CpdActivity.starts_on).where(
                CpdActivity.starts_on >= date(2025, 10, 1), CpdActivity.starts_on <= date(2026, 6, 30)
            )
        ).first()
        assert stays is not None
        session.execute(update(CpdActivity).where(CpdActivity.id == stays.id).values(starts_on=date(2026, 7, 15)))
    budgets, periods, before = _snapshot(demo_db)
    with pytest.raises(StaleData, match=r"not .* as shown"):
        set_start_month(demo_db, alex, 7, preview.activities)
    assert _snapshot(demo_db) == (budgets, periods, before)
    assert preview_start_month(demo_db, alex, 7).activities == preview.activities + 1
    with demo_db.read() as session:
        assert session.get(TrustSetting, "academic_year_start_month") is None
        assert not session.scalar(select(AuditEntry.id).where(AuditEntry.action == "start_month_changed"))


def test_only_primary_users_and_trust_organisation_deciders_may_change_settings(demo_db) -> None:
    alex, sam, jo = (user_id(demo_db, name) for name in ("alex.morgan", "sam.patel", "jo.evans"))
    shown = load_trust_settings(demo_db, sam)
    assert not shown.can_edit and load_trust_settings(demo_db, alex).can_edit
    refusals = [
        lambda: set_start_month(demo_db, sam, 8, 0),
        lambda: set_trust_name(demo_db, sam, "Another Trust", shown.trust_version),
        lambda: set_logo(demo_db, sam, png()),
        lambda: add_budget_period(demo_db, sam),
        lambda: set_default_cover_limit(demo_db, sam, 4, None),
        lambda: set_role_cover_limit(demo_db, sam, shown.roles[0], 4),
    ]
    for attempt in refusals:
        with pytest.raises(PermissionDenied, match="Only a primary user or an administrator"):
            attempt()
    give_grant(demo_db, alex, jo, GrantSpec(Module.ORGANISATIONS, Level.DECIDE))
    assert load_trust_settings(demo_db, jo).can_edit
    set_trust_name(demo_db, jo, "Oakfield Learning Trust (renamed)", shown.trust_version)
    assert load_trust_settings(demo_db, sam).trust_name == "Oakfield Learning Trust (renamed)"


def test_the_trust_name_is_version_checked_and_audited(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    shown = load_trust_settings(demo_db, alex)
    set_trust_name(demo_db, alex, "  Riverside   Learning Trust ", shown.trust_version)
    assert load_trust_settings(demo_db, alex).trust_name == "Riverside Learning Trust"
    with pytest.raises(StaleData):
        set_trust_name(demo_db, alex, "Someone else's idea", shown.trust_version)
    with pytest.raises(ValidationError, match="Enter the trust"):
        set_trust_name(demo_db, alex, "   ", shown.trust_version + 1)
    assert sentence(_audit(demo_db, "trust_renamed")) == (
        f"Alex Morgan renamed the trust from {shown.trust_name} to Riverside Learning Trust"
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a\x01\x00\x01\x00", "not a PNG or JPEG"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "PNG file is damaged"),
        (png()[:16], "PNG file is damaged"),
        (png(0, 5), "size header does not make sense"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "JPEG file is damaged"),
        (png() + b"\x00" * (512 * 1024), "at most 512 KB"),
    ],
)
def test_a_bad_logo_is_refused_with_one_sentence(db, data: bytes, words: str) -> None:
    from db.services.trust_setup import create_new_trust

    founder = create_new_trust(db, "Riverside Learning Trust", "1234", "Ann Lee", "ann.lee").user_id
    with pytest.raises(ValidationError, match=words) as refused:
        set_logo(db, founder, data)
    assert refused.value.message.count(". ") == 0
    assert load_trust_settings(db, founder).logo is None


def test_a_logo_is_stored_shown_and_put_on_the_budget_workbook(demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    image = png(120, 40)
    set_logo(demo_db, alex, image)
    shown = load_trust_settings(demo_db, alex)
    assert shown.logo == image and shown.has_logo
    set_logo(demo_db, alex, jpeg_header(64, 48))
    assert sentence(_audit(demo_db, "trust_logo_set")) == "Alex Morgan set the trust’s logo (JPEG, 64 × 48 pixels)"
    set_logo(demo_db, alex, image)

    path = export_workbook(demo_db, alex, ActivityFilter(search="phonics"), tmp_path / "budget.xlsx").path
    with zipfile.ZipFile(path) as book:
        media = [name for name in book.namelist() if name.startswith("xl/media/")]
        assert len(media) == 1 and book.read(media[0]) == image
    import openpyxl

    notes = openpyxl.load_workbook(path, read_only=True)["Notes"]
    assert next(notes.iter_rows(max_row=1, values_only=True))[0] == f"{shown.trust_name} — budget workbook"

    set_logo(demo_db, alex, None)
    assert load_trust_settings(demo_db, alex).logo is None
    with pytest.raises(ValidationError, match="no logo to remove"):
        set_logo(demo_db, alex, None)


def _job_and_period(db) -> tuple[int, str, int]:
    with db.read() as session:
        job_id, role, period_id = session.execute(
            select(Job.id, Job.role, CpdActivity.period_id).join(CpdActivity, CpdActivity.job_id == Job.id).limit(1)
        ).one()
    return job_id, role, period_id


def _limit_in_budget_context(db, job_id: int, period_id: int) -> float:
    with db.read() as session:
        assert limit_for_job(session, job_id) is not None
        return cover_contexts(session, [(job_id, period_id)])[(job_id, period_id)].limit_days


def test_cover_limit_falls_back_from_job_to_role_to_the_trust_default(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    job_id, role, period_id = _job_and_period(demo_db)
    with demo_db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(cover_limit_days=None))
    assert _limit_in_budget_context(demo_db, job_id, period_id) == 5.0  # the built-in default

    version = set_default_cover_limit(demo_db, alex, 7.5, None)
    assert _limit_in_budget_context(demo_db, job_id, period_id) == 7.5
    with pytest.raises(StaleData):
        set_default_cover_limit(demo_db, alex, 6, None)

    role_version = set_role_cover_limit(demo_db, alex, role, 3)
    assert _limit_in_budget_context(demo_db, job_id, period_id) == 3.0
    (shown,) = load_trust_settings(demo_db, alex).role_limits
    assert (shown.role, shown.days) == (role, 3.0) and 1 <= shown.applies_to <= shown.jobs

    with demo_db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(cover_limit_days=9))
    assert _limit_in_budget_context(demo_db, job_id, period_id) == 9.0

    with demo_db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(cover_limit_days=None))
    assert set_role_cover_limit(demo_db, alex, role, None, role_version) is None
    assert _limit_in_budget_context(demo_db, job_id, period_id) == 7.5
    set_default_cover_limit(demo_db, alex, 6, version)
    assert load_trust_settings(demo_db, alex).default_cover_limit == 6.0
    assert (
        sentence(_audit(demo_db, "cover_limit_role_removed")) == f"Alex Morgan removed the cover-day limit for {role}"
    )


@pytest.mark.parametrize(("days", "words"), [(61, "between 0 and 60"), (-1, "between 0 and 60"), (2.3, "half days")])
def test_cover_limits_are_whole_or_half_days_up_to_sixty(demo_db, days: float, words: str) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with pytest.raises(ValidationError, match=words):
        set_default_cover_limit(demo_db, alex, days, None)
    with pytest.raises(ValidationError, match=words):
        set_role_cover_limit(demo_db, alex, "Class teacher", days)


def test_a_role_no_job_has_is_refused_saying_so(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with pytest.raises(ValidationError, match="No job has the role “Astronaut”"):
        set_role_cover_limit(demo_db, alex, "Astronaut", 4)
    version = set_role_cover_limit(demo_db, alex, "Class teacher", 4)
    with pytest.raises(StaleData):
        set_role_cover_limit(demo_db, alex, "Class teacher", 4.5, None)
    set_role_cover_limit(demo_db, alex, "Class teacher", 4.5, version)
    assert sentence(_audit(demo_db, "cover_limit_role_set")) == (
        "Alex Morgan set the cover-day limit for Class teacher to 4.5 days"
    )


def test_the_next_budget_period_is_added_after_the_latest(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    latest = load_trust_settings(demo_db, alex).periods[-1]
    added = add_budget_period(demo_db, alex)
    expected = period_containing(date(latest.starts_on.year + 1, 9, 1))
    shown = load_trust_settings(demo_db, alex).periods[-1]
    assert (added.label, shown.label, shown.starts_on, shown.ends_on, shown.budgets) == (
        expected.label, expected.label, expected.starts_on, expected.ends_on, 0
    )  # fmt: skip
    assert sentence(_audit(demo_db, "budget_period_added")).startswith(
        f"Alex Morgan added the academic period {expected.label}"
    )
    with pytest.raises(ValidationError, match="at most 5 years ahead"):
        for _ in range(8):
            add_budget_period(demo_db, alex)
