"""Finding appeals by what they say: subject, body and the text read out of their attachments.

A plain case-insensitive substring search (LIKE/ILIKE) for the CLI; the web desk's full-text
index (issue 12) is meant to take over and cover the same three places.
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from journal.models import Appeal, Attachment


def search_appeals(session: Session, query: str, limit: int | None = 200) -> list[Appeal]:
    """Appeals whose subject, text or any attachment's extracted text contains ``query``
    (case-insensitive), in journal order."""
    words = query.strip()
    if not words:
        return []
    pattern = "%" + words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    in_files = select(Attachment.appeal_id).where(
        func.lower(col(Attachment.text)).like(pattern, escape="\\"))
    found = select(Appeal).where(or_(
        func.lower(col(Appeal.subject)).like(pattern, escape="\\"),
        func.lower(col(Appeal.text)).like(pattern, escape="\\"),
        col(Appeal.id).in_(in_files),
    )).order_by(col(Appeal.year), col(Appeal.seq))
    if limit:
        found = found.limit(limit)
    return list(session.exec(found))
