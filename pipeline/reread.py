"""OCR after registration (issue 15): scans are read once their appeal is registered and acknowledged.

The poll reads text layers, documents and image facts at once but leaves OCR (seconds per page)
for later, so that the acknowledgement never waits for it and the ingest keeps its pace. After
the outbox is sent, ``read_pending`` takes the mails whose attachments are flagged
``ocr_pending``, reads each again in a worker with OCR (the same per-mail time limit), stores
the text on the attachment rows and, for the mail that registered the appeal, updates the
appeal's kind, quality-claim decision, checklist, findings and (when it had none) applicant,
with an audit event saying what changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict

from sqlmodel import Session, col, select

from base.errors import StorageError
from classify.types import Classification
from ingest import storage
from journal import search, workflow
from journal.models import OUTCOME_REGISTERED, Appeal, Attachment, InboundMessage
from pipeline.analysis import Analysis
from pipeline.deps import Deps

log = logging.getLogger(__name__)

PENDING = "ocr_pending"


def read_pending(deps: Deps, limit: int = 10, progress: Callable[[], None] | None = None) -> int:
    """Read up to ``limit`` mails whose attachments wait for OCR; how many were read.
    ``progress`` hears of each (the daemon's watchdog ping)."""
    if deps.analyzer.extract is None:
        return 0
    with Session(deps.engine) as session:
        inbound_ids = list(session.exec(
            select(Attachment.inbound_id).where(col(Attachment.flags).contains(PENDING))
            .distinct().order_by(col(Attachment.inbound_id)).limit(limit)))
    for inbound_id in inbound_ids:
        _read_one(deps, inbound_id)
        if progress:
            progress()
    return len(inbound_ids)


def _read_one(deps: Deps, inbound_id: int) -> None:
    with Session(deps.engine) as session:
        inbound = session.get(InboundMessage, inbound_id)
        rows = list(session.exec(select(Attachment).where(Attachment.inbound_id == inbound_id)
                                 .order_by(col(Attachment.id))))
        try:
            data = storage.read_blob(deps.storage.path,
                                     storage.relative_name(storage.RAW, inbound.sha256)) if inbound else b""
        except StorageError as exc:  # purged meanwhile, or lost: the files stay judged by name
            log.warning("inbound %s: raw mail not readable for OCR (%s)", inbound_id, exc)
            data = b""
        if inbound is None or not data:
            _store_texts(rows, Analysis(None, None, "raw mail not available"))
            session.commit()
            return
        analysis = deps.analyzer.reread(data)
        _store_texts(rows, analysis)
        appeal = session.get(Appeal, inbound.appeal_id) if inbound.appeal_id else None
        if appeal is not None and inbound.outcome == OUTCOME_REGISTERED and _usable(analysis):
            assert analysis.decision is not None
            _update_appeal(session, appeal, analysis.decision, deps)
        if appeal is not None:
            search.reindex_if_indexed(session, appeal)  # the desk finds the words of the scan
        session.commit()
        log.info("appeal=%s attachments read after registration (inbound %s)",
                 appeal.number if appeal else "-", inbound_id)


def _usable(analysis: Analysis) -> bool:
    decision = analysis.decision
    return decision is not None and not decision.automated and analysis.parsed is not None


def _store_texts(rows: list[Attachment], analysis: Analysis) -> None:
    """Rows were stored in the mail's attachment order, so a row's position is its index."""
    read = {x.index: x for x in analysis.extracted}
    for index, row in enumerate(rows):
        flags = [f for f in row.flags.split(",") if f and f != PENDING]
        found = read.get(index)
        if found is not None and row.stored_name is not None:  # not blanked by purge
            row.text = found.text
            if found.unreadable and "unreadable" not in flags:
                flags.append("unreadable")
        row.flags = ",".join(flags)
    if analysis.set_aside and not analysis.extracted:
        log.warning("attachments could not be read again: %s", analysis.set_aside)


def _update_appeal(session: Session, appeal: Appeal, d: Classification, deps: Deps) -> None:
    changes = []
    for name, value in (("kind", d.kind), ("quality_claim", d.quality_claim),
                        ("missing_documents", ",".join(d.missing_documents))):
        if getattr(appeal, name) != value:
            changes.append(f"{name} {getattr(appeal, name)!r} → {value!r}")
            setattr(appeal, name, value)
    if appeal.applicant_name is None and d.applicant.display_name:
        appeal.applicant_name, appeal.applicant_type = d.applicant.display_name, d.applicant.type
        appeal.applicant_json = json.dumps(asdict(d.applicant), ensure_ascii=False)
        changes.append(f"applicant {d.applicant.display_name!r}")
    appeal.classification_json = json.dumps(asdict(d), ensure_ascii=False)
    roles = ", ".join(f"{f.filename}: {f.role}" for f in d.attachments)
    note = (f"attachments read (OCR): {roles}; " + ("; ".join(changes) or "nothing changed"))[:500]
    workflow.audit(session, appeal, "complaintdesk", "attachments_read", deps.now(), None, None, note)
