"""The register: numbering, recording appeals and inbound mail, finding threads and duplicates.

Every function takes the caller's session and never commits: the driver owns the transaction,
so an appeal, its inbound message, its attachments and its acknowledgement land together.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from classify.types import Classification
from journal.models import (
    OPEN_STATUSES,
    OUTCOME_SET_ASIDE,
    Appeal,
    Attachment,
    InboundMessage,
    MailboxState,
    NumberCounter,
    Outbox,
)

_NUMBER_TAG = re.compile(r"\[№\s*([^\]\s]+)\s*\]")


_BUMP = (update(NumberCounter).where(col(NumberCounter.year) == bindparam("y"))
         .values(last_seq=NumberCounter.last_seq + 1).returning(col(NumberCounter.last_seq)))


def next_number(session: Session, year: int, number_format: str) -> tuple[int, str]:
    """Hand out the next registration number of ``year``: no gaps, no duplicates.

    The counter row is incremented inside the caller's transaction, so a rollback returns the
    number and a concurrent worker waits on the row lock (PostgreSQL) or the write lock (SQLite).
    The year's row is created on its first number (racing creators are told apart by the
    primary key: ON CONFLICT DO NOTHING)."""
    seq = session.execute(_BUMP, {"y": year}).scalar_one_or_none()
    if seq is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(NumberCounter).values(year=year, last_seq=0)
                        .on_conflict_do_nothing())
        seq = session.execute(_BUMP, {"y": year}).scalar_one()
    return seq, format_number(number_format, seq, year)


def format_number(number_format: str, seq: int, year: int) -> str:
    return number_format.format(seq=seq, year=year, yy=f"{year % 100:02d}")


def find_earlier(session: Session, sha256: str, message_id: str | None
                 ) -> tuple[InboundMessage | None, InboundMessage | None]:
    """Earlier inbound mail with the same bytes, and with the same Message-ID, in one query."""
    condition = col(InboundMessage.sha256) == sha256
    if message_id:
        condition = or_(condition, col(InboundMessage.message_id) == message_id)
    rows = list(session.exec(select(InboundMessage).where(condition).limit(4)))
    same_bytes = next((r for r in rows if r.sha256 == sha256), None)
    same_id = next((r for r in rows if message_id and r.message_id == message_id), None)
    return same_bytes, same_id


def find_thread(session: Session, references: list[str], subject: str
                ) -> tuple[Appeal | None, str]:
    """The appeal a client's reply names, and how: ``references`` (our Message-ID in its
    references) or ``subject`` (the ``[№ number]`` tag alone; journal.threading decides
    whether the sender may join on that)."""
    if references:
        appeal_id = session.exec(
            select(Outbox.appeal_id).where(col(Outbox.message_id).in_(references)).limit(1)
        ).first()
        if appeal_id:
            return session.get(Appeal, appeal_id), "references"
    for number in _NUMBER_TAG.findall(subject or ""):
        appeal = appeal_by_number(session, number)
        if appeal:
            return appeal, "subject"
    return None, ""


def appeal_by_number(session: Session, number: str) -> Appeal | None:
    return session.exec(select(Appeal).where(Appeal.number == number)).first()


def build_appeal(
    *,
    number: str,
    year: int,
    seq: int,
    received_at: datetime,
    due_at: datetime,
    decision: Classification,
    sender_email: str | None,
    subject: str,
    body: str,
    message_id: str | None,
    raw_sha256: str,
    now: datetime,
) -> Appeal:
    """An Appeal row from the classification (not yet added to a session)."""
    who = decision.applicant
    return Appeal(
        number=number,
        year=year,
        seq=seq,
        received_at=received_at,
        due_at=due_at,
        kind=decision.kind,
        department=decision.department,
        region=decision.region,
        assignee=decision.assignee,
        anonymous=decision.anonymous,
        anonymous_reasons=",".join(decision.anonymous_reasons),
        applicant_type=who.type,
        applicant_name=who.display_name,
        applicant_email=who.email,
        applicant_json=json.dumps(asdict(who), ensure_ascii=False),
        sender_email=sender_email,
        subject=subject,
        text=body,
        message_id=message_id,
        quality_claim=decision.quality_claim,
        missing_documents=",".join(decision.missing_documents),
        classification_json=json.dumps(asdict(decision), ensure_ascii=False),
        raw_sha256=raw_sha256,
        created_at=now,
    )


def mailbox_state(session: Session, mailbox: str, folder: str) -> MailboxState | None:
    return session.exec(
        select(MailboxState).where(MailboxState.mailbox == mailbox, MailboxState.folder == folder)
    ).first()


def set_mailbox_state(
    session: Session, mailbox: str, folder: str, uidvalidity: int, last_uid: int
) -> None:
    """Remember the last UID processed (only ever moves forward within one UIDVALIDITY)."""
    state = mailbox_state(session, mailbox, folder)
    if state is None:
        session.add(MailboxState(mailbox=mailbox, folder=folder, uidvalidity=uidvalidity,
                                 last_uid=last_uid))
    elif state.uidvalidity != uidvalidity:
        state.uidvalidity, state.last_uid = uidvalidity, last_uid
    else:
        state.last_uid = max(state.last_uid, last_uid)


def unmarked_uids(session: Session, mailbox: str, uidvalidity: int) -> list[int]:
    """UIDs committed to the journal but not yet marked done on the server (a crash between)."""
    return list(
        session.exec(
            select(InboundMessage.uid).where(
                InboundMessage.mailbox == mailbox,
                InboundMessage.uidvalidity == uidvalidity,
                col(InboundMessage.marked_done).is_(False),
            )
        )
    )


def set_marked(session: Session, mailbox: str, uidvalidity: int, uids: list[int]) -> None:
    if uids:
        session.execute(
            update(InboundMessage)
            .where(
                col(InboundMessage.mailbox) == mailbox,
                col(InboundMessage.uidvalidity) == uidvalidity,
                col(InboundMessage.uid).in_(uids),
            )
            .values(marked_done=True)
        )


@dataclass(frozen=True)
class AppealFilter:
    """Which appeals ``list`` shows; every field narrows the list."""

    status: str | None = None
    assignee: str | None = None
    overdue_at: datetime | None = None  # open and due before this moment
    news: bool = False
    search: str | None = None  # in number, subject, text, applicant name or e-mail, attachment text
    limit: int | None = None


def list_appeals(session: Session, limit: int | None = None,
                 where: AppealFilter = AppealFilter()) -> list[Appeal]:
    """Newest first (by registration number within the year)."""
    query = select(Appeal).order_by(col(Appeal.year).desc(), col(Appeal.seq).desc())
    if where.status:
        query = query.where(Appeal.status == where.status)
    if where.assignee:
        query = query.where(Appeal.assignee == where.assignee)
    if where.overdue_at is not None:
        query = query.where(col(Appeal.status).in_(OPEN_STATUSES),
                            col(Appeal.due_at) < where.overdue_at)
    if where.news:
        query = query.where(col(Appeal.news_since).is_not(None))
    if where.search:
        variants = _cases(where.search)
        in_files = select(Attachment.appeal_id).where(  # the text read out of them (issue 15)
            or_(*(col(Attachment.text).like(f"%{v}%") for v in variants)))
        query = query.where(or_(col(Appeal.id).in_(in_files),
                                *(col(c).like(f"%{variant}%") for variant in variants
                                  for c in (Appeal.number, Appeal.subject, Appeal.text,
                                            Appeal.applicant_name, Appeal.applicant_email))))
    if limit or where.limit:
        query = query.limit(limit or where.limit)
    return list(session.exec(query))


def _cases(text: str) -> set[str]:
    """The ways ``text`` is likely written: SQLite's LIKE and lower() ignore case for ASCII
    only, and PostgreSQL's LIKE never does, so Cyrillic is matched in its usual spellings."""
    text = text.replace("%", "").replace("_", "").strip()
    return {text, text.lower(), text.upper(), text.capitalize(), text.title()}


