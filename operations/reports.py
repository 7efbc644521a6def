"""Reports for staff: deadlines (3.7), the summary report (4.3), the Journal of received
appeals (2.5) and the daily digest. Read-only except ``queue_digest``.

    due(ctx, days=None, assignee=None) -> DueList            days default: digest.days_ahead
    report(ctx, date_from=None, date_to=None) -> Report      default: this month up to today
    export(ctx, date_from=None, date_to=None) -> list[dict]  keyed by journal.reports.EXPORT_COLUMNS
    preview_digest(ctx) -> list[OutgoingMessage]             today's digests, nothing queued
    queue_digest(ctx) -> int                                 queued now (0: already today)

Periods are local calendar dates, both ends included. Error: PeriodError (from after to).
Writing the files (md, csv, xlsx) is journal.report_formats'.
"""

from __future__ import annotations

from datetime import date

from base.errors import DaemonError
from journal.reports import Report, build_report, due_list, export_rows, local_date
from journal.types import DueList
from operations.context import OpsContext
from pipeline.digest import collect_digests, queue_digests
from replies.message import OutgoingMessage


class PeriodError(DaemonError):
    """A period that ends before it begins."""


def due(ctx: OpsContext, days: int | None = None, assignee: str | None = None) -> DueList:
    """Open appeals due within ``days`` days or overdue, and overdue measures."""
    ahead = ctx.digest.digest.days_ahead if days is None else days
    with ctx.reading() as session:
        return due_list(session, ctx.now(), ahead, ctx.timezone, assignee)


def report_period(ctx: OpsContext, date_from: date | None,
                  date_to: date | None) -> tuple[date, date]:
    """The report's period: ``date_to`` defaults to today, ``date_from`` to its month's 1st."""
    date_to = date_to or local_date(ctx.now(), ctx.timezone)
    date_from = date_from or date_to.replace(day=1)
    check_period(date_from, date_to)
    return date_from, date_to


def check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise PeriodError(f"--from {date_from:%d.%m.%Y} is after --to {date_to:%d.%m.%Y}")


def report(ctx: OpsContext, date_from: date | None = None,
           date_to: date | None = None) -> Report:
    date_from, date_to = report_period(ctx, date_from, date_to)
    with ctx.reading() as session:
        return build_report(session, date_from, date_to, ctx.now(), ctx.timezone,
                            ctx.department_titles())


def export(ctx: OpsContext, date_from: date | None = None,
           date_to: date | None = None) -> list[dict[str, object]]:
    check_period(date_from, date_to)
    with ctx.reading() as session:
        return export_rows(session, ctx.timezone, date_from, date_to, ctx.department_titles())


def preview_digest(ctx: OpsContext) -> list[OutgoingMessage]:
    with ctx.reading() as session:
        return collect_digests(session, ctx.digest, ctx.now())


def queue_digest(ctx: OpsContext) -> int:
    """Queue today's digests, at most once per local day; `send` (or the daemon) sends them."""
    with ctx.transaction() as session:
        return queue_digests(session, ctx.digest, ctx.now())
