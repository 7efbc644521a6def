"""Recording one analysed mail in the journal, inside the caller's transaction: keep the raw
bytes and attachments (content-addressed), then register it as a new appeal with its
acknowledgement queued, thread it into an appeal, or set it aside with its reason.

    record_in(session, raw, analysis, deps) -> Result    one mail, in its own SAVEPOINT
    register_set_aside(session, inbound, deps, actor)     staff overrule a set-aside (1.3)

Never commits; the batch (pipeline.batch) does, then the mail is marked done.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from sqlmodel import Session

from base.errors import DaemonError, ParseError
from base.timeutil import as_utc, due_at
from classify import classify_message
from classify.automated import detect_automated
from classify.repeats import prepare_repeat_fields, similarity
from classify.types import Classification, ClassifyRules
from ingest import storage
from ingest.attachments import OVERSIZE, attachment_flags
from ingest.extract import extract_attachments
from ingest.parse import parse_message
from ingest.types import ExtractedAttachment, ParsedMessage, RawMessage
from journal import correspondence, register, workflow
from journal.models import (
    OUTCOME_REGISTERED,
    OUTCOME_SET_ASIDE,
    OUTCOME_THREADED,
    Appeal,
    Attachment,
    InboundMessage,
)
from journal.repeats import find_repeat
from pipeline import threads
from pipeline.analysis import Analysis
from pipeline.deps import Deps
from replies import outbox
from replies.acknowledge import AckContext, render_acknowledgement
from replies.message import build_mime

log = logging.getLogger(__name__)


class Outcome(str, Enum):
    REGISTERED = OUTCOME_REGISTERED
    THREADED = OUTCOME_THREADED
    SET_ASIDE = OUTCOME_SET_ASIDE
    DUPLICATE = "duplicate"  # the same bytes were processed before (e.g. UIDVALIDITY changed)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    number: str | None = None
    reason: str | None = None
    ack_queued: bool = False
    message_id_hash: str = "-"


def record_in(session: Session, raw: RawMessage, analysis: Analysis, deps: Deps) -> Result:
    """Keep the raw mail (stored and synced before the caller commits), then register, thread
    or set aside what ``analysis`` decided, inside the caller's transaction. A SAVEPOINT keeps
    a failure of this mail from undoing the others of a batch."""
    with session.begin_nested():
        parsed = analysis.parsed
        same_bytes, same_id = register.find_earlier(
            session, raw.sha256, parsed.message_id if parsed else None)
        if same_bytes is not None:
            return _record_duplicate(session, raw, deps, same_bytes)
        storage.store_blob(deps.storage.path, storage.RAW, raw.data, raw.sha256,
                           durable=deps.durable_blobs)
        aside = analysis.set_aside
        attachments = _store_attachments(parsed, deps, analysis.extracted) if parsed and not aside else ()
        now = deps.now()
        inbound = _inbound(raw, parsed, now)
        result = _decide(session, inbound, analysis, same_id, deps, now)
        session.add(inbound)
        session.flush()
        for att in attachments:
            att.inbound_id, att.appeal_id = inbound.id or 0, inbound.appeal_id
            session.add(att)
        return replace(result, message_id_hash=_id_hash(parsed))


def log_result(raw: RawMessage, result: Result) -> None:
    """The one INFO line per mail, written once its transaction is committed."""
    log.info("uid=%s message_id=%s outcome=%s appeal=%s", raw.uid, result.message_id_hash,
             result.outcome.value, result.number or "-")


def _record_duplicate(session: Session, raw: RawMessage, deps: Deps,
                      earlier: InboundMessage) -> Result:
    """The same bytes again (a rescan after UIDVALIDITY changed, or a double delivery):
    recorded against the earlier mail's appeal, never registered twice."""
    session.add(InboundMessage(
        mailbox=raw.mailbox, uidvalidity=raw.uidvalidity, uid=raw.uid,
        message_id=earlier.message_id, sha256=raw.sha256, size=len(raw.data),
        outcome=OUTCOME_SET_ASIDE, appeal_id=earlier.appeal_id, received_at=deps.now(),
        reason=f"duplicate: same bytes as uid {earlier.uid} (uidvalidity {earlier.uidvalidity})",
    ))
    session.flush()
    return Result(Outcome.DUPLICATE, reason="duplicate")


