"""Render a staff reply from a template (regulation 2.4, 3.3–3.6, 3.9, 5). Pure.

The template's front-matter (replies.templates) says which fields it needs; this module builds
the context from the appeal, checks the fields, renders text and HTML, and refuses a signed reply
without the director's signature block. Nothing here reads the config, the clock or the
database: the caller (operations.replies) passes a ReplyContext.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, TemplateError, UndefinedError

from classify.types import Applicant
from base.errors import ReplyError
from base.timeutil import as_utc, format_date
from journal.models import Appeal
from replies.acknowledge import reply_subject
from replies.address import salutation
from replies.message import OutgoingAttachment, OutgoingMessage
from replies.templates import HTML_SUFFIX, TEXT_SUFFIX, ReplyTemplate

SIGNATURE = "_signature" + TEXT_SUFFIX
SIGNATURE_HTML = "_signature" + HTML_SUFFIX
UNSIGNED = "an answer cannot go out without the director's signature block (3.9)"
_DOCUMENTS = {
    "claim_form": "претензия на бланке с указанием видов дефектов",
    "defect_photos": "фото- или видеоматериалы дефекта (крупным планом и общий вид)",
    "label_photos": "фотографии этикеток товара (дата и время выпуска, заводские номера)",
}


@dataclass(frozen=True)
class EarlierReply:
    """One mail already sent on this appeal or the appeal it repeats (2.4)."""

    number: str
    sent_at: datetime
    subject: str
    purpose: str
    is_answer: bool


@dataclass(frozen=True)
class MeasureItem:
    what: str
    who: str
    due_on: date
    done_on: date | None = None


@dataclass(frozen=True)
class Thread:
    """In-Reply-To and References of a reply."""

    in_reply_to: str | None
    references: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ReplyContext:
    """What a reply needs to know about one appeal, gathered by the caller."""

    number: str
    received_at: datetime
    due_at: datetime
    timezone: str
    applicant: Applicant
    to_address: str
    subject: str
    department_title: str
    assignee: str
    organisation: dict[str, Any]
    in_reply_to: str | None
    references: tuple[str, ...]
    missing_documents: tuple[str, ...] = ()
    measures: tuple[MeasureItem, ...] = ()
    earlier: tuple[EarlierReply, ...] = ()
    earlier_appeal: tuple[str, datetime] | None = None
    deadline_days: int = 10



# --- the context ----------------------------------------------------------------------------

def reply_context(appeal: Appeal, *, organisation: dict[str, Any], timezone: str,
                  department_title: str, in_reply_to: str | None, references: Sequence[str],
                  measures: Sequence[MeasureItem] = (), earlier: Sequence[EarlierReply] = (),
                  earlier_appeal: tuple[str, datetime] | None = None,
                  deadline_days: int = 10) -> ReplyContext:
    """A ReplyContext from an appeal row and what the caller looked up around it."""
    applicant = applicant_of(appeal)
    to_address = appeal.applicant_email or applicant.email
    if not to_address:
        raise ReplyError(f"appeal {appeal.number} has no e-mail address to answer to (2.2); "
                         "answer by post or phone")
    return ReplyContext(
        number=appeal.number, received_at=appeal.received_at, due_at=appeal.due_at,
        timezone=timezone, applicant=applicant, to_address=to_address, subject=appeal.subject,
        department_title=department_title, assignee=appeal.assignee or "",
        organisation=organisation, in_reply_to=in_reply_to, references=tuple(references),
        missing_documents=tuple(d for d in appeal.missing_documents.split(",") if d),
        measures=tuple(measures), earlier=tuple(earlier), earlier_appeal=earlier_appeal,
        deadline_days=deadline_days,
    )


def applicant_of(appeal: Appeal) -> Applicant:
    data = json.loads(appeal.applicant_json or "{}")
    known = {f.name for f in fields(Applicant)}
    return Applicant(**{k: v for k, v in data.items() if k in known})


def _variables(ctx: ReplyContext, now: datetime) -> dict[str, Any]:
    tz = ctx.timezone
    who = ctx.applicant
    earlier = [
        {"number": e.number, "date": format_date(e.sent_at, tz), "subject": e.subject,
         "purpose": e.purpose, "is_answer": e.is_answer}
        for e in sorted(ctx.earlier, key=lambda e: as_utc(e.sent_at))
    ]
    return {
        "salutation": salutation(who),
        "number": ctx.number,
        "received_date": format_date(ctx.received_at, tz),
        "due_date": format_date(ctx.due_at, tz),
        "today": format_date(now, tz),
        "subject": ctx.subject,
        "applicant": {"name": who.display_name or "", "type": who.type,
                      "organization": who.organization or "", "email": ctx.to_address,
                      "phone": who.phone or "", "postal_address": who.postal_address or ""},
        "department_title": ctx.department_title,
        "assignee": ctx.assignee,
        "organisation": ctx.organisation,
        "director": dict(ctx.organisation.get("director") or {}),
        "measures": [
            {"what": m.what, "who": m.who, "due_date": m.due_on.strftime("%d.%m.%Y"),
             "done_date": m.done_on.strftime("%d.%m.%Y") if m.done_on else ""}
            for m in ctx.measures
        ],
        "missing_documents": [_DOCUMENTS.get(d, d) for d in ctx.missing_documents],
        "earlier_replies": earlier,
        "earlier_answers": [e for e in earlier if e["is_answer"]],
        "earlier_appeal": ({"number": ctx.earlier_appeal[0],
                            "received_date": format_date(ctx.earlier_appeal[1], tz)}
                           if ctx.earlier_appeal else None),
        "deadline_days": ctx.deadline_days,
    }


# --- rendering ------------------------------------------------------------------------------

def check_values(template: ReplyTemplate, values: Mapping[str, str]) -> dict[str, str]:
    """The template's fields filled from ``values``: every required one given and not empty,
    no unknown ones (a typo must not vanish silently)."""
    known = dict((*template.fields, *template.optional))
    for key in values:
        if key not in known:
            names = ", ".join(known) or "none"
            raise ReplyError(f"template {template.name!r} has no field {key!r} (fields: {names})")
    for key, what in template.fields:
        if not str(values.get(key, "")).strip():
            raise ReplyError(f"template {template.name!r} needs field {key!r} ({what}); "
                             f"give it with --set {key}=...")
    return {key: str(values.get(key, "")).strip() for key in known}


def check_signature_settings(organisation: Mapping[str, Any]) -> None:
    director = organisation.get("director") or {}
    for key in ("name", "title"):
        if not str(director.get(key) or "").strip():
            raise ReplyError(f"{UNSIGNED}: organisation.director.{key} is empty in the config")


def render_reply(template: ReplyTemplate, ctx: ReplyContext, values: Mapping[str, str],
                 env: Environment, now: datetime,
                 attachments: Sequence[OutgoingAttachment] = (),
                 edit: Callable[[str], str] | None = None) -> OutgoingMessage:
    """The reply as an OutgoingMessage; ``edit`` may change the text before it is checked
    (an edited text goes out as plain text only: the HTML would no longer match it)."""
    filled = check_values(template, values)
    if template.signed:
        check_signature_settings(ctx.organisation)
    variables = _variables(ctx, now) | filled
    if template.needs_earlier_answers and not variables["earlier_answers"]:
        raise ReplyError(f"template {template.name!r} refers to earlier answers, and none was "
                         f"sent to this applicant on appeal {ctx.number} or the one it "
                         "repeats (2.4)")
    text = _render(env, template.name + TEXT_SUFFIX, variables)
    html = _render(env, template.name + HTML_SUFFIX, variables) if template.has_html else None
    if edit is not None:
        edited = edit(text)
        if not edited.strip():
            raise ReplyError("the edited text is empty; nothing queued")
        if edited != text:
            text, html = edited, None
    if template.signed:
        _verify_signed(env, template.name, variables, text, html)
    return OutgoingMessage(
        purpose=template.name, to_address=ctx.to_address, to_name=ctx.applicant.display_name,
        subject=reply_subject(ctx.subject, ctx.number), text=text, html=html,
        in_reply_to=ctx.in_reply_to, references=ctx.references, auto_submitted=False,
        attachments=tuple(attachments),
    )


def _render(env: Environment, name: str, variables: Mapping[str, Any]) -> str:
    try:
        return env.get_template(name).render(variables)
    except UndefinedError as exc:
        raise ReplyError(f"template {name}: {exc.message}") from exc
    except TemplateError as exc:
        raise ReplyError(f"template {name}: {exc}") from exc


def _verify_signed(env: Environment, name: str, variables: Mapping[str, Any], text: str,
                   html: str | None) -> None:
    """The rendered mail must carry the signature block itself, not just promise it."""
    block = _render(env, SIGNATURE, variables)
    if _squash(block) not in _squash(text):
        raise ReplyError(f"{UNSIGNED}: the text of {name!r} does not contain it")
    if html is not None and SIGNATURE_HTML in env.list_templates():
        if _squash(_render(env, SIGNATURE_HTML, variables)) not in _squash(html):
            raise ReplyError(f"{UNSIGNED}: the HTML of {name!r} does not contain it")


def _squash(text: str) -> str:
    return " ".join(text.split())


def attachment_from(filename: str, data: bytes) -> OutgoingAttachment:
    """An attachment with its content type guessed from the file name."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return OutgoingAttachment(filename=filename, content_type=content_type, data=data)


def thread_of(first: str | None, mails: Sequence[tuple[datetime, str | None, bool]]) -> Thread:
    """Threading headers from the appeal's first Message-ID and every mail since as
    (when, Message-ID, from the client): reply to the client's latest mail; References keep
    the first and the last nine (RFC 5322 3.6.4 allows trimming the middle)."""
    ordered = [m for m in sorted(mails, key=lambda m: as_utc(m[0])) if m[1]]
    refs: list[str] = [first] if first else []
    for _, message_id, _ in ordered:
        if message_id not in refs:
            refs.append(message_id)  # type: ignore[arg-type]
    client = [m[1] for m in ordered if m[2]]
    in_reply_to = client[-1] if client else first
    if len(refs) > 10:
        refs = refs[:1] + refs[-9:]
    return Thread(in_reply_to, tuple(refs))
