"""Staff operations on one appeal, each in its own transaction: the functions the CLI (and a
later web UI) call. They look the appeal up by number and leave the rules to journal.workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from base.config import Config
from base.errors import NotFoundError
from journal import register, workflow
from journal.models import Appeal, Measure
from operations import validation

T = TypeVar("T")


def with_appeal(engine: Engine, number: str, action: Callable[[Session, Appeal], T]) -> T:
    """Run ``action`` on appeal ``number`` in one transaction; NotFoundError when there is none."""
    with Session(engine) as session:
        appeal = register.appeal_by_number(session, number)
        if appeal is None:
            raise NotFoundError(f"no appeal with number {number!r}")
        result = action(session, appeal)
        session.commit()
        return result


def set_status(engine: Engine, config: Config, number: str, status: str, actor: str,
               now: datetime, note: str | None) -> str:
    pause = config.journal.pause_clock_while_waiting

    validation.plain_status(status)

    def act(session: Session, appeal: Appeal) -> str:
        workflow.change_status(session, appeal, status, actor, now, note, pause)
        return appeal.status

    return with_appeal(engine, number, act)


def escalate(engine: Engine, config: Config, number: str, actor: str, now: datetime,
             note: str) -> None:
    pause = config.journal.pause_clock_while_waiting
    with_appeal(engine, number,
                lambda s, a: workflow.escalate(s, a, actor, now, note, pause))


def close(engine: Engine, config: Config, number: str, actor: str, now: datetime,
          outcome: str | None, text: str | None) -> None:
    def act(session: Session, appeal: Appeal) -> None:
        validation.not_closed(appeal, config.organisation.timezone)
        workflow.close(session, appeal, actor, now, outcome, text)

    with_appeal(engine, number, act)


def assign(engine: Engine, config: Config, number: str, target: str, actor: str,
           now: datetime, note: str | None) -> tuple[str | None, str | None]:
    """``target`` is a department key (its assignee follows) or a person's name, both from
    config (case-insensitive); anything else is refused with the valid ones."""
    dept, person = validation.assign_target(config, target)

    def act(session: Session, appeal: Appeal) -> tuple[str | None, str | None]:
        if dept is not None:
            assignee = dict(dept.regional_assignees).get(appeal.region or "", dept.assignee)
            workflow.assign(session, appeal, actor, now, department=dept.key,
                            assignee=assignee, note=note)
        else:
            workflow.assign(session, appeal, actor, now, assignee=person, note=note)
        return appeal.department, appeal.assignee

    return with_appeal(engine, number, act)


def add_measure(engine: Engine, number: str, what: str, who: str, due_on: date, actor: str,
                now: datetime) -> int:
    def act(session: Session, appeal: Appeal) -> int:
        validation.not_before(due_on, appeal.received_at, "due date", "the appeal was received")
        return workflow.add_measure(session, appeal, what, who, due_on, actor, now).id or 0

    return with_appeal(engine, number, act)


def complete_measure(engine: Engine, measure_id: int, done_on: date, actor: str,
                     now: datetime, tz: str) -> Measure:
    with Session(engine) as session:
        validation.done_date(session, measure_id, done_on, now, tz)
        measure = workflow.complete_measure(session, measure_id, done_on, actor, now)
        session.commit()
        session.refresh(measure)
        return measure
