"""The daily digest's edge: read today's due list from the journal, render the digests
(replies.digest, pure) and queue them in the outbox at most once per local day.

Functions take the caller's session and never commit. The daemon calls ``queue_daily_digest``
every cycle; staff call operations.reports.queue_digest / preview_digest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from sqlmodel import Session, col, select

from base.config import Config, DigestSettings, OrganisationSettings
from base.timeutil import to_local
from pipeline.deps import Deps
from journal.models import Outbox
from journal.reports import day_start, due_list, local_date
from replies import outbox
from replies.digest import PURPOSE, plan_digests, render_digest
from replies.message import OutgoingMessage, build_mime, new_message_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestSources:
    """The config the digest needs: who gets it, what the mail says, who sends it."""

    digest: DigestSettings
    organisation: OrganisationSettings
    deadline_days: int
    people: Mapping[str, str | None]
    department_emails: Mapping[str, str | None]
    sender: str
    env: Environment

    @classmethod
    def from_config(cls, config: Config, env: Environment) -> DigestSources:
        return cls(digest=config.digest, organisation=config.organisation,
                   deadline_days=config.journal.deadline_days,
                   people={p.name: p.email for p in config.people},
                   department_emails={d.key: d.email for d in config.departments},
                   sender=config.smtp.sender, env=env)

    @classmethod
    def from_deps(cls, deps: Deps) -> DigestSources:
        return cls(digest=deps.digest, organisation=deps.organisation,
                   deadline_days=deps.journal.deadline_days,
                   people={p.name: p.email for p in deps.people},
                   department_emails={d.key: d.email for d in deps.departments},
                   sender=deps.smtp.sender, env=deps.env)


def collect_digests(session: Session, src: DigestSources, now: datetime) -> list[OutgoingMessage]:
    """Today's digests, rendered (nothing written)."""
    due = due_list(session, now, src.digest.days_ahead, src.organisation.timezone)
    plans = plan_digests(due, src.people, src.department_emails, src.digest.all_appeals_to)
    org = src.organisation.model_dump()
    return [render_digest(p, src.env, org, src.deadline_days) for p in plans]


def digest_queued_today(session: Session, now: datetime, tz: str) -> bool:
    since = day_start(local_date(now, tz), tz)
    query = select(Outbox.id).where(Outbox.purpose == PURPOSE, col(Outbox.created_at) >= since)
    return session.exec(query.limit(1)).first() is not None


def queue_digests(session: Session, src: DigestSources, now: datetime) -> int:
    """Queue today's digests in the outbox, unless a digest was already queued this local day.
    Returns how many were queued; the caller commits."""
    if digest_queued_today(session, now, src.organisation.timezone):
        log.debug("digest: already queued today")
        return 0
    messages = collect_digests(session, src, now)
    for out in messages:
        message_id = new_message_id(src.sender)
        outbox.enqueue(session, appeal_id=None, purpose=PURPOSE, message_id=message_id,
                       recipient=out.to_address, subject=out.subject,
                       raw=build_mime(out, src.sender, message_id, now), now=now)
    (log.info if messages else log.debug)("digest: %s queued", len(messages))
    return len(messages)


def digest_time_passed(src: DigestSources, now: datetime) -> bool:
    """Enabled, and the configured local time of day has passed."""
    local = to_local(now, src.organisation.timezone).strftime("%H:%M")
    return src.digest.enabled and local >= src.digest.at


def queue_daily_digest(deps: Deps) -> int:
    """Queue the day's digests (3.7) once the configured local time has passed; they are
    queued at most once per local day, so calling this every cycle is cheap and safe."""
    now = deps.now()
    src = DigestSources.from_deps(deps)
    if not digest_time_passed(src, now):
        return 0
    with Session(deps.engine) as session:
        queued = queue_digests(session, src, now)
        session.commit()
    return queued
