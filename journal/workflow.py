"""The regulation's workflow on one appeal: statuses and their transitions, assignment,
escalation (3.6), outcome (3.8), measures (4.1, 4.2), and the audit trail of every change.

    registered ─┬─> under_review ─┬─> waiting_for_client (3.3) ─┐
                │                 ├─> escalated (3.6) ──────────┤
                │                 ├─> correspondence_stopped (2.4) ─> closed
                └─────────────────┴─> answered (3.4, 3.5) ─────────> closed (needs an outcome)

Functions take the caller's session and never commit; each writes one AuditEvent.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from base.errors import JournalError
from journal.models import (
    ANSWERED,
    CLOSED,
    CORRESPONDENCE_STOPPED,
    ESCALATED,
    OUTCOMES,
    REGISTERED,
    UNDER_REVIEW,
    WAITING_FOR_CLIENT,
    Appeal,
    AuditEvent,
    Measure,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: (UNDER_REVIEW, WAITING_FOR_CLIENT, ESCALATED, ANSWERED, CORRESPONDENCE_STOPPED),
    UNDER_REVIEW: (WAITING_FOR_CLIENT, ESCALATED, ANSWERED, CORRESPONDENCE_STOPPED),
    WAITING_FOR_CLIENT: (UNDER_REVIEW, ESCALATED, ANSWERED, CORRESPONDENCE_STOPPED),
    ESCALATED: (UNDER_REVIEW, WAITING_FOR_CLIENT, ANSWERED, CORRESPONDENCE_STOPPED),
    ANSWERED: (UNDER_REVIEW, ESCALATED, CLOSED),
    CORRESPONDENCE_STOPPED: (CLOSED,),
    CLOSED: (),
}


class TransitionError(JournalError):
    """A change the regulation's workflow does not allow; the message says why."""


def audit(session: Session, appeal: Appeal, actor: str, action: str, now: datetime,
          from_value: str | None = None, to_value: str | None = None,
          note: str | None = None) -> AuditEvent:
    event = AuditEvent(appeal_id=appeal.id or 0, at=now, actor=actor, action=action,
                       from_value=from_value, to_value=to_value, note=note)
    session.add(event)
    return event


def change_status(session: Session, appeal: Appeal, to: str, actor: str, now: datetime,
                  note: str | None = None, pause_clock: bool = False) -> None:
    """Move ``appeal`` to status ``to``; refuse what the workflow does not allow."""
    if to not in TRANSITIONS:
        raise TransitionError(f"unknown status {to!r}; one of: {', '.join(TRANSITIONS)}")
    if to not in TRANSITIONS[appeal.status]:
        allowed = ", ".join(TRANSITIONS[appeal.status]) or "none (the appeal is closed)"
        raise TransitionError(f"appeal {appeal.number}: {appeal.status} -> {to} is not allowed "
                              f"(allowed: {allowed})")
    if to == CLOSED and not appeal.outcome:
        raise TransitionError(f"appeal {appeal.number}: cannot close without an outcome (3.8)")
    _move_clock(appeal, to, now, pause_clock)
    audit(session, appeal, actor, "status", now, appeal.status, to, note)
    appeal.status = to
    if to == ANSWERED and appeal.answered_at is None:
        appeal.answered_at = now
    if to == CLOSED:
        appeal.closed_at = now


def _move_clock(appeal: Appeal, to: str, now: datetime, pause_clock: bool) -> None:
    """With the pause switch on, waiting for the client stops the 10-day clock (3.7)."""
    if not pause_clock:
        return
    if to == WAITING_FOR_CLIENT and appeal.paused_since is None:
        appeal.paused_since = now
    elif to != WAITING_FOR_CLIENT and appeal.paused_since is not None:
        appeal.due_at = appeal.due_at + (now - appeal.paused_since)
        appeal.paused_since = None


def assign(session: Session, appeal: Appeal, actor: str, now: datetime, *,
           department: str | None = None, assignee: str | None = None,
           note: str | None = None) -> None:
    """Hand the appeal to another department and/or person (3.1)."""
    _require_open(appeal, "reassign")
    before = f"{appeal.department}/{appeal.assignee}"
    appeal.department = department or appeal.department
    appeal.assignee = assignee or appeal.assignee
    audit(session, appeal, actor, "assign", now, before,
          f"{appeal.department}/{appeal.assignee}", note)


def escalate(session: Session, appeal: Appeal, actor: str, now: datetime, note: str,
             pause_clock: bool = False) -> None:
    """No common position: the appeal goes to the head organisation (3.6)."""
    if not note.strip():
        raise TransitionError("an escalation needs a note saying why (3.6)")
    change_status(session, appeal, ESCALATED, actor, now, note, pause_clock)


def set_outcome(session: Session, appeal: Appeal, outcome: str, text: str, actor: str,
                now: datetime) -> None:
    """Record the result of consideration (3.8)."""
    if outcome not in OUTCOMES:
        raise TransitionError(f"unknown outcome {outcome!r}; one of: {', '.join(OUTCOMES)}")
    if not text.strip():
        raise TransitionError("an outcome needs a text (3.8)")
    audit(session, appeal, actor, "outcome", now, appeal.outcome, outcome, text)
    appeal.outcome, appeal.outcome_text = outcome, text


def close(session: Session, appeal: Appeal, actor: str, now: datetime,
          outcome: str | None = None, text: str | None = None) -> None:
    """Close an answered (or stopped) appeal; an outcome is required (3.8)."""
    if outcome:
        set_outcome(session, appeal, outcome, text or "", actor, now)
    change_status(session, appeal, CLOSED, actor, now)


def add_measure(session: Session, appeal: Appeal, what: str, who: str, due_on: date,
                actor: str, now: datetime) -> Measure:
    """Plan a remediation measure (4.1, 4.2)."""
    if not what.strip() or not who.strip():
        raise TransitionError("a measure needs what and who")
    measure = Measure(appeal_id=appeal.id or 0, what=what, who=who, due_on=due_on,
                      created_at=now)
    session.add(measure)
    session.flush()
    audit(session, appeal, actor, "measure_added", now, None, str(measure.id), what)
    return measure


def complete_measure(session: Session, measure_id: int, done_on: date, actor: str,
                     now: datetime) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise TransitionError(f"no measure {measure_id}")
    if measure.done_on is not None:
        raise TransitionError(f"measure {measure_id} is already done ({measure.done_on})")
    measure.done_on = done_on
    appeal = session.get(Appeal, measure.appeal_id)
    assert appeal is not None
    audit(session, appeal, actor, "measure_done", now, None, str(measure_id), done_on.isoformat())
    return measure


def measures_of(session: Session, appeal_id: int) -> list[Measure]:
    return list(session.exec(select(Measure).where(Measure.appeal_id == appeal_id)
                             .order_by(col(Measure.id))))


def open_measures(session: Session) -> list[tuple[str, Measure]]:
    """Every measure not yet done, with its appeal's number, by due date."""
    rows = session.exec(
        select(Appeal.number, Measure).join(Appeal, col(Appeal.id) == col(Measure.appeal_id))
        .where(col(Measure.done_on).is_(None)).order_by(col(Measure.due_on))
    )
    return [(number, measure) for number, measure in rows]


def history(session: Session, appeal_id: int) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.appeal_id == appeal_id)
                             .order_by(col(AuditEvent.id))))


def _require_open(appeal: Appeal, what: str) -> None:
    if appeal.status == CLOSED:
        raise TransitionError(f"appeal {appeal.number} is closed; cannot {what} it")
