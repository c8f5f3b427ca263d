"""A trust built from empty for the data sharing tests: GIAS schools, contacts, heads, staff (D1-D6)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.engine import Database
from db.models import Job, Organisation, OrgKind, OrgStatus, Person, Role, SharingRecipientRole
from db.services.data_sharing import add_contact
from db.services.gias_import import import_gias
from db.services.grants import grant_role
from db.services.passwords import set_password
from db.services.trust_setup import create_new_trust
from db.services.users import UserDetails, add_user
from db.standard_roles import CPD_LEAD, HEAD_TEACHER

FIXTURES = Path(__file__).parent / "fixtures" / "gias"
TRUST_UID = "TR09471"


@dataclass(frozen=True)
class SharingTrust:
    trust_id: int
    admin: int  # the primary user who created the trust
    lead: int  # a CPD lead over the whole trust: what the trust sees of each school
    schools: dict[str, int]  # name -> id, the open schools from GIAS
    heads: dict[int, int]  # school id -> its head's user (Head teacher role held at the school)


def role_id(db: Database, name: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Role.id).where(Role.name == name))
    assert found is not None
    return found


def add_staff(db: Database, school: int, first: str, last: str, role: str, email: str | None) -> int:
    """A job as a staff import from the school's MIS would make it (no import service yet)."""
    with db.transaction() as session:
        person = Person(first_name=first, last_name=last, email=None)
        session.add(person)
        session.flush()
        job = Job(person_id=person.id, organisation_id=school, role=role, email=email)
        session.add(job)
        session.flush()
        return job.id


#: every user of this trust signs in with it (a file outside the demo needs passwords, A3)
PASSWORD = "Kestrel-orchard-42"


def build_sharing_trust(db: Database, *, heads: bool = True) -> SharingTrust:
    """Oakfield Learning Trust from the GIAS fixture, every head a contact with an e-mail address."""
    # On a shared database the login decides who acts; passwords are for SQLite files (A3).
    password = PASSWORD if db.target.is_sqlite else None
    created = create_new_trust(db, "Oakfield Learning Trust", TRUST_UID, "Jane Smith", "jane.smith", password)
    admin = created.user_id
    import_gias(db, admin, FIXTURES / "establishments.csv", TRUST_UID, FIXTURES / "grades.csv")
    with db.read() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name, Organisation.leader_name).where(
                Organisation.kind != OrgKind.TRUST, Organisation.status == OrgStatus.OPEN
            )
        ).all()
    schools = {name: org_id for org_id, name, _leader in rows}
    lead = add_user(db, admin, UserDetails("chris.lead", "Chris Lead", "chris@oakfield.example"))
    grant_role(db, admin, lead, role_id(db, CPD_LEAD))
    if password:
        set_password(db, admin, lead, password)
    head_users: dict[int, int] = {}
    if heads:
        for n, (org_id, _name, leader) in enumerate(sorted(rows), start=1):
            email = f"head{n}@school{n}.example"
            add_contact(db, admin, org_id, leader or f"Head {n}", SharingRecipientRole.HEAD, email)
            user = add_user(db, admin, UserDetails(f"head{n}", leader or f"Head {n}", email))
            grant_role(db, admin, user, role_id(db, HEAD_TEACHER), organisation_id=org_id)
            if password:
                set_password(db, admin, user, password)
            head_users[org_id] = user
    return SharingTrust(created.trust_id, admin, lead, schools, head_users)
