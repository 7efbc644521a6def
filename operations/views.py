"""Read-only views of the journal for people: one appeal with its correspondence."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from base.errors import NotFoundError
from base.timeutil import format_date, format_datetime
from journal import register, workflow


def appeal_details(session: Session, number: str, tz: str) -> dict[str, Any]:
    appeal = register.appeal_by_number(session, number)
    if appeal is None or appeal.id is None:
        raise NotFoundError(f"no appeal with number {number!r}")
    return {
        "number": appeal.number,
        "status": appeal.status,
        "source": appeal.source,
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
        "inbound": [
            {"uid": m.uid, "outcome": m.outcome, "received": format_datetime(m.received_at, tz),
             "sha256": m.sha256}
            for m in register.appeal_inbound(session, appeal.id)
        ],
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size,
             "sha256": a.sha256, "stored_name": a.stored_name,
             "flags": [f for f in a.flags.split(",") if f]}
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
    from journal.models import Appeal

    other = session.get(Appeal, appeal_id)
    return other.number if other else None


_SOURCES = {"mail": "mail", "form": "the web form"}


def format_details(d: dict[str, Any]) -> str:
    who = d["applicant"]
    name = who.get("organization") or " ".join(
        p for p in (who.get("last_name"), who.get("first_name"), who.get("middle_name")) if p
    )
    lines = [
        f"Appeal {d['number']}  [{d['status']}]",
        f"  received {d['received']} by {_SOURCES.get(d['source'], d['source'])}, due {d['due']}",
        f"  kind {d['kind']}, department {d['department']}"
        + (f" ({d['region']})" if d["region"] else "") + f", assignee {d['assignee']}",
        f"  applicant {name or '(not identified)'}; e-mail {who.get('email') or '-'}; "
        f"phone {who.get('phone') or '-'}; address {who.get('postal_address') or '-'}",
    ]
    if d["anonymous"]:
        lines.append(f"  ANONYMOUS: {', '.join(d['anonymous_reasons'])}")
    if d["quality_claim"]:
        lines.append(f"  quality claim; missing: {', '.join(d['missing_documents']) or 'nothing'}")
    lines.append(f"  subject: {d['subject']}")
    for a in d["attachments"]:
        flags = f" [{', '.join(a['flags'])}]" if a["flags"] else ""
        lines.append(f"  attachment: {a['filename']} ({a['content_type']}, {a['size']} B){flags}")
    if d["repeat_of"]:
        lines.append(f"  REPEAT of {d['repeat_of']} (similarity {d['repeat_similarity']:.2f}, 2.4)")
    if d["outcome"]:
        lines.append(f"  outcome {d['outcome']}: {d['outcome_text']}")
    for m in d["measures"]:
        lines.append(f"  measure {m['id']}: {m['what']} ({m['who']}, due {m['due']}"
                     + (f", done {m['done']})" if m["done"] else ")"))
    for o in d["outbox"]:
        lines.append(f"  mail out: {o['purpose']} to {o['recipient']}: {o['state']}")
    for e in d["history"]:
        change = f"{e['from'] or ''} -> {e['to'] or ''}" if e["from"] or e["to"] else ""
        lines.append(f"  {e['at']} {e['actor']}: {e['action']} {change}"
                     + (f" ({e['note']})" if e["note"] else ""))
    lines += ["", d["text"]]
    return "\n".join(lines)
