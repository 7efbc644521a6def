"""Read-only views the staff desk needs beyond operations.views: the journal list with its
filters, full-text search and paging, who may see which appeal (as a query condition), the
set-aside mail, and recording that someone looked at an appeal (audit ``view``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, false, func, or_, true, union
from sqlmodel import Session, col, select

from base.errors import NotFoundError
from journal import correspondence, register, search
from journal.models import (
    OPEN_STATUSES,
    OUTCOME_SET_ASIDE,
    Appeal,
    Attachment,
    Correction,
    CorrespondenceEntry,
    InboundMessage,
    Outbox,
    SignoffDraft,
)
from journal.workflow import audit
from operations import views
from operations.users import Staff

SEES_ALL = ("coordinator", "director")
COUNT_CAP = 1000
_NEWEST = (col(Appeal.received_at).desc(), col(Appeal.id).desc())


@dataclass(frozen=True)
class JournalFilter:
    q: str = ""
    status: str = ""
    kind: str = ""
    department: str = ""
    assignee: str = ""
    due: str = ""  # "", "overdue", "soon"
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)


def visible_to(staff: Staff) -> ColumnElement[bool] | None:
    """Which appeals ``staff`` may see: None for all, else a condition."""
    arms = _visible_arms(staff)
    return None if arms is None else or_(*arms)


def _visible_arms(staff: Staff) -> list[ColumnElement[bool]] | None:
    """The visibility as alternatives, each served by its own index: None for all."""
    if staff.role in SEES_ALL:
        return None
    if staff.role == "assignee":
        mine = col(Appeal.assignee) == staff.name
        return [col(Appeal.department) == staff.department, mine] if staff.department \
            else [mine]
    return [false()]


def may_see(staff: Staff, appeal: Appeal) -> bool:
    if staff.role in SEES_ALL:
        return True
    return staff.role == "assignee" and (
        appeal.assignee == staff.name
        or (staff.department is not None and appeal.department == staff.department))


def journal(engine: Engine, staff: Staff, f: JournalFilter, page_size: int, now: datetime,
            soon_days: int) -> tuple[list[Appeal], int]:
    """One page of the journal as ``staff`` may see it, newest first, and how many there are
    (counted up to COUNT_CAP + 1: beyond it the exact number costs a scan of the journal)."""
    with Session(engine, expire_on_commit=False) as session:
        base = _conditions(session, None, f, now, soon_days)
        arms = _visible_arms(staff) or [true()]
        # search results newest registered first (the match set is in id order); otherwise
        # by received_at. Each visibility alternative walks its own index (an OR of two
        # columns would sort every visible appeal), and the page is taken from their union.
        by_id = bool(f.q.strip())
        offset = (max(f.page, 1) - 1) * page_size
        counted = union(*[select(Appeal.id).where(arm, *base).limit(COUNT_CAP + 1)
                          .subquery().select() for arm in arms]).subquery()
        total = session.exec(select(func.count()).select_from(
            select(counted.c.id).limit(COUNT_CAP + 1).subquery())).one()
        ids = _page_ids(session, arms, base, by_id, offset, page_size)
        order = (col(Appeal.id).desc(),) if by_id else _NEWEST
        rows = list(session.exec(select(Appeal).where(col(Appeal.id).in_(ids))
                                 .order_by(*order))) if ids else []
        session.commit()  # the search index may have caught up
        return rows, int(total)


def _page_ids(session: Session, arms: list[ColumnElement[bool]],
              base: list[ColumnElement[bool]], by_id: bool, offset: int,
              size: int) -> list[int]:
    order = (col(Appeal.id).desc(),) if by_id else _NEWEST
    if len(arms) == 1:  # one index walk, offset and all
        return [i for i in session.exec(select(Appeal.id).where(arms[0], *base)
                                        .order_by(*order).offset(offset).limit(size)) if i]
    parts = [select(Appeal.id, Appeal.received_at).where(arm, *base).order_by(*order)
             .limit(offset + size).subquery().select() for arm in arms]
    merged = union(*parts).subquery()
    keys = (merged.c.id.desc(),) if by_id else (merged.c.received_at.desc(), merged.c.id.desc())
    return [int(i) for i in session.exec(select(merged.c.id).order_by(*keys)
                                         .offset(offset).limit(size))]


def journal_all(engine: Engine, staff: Staff, f: JournalFilter, now: datetime,
                soon_days: int, limit: int = 100_000) -> list[Appeal]:
    """Every appeal of the filtered journal (for the export), by number."""
    with Session(engine, expire_on_commit=False) as session:
        conditions = _conditions(session, staff, f, now, soon_days)
        rows = list(session.exec(select(Appeal).where(*conditions)
                                 .order_by(col(Appeal.year), col(Appeal.seq)).limit(limit)))
        session.commit()
        return rows


def _conditions(session: Session, staff: Staff | None, f: JournalFilter, now: datetime,
                soon_days: int) -> list[ColumnElement[bool]]:
    """The filter's conditions, and who may see what unless ``staff`` is None."""
    found: list[ColumnElement[bool] | None] = [visible_to(staff) if staff else None]
    for name in ("status", "kind", "department", "assignee"):
        value = getattr(f, name)
        if value:
            found.append(col(getattr(Appeal, name)) == value)
    if f.due == "overdue":
        found += [col(Appeal.status).in_(OPEN_STATUSES), col(Appeal.due_at) < now]
    elif f.due == "soon":
        found += [col(Appeal.status).in_(OPEN_STATUSES), col(Appeal.due_at) >= now,
                  col(Appeal.due_at) < now + timedelta(days=soon_days)]
    if f.q.strip():
        search.catch_up(session)
        number = register.appeal_by_number(session, f.q.strip())
        words = search.matching(session, f.q)
        if number is not None:
            found.append(col(Appeal.id) == number.id)
        elif words is not None:
            found.append(words)
    return [c for c in found if c is not None]


