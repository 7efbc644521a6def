"""Keeping the journal: its schema, and retention of personal data (152-FZ).

    purge_cutoff(ctx, before=None) -> datetime     default: retention.closed_years ago
    purge(ctx, cutoff) -> PurgeReport              appeals closed before ``cutoff`` forgotten
    migrate(database_url) -> tuple[str | None, str]    the schema before, and after (head)

``migrate`` takes the database URL, not a context: a context opens the journal, which refuses
an old schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from journal.db import make_engine
from journal.retention import PurgeReport, purge_closed_before
from journal.schema import current_revision, head_revision, upgrade
from operations.context import OpsContext


def purge_cutoff(ctx: OpsContext, before: date | None = None) -> datetime:
    if before is not None:
        return datetime.combine(before, datetime.min.time(), tzinfo=UTC)
    now = ctx.now()
    return now.replace(year=now.year - ctx.retention.closed_years)


def purge(ctx: OpsContext, cutoff: datetime) -> PurgeReport:
    """Remove personal data and files of appeals closed before ``cutoff``."""
    with ctx.transaction() as session:
        return purge_closed_before(session, cutoff, ctx.storage_path, ctx.now())


def migrate(database_url: str) -> tuple[str | None, str]:
    engine = make_engine(database_url)
    before = current_revision(engine)
    upgrade(engine)
    return before, head_revision()
