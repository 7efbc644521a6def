"""Mail set aside (unreadable, spam, automated, too large, ...): what staff see of it, and
registering one as an appeal after all (regulation 1.3: no appeal may be refused).

    list_set_aside(ctx, limit=50, show_all=False) -> list[AsideMail]   newest first
    register_aside(ctx, inbound_id, actor) -> Registered                the appeal's number

``show_all`` adds duplicates and automated mail. Errors: NotFoundError (no such inbound mail),
RegisterError (not set aside, or its kept bytes cannot be read as mail).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from base.errors import NotFoundError
from base.timeutil import format_datetime
from journal.models import OUTCOME_SET_ASIDE, InboundMessage
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
class Registered:
    inbound_id: int
    number: str
    ack_queued: bool


def list_set_aside(ctx: OpsContext, limit: int = 50, show_all: bool = False) -> list[AsideMail]:
    query = select(InboundMessage).where(InboundMessage.outcome == OUTCOME_SET_ASIDE)
    if not show_all:
        query = query.where(col(InboundMessage.appeal_id).is_(None),
                            ~col(InboundMessage.reason).startswith("automated"))
    with ctx.reading() as session:
        rows = session.exec(query.order_by(col(InboundMessage.id).desc()).limit(limit))
        return [AsideMail(r.id or 0, format_datetime(r.received_at, ctx.timezone), r.mailbox,
                          r.uid, r.size, r.reason) for r in rows]


def register_aside(ctx: OpsContext, inbound_id: int, actor: str) -> Registered:
    """Register the kept mail ``inbound_id`` from its raw bytes, whatever the automatic
    verdict was, and queue its acknowledgement as for any new appeal."""
    with ctx.transaction() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None:
            raise NotFoundError(f"no inbound mail {inbound_id} (see `complaintdesk aside`)")
        result = register_set_aside(session, inbound, ctx.pipeline, actor)
        return Registered(inbound_id, result.number or "", result.ack_queued)
