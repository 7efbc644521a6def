"""Keeping the journal: its schema, and retention of personal data (152-FZ).

    purge_cutoff(ctx, before=None) -> datetime     default and latest: retention.closed_years ago
    purge_preview(ctx, cutoff) -> PurgePreview     what a purge would touch (``--dry-run``)
    purge(ctx, cutoff) -> PurgeReport              appeals closed before ``cutoff`` forgotten

``purge_cutoff`` refuses (ValidationError) a date that would take appeals closed within the
retention period.
    migrate(database_url) -> tuple[str | None, str]    the schema before, and after (head)

``migrate`` takes the database URL, not a context: a context opens the journal, which refuses
an old schema.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from base.timeutil import as_utc, to_local
from journal.db import make_engine
from journal.retention import PurgePreview, PurgeReport, preview_closed_before, purge_closed_before
from journal.schema import current_revision, head_revision, upgrade
from operations.context import OpsContext
from operations.validation import ValidationError


def retention_cutoff(ctx: OpsContext) -> date:
    """The latest date a purge may use: today, ``retention.closed_years`` years ago."""
    today = to_local(ctx.now(), ctx.timezone).date()
    years = ctx.retention.closed_years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def purge_cutoff(ctx: OpsContext, before: date | None = None) -> datetime:
    """``before`` (default: the latest allowed) as the first moment of that local day."""
    latest = retention_cutoff(ctx)
    day = before or latest
    if day > latest:
        raise ValidationError(
            f"--before {day.strftime('%d.%m.%Y')} would purge appeals closed within the "
            f"retention period (retention.closed_years = {ctx.retention.closed_years}); the "
            f"latest allowed date is {latest.strftime('%d.%m.%Y')}")
    return as_utc(datetime.combine(day, time.min, tzinfo=ZoneInfo(ctx.timezone)))


def purge_preview(ctx: OpsContext, cutoff: datetime) -> PurgePreview:
    with ctx.reading() as session:
        return preview_closed_before(session, cutoff)


def purge(ctx: OpsContext, cutoff: datetime) -> PurgeReport:
    """Remove personal data and files of appeals closed before ``cutoff``."""
    with ctx.transaction() as session:
        return purge_closed_before(session, cutoff, ctx.storage_path, ctx.now())


def migrate(database_url: str) -> tuple[str | None, str]:
    engine = make_engine(database_url)
    before = current_revision(engine)
    upgrade(engine)
    return before, head_revision()
