"""Read-only views of the journal for people, as plain dicts (JSON-ready, local times): a line
of the list, and one appeal with its correspondence (every entry: mail in, mail out, notes,
with attachments and the raw mail's stored name). Used by operations.appeals."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from base.timeutil import format_date, format_datetime
from ingest import storage
from journal import correspondence, register, workflow
from journal.models import CLOSED, Appeal, CorrespondenceEntry


def appeal_summary(a: Appeal, tz: str) -> dict[str, Any]:
    """One line of the journal's list."""
    return {"number": a.number, "received": format_datetime(a.received_at, tz),
            "due": format_date(a.due_at, tz), "status": a.status,
            "news": a.news_since is not None, "applicant": a.applicant_name, "email": a.applicant_email, "subject": a.subject,
            "kind": a.kind, "department": a.department, "assignee": a.assignee,
            "anonymous": a.anonymous}


def appeal_details(session: Session, appeal: Appeal, tz: str) -> dict[str, Any]:
    """Everything about one appeal, times in local time ``tz``."""
    assert appeal.id is not None
    return {
        "number": appeal.number,
        "status": appeal.status,
        "received": format_datetime(appeal.received_at, tz),
        "due": format_date(appeal.due_at, tz),
        "kind": appeal.kind,
        "department": appeal.department,
        "region": appeal.region,
        "assignee": appeal.assignee,
        "anonymous": appeal.anonymous,
        "anonymous_reasons": [r for r in appeal.anonymous_reasons.split(",") if r],
        "applicant": json.loads(appeal.applicant_json),
        "subject": appeal.subject,
        "text": appeal.text,
        "quality_claim": appeal.quality_claim,
        "missing_documents": [d for d in appeal.missing_documents.split(",") if d],
        "reasons": json.loads(appeal.classification_json).get("reasons", []),
        # what each attachment's content showed (issue 15)
        "findings": json.loads(appeal.classification_json).get("attachments", []),
        "inbound": [
            {"uid": m.uid, "outcome": m.outcome, "received": format_datetime(m.received_at, tz),
             "sha256": m.sha256}
            for m in register.appeal_inbound(session, appeal.id)
        ],
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size,
             "sha256": a.sha256, "stored_name": a.stored_name,
             "flags": [f for f in a.flags.split(",") if f], "text": a.text}
            for a in register.appeal_attachments(session, appeal.id)
        ],
        "outcome": appeal.outcome,
        "outcome_text": appeal.outcome_text,
        "answered": format_datetime(appeal.answered_at, tz) if appeal.answered_at else None,
        "closed": format_datetime(appeal.closed_at, tz) if appeal.closed_at else None,
        "repeat_of": _number_of(session, appeal.repeat_of_id),
        "repeat_similarity": appeal.repeat_similarity,
        "measures": [
            {"id": m.id, "what": m.what, "who": m.who, "due": m.due_on.strftime("%d.%m.%Y"),
             "done": m.done_on.strftime("%d.%m.%Y") if m.done_on else None}
            for m in workflow.measures_of(session, appeal.id)
        ],
        "history": [
            {"at": format_datetime(e.at, tz), "actor": e.actor, "action": e.action,
             "from": e.from_value, "to": e.to_value, "note": e.note}
            for e in workflow.history(session, appeal.id)
        ],
        **correspondence_view(session, appeal, tz),
        "outbox": [
            {"purpose": o.purpose, "recipient": o.recipient, "subject": o.subject,
             "state": o.state, "attempts": o.attempts, "last_error": o.last_error,
             "sent": format_datetime(o.sent_at, tz) if o.sent_at else None}
            for o in register.appeal_outbox(session, appeal.id)
        ],
    }


def _number_of(session: Session, appeal_id: int | None) -> str | None:
    if appeal_id is None:
        return None
    other = session.get(Appeal, appeal_id)
    return other.number if other else None


def correspondence_view(session: Session, appeal: Appeal, tz: str) -> dict[str, Any]:
    """Everything ``show`` adds for the correspondence: entries in order, news, links."""
    assert appeal.id is not None
    files = correspondence.attachments_by_inbound(session, appeal.id)
    entries = [_entry(e, files.get(e.inbound_id or -1, []), tz)
               for e in correspondence.entries_of(session, appeal.id)]
    linked = session.exec(select(Appeal.number).where(Appeal.linked_to_id == appeal.id)
                          .order_by(col(Appeal.id))).all()
    earlier = session.get(Appeal, appeal.linked_to_id) if appeal.linked_to_id else None
    return {
        "news": appeal.news_since is not None,
        "news_since": format_datetime(appeal.news_since, tz) if appeal.news_since else None,
        "linked_to": earlier.number if earlier else None,
        "link_reason": appeal.link_reason,
        "linked_appeals": list(linked),
        "closed_note": "closed: further mail becomes a new linked appeal (1.3)"
        if appeal.status == CLOSED else None,
        "correspondence": entries,
    }


def _entry(e: CorrespondenceEntry, files: list[Any], tz: str) -> dict[str, Any]:
    return {
        "at": format_datetime(e.at, tz), "direction": e.direction, "sender": e.sender,
        "recipient": e.recipient, "subject": e.subject, "text": e.text,
        "full_text": e.full_text, "flag": e.flag, "inbound_id": e.inbound_id,
        "outbox_id": e.outbox_id,
        "raw": storage.relative_name(storage.RAW, e.raw_sha256) if e.raw_sha256 else None,
        "attachments": [{"filename": a.filename, "content_type": a.content_type,
                         "size": a.size, "stored_name": a.stored_name} for a in files],
    }
