"""Staff operations on an appeal's correspondence, one transaction each (operations.views
shows it, in ``show`` and ``show --json``):

    add_note(ctx, number, text, actor) -> int       the note's entry id (never mailed)
    mark_seen(ctx, number, actor) -> bool           False when there was no news

Errors: NotFoundError, ValidationError (an empty note)."""

from __future__ import annotations

from sqlmodel import Session

from journal import correspondence, workflow
from journal.models import Appeal
from operations.appeals import with_appeal
from operations.context import OpsContext
from operations.validation import ValidationError


def add_note(ctx: OpsContext, number: str, text: str, actor: str) -> int:
    """A staff note in the correspondence (seen by staff only, never mailed)."""
    if not text.strip():
        raise ValidationError("a note needs a text")
    now = ctx.now()

    def act(session: Session, appeal: Appeal) -> int:
        entry = correspondence.add_note(session, appeal, actor, text.strip(), now)
        session.flush()
        workflow.audit(session, appeal, actor, "note", now, None, str(entry.id), text[:200])
        return entry.id or 0

    return with_appeal(ctx, number, act)


def mark_seen(ctx: OpsContext, number: str, actor: str) -> bool:
    """The assignee has read the client's news; False when there was none."""
    now = ctx.now()

    def act(session: Session, appeal: Appeal) -> bool:
        since = appeal.news_since
        if not correspondence.clear_news(appeal):
            return False
        workflow.audit(session, appeal, actor, "news_seen", now, None, None,
                       f"news since {since:%Y-%m-%d %H:%M} UTC" if since else None)
        return True

    return with_appeal(ctx, number, act)