def _decide(session: Session, inbound: InboundMessage, analysis: Analysis,
            earlier: InboundMessage | None, deps: Deps, now: datetime) -> Result:
    parsed, decision, set_aside = analysis.parsed, analysis.decision, analysis.set_aside
    if set_aside or parsed is None or decision is None:
        inbound.outcome, inbound.reason = OUTCOME_SET_ASIDE, set_aside
        return Result(Outcome.SET_ASIDE, reason=set_aside)
    if earlier is not None:
        inbound.outcome, inbound.appeal_id = OUTCOME_SET_ASIDE, earlier.appeal_id
        inbound.reason = "duplicate: the same Message-ID was received before"
        return Result(Outcome.SET_ASIDE, reason=inbound.reason)
    refs = [r for r in (parsed.in_reply_to, *parsed.references) if r]
    thread, matched_by = register.find_thread(session, refs, parsed.subject)
    link = None
    if thread is not None:
        link = threads.record_reply(session, inbound, parsed, thread, matched_by, deps.journal,
                                    deps.rules, now)
        if link is None:
            return Result(Outcome.THREADED, number=thread.number)
    appeal = _register(session, inbound, parsed, decision, analysis.repeat_fields, deps, now)
    if thread is not None and link is not None:  # its own appeal, linked (issue 11)
        threads.link_new_appeal(session, appeal, thread, link, now)
    queued = _queue_acknowledgement(session, appeal, parsed, decision, deps, now)
    return Result(Outcome.REGISTERED, number=appeal.number, ack_queued=queued)


def register_set_aside(session: Session, inbound: InboundMessage, deps: Deps,
                       actor: str, acknowledge: bool | None = None) -> Result:
    """Staff decided a set-aside mail is an appeal after all (1.3: no appeal may be refused):
    register it from its kept raw bytes, whatever the automatic verdict was. The loop guard
    holds: automated mail is never acknowledged (``acknowledge`` None: only human mail is)."""
    if inbound.outcome != OUTCOME_SET_ASIDE or inbound.appeal_id is not None:
        raise RegisterError(f"inbound mail {inbound.id} is {inbound.outcome}, not set aside")
    data = storage.read_blob(deps.storage.path,
                             storage.relative_name(storage.RAW, inbound.sha256))
    try:
        parsed = parse_message(data)
    except ParseError as exc:
        raise RegisterError(f"inbound mail {inbound.id} cannot be read: {exc}") from exc
    automated = detect_automated(parsed, deps.rules.webform_senders).automated or \
        (inbound.reason or "").startswith("automated")
    if automated and acknowledge:
        raise RegisterError(f"inbound mail {inbound.id} is automated mail: it is never "
                            "acknowledged (the loop guard); register it without acknowledgement")
    extracted = extract_attachments(parsed.attachments, deps.analyzer.extract) \
        if deps.analyzer.extract else ()
    decision = classify_message(parsed, deps.rules, as_appeal=True, extracted=extracted)
    now = deps.now()
    appeal = _register(session, inbound, parsed, decision, None, deps, now)
    inbound.reason = f"registered by {actor}; was set aside: {inbound.reason}"
    workflow.audit(session, appeal, actor, "registered_from_set_aside", now, None,
                   str(inbound.id), inbound.reason[:500])
    send = not automated if acknowledge is None else acknowledge
    queued = send and _queue_acknowledgement(session, appeal, parsed, decision, deps, now)
    return Result(Outcome.REGISTERED, number=appeal.number, ack_queued=queued)


class RegisterError(DaemonError):
    """A set-aside mail that cannot be registered; the message says why."""


def _register(session: Session, inbound: InboundMessage, parsed: ParsedMessage,
              decision: Classification, repeat_fields: tuple[str | None, str] | None,
              deps: Deps, now: datetime) -> Appeal:
    received = _received_at(parsed, now, deps.backfill)
    journal_cfg, tz = deps.journal, deps.organisation.timezone
    year = received.year
    seq, number = register.next_number(session, year, journal_cfg.number_format)
    appeal = register.build_appeal(
        number=number, year=year, seq=seq, received_at=received,
        due_at=due_at(received, journal_cfg.deadline_days, tz), decision=decision,
        sender_email=parsed.from_address, subject=parsed.subject, body=parsed.text,
        message_id=parsed.message_id, raw_sha256=inbound.sha256, now=now,
    )
    appeal.applicant_key, appeal.lemmas = repeat_fields or prepare_repeat_fields(
        f"{parsed.subject}\n{parsed.text}", decision.applicant)
    session.add(appeal)
    session.flush()
    inbound.outcome, inbound.appeal_id = OUTCOME_REGISTERED, appeal.id
    session.add(inbound)
    session.flush()
    correspondence.add_incoming(session, appeal, inbound, threads.mail_text(parsed, deps.rules),
                                received, now)
    _flag_repeat(session, appeal, deps, now)
    return appeal


def _flag_repeat(session: Session, appeal: Appeal, deps: Deps, now: datetime) -> None:
    """A similar question from the same applicant that was already answered (2.4): flagged
    with a link and the similarity; staff decide whether to stop the correspondence."""
    found = find_repeat(session, appeal, deps.journal.repeat_similarity, similarity)
    if found is None:
        return
    earlier, score = found
    appeal.repeat_of_id, appeal.repeat_similarity = earlier.id, round(score, 3)
    workflow.audit(session, appeal, "complaintdesk", "repeat", now, None, earlier.number,
                   f"similarity {score:.2f} to answered appeal {earlier.number} (2.4)")


