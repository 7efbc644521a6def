"""Validation of what staff give an operation, the way the workflow would judge it: who they
are (the OS login mapped in config), assignees and departments from config only, appeal numbers
as people type them, and dates that can be true. Each check returns the clean value or raises
ValidationError with one line that says what is valid."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from collections.abc import Mapping, Sequence

from base.config import DepartmentSettings, PersonSettings
from base.errors import DaemonError
from base.timeutil import format_date, to_local
from journal.models import (
    ANSWERED,
    CLOSED,
    CORRESPONDENCE_STOPPED,
    ESCALATED,
    Appeal,
    Measure,
)
from journal.register import format_number

# statuses only a dedicated command may set, because it requires something (a note, an answer)
_DEDICATED = {
    ESCALATED: "`complaintdesk escalate NUMBER --note …` (3.6 requires a note saying why)",
    ANSWERED: "`complaintdesk reply NUMBER --template answer` (3.4: an answer must go out)",
    CLOSED: "`complaintdesk close NUMBER --outcome …` (3.8 requires an outcome)",
    CORRESPONDENCE_STOPPED: "`complaintdesk reply NUMBER --template correspondence_stopped` "
                            "(2.4: the client must be told)",
}


class ValidationError(DaemonError):
    """Staff input the workflow cannot accept; the message lists what would be valid."""


def staff_name(os_users: Mapping[str, str], login: str) -> str:
    """The staff member's name for the audit trail, from the account (``staff.os_users``)."""
    for known, name in os_users.items():
        if known.lower() == login.lower():
            return name
    mapped = ", ".join(sorted(os_users)) or "none"
    raise ValidationError(f"OS user {login!r} is not a staff member (staff.os_users in the config "
                          f"maps: {mapped})")


def department(departments: Sequence[DepartmentSettings], key: str) -> DepartmentSettings | None:
    """A department by key, case-insensitive; None when ``key`` names none."""
    return next((d for d in departments if d.key.lower() == key.strip().lower()), None)


def assignees(departments: Sequence[DepartmentSettings],
              people: Sequence[PersonSettings]) -> list[str]:
    """Everybody who may be assigned: people, department and regional assignees."""
    names = [p.name for p in people]
    for dept in departments:
        names += [dept.assignee, *dept.regional_assignees.values()]
    return list(dict.fromkeys(names))


def assign_target(departments: Sequence[DepartmentSettings], people: Sequence[PersonSettings],
                  target: str) -> tuple[DepartmentSettings | None, str | None]:
    """``target`` as a department or a person from config; ValidationError listing both."""
    dept = department(departments, target)
    if dept is not None:
        return dept, None
    valid = assignees(departments, people)
    wanted = " ".join(target.split()).lower().replace("ё", "е")
    for name in valid:
        if name.lower().replace("ё", "е") == wanted:
            return None, name
    raise ValidationError(
        f"{target!r} is neither a department ({', '.join(d.key for d in departments)}) "
        f"nor an assignee ({', '.join(valid)})")


def appeal_number(number_format: str, typed: str, today: date) -> str:
    """``10`` means 10/<this year> (in the configured number format); anything else as typed."""
    typed = typed.strip()
    if typed.isdigit():
        return format_number(number_format, int(typed), today.year)
    return typed


def past_or_today(day: date, today: date, what: str) -> date:
    if day > today:
        raise ValidationError(f"{what} {day.strftime('%d.%m.%Y')} is in the future "
                              f"(today is {today.strftime('%d.%m.%Y')})")
    return day


def not_before(day: date, earliest: datetime, what: str, since: str) -> date:
    if day < earliest.date():
        raise ValidationError(f"{what} {day.strftime('%d.%m.%Y')} is before {since} "
                              f"({earliest.strftime('%d.%m.%Y')})")
    return day


def plain_status(status: str) -> str:
    """A status ``status`` may set by itself; the others need their dedicated command."""
    if status in _DEDICATED:
        raise ValidationError(f"status {status} cannot be set directly; use {_DEDICATED[status]}")
    return status


def not_closed(appeal: Appeal, tz: str) -> None:
    if appeal.status == CLOSED:
        when = format_date(appeal.closed_at, tz) if appeal.closed_at else "earlier"
        raise ValidationError(f"appeal {appeal.number} is already closed ({when}, outcome "
                              f"{appeal.outcome or '-'})")


def done_date(session: Session, measure_id: int, done_on: date, now: datetime, tz: str) -> None:
    """A measure is done today or earlier, and not before its appeal was received."""
    past_or_today(done_on, to_local(now, tz).date(), "done date")
    measure = session.get(Measure, measure_id)
    appeal = session.get(Appeal, measure.appeal_id) if measure is not None else None
    if appeal is not None:
        not_before(done_on, to_local(appeal.received_at, tz), "done date",
                   "the appeal was received")