def is_for_review(reason: str | None, appeal_id: int | None) -> bool:
    """A set-aside mail staff should look at: not automated mail, not a copy of known mail.
    ``poll`` and ``aside`` count with this same rule."""
    text = reason or ""
    return appeal_id is None and not text.startswith(("automated", "duplicate"))


def set_aside_mail(session: Session, show_all: bool, limit: int
                   ) -> tuple[list[InboundMessage], int, int]:
    """Set-aside mail newest first (only that for review unless ``show_all``), and how many
    there are for review and how many automated or duplicate (``is_for_review``)."""
    aside = col(InboundMessage.outcome) == OUTCOME_SET_ASIDE
    reason = func.coalesce(col(InboundMessage.reason), "")
    review = (col(InboundMessage.appeal_id).is_(None) & ~reason.startswith("automated")
              & ~reason.startswith("duplicate"))
    total = session.exec(select(func.count()).select_from(InboundMessage).where(aside)).one()
    for_review = session.exec(select(func.count()).select_from(InboundMessage)
                              .where(aside, review)).one()
    query = select(InboundMessage).where(aside, *(() if show_all else (review,)))
    rows = list(session.exec(query.order_by(col(InboundMessage.id).desc()).limit(limit)))
    return rows, for_review, total - for_review


def appeal_attachments(session: Session, appeal_id: int) -> list[Attachment]:
    return list(session.exec(select(Attachment).where(Attachment.appeal_id == appeal_id)))


def appeal_inbound(session: Session, appeal_id: int) -> list[InboundMessage]:
    return list(
        session.exec(
            select(InboundMessage)
            .where(InboundMessage.appeal_id == appeal_id)
            .order_by(col(InboundMessage.id))
        )
    )


def appeal_outbox(session: Session, appeal_id: int) -> list[Outbox]:
    return list(
        session.exec(select(Outbox).where(Outbox.appeal_id == appeal_id).order_by(col(Outbox.id)))
    )


