"""Organisations (O1): the trust itself and its members."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column
from db.models.enums import OrgKind, OrgStatus


class Organisation(Versioned, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), nullable=False)
    # The trust has no parent; every member organisation points at its trust.
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    urn: Mapped[str | None] = mapped_column(String(12), unique=True)
    trust_uid: Mapped[str | None] = mapped_column(String(12), unique=True)
    phase: Mapped[str | None] = mapped_column(String(40))
    cluster: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[OrgStatus] = mapped_column(enum_column(OrgStatus), nullable=False, default=OrgStatus.OPEN)
    inspection_grade: Mapped[int | None] = mapped_column(Integer)
    inspection_date: Mapped[date | None] = mapped_column(Date)
    leader_name: Mapped[str | None] = mapped_column(String(200))
    expertise: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    # P3: when set, this organisation's staff are hidden from users outside it.
    staff_visibility_restricted: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default="0"
    )
