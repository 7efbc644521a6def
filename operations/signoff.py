"""The director's signature (3.9): an answer that ends consideration (status ``answered`` or
``correspondence_stopped``) is not queued by the assignee but kept as a draft; the director
approves it (it is queued for sending, signed with the director's name, and the appeal moves
on) or returns it with a comment. Each function is one transaction."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from base.errors import NotFoundError
from journal.models import (
    ANSWERED,
    CORRESPONDENCE_STOPPED,
    DRAFT_APPROVED,
    DRAFT_PENDING,
    DRAFT_RETURNED,
    Appeal,
    SignoffDraft,
)
from journal.workflow import TransitionError, audit
from operations.appeals import find_appeal
from operations.context import OpsContext
from operations.replies import preview_reply, queue_in
from replies.message import OutgoingAttachment
from replies.templates import ReplyTemplate, load_template

log = logging.getLogger(__name__)
SIGNED_BY_DIRECTOR = (ANSWERED, CORRESPONDENCE_STOPPED)


def needs_signoff(template: ReplyTemplate) -> bool:
    """Answers on the merits and the stop of correspondence go to the director first."""
    return template.status in SIGNED_BY_DIRECTOR


def template_info(ctx: OpsContext, name: str) -> ReplyTemplate:
    """A reply template's front-matter (ReplyError when unknown)."""
    return load_template(ctx.env, name)


def submit(ctx: OpsContext, number: str, template: str, values: Mapping[str, str],
           attachments: Sequence[OutgoingAttachment], author: str) -> int:
    """Check and render the reply (so a draft that cannot be sent is refused now), keep it."""
    preview_reply(ctx, number, template, values, attachments)
    now = ctx.now()
    with ctx.transaction() as session:
        appeal = find_appeal(session, number)
        draft = SignoffDraft(appeal_id=appeal.id or 0, template=template,
                             values_json=json.dumps(dict(values), ensure_ascii=False),
                             attachments_json=_pack(attachments), author=author, created_at=now)
        session.add(draft)
        session.flush()
        audit(session, appeal, author, "signoff_submitted", now, None, template,
              f"draft {draft.id}")
        return draft.id or 0


def pending(ctx: OpsContext) -> list[tuple[SignoffDraft, Appeal]]:
    """Drafts awaiting the director, oldest first."""
    with Session(ctx.engine) as session:  # closed, not rolled back: rows stay readable
        rows = session.exec(select(SignoffDraft, Appeal)
                            .join(Appeal, col(Appeal.id) == col(SignoffDraft.appeal_id))
                            .where(SignoffDraft.state == DRAFT_PENDING)
                            .order_by(col(SignoffDraft.id)))
        return [(d, a) for d, a in rows]


def drafts_of(ctx: OpsContext, appeal_id: int) -> list[SignoffDraft]:
    with Session(ctx.engine) as session:  # closed, not rolled back: rows stay readable
        return list(session.exec(select(SignoffDraft).where(SignoffDraft.appeal_id == appeal_id)
                                 .order_by(col(SignoffDraft.id))))


def draft_values(draft: SignoffDraft) -> dict[str, str]:
    return {str(k): str(v) for k, v in json.loads(draft.values_json).items()}


def draft_attachments(draft: SignoffDraft) -> list[OutgoingAttachment]:
    return [OutgoingAttachment(a["filename"], a["content_type"], base64.b64decode(a["data"]))
            for a in json.loads(draft.attachments_json)]


def approve(ctx: OpsContext, draft_id: int, director: str) -> int:
    """Queue the draft for sending in the director's name and record the decision, in one
    transaction (a draft is sent at most once); returns the outbox id."""
    now = ctx.now()
    with ctx.transaction() as session:
        draft, appeal = _pending_draft(session, draft_id)
        queued = queue_in(session, ctx, appeal, draft.template, draft_values(draft),
                          draft_attachments(draft), director, now)
        draft.state, draft.decided_by, draft.decided_at = DRAFT_APPROVED, director, now
        draft.outbox_id = queued.outbox_id
        audit(session, appeal, director, "signoff_approved", now, None, draft.template,
              f"draft {draft.id} by {draft.author}")
        log.info("appeal=%s draft=%s approved", appeal.number, draft_id)
        return queued.outbox_id


def return_draft(ctx: OpsContext, draft_id: int, director: str, comment: str) -> None:
    """Send the draft back to its author with the director's comment."""
    if not comment.strip():
        raise TransitionError("returning a draft needs a comment saying what to change")
    now = ctx.now()
    with ctx.transaction() as session:
        draft, appeal = _pending_draft(session, draft_id)
        draft.state, draft.decided_by, draft.decided_at = DRAFT_RETURNED, director, now
        draft.comment = comment
        audit(session, appeal, director, "signoff_returned", now, None, draft.template, comment)


def _pending_draft(session: Session, draft_id: int) -> tuple[SignoffDraft, Appeal]:
    draft = session.get(SignoffDraft, draft_id)
    if draft is None:
        raise NotFoundError(f"no draft {draft_id}")
    if draft.state != DRAFT_PENDING:
        raise TransitionError(f"draft {draft_id} is {draft.state} already")
    appeal = session.get(Appeal, draft.appeal_id)
    assert appeal is not None
    return draft, appeal


def _pack(attachments: Sequence[OutgoingAttachment]) -> str:
    return json.dumps([{"filename": a.filename, "content_type": a.content_type,
                        "data": base64.b64encode(a.data).decode()} for a in attachments])
