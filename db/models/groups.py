"""Group categories, groups and memberships (G1-G3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, utcnow


class GroupCategory(Versioned, Base):
    __tablename__ = "group_categories"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)


class Group(Versioned, Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("category_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("group_categories.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)


class GroupMembership(Base):
    """One row per job in a group; ticking a box inserts or deletes one row (G2)."""

    __tablename__ = "group_memberships"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
