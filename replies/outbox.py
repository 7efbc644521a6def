"""The outbox: mail is queued in the journal's transaction and sent by a separate step.

A crash between commit and SMTP loses nothing (the row stays pending); a crash between the
server's 250 and the row being marked sent can send that one mail again (at most once per crash).
Retries back off exponentially; a permanent refusal or too many attempts mark the mail failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, bindparam, case
from sqlmodel import Session, col, func, select

from base.errors import DeliveryError
from journal.models import FAILED, PENDING, SENT, Outbox

log = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, recipient: str, raw: bytes) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 20
    base_seconds: float = 60.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    error: str | None = None


def enqueue(
    session: Session, *, appeal_id: int | None, purpose: str, message_id: str,
    recipient: str, subject: str, raw: bytes, now: datetime,
) -> Outbox:
    """Queue one mail (flushed, so it has its id). The caller records mail on an appeal in
    its correspondence (journal.correspondence.add_outgoing)."""
    row = Outbox(appeal_id=appeal_id, purpose=purpose, message_id=message_id, recipient=recipient,
                 subject=subject, raw=raw, next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row


_COUNTS = select(
    func.coalesce(func.sum(case((col(Outbox.recipient) == bindparam("r"), 1), else_=0)), 0),
    func.count(),
).select_from(Outbox).where(col(Outbox.created_at) >= bindparam("since"),
                            col(Outbox.purpose).in_(bindparam("purposes", expanding=True)))


def automatic_counts(session: Session, recipient: str, since: datetime,
                     purposes: tuple[str, ...] = ("acknowledgement",)) -> tuple[int, int]:
    """Automatic mails queued since ``since``: to ``recipient``, and in all (indexed)."""
    row = session.execute(_COUNTS, {"r": recipient, "since": since,
                                    "purposes": list(purposes)}).one()
    return int(row[0]), int(row[1])


def due_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    query = (
        select(Outbox.id)
        .where(Outbox.state == PENDING, col(Outbox.next_attempt_at) <= now)
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def send_pending(
    engine: Engine,
    connect: Callable[[], AbstractContextManager[Sender]],
    now: Callable[[], datetime],
    policy: RetryPolicy,
    unrecorded: set[int] | None = None,
) -> SendReport:
    """Send every due mail over one connection; each result is committed before the next send.

    ``unrecorded`` (kept by a long-running sender between rounds) holds mails the SMTP server
    accepted while the journal could not record it: they are recorded first and never sent
    again, so a database outage does not double a mail the way a crash may."""
    report = SendReport()
    unrecorded = set() if unrecorded is None else unrecorded
    if unrecorded:
        count = len(unrecorded)
        _record_sent(engine, unrecorded, now())
        log.info("recorded %s mail(s) the SMTP server accepted while the journal was down", count)
    with Session(engine) as session:
        ids = due_ids(session, now())
    if not ids:
        return report
    try:
        with connect() as sender:
            for outbox_id in ids:
                _send_one(engine, sender, outbox_id, now, policy, report, unrecorded)
    except DeliveryError as exc:  # could not connect at all: every due mail waits for next round
        report.error = str(exc)
        with Session(engine) as session:
            for outbox_id in ids[report.sent + report.failed + report.deferred:]:
                _defer(session, outbox_id, str(exc), now(), policy, report, may_fail=False)
            session.commit()
    return report


def _record_sent(engine: Engine, ids: set[int], when: datetime) -> None:
    """Record as sent the mails the server accepted earlier; raises while the journal is down."""
    if not ids:
        return
    with Session(engine) as session:
        for outbox_id in sorted(ids):
            row = session.get(Outbox, outbox_id)
            if row is not None and row.state == PENDING:
                row.state, row.sent_at, row.attempts = SENT, when, row.attempts + 1
                row.last_error = None
        session.commit()
    ids.clear()


def _send_one(engine: Engine, sender: Sender, outbox_id: int, now: Callable[[], datetime],
              policy: RetryPolicy, report: SendReport, unrecorded: set[int]) -> None:
    with Session(engine) as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.state != PENDING:
            return
        recipient, raw, purpose = row.recipient, row.raw, row.purpose
        session.rollback()  # release the lock while we talk to the SMTP server
    try:
        sender.send(recipient, raw)
    except DeliveryError as exc:
        if exc.connection:
            raise
        with Session(engine) as session:
            if exc.permanent:
                _fail(session, outbox_id, str(exc), report)
            else:
                _defer(session, outbox_id, str(exc), now(), policy, report)
            session.commit()
        return
    report.sent += 1
    unrecorded.add(outbox_id)  # until the journal says so, this mail must not go out again
    _record_sent(engine, unrecorded, now())
    log.info("outbox=%s purpose=%s sent", outbox_id, purpose)


def _defer(session: Session, outbox_id: int, error: str, now: datetime, policy: RetryPolicy,
           report: SendReport, may_fail: bool = True) -> None:
    """Try again later. A server that cannot be reached at all is not the mail's fault: such
    attempts back off but never use up ``max_attempts``, so every queued mail goes out once
    the server is back, however long it was down."""
    row = session.get(Outbox, outbox_id)
    if row is None or row.state != PENDING:
        return
    row.attempts += 1
    row.last_error = error[:500]
    if may_fail and row.attempts >= policy.max_attempts:
        row.state = FAILED
        report.failed += 1
        log.warning("outbox=%s failed after %s attempts: %s", outbox_id, row.attempts, error)
        return
    row.next_attempt_at = now + policy.delay(row.attempts)
    report.deferred += 1
    log.debug("outbox=%s deferred (attempt %s): %s", outbox_id, row.attempts, error)


def _fail(session: Session, outbox_id: int, error: str, report: SendReport) -> None:
    row = session.get(Outbox, outbox_id)
    if row is None:
        return
    row.attempts += 1
    row.state, row.last_error = FAILED, error[:500]
    report.failed += 1
    log.warning("outbox=%s refused permanently: %s", outbox_id, error)
