"""The retention operation (152-ФЗ): purge personal data of appeals closed before a date, never
of appeals closed within the retention period, with a dry run that only counts."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from base.config import Config
from base.timeutil import as_utc, to_local
from journal.retention import PurgePreview, PurgeReport, preview_closed_before, purge_closed_before
from operations.validation import ValidationError


def retention_cutoff(config: Config, now: datetime) -> date:
    """The latest date a purge may use: today, ``retention.closed_years`` years ago."""
    today = to_local(now, config.organisation.timezone).date()
    years = config.retention.closed_years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def cutoff_moment(config: Config, before: date | None, now: datetime) -> datetime:
    """``before`` as the first moment of that local day; refused when it would take appeals
    closed within the retention period."""
    latest = retention_cutoff(config, now)
    day = before or latest
    if day > latest:
        raise ValidationError(
            f"--before {day.strftime('%d.%m.%Y')} would purge appeals closed within the "
            f"retention period (retention.closed_years = {config.retention.closed_years}); the "
            f"latest allowed date is {latest.strftime('%d.%m.%Y')}")
    tz = ZoneInfo(config.organisation.timezone)
    return as_utc(datetime.combine(day, time.min, tzinfo=tz))


def preview(engine: Engine, config: Config, before: date | None, now: datetime
            ) -> tuple[datetime, PurgePreview]:
    cutoff = cutoff_moment(config, before, now)
    with Session(engine) as session:
        return cutoff, preview_closed_before(session, cutoff)


def purge(engine: Engine, config: Config, cutoff: datetime, now: datetime) -> PurgeReport:
    with Session(engine) as session:
        report = purge_closed_before(session, cutoff, config.storage.path, now)
        session.commit()
        return report
