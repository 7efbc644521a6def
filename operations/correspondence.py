"""Staff operations on an appeal's correspondence: write a note, mark the news as read, and
the correspondence as people read it (``show`` and ``show --json``). One transaction each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from base.timeutil import format_datetime
from ingest import storage
from journal import correspondence, workflow
from journal.models import CLOSED, INCOMING, NOTE, Appeal, CorrespondenceEntry
from operations.staffops import with_appeal
from operations.validation import ValidationError

_ARROWS = {INCOMING: "<-", NOTE: "--"}


def add_note(engine: Engine, number: str, text: str, actor: str, now: datetime) -> int:
    """A staff note in the correspondence (seen by staff only, never mailed)."""
    if not text.strip():
        raise ValidationError("a note needs a text")

    def act(session: Session, appeal: Appeal) -> int:
        entry = correspondence.add_note(session, appeal, actor, text.strip(), now)
        session.flush()
        workflow.audit(session, appeal, actor, "note", now, None, str(entry.id), text[:200])
        return entry.id or 0

    return with_appeal(engine, number, act)


def mark_seen(engine: Engine, number: str, actor: str, now: datetime) -> bool:
    """The assignee has read the client's news; False when there was none."""
    def act(session: Session, appeal: Appeal) -> bool:
        since = appeal.news_since
        if not correspondence.clear_news(appeal):
            return False
        workflow.audit(session, appeal, actor, "news_seen", now, None, None,
                       f"news since {since:%Y-%m-%d %H:%M} UTC" if since else None)
        return True

    return with_appeal(engine, number, act)


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


def format_correspondence(view: dict[str, Any]) -> list[str]:
    """The correspondence as lines for the terminal, oldest first."""
    lines = []
    if view["news"]:
        lines.append(f"  NEWS from the client since {view['news_since']} "
                     "(`complaintdesk seen NUMBER` when read)")
    if view["linked_to"]:
        lines.append(f"  LINKED to {view['linked_to']}: {view['link_reason']}")
    if view["linked_appeals"]:
        lines.append(f"  later appeals linked to this one: {', '.join(view['linked_appeals'])}")
    lines += ["", f"Correspondence ({len(view['correspondence'])}):"]
    for e in view["correspondence"]:
        lines += _entry_lines(e)
    return lines


def _entry_lines(e: dict[str, Any]) -> list[str]:
    arrow = _ARROWS.get(e["direction"], "->")
    who = e["sender"] if e["direction"] != "out" else f"to {e['recipient']}"
    head = f"  {e['at']} {arrow} {e['direction']:<4} {who or '-'}"
    head += f"  «{e['subject']}»" if e["subject"] else ""
    head += f"  [{e['flag']}]" if e["flag"] else ""
    body = [f"      {line}" for line in (e["text"] or "(text only in the raw mail)").splitlines()]
    files = [f"      attachment: {a['filename']} ({a['content_type']}, {a['size']} B)"
             for a in e["attachments"]]
    raw = [f"      raw mail: {e['raw']} (under storage.path)"] if e["raw"] else []
    return [head, *body, *files, *raw]
