"""Mail set aside (unreadable, spam, automated, too large, ...): what staff see of it, and
registering one as an appeal after all (regulation 1.3: no appeal may be refused).

    list_set_aside(ctx, limit=50, show_all=False) -> AsideList         newest first, counted
    register_aside(ctx, inbound_id, actor, acknowledge=None) -> Registered

``show_all`` adds duplicates and automated mail; the counts use the rule ``poll`` counts with
(journal.register.is_for_review). The loop guard holds here too: automated mail is never
acknowledged; ``acknowledge`` None acknowledges human mail only. Errors: NotFoundError (no such inbound mail),
RegisterError (not set aside, or its kept bytes cannot be read as mail).
"""

from __future__ import annotations

from dataclasses import dataclass

from base.errors import NotFoundError
from base.timeutil import format_datetime
from journal import register
from journal.models import InboundMessage
from operations.context import OpsContext
from pipeline.record import register_set_aside


@dataclass(frozen=True)
class AsideMail:
    id: int
    received: str  # local time, 25.11.2026 14:05
    mailbox: str
    uid: int
    size: int
    reason: str | None


@dataclass(frozen=True)
class AsideList:
    rows: list[AsideMail]
    for_review: int  # set aside, neither automated nor a duplicate
    automated_or_duplicate: int


@dataclass(frozen=True)
class Registered:
    inbound_id: int
    number: str
    ack_queued: bool


def list_set_aside(ctx: OpsContext, limit: int = 50, show_all: bool = False) -> AsideList:
    with ctx.reading() as session:
        rows, for_review, other = register.set_aside_mail(session, show_all, limit)
        return AsideList([AsideMail(r.id or 0, format_datetime(r.received_at, ctx.timezone),
                                    r.mailbox, r.uid, r.size, r.reason) for r in rows],
                         for_review, other)


def register_aside(ctx: OpsContext, inbound_id: int, actor: str,
                   acknowledge: bool | None = None) -> Registered:
    """Register the kept mail ``inbound_id`` from its raw bytes, whatever the automatic
    verdict was; acknowledge it as any new appeal unless it is automated mail."""
    with ctx.transaction() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None:
            raise NotFoundError(f"no inbound mail {inbound_id} (see `complaintdesk aside`)")
        result = register_set_aside(session, inbound, ctx.pipeline, actor, acknowledge)
        return Registered(inbound_id, result.number or "", result.ack_queued)
