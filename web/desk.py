"""The one place where the web desk calls the operations layer; handlers call only this
module, so a change in operations is adapted here."""

from __future__ import annotations

import io
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from base.errors import NotFoundError
from journal import report_formats
from journal.models import Appeal, Attachment, InboundMessage
from journal.reports import export_rows_for
from journal.types import DueList
from operations import appeals, aside, corrections, deskviews, replies, reports, signoff
from operations.users import Staff
from replies.message import OutgoingAttachment, OutgoingMessage
from replies.templates import ReplyTemplate, load_template
from web.state import DeskState


def appeal_page(state: DeskState, staff: Staff, number: str) -> deskviews.AppealPage:
    return deskviews.appeal_page(state.engine, staff, number, state.now(), state.tz)


def details(state: DeskState, number: str) -> dict[str, Any]:
    return appeals.show_appeal(state.ops, number)


def attachment_for(state: DeskState, staff: Staff, attachment_id: int) -> Attachment:
    """The attachment when ``staff`` may see its appeal; NotFoundError otherwise."""
    with Session(state.engine) as session:
        row = session.get(Attachment, attachment_id)
        appeal = session.get(Appeal, row.appeal_id) if row and row.appeal_id else None
        if row is None or appeal is None or not deskviews.may_see(staff, appeal):
            raise NotFoundError(f"no attachment {attachment_id}")
        return row


def templates(state: DeskState) -> list[ReplyTemplate]:
    """The reply templates, read again at most every 30 seconds (parsing them all costs tens
    of milliseconds; staff may drop in a new one while the desk runs)."""
    now = time.monotonic()
    cached = state.cache.get("templates")
    if cached is None or now - cached[0] > 30:
        cached = (now, replies.list_templates(state.ops)[0])
        state.cache["templates"] = cached
    return list(cached[1])


def template(state: DeskState, name: str) -> ReplyTemplate:
    return load_template(state.replies_env, name)


def needs_signoff(state: DeskState, name: str) -> bool:
    return signoff.template_needs_signoff(state.replies_env, name)


def preview(state: DeskState, number: str, name: str, values: Mapping[str, str],
            attachments: Sequence[OutgoingAttachment]) -> OutgoingMessage:
    """Render the reply exactly as it would be sent; nothing is kept."""
    return replies.preview_reply(state.ops, number, name, values, attachments).message


def send_reply(state: DeskState, number: str, name: str, values: Mapping[str, str],
               attachments: Sequence[OutgoingAttachment], actor: str) -> str:
    """Queue the reply, or keep it for the director when it must be signed (3.9).
    Returns "queued" or "signoff"."""
    if needs_signoff(state, name):
        signoff.submit(state.ops, number, name, values, attachments, actor)
        return "signoff"
    replies.queue_reply(state.ops, number, name, values, attachments, actor=actor)
    return "queued"


def pending_drafts(state: DeskState) -> list[tuple[Any, Appeal]]:
    return signoff.pending(state.ops)


def draft_preview(state: DeskState, draft: Any, appeal: Appeal) -> OutgoingMessage | str:
    try:
        return preview(state, appeal.number, draft.template, signoff.draft_values(draft),
                       signoff.draft_attachments(draft))
    except Exception as exc:  # noqa: BLE001  the director sees why it cannot be sent now
        return str(exc)


def approve(state: DeskState, draft_id: int, director: str) -> int:
    return signoff.approve(state.ops, draft_id, director)


def return_draft(state: DeskState, draft_id: int, director: str, comment: str) -> None:
    signoff.return_draft(state.ops, draft_id, director, comment)


def assign(state: DeskState, number: str, target: str, actor: str, note: str | None) -> None:
    appeals.assign(state.ops, number, target, actor, note)


def set_status(state: DeskState, number: str, status: str, actor: str, note: str | None) -> None:
    appeals.set_status(state.ops, number, status, actor, note)


def escalate(state: DeskState, number: str, actor: str, note: str) -> None:
    appeals.escalate(state.ops, number, actor, note)


def close(state: DeskState, number: str, actor: str, outcome: str | None,
          text: str | None) -> None:
    appeals.close(state.ops, number, actor, outcome, text)


def add_measure(state: DeskState, number: str, what: str, who: str, due_on: date,
                actor: str) -> None:
    appeals.add_measure(state.ops, number, what, who, due_on, actor)


def complete_measure(state: DeskState, number: str, measure_id: int, done_on: date,
                     actor: str) -> None:
    if measure_id not in {m.id for m in appeals.list_measures(state.ops, number)}:
        raise NotFoundError(f"no measure {measure_id} on {number}")
    appeals.complete_measure(state.ops, measure_id, done_on, actor)


def correct(state: DeskState, number: str, field: str, value: str, actor: str) -> None:
    corrections.correct(state.ops, number, field, value, actor)


def set_aside(state: DeskState) -> list[InboundMessage]:
    return deskviews.set_aside(state.engine)


def register_aside(state: DeskState, inbound_id: int, actor: str) -> str:
    return str(aside.register_aside(state.ops, inbound_id, actor).number)


def due(state: DeskState, staff: Staff) -> DueList:
    found = reports.due(state.ops)
    return found if staff.role in deskviews.SEES_ALL else found.for_person(staff.name)


def report_file(state: DeskState, date_from: date, date_to: date, fmt: str) -> bytes:
    report = reports.report(state.ops, date_from, date_to)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_report_xlsx(report, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.report_csv(report, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def export_file(state: DeskState, rows: list[dict[str, object]], fmt: str) -> bytes:
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_export_xlsx(rows, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.write_export_csv(rows, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def journal_export(state: DeskState, found: list[Appeal], fmt: str) -> bytes:
    """The filtered journal as the Journal of received appeals (2.5) columns."""
    with Session(state.engine) as session:
        rows = export_rows_for(session, found, state.tz, state.ops.department_titles())
    return export_file(state, rows, fmt)


def journal_file(state: DeskState, date_from: date, date_to: date, fmt: str) -> bytes:
    """The Journal of received appeals (2.5) for a period, as the CLI `export` writes it."""
    return export_file(state, reports.export(state.ops, date_from, date_to), fmt)


def attachment_bytes(state: DeskState, row: Attachment) -> bytes:
    """The attachment's bytes from the store."""
    from ingest import storage

    if row.stored_name:
        return storage.read_blob(state.config.storage.path, row.stored_name)
    raise NotFoundError(f"attachment {row.id} is kept only inside its raw mail")


def audit_download(state: DeskState, row: Attachment, actor: str) -> None:
    from journal.workflow import audit

    with state.ops.transaction() as session:
        appeal = session.get(Appeal, row.appeal_id)
        if appeal is not None:
            audit(session, appeal, actor, "attachment_download", state.now(), None,
                  str(row.id))
