"""The public form's way into the journal (issue 13): a thin adapter onto the mail flow.

    build the RFC 5322 message → parse → classify (the fields are the applicant) →
    flow.record_in (raw stored before the commit, register, acknowledge) → source = form

Everything after building the message is the mail path's own code (``pipeline.record.record_in``),
so a form appeal is registered, routed and acknowledged exactly like a mail. The only calls
into the flow are in ``_record`` (kept apart so they are easy to re-point). The same token
and content give the same appeal: looked up first, serialised per process, and across processes the
inbound row's unique key (``form_uid``) turns a second registration into a rollback.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from base.errors import JournalError, StorageError
from classify import classify_message
from classify.types import ClassifyRules
from ingest.parse import parse_message
from ingest.types import ExtractLimits, RawMessage
from journal.db import describe_db_error
from journal.models import SOURCE_FORM, Appeal, InboundMessage
from classify.repeats import prepare_repeat_fields
from pipeline.analysis import Analysis, read_attachments
from pipeline.deps import Deps
from pipeline.record import Result, log_result, record_in
from pipeline.formmail import (FORM_MAILBOX, FormSubmission, build_form_message,
                               form_message_id, form_uid, given_from_message,
                               submission_key)

log = logging.getLogger(__name__)
_LOCK = threading.Lock()


@dataclass(frozen=True)
class FormReceipt:
    """What the visitor is told: the number and due date, or that it was set aside."""

    number: str | None
    due_at: datetime | None
    ack_queued: bool = False
    set_aside: str | None = None
    duplicate: bool = False
    anonymous: bool = False


def submit_form(sub: FormSubmission, deps: Deps, set_aside: str | None = None) -> FormReceipt:
    """Register one submission (or keep it set aside with ``set_aside`` as the reason: a robot).
    Raises only DaemonError, for faults of the service (JournalError: the journal failed;
    StorageError: the store cannot be written); the resend of the same form is then safe."""
    try:
        return _submit(sub, deps, set_aside)
    except SQLAlchemyError as exc:
        raise JournalError(f"form: {describe_db_error(exc)}") from exc
    except OSError as exc:
        raise StorageError(f"form: {type(exc).__name__}: {exc.strerror}") from exc


def _submit(sub: FormSubmission, deps: Deps, set_aside: str | None) -> FormReceipt:
    key = submission_key(sub)
    message_id = form_message_id(key, deps.smtp.sender)
    earlier = find_receipt(deps, message_id)
    if earlier is not None:
        return earlier
    uidvalidity, uid = form_uid(key)
    raw = RawMessage(FORM_MAILBOX, uidvalidity, uid,
                     build_form_message(sub, deps.smtp.sender, deps.now()))
    analysis = analyze_form(raw.data, deps.rules, set_aside, deps.analyzer.extract)
    with _LOCK:
        earlier = find_receipt(deps, message_id)
        if earlier is not None:
            return earlier
        try:
            result = _record(raw, analysis, deps)
        except IntegrityError:  # another process registered the same token meanwhile
            earlier = find_receipt(deps, message_id)
            if earlier is None:
                raise
            return earlier
    log_result(raw, result)
    return find_receipt(deps, message_id, duplicate=False) or FormReceipt(
        None, None, set_aside=result.reason)


def analyze_form(data: bytes, rules: ClassifyRules, set_aside: str | None = None,
                 extract: ExtractLimits | None = None) -> Analysis:
    """parse → classify of the generated message, as ``pipeline.analysis.analyze`` does for a
    mail, with the form's fields (its X-Form-* headers) as the applicant. Never set aside as
    automated or spam: the form has its own robot checks, which arrive as ``set_aside``."""
    parsed = parse_message(data)  # our own message: a ParseError here is our bug, not the visitor's
    extracted = read_attachments(parsed, extract)  # the files are read as a mail's are (15)
    decision = classify_message(parsed, rules, as_appeal=True, given=given_from_message(parsed),
                                extracted=extracted)
    fields = prepare_repeat_fields(f"{parsed.subject}\n{parsed.text}", decision.applicant)
    return Analysis(parsed, decision, set_aside, fields, extracted)


# --- the calls into the mail path (pipeline.record); re-point here when the driver moves ----
def _record(raw: RawMessage, analysis: Analysis, deps: Deps) -> Result:
    with Session(deps.engine) as session:
        result = record_in(session, raw, analysis, deps)
        _mark_form(session, raw, result)
        session.commit()
    return result
# --- end of the calls into the mail path ------------------------------------------------------


def _mark_form(session: Session, raw: RawMessage, result: Result) -> None:
    """The appeal's source is the form; there is no mailbox to mark the message done in."""
    inbound = session.exec(select(InboundMessage).where(
        InboundMessage.mailbox == raw.mailbox, InboundMessage.uidvalidity == raw.uidvalidity,
        InboundMessage.uid == raw.uid)).first()
    if inbound is None:
        return
    inbound.marked_done = True
    if result.number and inbound.appeal_id is not None:
        appeal = session.get(Appeal, inbound.appeal_id)
        if appeal is not None and appeal.source != SOURCE_FORM:
            appeal.source = SOURCE_FORM
    session.flush()


def find_receipt(deps: Deps, message_id: str, duplicate: bool = True) -> FormReceipt | None:
    """The receipt of a submission already recorded under ``message_id``, else None."""
    with Session(deps.engine) as session:
        inbound = session.exec(select(InboundMessage).where(
            InboundMessage.mailbox == FORM_MAILBOX,
            InboundMessage.message_id == message_id)).first()
        if inbound is None:
            return None
        appeal = session.get(Appeal, inbound.appeal_id) if inbound.appeal_id else None
        if appeal is None:
            return FormReceipt(None, None, set_aside=inbound.reason or "set aside",
                               duplicate=duplicate)
        from journal import register

        queued = any(o.purpose == "acknowledgement"
                     for o in register.appeal_outbox(session, appeal.id or 0))
        return FormReceipt(appeal.number, appeal.due_at, queued, duplicate=duplicate,
                           anonymous=appeal.anonymous)
