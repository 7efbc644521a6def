"""Read-only views of the journal for people: one appeal with its correspondence."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from complaintdesk.errors import NotFoundError
from complaintdesk.timeutil import format_date, format_datetime
from journal import register


def appeal_details(session: Session, number: str, tz: str) -> dict[str, Any]:
    appeal = register.appeal_by_number(session, number)
    if appeal is None or appeal.id is None:
        raise NotFoundError(f"no appeal with number {number!r}")
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
        "outbox": [
            {"purpose": o.purpose, "recipient": o.recipient, "subject": o.subject,
             "state": o.state, "attempts": o.attempts, "last_error": o.last_error,
             "sent": format_datetime(o.sent_at, tz) if o.sent_at else None}
            for o in register.appeal_outbox(session, appeal.id)
        ],
    }


def format_details(d: dict[str, Any]) -> str:
    who = d["applicant"]
    name = who.get("organization") or " ".join(
        p for p in (who.get("last_name"), who.get("first_name"), who.get("middle_name")) if p
    )
    lines = [
        f"Appeal {d['number']}  [{d['status']}]",
        f"  received {d['received']}, due {d['due']}",
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
    for o in d["outbox"]:
        lines.append(f"  mail out: {o['purpose']} to {o['recipient']}: {o['state']}")
    lines += ["", d["text"]]
    return "\n".join(lines)
