"""App users, role templates and the grants that say what each user may do where (A1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column, utcnow
from db.models.enums import Level, Module


class AppUser(Versioned, Base):
    """Someone who signs in to TrustDesk.

    ``job_id`` links the user to their own job so that nobody decides their own
    request (C3); a user may also stand alone (a finance officer, a head known
    from GIAS before any staff are imported), with ``email`` of their own.
    ``db_login`` maps a PostgreSQL login to this user.  On a SQLite file the
    sign-in checks ``password_hash`` (a salted scrypt hash, never the password)
    and slows down after repeated failures (``failed_sign_ins``,
    ``sign_in_blocked_until``) so that nobody acts as another user (A3).
    """

    __tablename__ = "app_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    db_login: Mapped[str | None] = mapped_column(String(80), unique=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default="1")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    sign_in_blocked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Role(Versioned, Base):
    """A named template of module levels ("CPD lead"): granting it fills in one grant per module."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(String(400), nullable=False, default="", server_default="")


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    module: Mapped[Module] = mapped_column(enum_column(Module), primary_key=True)
    level: Mapped[Level] = mapped_column(Integer, nullable=False)


class UserGrant(Versioned, Base):
    """One module at one level, over the whole trust, one organisation or one cluster (A1).

    ``organisation_id`` is where the grant is held: the trust (reaching its
    members as far as each school's data sharing agreement allows, D6), or a
    member itself.  With ``cluster`` set the grant is held at the trust but
    reaches only the members in that cluster.  ``title`` is the team title the
    user holds it under ("CPD Coordinator"); ``role_id`` the template it came
    from.  Rows in ``user_grant_groups`` restrict it to the staff of those groups.
    """

    __tablename__ = "user_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id", ondelete="CASCADE"), nullable=False, index=True)
    module: Mapped[Module] = mapped_column(enum_column(Module), nullable=False)
    level: Mapped[Level] = mapped_column(Integer, nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    cluster: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(80), nullable=False, default="", server_default="")
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    granted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class UserGrantGroup(Base):
    """Restricts a grant to the staff in one group (the seeds' CPD Team "restrict access to groups")."""

    __tablename__ = "user_grant_groups"

    grant_id: Mapped[int] = mapped_column(ForeignKey("user_grants.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True)
