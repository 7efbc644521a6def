"""The driver's step for a mail that names an existing appeal: ask journal.threading what it is,
then record it in the correspondence, tell the assignee, move a waiting appeal on and re-judge
its documents checklist. A mail that must become its own appeal is handed back to the flow."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from base.config import JournalSettings
from classify.documents import missing_documents
from classify.quotes import read_own_text
from classify.types import ClassifyRules
from ingest.types import ParsedMessage
from journal import correspondence, workflow
from journal.correspondence import MailText
from journal.models import OUTCOME_THREADED, Appeal, InboundMessage
from journal.threading import NEW_LINKED, THREAD, IncomingReply, ThreadDecision, decide_thread

log = logging.getLogger(__name__)
ROBOT = "complaintdesk"


def mail_text(parsed: ParsedMessage, rules: ClassifyRules) -> MailText:
    """The mail as the correspondence keeps it: the writer's own words for display."""
    own = read_own_text(parsed.text, parsed.from_address, rules.own_domains).text.strip()
    return MailText(sender=parsed.from_address or "", subject=parsed.subject,
                    text=own or parsed.text.strip(), full_text=parsed.text)


def record_reply(session: Session, inbound: InboundMessage, parsed: ParsedMessage,
                 appeal: Appeal, matched_by: str, journal: JournalSettings, rules: ClassifyRules,
                 now: datetime) -> ThreadDecision | None:
    """Thread ``parsed`` into ``appeal`` and return None, or return the decision that it
    becomes a new appeal linked to ``appeal`` (the caller registers it)."""
    mail = mail_text(parsed, rules)
    decision = decide_thread(correspondence.thread_facts(session, appeal),
                             IncomingReply(parsed.from_address, matched_by, mail.text, now),
                             journal.thanks_after_close_days)
    if decision.action != THREAD:
        return decision
    inbound.outcome, inbound.appeal_id = OUTCOME_THREADED, appeal.id
    session.add(inbound)
    session.flush()
    correspondence.add_incoming(session, appeal, inbound, mail, now, now, decision.flag)
    correspondence.mark_news(appeal, now)
    workflow.audit(session, appeal, ROBOT, "client_reply", now, None, decision.flag,
                   "; ".join(decision.reasons)[:500])
    if decision.resume:
        workflow.change_status(session, appeal, decision.resume, ROBOT, now, "the client replied",
                               journal.pause_clock_while_waiting)
    _rejudge_documents(session, appeal, parsed, mail.text, now)
    return None


def link_new_appeal(session: Session, appeal: Appeal, earlier: Appeal,
                    decision: ThreadDecision, now: datetime) -> None:
    """The new appeal a mail naming ``earlier`` became; both trails say so."""
    reason = "; ".join(decision.reasons)
    correspondence.link_appeal(appeal, earlier, reason, as_repeat=decision.action != NEW_LINKED)
    workflow.audit(session, appeal, ROBOT, "linked", now, None, earlier.number, reason[:500])
    workflow.audit(session, earlier, ROBOT, "linked_appeal", now, None, appeal.number,
                   reason[:500])
    correspondence.mark_news(appeal, now)


def _rejudge_documents(session: Session, appeal: Appeal, parsed: ParsedMessage, text: str,
                       now: datetime) -> None:
    """What the reply brings off the quality-claim checklist (5): a document is there once
    any mail of the appeal brought it."""
    before = [d for d in appeal.missing_documents.split(",") if d]
    if not appeal.quality_claim or not before:
        return
    still, _ = missing_documents(parsed.attachments, text)
    after = [d for d in before if d in still]
    if after != before:
        appeal.missing_documents = ",".join(after)
        workflow.audit(session, appeal, ROBOT, "checklist", now, ",".join(before),
                       ",".join(after) or "complete", "re-judged with the client's reply (5)")
