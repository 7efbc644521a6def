"""Time rules: UTC in the journal, Europe/Moscow on screen and in mail, due dates (3.7).

The due date is the local calendar date of receipt plus N calendar days; the appeal is due by
the end of that day, local time. Every time in the journal is an aware datetime in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, as the aware UTC datetime the journal stores."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_local(moment_utc: datetime, tz: str) -> datetime:
    return as_utc(moment_utc).astimezone(ZoneInfo(tz))


def due_at(received_utc: datetime, days: int, tz: str) -> datetime:
    """End of the local day ``days`` calendar days after the local day of receipt, in UTC."""
    local_day = to_local(received_utc, tz).date() + timedelta(days=days)
    end = datetime.combine(local_day, time(23, 59, 59), tzinfo=ZoneInfo(tz))
    return as_utc(end)


def format_date(moment_utc: datetime, tz: str) -> str:
    """25.11.2026"""
    return to_local(moment_utc, tz).strftime("%d.%m.%Y")


def format_datetime(moment_utc: datetime, tz: str) -> str:
    """25.11.2026 14:05"""
    return to_local(moment_utc, tz).strftime("%d.%m.%Y %H:%M")
