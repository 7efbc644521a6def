"""Staff operations on one appeal and the journal's views: each one function, one transaction.

    set_status(ctx, number, status, actor, note=None) -> str          the new status
    assign(ctx, number, target, actor, note=None) -> Assignment        department key or a name
    escalate(ctx, number, actor, note) -> None                         3.6
    close(ctx, number, actor, outcome=None, text=None) -> None         3.8
    add_measure(ctx, number, what, who, due_on, actor) -> int          the measure's id (4.1)
    complete_measure(ctx, measure_id, done_on, actor) -> MeasureRow    4.2
    list_measures(ctx, number=None) -> list[MeasureRow]                one appeal's, or all open
    list_appeals(ctx, limit=None, where=ListFilter()) -> list[dict]     the journal, newest first
    show_appeal(ctx, number) -> dict                                   one appeal, everything

``number`` may be given without the year (``10`` is 10/<this year>). Errors: NotFoundError (no
such appeal or measure), TransitionError (the workflow refuses), ValidationError (input the
workflow cannot accept: an assignee not in config, a status that needs its own command, an
impossible date; operations.validation), all DaemonError. The rules themselves are journal.workflow's; this module looks the appeal up
by number, reads the config sections it needs from ``ctx`` and commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session

from base.errors import NotFoundError
from journal import register, workflow
from base.timeutil import to_local
from journal.models import STATUSES, Appeal, Measure
from operations import validation
from operations.context import OpsContext
from operations.views import appeal_details, appeal_summary

T = TypeVar("T")


@dataclass(frozen=True)
class Assignment:
    number: str
    department: str | None
    assignee: str | None


@dataclass(frozen=True)
class MeasureRow:
    id: int
    appeal_number: str
    what: str
    who: str
    due_on: date
    done_on: date | None


def find_appeal(session: Session, number: str) -> Appeal:
    """The appeal with registration number ``number``; NotFoundError when there is none."""
    appeal = register.appeal_by_number(session, number)
    if appeal is None or appeal.id is None:
        raise NotFoundError(f"no appeal with number {number!r}")
    return appeal


def with_appeal(ctx: OpsContext, number: str, action: Callable[[Session, Appeal], T]) -> T:
    """Run ``action`` on appeal ``number`` in one transaction."""
    with ctx.transaction() as session:
        return action(session, find_appeal(session, full_number(ctx, number)))


def full_number(ctx: OpsContext, typed: str) -> str:
    """``10`` is 10/<this year> (in the configured number format)."""
    today = to_local(ctx.now(), ctx.timezone).date()
    return validation.appeal_number(ctx.journal.number_format, typed, today)


def set_status(ctx: OpsContext, number: str, status: str, actor: str,
               note: str | None = None) -> str:
    pause, now = ctx.journal.pause_clock_while_waiting, ctx.now()
    validation.plain_status(status)

    def act(session: Session, appeal: Appeal) -> str:
        workflow.change_status(session, appeal, status, actor, now, note, pause)
        return appeal.status

    return with_appeal(ctx, number, act)


def assign(ctx: OpsContext, number: str, target: str, actor: str,
           note: str | None = None) -> Assignment:
    """``target`` is a department key (its assignee for the appeal's region follows) or a
    person's name, both from config (case-insensitive); anything else is refused."""
    dept, person = validation.assign_target(ctx.departments, ctx.people, target)
    now = ctx.now()

    def act(session: Session, appeal: Appeal) -> Assignment:
        if dept is not None:
            assignee = dict(dept.regional_assignees).get(appeal.region or "", dept.assignee)
            workflow.assign(session, appeal, actor, now, department=dept.key,
                            assignee=assignee, note=note)
        else:
            workflow.assign(session, appeal, actor, now, assignee=person, note=note)
        return Assignment(appeal.number, appeal.department, appeal.assignee)

    return with_appeal(ctx, number, act)


def escalate(ctx: OpsContext, number: str, actor: str, note: str) -> None:
    pause, now = ctx.journal.pause_clock_while_waiting, ctx.now()
    with_appeal(ctx, number, lambda s, a: workflow.escalate(s, a, actor, now, note, pause))


def close(ctx: OpsContext, number: str, actor: str, outcome: str | None = None,
          text: str | None = None) -> None:
    now = ctx.now()

    def act(session: Session, appeal: Appeal) -> None:
        validation.not_closed(appeal, ctx.timezone)
        workflow.close(session, appeal, actor, now, outcome, text)

    with_appeal(ctx, number, act)


def add_measure(ctx: OpsContext, number: str, what: str, who: str, due_on: date,
                actor: str) -> int:
    now = ctx.now()

    def act(session: Session, appeal: Appeal) -> int:
        validation.not_before(due_on, appeal.received_at, "due date", "the appeal was received")
        return workflow.add_measure(session, appeal, what, who, due_on, actor, now).id or 0

    return with_appeal(ctx, number, act)


def complete_measure(ctx: OpsContext, measure_id: int, done_on: date, actor: str) -> MeasureRow:
    with ctx.transaction() as session:
        validation.done_date(session, measure_id, done_on, ctx.now(), ctx.timezone)
        measure = workflow.complete_measure(session, measure_id, done_on, actor, ctx.now())
        appeal = session.get(Appeal, measure.appeal_id)
        return _measure_row(appeal.number if appeal else "", measure)


def list_measures(ctx: OpsContext, number: str | None = None) -> list[MeasureRow]:
    """The measures of appeal ``number``, or every open measure."""
    with ctx.reading() as session:
        if number:
            appeal = find_appeal(session, full_number(ctx, number))
            assert appeal.id is not None
            return [_measure_row(appeal.number, m) for m in workflow.measures_of(session, appeal.id)]
        return [_measure_row(n, m) for n, m in workflow.open_measures(session)]


def _measure_row(number: str, m: Measure) -> MeasureRow:
    return MeasureRow(m.id or 0, number, m.what, m.who, m.due_on, m.done_on)


@dataclass(frozen=True)
class ListFilter:
    status: str | None = None
    assignee: str | None = None  # a person from config (case-insensitive)
    overdue: bool = False
    news: bool = False
    search: str | None = None
    limit: int | None = None


def list_appeals(ctx: OpsContext, limit: int | None = None,
                 where: ListFilter = ListFilter()) -> list[dict[str, Any]]:
    """Number, received, due, status, news, applicant, subject, ... of each appeal (local
    times), newest first."""
    if where.status and where.status not in STATUSES:
        raise validation.ValidationError(f"unknown status {where.status!r}; one of: "
                                         f"{', '.join(STATUSES)}")
    person = None
    if where.assignee:
        _, person = validation.assign_target(ctx.departments, ctx.people, where.assignee)
        if person is None:
            raise validation.ValidationError(f"--assignee takes a person, not a department: "
                                             f"{where.assignee!r}")
    query = register.AppealFilter(status=where.status, assignee=person,
                                  overdue_at=ctx.now() if where.overdue else None,
                                  news=where.news, search=where.search or None,
                                  limit=limit or where.limit)
    with ctx.reading() as session:
        return [appeal_summary(a, ctx.timezone) for a in register.list_appeals(session,
                                                                               where=query)]


def show_appeal(ctx: OpsContext, number: str) -> dict[str, Any]:
    """One appeal with its correspondence, attachments, measures, history and outbox."""
    with ctx.reading() as session:
        return appeal_details(session, find_appeal(session, full_number(ctx, number)),
                              ctx.timezone)
