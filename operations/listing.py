"""The journal as staff list it: newest first, filtered by status, assignee, overdue, news or a
search text; rows as dicts the CLI prints (with a header) or dumps as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from base.config import Config
from base.timeutil import format_date, format_datetime
from journal.models import STATUSES, Appeal
from journal.register import AppealFilter, list_appeals
from operations.validation import ValidationError, assign_target

HEADER = ("number", "received", "due", "status", "news", "assignee", "applicant", "subject")
_WIDTHS = (12, 17, 11, 22, 4, 20, 30, 0)


def appeal_rows(engine: Engine, config: Config, now: datetime, *, status: str | None = None,
                assignee: str | None = None, overdue: bool = False, news: bool = False,
                search: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    if status and status not in STATUSES:
        raise ValidationError(f"unknown status {status!r}; one of: {', '.join(STATUSES)}")
    person = None
    if assignee:
        _, person = assign_target(config, assignee)
        if person is None:
            raise ValidationError(f"--assignee takes a person, not a department: {assignee!r}")
    where = AppealFilter(status=status, assignee=person, overdue_at=now if overdue else None,
                         news=news, search=search or None, limit=limit)
    tz = config.organisation.timezone
    with Session(engine) as session:
        return [summary(a, tz) for a in list_appeals(session, where=where)]


def summary(a: Appeal, tz: str) -> dict[str, Any]:
    return {"number": a.number, "received": format_datetime(a.received_at, tz),
            "due": format_date(a.due_at, tz), "status": a.status,
            "news": a.news_since is not None,
            "applicant": a.applicant_name, "email": a.applicant_email, "subject": a.subject,
            "kind": a.kind, "department": a.department, "assignee": a.assignee,
            "anonymous": a.anonymous}


def format_rows(rows: list[dict[str, Any]]) -> list[str]:
    """A header line, then one line per appeal."""
    lines = [_line([h.upper() for h in HEADER])]
    for r in rows:
        lines.append(_line([r["number"], r["received"], r["due"], r["status"],
                            "NEW" if r["news"] else "", r["assignee"] or "-",
                            r["applicant"] or "(anonymous)", r["subject"]]))
    return lines


def _line(cells: list[str]) -> str:
    out = []
    for cell, width in zip(cells, _WIDTHS):
        out.append(f"{cell[:width]:<{width}}" if width else cell[:60])
    return " ".join(out).rstrip()
