"""Retention (152-ФЗ): appeals closed before a date lose their personal data and files; the
anonymised facts that statistics need (dates, kind, department, outcome, anonymity) stay.

Staff notes in the audit trail are kept: the trail is insert-only by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from ingest import storage
from journal.models import Appeal, Attachment, InboundMessage, Outbox


@dataclass
class PurgeReport:
    appeals: int = 0
    files_removed: int = 0


def purge_closed_before(session: Session, before: datetime, storage_root: Path,
                        now: datetime) -> PurgeReport:
    """Remove personal data of appeals closed before ``before``; the caller commits."""
    report = PurgeReport()
    appeals = list(session.exec(select(Appeal).where(
        col(Appeal.closed_at) < before, col(Appeal.purged_at).is_(None))))
    candidates: set[str] = set()
    for appeal in appeals:
        candidates |= _forget(session, appeal, now)
        report.appeals += 1
    session.flush()
    for stored in sorted(candidates):
        if not _still_used(session, stored) and _remove(storage_root, stored):
            report.files_removed += 1
    return report


def _forget(session: Session, appeal: Appeal, now: datetime) -> set[str]:
    """Blank the appeal's personal fields; return the stored files it referenced."""
    assert appeal.id is not None
    files = {storage.relative_name(storage.RAW, appeal.raw_sha256)}
    for att in session.exec(select(Attachment).where(Attachment.appeal_id == appeal.id)):
        if att.stored_name:
            files.add(att.stored_name)
        att.filename, att.stored_name, att.text = None, None, ""  # the text read out of it too
    for inbound in session.exec(select(InboundMessage).where(InboundMessage.appeal_id == appeal.id)):
        files.add(storage.relative_name(storage.RAW, inbound.sha256))
    session.execute(update(Outbox).where(col(Outbox.appeal_id) == appeal.id)
                    .values(raw=b"", recipient="", subject=""))
    appeal.applicant_name = appeal.applicant_email = appeal.sender_email = None
    appeal.applicant_json = appeal.classification_json = "{}"
    appeal.subject, appeal.text, appeal.lemmas = "", "", ""
    appeal.applicant_key, appeal.message_id, appeal.outcome_text = None, None, None
    appeal.purged_at = now
    return files


def _still_used(session: Session, stored: str) -> bool:
    """A content-addressed file may also belong to an appeal that is not purged."""
    sha = stored.rsplit("/", 1)[-1]
    if stored.startswith(storage.RAW + "/"):
        return session.exec(select(InboundMessage.id).join(
            Appeal, col(Appeal.id) == col(InboundMessage.appeal_id), isouter=True).where(
            InboundMessage.sha256 == sha, col(Appeal.purged_at).is_(None)).limit(1)).first() \
            is not None
    return session.exec(select(Attachment.id).where(
        Attachment.stored_name == stored).limit(1)).first() is not None


def _remove(root: Path, stored: str) -> bool:
    path = root / stored
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


@dataclass(frozen=True)
class PurgePreview:
    """What ``purge_closed_before`` would touch (``purge --dry-run``)."""

    appeals: int
    mails: int
    attachments: int


def preview_closed_before(session: Session, before: datetime) -> PurgePreview:
    due = select(Appeal.id).where(col(Appeal.closed_at) < before, col(Appeal.purged_at).is_(None))
    ids = list(session.exec(due))
    if not ids:
        return PurgePreview(0, 0, 0)
    mails = session.exec(select(func.count()).select_from(InboundMessage)
                         .where(col(InboundMessage.appeal_id).in_(ids))).one()
    files = session.exec(select(func.count()).select_from(Attachment)
                         .where(col(Attachment.appeal_id).in_(ids))).one()
    return PurgePreview(len(ids), mails, files)
