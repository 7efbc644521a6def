"""Staff replies on an appeal: check the move, render, queue in the outbox, record (3.3–3.6, 3.9).

The edge around replies.compose: it reads the appeal's thread, measures and earlier answers from
the journal in the caller's session, and never commits. Order: the status change is checked
first, then the mail is rendered, then queued, then the status moves and the audit trail gets a
``reply`` event, so a refused move queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from jinja2 import Environment
from sqlmodel import Session

from base.config import Config
from base.errors import NotFoundError
from journal import correspondence, register
from journal.models import (
    ANSWERED,
    CLOSED,
    OUTCOME_REGISTERED,
    OUTCOME_THREADED,
    SENT,
    Appeal,
    Outbox,
)
from journal.workflow import TRANSITIONS, TransitionError, audit, change_status, measures_of
from replies import outbox
from replies.compose import (
    EarlierReply,
    MeasureItem,
    ReplyContext,
    Thread,
    render_reply,
    reply_context,
    thread_of,
)
from replies.message import OutgoingAttachment, OutgoingMessage, build_mime, new_message_id
from replies.templates import ReplyTemplate, list_templates, load_template

log = logging.getLogger(__name__)

_NOT_REPLIES = ("acknowledgement",)  # automatic mail is no part of the correspondence to cite


def find_appeal(session: Session, number: str) -> Appeal:
    appeal = register.appeal_by_number(session, number)
    if appeal is None or appeal.id is None:
        raise NotFoundError(f"no appeal with number {number!r}")
    return appeal


def check_move(appeal: Appeal, template: ReplyTemplate) -> None:
    """Refuse, before anything is rendered, a reply the workflow does not allow."""
    if appeal.status == CLOSED:
        raise TransitionError(f"appeal {appeal.number} is closed; no {template.name!r} can be "
                              "sent on it")
    to = template.status
    if to is None or to == appeal.status:
        return
    if to not in TRANSITIONS[appeal.status]:
        allowed = ", ".join(TRANSITIONS[appeal.status]) or "none"
        raise TransitionError(f"appeal {appeal.number}: {template.name!r} would move it "
                              f"{appeal.status} -> {to}, which is not allowed (allowed: {allowed})")


def prepare_reply(session: Session, appeal: Appeal, template_name: str,
                  values: Mapping[str, str], attachments: Sequence[OutgoingAttachment],
                  now: datetime, env: Environment, config: Config,
                  edit: Callable[[str], str] | None = None,
                  ) -> tuple[ReplyTemplate, OutgoingMessage]:
    """Check and render, queue nothing (``--preview`` stops here)."""
    template = load_template(env, template_name)
    check_move(appeal, template)
    ctx = gather_context(session, appeal, env, config)
    return template, render_reply(template, ctx, values, env, now, attachments, edit)


def queue_reply(session: Session, appeal: Appeal, template: str, values: Mapping[str, str],
                attachments: Sequence[OutgoingAttachment], actor: str, now: datetime,
                env: Environment, config: Config,
                edit: Callable[[str], str] | None = None) -> Outbox:
    """Render ``template`` for ``appeal`` and queue it; move the status the template names."""
    meta, out = prepare_reply(session, appeal, template, values, attachments, now, env, config,
                              edit)
    message_id = new_message_id(config.smtp.sender)
    raw = build_mime(out, config.smtp.sender, message_id, now)
    row = outbox.enqueue(session, appeal_id=appeal.id, purpose=out.purpose, message_id=message_id,
                         recipient=out.to_address, subject=out.subject, raw=raw, now=now,
                         sender=config.smtp.sender, text=out.text)
    session.flush()
    before = appeal.status
    correspondence.clear_news(appeal)
    if meta.status and meta.status != appeal.status:
        change_status(session, appeal, meta.status, actor, now, note=f"reply {meta.name}",
                      pause_clock=config.journal.pause_clock_while_waiting)
    files = ", ".join(a.filename for a in out.attachments)
    audit(session, appeal, actor, "reply", now, before, meta.name,
          f"outbox {row.id}" + (f"; attachments: {files}" if files else ""))
    log.info("appeal=%s outbox=%s purpose=%s queued by %s", appeal.number, row.id, meta.name,
             actor)
    return row


def gather_context(session: Session, appeal: Appeal, env: Environment,
                   config: Config) -> ReplyContext:
    """Everything the templates may cite, read from the journal."""
    assert appeal.id is not None
    org = config.organisation
    dept = config.department(appeal.department)
    earlier_appeal = session.get(Appeal, appeal.repeat_of_id) if appeal.repeat_of_id else None
    thread = _thread(session, appeal)
    return reply_context(
        appeal, organisation=org.model_dump(), timezone=org.timezone,
        department_title=dept.title if dept else (appeal.department or ""),
        measures=[MeasureItem(m.what, m.who, m.due_on, m.done_on)
                  for m in measures_of(session, appeal.id)],
        earlier=_earlier_replies(session, env, appeal, earlier_appeal),
        earlier_appeal=(earlier_appeal.number, earlier_appeal.received_at)
        if earlier_appeal else None,
        deadline_days=config.journal.deadline_days,
        in_reply_to=thread.in_reply_to, references=thread.references,
    )


def _earlier_replies(session: Session, env: Environment, appeal: Appeal,
                     earlier_appeal: Appeal | None) -> list[EarlierReply]:
    answers = {t.name for t in list_templates(env) if t.status == ANSWERED}
    found = []
    for source in (earlier_appeal, appeal):
        if source is None or source.id is None:
            continue
        for row in register.appeal_outbox(session, source.id):
            if row.state != SENT or row.purpose in _NOT_REPLIES:
                continue  # 2.4: only answers that actually went to the applicant count
            found.append(EarlierReply(number=source.number, sent_at=row.sent_at or row.created_at,
                                      subject=row.subject, purpose=row.purpose,
                                      is_answer=row.purpose in answers))
    return found


def _thread(session: Session, appeal: Appeal) -> Thread:
    assert appeal.id is not None
    mails: list[tuple[datetime, str | None, bool]] = [
        (m.received_at, m.message_id, True)
        for m in register.appeal_inbound(session, appeal.id)
        if m.outcome in (OUTCOME_REGISTERED, OUTCOME_THREADED)
    ]
    mails += [(o.created_at, o.message_id, False)
              for o in register.appeal_outbox(session, appeal.id)]
    return thread_of(appeal.message_id, mails)