def _queue_acknowledgement(session: Session, appeal: Appeal, parsed: ParsedMessage,
                           decision: Classification, deps: Deps, now: datetime) -> bool:
    recipient = decision.applicant.email
    if deps.backfill or not recipient or _is_own(recipient, deps.rules):
        return False
    limited = _over_automatic_limit(session, recipient, deps, now)
    if limited:
        log.warning("appeal=%s acknowledgement not sent: %s", appeal.number, limited)
        return False
    org = deps.organisation
    dept = deps.department(appeal.department)
    ctx = AckContext(
        number=appeal.number, received_at=appeal.received_at, due_at=appeal.due_at,
        timezone=org.timezone, applicant=decision.applicant, to_address=recipient,
        subject=parsed.subject, department_title=dept.title if dept else "",
        missing_documents=decision.missing_documents if decision.quality_claim else (),
        client_message_id=parsed.message_id, client_references=parsed.references,
        organisation=org.model_dump(), deadline_days=deps.journal.deadline_days,
    )
    out = render_acknowledgement(ctx, deps.env)
    message_id = deps.new_message_id()
    raw = build_mime(out, deps.smtp.sender, message_id, now)
    row = outbox.enqueue(session, appeal_id=appeal.id, purpose=out.purpose,
                         message_id=message_id, recipient=recipient, subject=out.subject,
                         raw=raw, now=now)
    correspondence.add_outgoing(session, row, deps.smtp.sender, out.text)
    return True


def _over_automatic_limit(session: Session, recipient: str, deps: Deps,
                          now: datetime) -> str | None:
    """Mail loops and floods stop here: beyond the per-address or global hourly limit an
    appeal is registered but not acknowledged (issue 5)."""
    limits = deps.limits
    to_one, in_all = outbox.automatic_counts(session, recipient, now - timedelta(hours=1))
    if to_one >= limits.auto_per_recipient_per_hour:
        return f"{to_one} automatic mails to this address in the last hour"
    if in_all >= limits.auto_global_per_hour:
        return f"{in_all} automatic mails in the last hour (global limit)"
    return None


def _store_attachments(parsed: ParsedMessage, deps: Deps,
                       extracted: tuple[ExtractedAttachment, ...] = ()) -> tuple[Attachment, ...]:
    rows = []
    limit = deps.storage.max_attachment_bytes
    read = {x.index: x for x in extracted}  # issue 15: the text read out of each attachment
    for index, att in enumerate(parsed.attachments):
        flags = attachment_flags(att, limit) + _read_flags(read.get(index))
        stored = None
        if OVERSIZE not in flags:
            stored = storage.store_blob(deps.storage.path, storage.ATTACHMENTS,
                                        att.payload, att.sha256, durable=deps.durable_blobs)
        rows.append(Attachment(
            inbound_id=0, filename=att.filename, stored_name=stored,
            content_type=att.content_type, disposition=att.disposition,
            content_id=att.content_id, size=att.size, sha256=att.sha256, flags=",".join(flags),
            text=read[index].text if index in read else "",
        ))
    return tuple(rows)


def _read_flags(found: ExtractedAttachment | None) -> tuple[str, ...]:
    """Issue 15: ``unreadable``, or ``ocr_pending`` for pipeline.reread to pick up."""
    if found is None:
        return ()
    return ("unreadable",) if found.unreadable else ("ocr_pending",) if found.ocr_wanted else ()


def _inbound(raw: RawMessage, parsed: ParsedMessage | None, now: datetime) -> InboundMessage:
    return InboundMessage(
        mailbox=raw.mailbox, uidvalidity=raw.uidvalidity, uid=raw.uid,
        message_id=parsed.message_id if parsed else None, sha256=raw.sha256,
        size=len(raw.data), outcome=OUTCOME_SET_ASIDE, received_at=now,
    )


def _received_at(parsed: ParsedMessage, now: datetime, backfill: bool = False) -> datetime:
    """When our server received the mail: the newest Received stamp, else now (3.7 counts from
    receipt). A stamp in the future, or (except when importing old mail) more than 30 days old,
    is not believed; an import falls back to the Date header."""
    stamps = [v.rpartition(";")[2].strip() for v in parsed.header_all("received")[:1]]
    if backfill and parsed.date:
        stamps.append(parsed.date)
    oldest = now - timedelta(days=36500 if backfill else 30)
    for stamp in stamps:
        moment = parse_mail_date(stamp)
        if moment is not None and oldest <= moment <= now + timedelta(minutes=5):
            return moment
    return now


def parse_mail_date(value: str) -> datetime | None:
    """An RFC 5322 date as aware UTC, or None when it cannot be read."""
    try:
        return as_utc(email.utils.parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return None


def _is_own(address: str, rules: ClassifyRules) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in rules.own_domains)


def _id_hash(parsed: ParsedMessage | None) -> str:
    if parsed is None or not parsed.message_id:
        return "-"
    return hashlib.sha256(parsed.message_id.encode()).hexdigest()[:12]
