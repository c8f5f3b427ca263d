"""How values read in tables and labels: money, dates and state names."""

from __future__ import annotations

from datetime import date, datetime

from db.labels import STATE_LABELS


def money(pence: int | None) -> str:
    if pence is None:
        return "—"
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def whole_money(pence: int | None) -> str:
    """For cards and charts, where pence are noise."""
    if pence is None:
        return "—"
    return f"{'-' if pence < 0 else ''}£{round(abs(pence) / 100):,}"


_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(value: date | None) -> str:
    """``05 Sep 2026``: what ``strftime("%d %b %Y")`` gives in English, without its locale look-up
    (a table's repaint asks for a date per visible row)."""
    return f"{value.day:02d} {_MONTHS[value.month]} {value.year}" if value else ""


def moment(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M") if value else ""


def state(value: object) -> str:
    return STATE_LABELS.get(value, str(value))


def days(value: float) -> str:
    return f"{value:g}"
