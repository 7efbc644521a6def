"""Render the automatic acknowledgement of a registered appeal (regulation 3.2, 3.7, 5). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment

from classify.types import Applicant
from base.timeutil import format_date
from replies.address import salutation
from replies.message import OutgoingMessage

TEMPLATE = "acknowledgement.ru.txt.j2"
HTML_TEMPLATE = "acknowledgement.ru.html.j2"


@dataclass(frozen=True)
class AckContext:
    """What the acknowledgement needs to know about one appeal."""

    number: str
    received_at: datetime
    due_at: datetime
    timezone: str
    applicant: Applicant
    to_address: str
    subject: str
    department_title: str
    missing_documents: tuple[str, ...]
    client_message_id: str | None
    client_references: tuple[str, ...]
    organisation: dict[str, Any]
    deadline_days: int = 10


def render_acknowledgement(ctx: AckContext, env: Environment) -> OutgoingMessage:
    values = {
        "salutation": salutation(ctx.applicant),
        "number": ctx.number,
        "received_date": format_date(ctx.received_at, ctx.timezone),
        "due_date": format_date(ctx.due_at, ctx.timezone),
        "subject": ctx.subject,
        "department_title": ctx.department_title,
        "missing_documents": list(ctx.missing_documents),
        "organisation": ctx.organisation,
        "deadline_days": ctx.deadline_days,
    }
    text = env.get_template(TEMPLATE).render(values)
    html = None
    if HTML_TEMPLATE in env.list_templates():
        html = env.get_template(HTML_TEMPLATE).render(values)
    return OutgoingMessage(
        purpose="acknowledgement",
        to_address=ctx.to_address,
        to_name=ctx.applicant.display_name,
        subject=reply_subject(ctx.subject, ctx.number),
        text=text,
        html=html,
        in_reply_to=ctx.client_message_id,
        references=thread_references(ctx.client_references, ctx.client_message_id),
        auto_submitted=True,
    )


def reply_subject(subject: str, number: str) -> str:
    """``Re: <subject> [№ <number>]``, without piling up Re: or tags."""
    base = subject.strip() or "Ваше обращение"
    while base[:3].lower() in ("re:", "ha:") or base[:4].lower() == "fwd:":
        base = base.split(":", 1)[1].strip()
    tag = f"[№ {number}]"
    return f"Re: {base} {tag}" if tag not in base else f"Re: {base}"


def thread_references(references: tuple[str, ...], message_id: str | None) -> tuple[str, ...]:
    refs = list(references[-10:])
    if message_id and message_id not in refs:
        refs.append(message_id)
    return tuple(refs)
