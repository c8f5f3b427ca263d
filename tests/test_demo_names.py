"""The demo trust has no two people with the same name at one organisation, and no shared e-mail addresses."""

from __future__ import annotations

from sqlalchemy import text

from db.engine import Database

CHECKS = {
    "different people with one name at one organisation": """
        SELECT count(*) FROM (
            SELECT j.organisation_id, p.first_name, p.last_name FROM jobs j JOIN people p ON p.id = j.person_id
            GROUP BY j.organisation_id, p.first_name, p.last_name HAVING count(DISTINCT p.id) > 1) clash""",
    "different people with one personal e-mail": """
        SELECT count(*) FROM (SELECT email FROM people GROUP BY email HAVING count(*) > 1) clash""",
    "different people with one work e-mail": """
        SELECT count(*) FROM (
            SELECT j.email FROM jobs j GROUP BY j.email HAVING count(DISTINCT j.person_id) > 1) clash""",
}


def test_names_are_unique_per_organisation_and_emails_per_person(demo_db: Database) -> None:
    with demo_db.read() as session:
        found = {what: session.scalar(text(sql)) for what, sql in CHECKS.items()}
    assert found == dict.fromkeys(CHECKS, 0)