def appeal_seen(engine: Engine, staff: Staff, number: str, now: datetime) -> Appeal:
    """The appeal ``number`` if ``staff`` may see it (NotFoundError otherwise, the same as for
    an appeal that does not exist); the view is recorded in the audit trail."""
    with Session(engine, expire_on_commit=False) as session:
        appeal = register.appeal_by_number(session, number)
        if appeal is None or not may_see(staff, appeal):
            raise NotFoundError(f"no appeal with number {number!r}")
        audit(session, appeal, staff.login, "view", now)
        session.commit()
        return appeal


def visible_appeal(engine: Engine, staff: Staff, number: str) -> Appeal:
    with Session(engine, expire_on_commit=False) as session:
        appeal = register.appeal_by_number(session, number)
        if appeal is None or not may_see(staff, appeal):
            raise NotFoundError(f"no appeal with number {number!r}")
        return appeal


def set_aside(engine: Engine, limit: int = 200) -> list[InboundMessage]:
    """Set-aside mail not registered after all, newest first (automated mail left out)."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(
            select(InboundMessage).where(InboundMessage.outcome == OUTCOME_SET_ASIDE,
                                         col(InboundMessage.appeal_id).is_(None),
                                         ~col(InboundMessage.reason).startswith("automated"))
            .order_by(col(InboundMessage.id).desc()).limit(limit)))


@dataclass
class AppealPage:
    """Everything the appeal page shows, read in one transaction."""

    appeal: Appeal
    details: dict[str, Any]
    inbound: list[InboundMessage]
    outbox: list[Outbox]
    attachments: list[Attachment]
    drafts: list[SignoffDraft]
    corrections: list[Correction]
    entries: list[CorrespondenceEntry] = field(default_factory=list)  # issue 11's record


def appeal_page(engine: Engine, staff: Staff, number: str, now: datetime,
                tz: str) -> AppealPage:
    """The appeal ``number`` with all it shows, if ``staff`` may see it (NotFoundError
    otherwise, the same as for an appeal that does not exist); the view is audited."""
    with Session(engine, expire_on_commit=False) as session:
        appeal = register.appeal_by_number(session, number)
        if appeal is None or appeal.id is None or not may_see(staff, appeal):
            raise NotFoundError(f"no appeal with number {number!r}")
        audit(session, appeal, staff.login, "view", now)
        session.flush()
        page = AppealPage(
            appeal, views.appeal_details(session, appeal, tz),
            register.appeal_inbound(session, appeal.id), register.appeal_outbox(session, appeal.id),
            register.appeal_attachments(session, appeal.id),
            list(session.exec(select(SignoffDraft).where(SignoffDraft.appeal_id == appeal.id)
                              .order_by(col(SignoffDraft.id)))),
            list(session.exec(select(Correction).where(Correction.appeal_id == appeal.id)
                              .order_by(col(Correction.id)))),
            correspondence.entries_of(session, appeal.id))
        session.commit()
        return page
