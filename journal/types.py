"""Plain data the journal hands out that the pure steps may read (replies renders the due
list in the digest): frozen dataclasses, no queries, no session."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class DueAppeal:
    number: str
    subject: str
    applicant: str | None
    department: str | None
    assignee: str | None
    status: str
    due_on: date  # local calendar date
    days_left: int  # negative: days overdue
    paused: bool = False


@dataclass(frozen=True)
class DueMeasure:
    appeal_number: str
    appeal_assignee: str | None
    appeal_department: str | None
    what: str
    who: str
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class DueList:
    today: date
    days_ahead: int
    due_soon: tuple[DueAppeal, ...] = ()
    overdue: tuple[DueAppeal, ...] = ()
    overdue_measures: tuple[DueMeasure, ...] = ()
    news: tuple[DueAppeal, ...] = ()  # a client wrote and the assignee has not yet read it

    @property
    def empty(self) -> bool:
        return not (self.due_soon or self.overdue or self.overdue_measures or self.news)

    def for_person(self, name: str) -> DueList:
        """What ``name`` has to act on: their appeals, and measures they or their appeals own."""
        return replace(
            self, due_soon=tuple(a for a in self.due_soon if a.assignee == name),
            overdue=tuple(a for a in self.overdue if a.assignee == name),
            news=tuple(a for a in self.news if a.assignee == name),
            overdue_measures=tuple(m for m in self.overdue_measures
                                   if name in (m.who, m.appeal_assignee)),
        )

    def people(self) -> list[str]:
        names = {a.assignee for a in (*self.due_soon, *self.overdue, *self.news) if a.assignee}
        names |= {m.appeal_assignee for m in self.overdue_measures if m.appeal_assignee}
        names |= {m.who for m in self.overdue_measures}
        return sorted(names)
