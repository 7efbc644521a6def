"""The correspondence of an appeal: storing its entries (mail in, mail out, staff notes), reading
them back in order, the news flag for the assignee, and the facts threading decides on.

Functions take the caller's session and never commit (the driver or the operation owns the
transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from journal.models import (
    INCOMING,
    NOTE,
    OUTGOING,
    Appeal,
    Attachment,
    CorrespondenceEntry,
    InboundMessage,
    Outbox,
)
from journal.threading import ThreadFacts


@dataclass(frozen=True)
class MailText:
    """One mail as the correspondence keeps it."""

    sender: str
    subject: str
    text: str  # for display: decoded, quoted history trimmed
    full_text: str


def add_incoming(session: Session, appeal: Appeal, inbound: InboundMessage, mail: MailText,
                 at: datetime, now: datetime, flag: str | None = None) -> CorrespondenceEntry:
    entry = CorrespondenceEntry(
        appeal_id=appeal.id or 0, at=at, direction=INCOMING, sender=mail.sender,
        subject=mail.subject, text=mail.text, full_text=mail.full_text, inbound_id=inbound.id,
        raw_sha256=inbound.sha256, flag=flag, created_at=now)
    session.add(entry)
    return entry


def add_outgoing(session: Session, row: Outbox, sender: str, text: str) -> CorrespondenceEntry:
    entry = CorrespondenceEntry(
        appeal_id=row.appeal_id or 0, at=row.created_at, direction=OUTGOING, sender=sender,
        recipient=row.recipient, subject=row.subject, text=text, full_text=text,
        outbox_id=row.id, created_at=row.created_at)
    session.add(entry)
    return entry


def add_note(session: Session, appeal: Appeal, author: str, text: str,
             now: datetime) -> CorrespondenceEntry:
    entry = CorrespondenceEntry(appeal_id=appeal.id or 0, at=now, direction=NOTE, sender=author,
                                text=text, full_text=text, created_at=now)
    session.add(entry)
    return entry


def entries_of(session: Session, appeal_id: int) -> list[CorrespondenceEntry]:
    return list(session.exec(
        select(CorrespondenceEntry).where(CorrespondenceEntry.appeal_id == appeal_id)
        .order_by(col(CorrespondenceEntry.at), col(CorrespondenceEntry.id))))


def attachments_by_inbound(session: Session, appeal_id: int) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {}
    for att in session.exec(select(Attachment).where(Attachment.appeal_id == appeal_id)
                            .order_by(col(Attachment.id))):
        found.setdefault(att.inbound_id, []).append(att)
    return found


def thread_facts(session: Session, appeal: Appeal) -> ThreadFacts:
    """Who already writes in this appeal: the applicant, the sender, earlier writers and
    whoever our mail went to."""
    assert appeal.id is not None
    people = {appeal.applicant_email, appeal.sender_email}
    for entry in entries_of(session, appeal.id):
        people |= {entry.sender if entry.direction == INCOMING else None, entry.recipient}
    known = frozenset(p.lower() for p in people if p and "@" in p)
    return ThreadFacts(appeal.number, appeal.status, appeal.closed_at, known)


def mark_news(appeal: Appeal, now: datetime) -> None:
    """The assignee has something new to read (kept from the first unread message)."""
    appeal.news_since = appeal.news_since or now


def clear_news(appeal: Appeal) -> bool:
    had = appeal.news_since is not None
    appeal.news_since = None
    return had


def link_appeal(appeal: Appeal, earlier: Appeal, reason: str, as_repeat: bool) -> None:
    """A new appeal that came out of ``earlier`` (a stranger citing it, a mail after closing)."""
    appeal.linked_to_id, appeal.link_reason = earlier.id, reason[:500]
    if as_repeat:
        appeal.repeat_of_id = earlier.id
