"""The journal's tables. Times are stored in UTC (naive UTC datetimes); shown in Europe/Moscow.

    appeal            one registered appeal: number, dates, status, applicant, decision
    inbound_message   every mail fetched from the mailbox and what became of it
    attachment        every attachment kept (content-addressed under storage.path)
    outbox            mail to send (acknowledgements, replies) with its delivery state
    mailbox_state     per mailbox folder: UIDVALIDITY and the last UID processed
    number_counter    per year: the last registration sequence number handed out
    audit_event       who changed what on an appeal, when and why (never updated or deleted)
    measure           remediation measures per appeal (4.1, 4.2): what, who, by when, done on
    correspondence    every message of an appeal: mail in, mail out, staff notes (issue 11)
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# statuses of an appeal; journal/workflow.py holds the allowed transitions
REGISTERED = "registered"
UNDER_REVIEW = "under_review"
WAITING_FOR_CLIENT = "waiting_for_client"
ANSWERED = "answered"
CLOSED = "closed"
ESCALATED = "escalated"
CORRESPONDENCE_STOPPED = "correspondence_stopped"
OPEN_STATUSES = (REGISTERED, UNDER_REVIEW, WAITING_FOR_CLIENT, ESCALATED)  # not yet answered
STATUSES = (REGISTERED, UNDER_REVIEW, WAITING_FOR_CLIENT, ANSWERED, CLOSED, ESCALATED,
            CORRESPONDENCE_STOPPED)
# outcomes (3.8)
OUTCOMES = ("upheld", "partly_upheld", "rejected", "answered")
# outcomes of an inbound message
OUTCOME_REGISTERED = "registered"
OUTCOME_THREADED = "threaded"
OUTCOME_SET_ASIDE = "set_aside"
# directions of a correspondence entry
INCOMING, OUTGOING, NOTE = "in", "out", "note"
# outbox states
PENDING, SENT, FAILED = "pending", "sent", "failed"


class Appeal(SQLModel, table=True):
    __tablename__ = "appeal"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True)
    year: int
    seq: int
    received_at: datetime = Field(index=True)
    due_at: datetime = Field(index=True)
    status: str = Field(default=REGISTERED, index=True)
    kind: str | None = None
    department: str | None = Field(default=None, index=True)
    region: str | None = None
    assignee: str | None = None
    anonymous: bool = False
    anonymous_reasons: str = ""  # comma-separated: no_name, no_address
    applicant_type: str = "unknown"
    applicant_name: str | None = None
    applicant_email: str | None = Field(default=None, index=True)
    applicant_json: str = "{}"  # the whole Applicant as JSON
    sender_email: str | None = None
    subject: str = ""
    text: str = ""
    message_id: str | None = Field(default=None, index=True)
    quality_claim: bool = False
    missing_documents: str = ""  # comma-separated
    classification_json: str = "{}"  # the whole Classification, reasons included
    raw_sha256: str
    created_at: datetime
    # the regulation's workflow (issue 4)
    applicant_key: str | None = Field(default=None, index=True)  # normalised name/organisation
    lemmas: str = ""  # sorted distinct lemmas of the text, for repeat detection (2.4)
    repeat_of_id: int | None = Field(default=None, foreign_key="appeal.id")
    repeat_similarity: float | None = None
    outcome: str | None = None
    outcome_text: str | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = Field(default=None, index=True)
    paused_since: datetime | None = None  # waiting for the client, when the clock pauses
    purged_at: datetime | None = None
    # the correspondence (issue 11): a client's message the assignee has not yet acted on
    news_since: datetime | None = Field(default=None, index=True)
    # another appeal this one came out of (a stranger's mail citing it, a reply after closing)
    linked_to_id: int | None = Field(default=None, foreign_key="appeal.id")
    link_reason: str | None = None


class AuditEvent(SQLModel, table=True):
    """One change to an appeal. Rows are only ever inserted (database triggers refuse
    UPDATE and DELETE), so the trail cannot be edited."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    at: datetime
    actor: str
    action: str  # status, assign, escalate, outcome, reply, measure_added, measure_done, ...
    from_value: str | None = None
    to_value: str | None = None
    note: str | None = None


class Measure(SQLModel, table=True):
    """A remediation measure (4.1, 4.2)."""

    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    what: str
    who: str
    due_on: date = Field(index=True)
    done_on: date | None = None
    created_at: datetime


class InboundMessage(SQLModel, table=True):
    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid"),)

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str
    uidvalidity: int
    uid: int
    message_id: str | None = Field(default=None, index=True)
    sha256: str = Field(index=True)
    size: int
    outcome: str = Field(index=True)
    reason: str | None = None
    appeal_id: int | None = Field(default=None, foreign_key="appeal.id", index=True)
    marked_done: bool = Field(default=False, index=True)
    received_at: datetime


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_message.id", index=True)
    appeal_id: int | None = Field(default=None, foreign_key="appeal.id", index=True)
    filename: str | None = None  # as sent; data only, never used as a path
    stored_name: str | None = None  # path under storage.path; None when kept only in the raw mail
    content_type: str
    disposition: str
    content_id: str | None = None
    size: int
    sha256: str
    flags: str = ""  # comma-separated: oversize, dangerous, unreadable, ...
    # the text read out of it (PDF/DOCX/... text layer or OCR; issue 15), for staff and search
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Outbox(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int | None = Field(default=None, foreign_key="appeal.id", index=True)
    purpose: str  # acknowledgement, reply, ...
    message_id: str = Field(unique=True, index=True)
    recipient: str = Field(index=True)
    subject: str
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(default=PENDING, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    last_error: str | None = None
    created_at: datetime = Field(index=True)
    sent_at: datetime | None = None


class MailboxState(SQLModel, table=True):
    __tablename__ = "mailbox_state"
    __table_args__ = (UniqueConstraint("mailbox", "folder"),)

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str
    folder: str
    uidvalidity: int
    last_uid: int = 0


class NumberCounter(SQLModel, table=True):
    __tablename__ = "number_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = 0


class CorrespondenceEntry(SQLModel, table=True):
    """One message of an appeal, in order: the first mail and every reply (``in``), every
    mail we queued (``out``), staff notes (``note``). ``text`` is what people read (decoded,
    quoted history trimmed); ``full_text`` keeps everything; ``inbound_id``/``outbox_id`` and
    ``raw_sha256`` lead to the raw mail and its attachments."""

    __tablename__ = "correspondence"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    at: datetime = Field(index=True)
    direction: str  # in, out, note
    sender: str = ""
    recipient: str = ""
    subject: str = ""
    text: str = ""
    full_text: str = ""
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id", index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    raw_sha256: str | None = None
    flag: str | None = None  # e.g. thanks_after_close
    created_at: datetime
