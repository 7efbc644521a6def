"""Staff replies on an appeal (3.3–3.6, 3.9, 2.4): check the move, render, queue, record.

    preview_reply(ctx, number, template, values, attachments=(), edit=None) -> ReplyPreview
    queue_reply(ctx, number, template, values, attachments=(), actor, edit=None) -> QueuedReply
    list_templates(ctx) -> tuple[list[ReplyTemplate], list[str]]     usable ones, problems
    check_move(appeal, template) -> None                             TransitionError if refused

``values`` are the template's fields (``{"answer": "..."}``); ``attachments`` are
``replies.compose.attachment_from(name, data)`` values; ``edit`` may change the rendered text
before it is queued (the CLI's ``--edit``). Order: the status change is checked first, then the
mail is rendered (replies.compose, pure), then queued, then the status moves and the audit
trail gets a ``reply`` event, all in one transaction, so a refused move queues nothing.
Errors: NotFoundError, TransitionError, ReplyError (unknown template, missing field, no
director's signature).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from journal import correspondence, register
from journal.models import ANSWERED, CLOSED, OUTCOME_REGISTERED, OUTCOME_THREADED, SENT, Appeal
from journal.workflow import TRANSITIONS, TransitionError, audit, change_status, measures_of
from operations.appeals import find_appeal, full_number
from operations.context import OpsContext
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
from replies.render import template_origins
from replies.templates import ReplyTemplate, load_template, scan_templates
from replies.templates import list_templates as _usable_templates

log = logging.getLogger(__name__)

_NOT_REPLIES = ("acknowledgement",)  # automatic mail is no part of the correspondence to cite
Edit = Callable[[str], str]


@dataclass(frozen=True)
class ReplyPreview:
    template: ReplyTemplate
    message: OutgoingMessage
    sender: str


@dataclass(frozen=True)
class QueuedReply:
    number: str
    template: str
    recipient: str
    outbox_id: int
    status: str  # the appeal's status after the reply


def preview_reply(ctx: OpsContext, number: str, template: str, values: Mapping[str, str],
                  attachments: Sequence[OutgoingAttachment] = (),
                  edit: Edit | None = None) -> ReplyPreview:
    """Check and render; nothing is queued or changed."""
    with ctx.reading() as session:
        meta, out = _render(session, ctx, find_appeal(session, full_number(ctx, number)),
                            template, values, attachments, ctx.now(), edit)
    return ReplyPreview(meta, out, ctx.sender)


def queue_reply(ctx: OpsContext, number: str, template: str, values: Mapping[str, str],
                attachments: Sequence[OutgoingAttachment] = (), *, actor: str,
                edit: Edit | None = None) -> QueuedReply:
    """Render ``template`` for the appeal and queue it; move the status the template names."""
    now = ctx.now()
    with ctx.transaction() as session:
        appeal = find_appeal(session, full_number(ctx, number))
        meta, out = _render(session, ctx, appeal, template, values, attachments, now, edit)
        message_id = new_message_id(ctx.sender)
        raw = build_mime(out, ctx.sender, message_id, now)
        row = outbox.enqueue(session, appeal_id=appeal.id, purpose=out.purpose,
                             message_id=message_id, recipient=out.to_address,
                             subject=out.subject, raw=raw, now=now)
        correspondence.add_outgoing(session, row, ctx.sender, out.text)
        before = appeal.status
        correspondence.clear_news(appeal)  # answering is acting on what the client wrote
        if meta.status and meta.status != appeal.status:
            change_status(session, appeal, meta.status, actor, now, note=f"reply {meta.name}",
                          pause_clock=ctx.journal.pause_clock_while_waiting)
        files = ", ".join(a.filename for a in out.attachments)
        audit(session, appeal, actor, "reply", now, before, meta.name,
              f"outbox {row.id}" + (f"; attachments: {files}" if files else ""))
        log.info("appeal=%s outbox=%s purpose=%s queued by %s", appeal.number, row.id,
                 meta.name, actor)
        return QueuedReply(appeal.number, meta.name, row.recipient, row.id or 0, appeal.status)


def list_templates(ctx: OpsContext) -> tuple[list[ReplyTemplate], list[str]]:
    """The reply templates with their fields and status, and one line per unusable file."""
    return scan_templates(ctx.env)


def template_files(ctx: OpsContext) -> dict[str, Path]:
    """Each template name and the file it is loaded from: the branch's folder
    (templates.path) wins over the packaged set."""
    return template_origins(ctx.env)


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


def _render(session: Session, ctx: OpsContext, appeal: Appeal, template_name: str,
            values: Mapping[str, str], attachments: Sequence[OutgoingAttachment],
            now: datetime, edit: Edit | None) -> tuple[ReplyTemplate, OutgoingMessage]:
    template = load_template(ctx.env, template_name)
    check_move(appeal, template)
    context = gather_context(session, ctx, appeal)
    return template, render_reply(template, context, values, ctx.env, now, attachments, edit)


def gather_context(session: Session, ctx: OpsContext, appeal: Appeal) -> ReplyContext:
    """Everything the templates may cite, read from the journal."""
    assert appeal.id is not None
    dept = ctx.department(appeal.department)
    earlier_appeal = session.get(Appeal, appeal.repeat_of_id) if appeal.repeat_of_id else None
    thread = _thread(session, appeal)
    return reply_context(
        appeal, organisation=ctx.organisation.model_dump(), timezone=ctx.timezone,
        department_title=dept.title if dept else (appeal.department or ""),
        measures=[MeasureItem(m.what, m.who, m.due_on, m.done_on)
                  for m in measures_of(session, appeal.id)],
        earlier=_earlier_replies(session, ctx, appeal, earlier_appeal),
        earlier_appeal=(earlier_appeal.number, earlier_appeal.received_at)
        if earlier_appeal else None,
        deadline_days=ctx.journal.deadline_days,
        in_reply_to=thread.in_reply_to, references=thread.references,
    )


def _earlier_replies(session: Session, ctx: OpsContext, appeal: Appeal,
                     earlier_appeal: Appeal | None) -> list[EarlierReply]:
    answers = {t.name for t in _usable_templates(ctx.env) if t.status == ANSWERED}
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
