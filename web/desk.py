"""The one place where the web desk calls the operations layer (and the journal's read
functions); handlers call only this module, so a change in operations is adapted here."""

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
from journal.reports import build_report, due_list, export_rows_for
from operations import corrections, deskviews, signoff, staffops, views
from operations.users import Staff
from replies.message import OutgoingAttachment, OutgoingMessage
from replies.staff import find_appeal, prepare_reply, queue_reply
from replies.templates import ReplyTemplate, list_templates, load_template
from web.state import DeskState


def details(state: DeskState, number: str) -> dict[str, Any]:
    with Session(state.engine) as session:
        return views.appeal_details(session, number, state.tz)


def appeal_page(state: DeskState, staff: Staff, number: str) -> deskviews.AppealPage:
    return deskviews.appeal_page(state.engine, staff, number, state.now(), state.tz)


def inbound_rows(state: DeskState, appeal_id: int) -> list[InboundMessage]:
    from journal.register import appeal_inbound

    with Session(state.engine) as session:
        return appeal_inbound(session, appeal_id)


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
        cached = (now, list_templates(state.replies_env))
        state.cache["templates"] = cached
    return list(cached[1])


def template(state: DeskState, name: str) -> ReplyTemplate:
    return load_template(state.replies_env, name)


def needs_signoff(state: DeskState, name: str) -> bool:
    return signoff.template_needs_signoff(state.replies_env, name)


def preview(state: DeskState, number: str, name: str, values: Mapping[str, str],
            attachments: Sequence[OutgoingAttachment]) -> OutgoingMessage:
    """Render the reply exactly as it would be sent; nothing is kept."""
    with Session(state.engine) as session:
        appeal = find_appeal(session, number)
        _, out = prepare_reply(session, appeal, name, values, attachments, state.now(),
                               state.replies_env, state.config)
        session.rollback()
        return out


def send_reply(state: DeskState, number: str, name: str, values: Mapping[str, str],
               attachments: Sequence[OutgoingAttachment], actor: str) -> str:
    """Queue the reply, or keep it for the director when it must be signed (3.9).
    Returns "queued" or "signoff"."""
    if needs_signoff(state, name):
        signoff.submit(state.engine, state.config, state.replies_env, number, name, values,
                       attachments, actor, state.now())
        return "signoff"
    with Session(state.engine) as session:
        appeal = find_appeal(session, number)
        queue_reply(session, appeal, name, values, attachments, actor, state.now(),
                    state.replies_env, state.config)
        session.commit()
    return "queued"


def pending_drafts(state: DeskState) -> list[tuple[Any, Appeal]]:
    return signoff.pending(state.engine)


def drafts_of(state: DeskState, appeal_id: int) -> list[Any]:
    return signoff.drafts_of(state.engine, appeal_id)


def draft_preview(state: DeskState, draft: Any, appeal: Appeal) -> OutgoingMessage | str:
    try:
        return preview(state, appeal.number, draft.template, signoff.draft_values(draft),
                       signoff.draft_attachments(draft))
    except Exception as exc:  # noqa: BLE001  the director sees why it cannot be sent now
        return str(exc)


def approve(state: DeskState, draft_id: int, director: str) -> int:
    return signoff.approve(state.engine, state.config, state.replies_env, draft_id, director,
                           state.now())


def return_draft(state: DeskState, draft_id: int, director: str, comment: str) -> None:
    signoff.return_draft(state.engine, draft_id, director, comment, state.now())


def assign(state: DeskState, number: str, target: str, actor: str, note: str | None) -> None:
    staffops.assign(state.engine, state.config, number, target, actor, state.now(), note)


def set_status(state: DeskState, number: str, status: str, actor: str, note: str | None) -> None:
    staffops.set_status(state.engine, state.config, number, status, actor, state.now(), note)


def escalate(state: DeskState, number: str, actor: str, note: str) -> None:
    staffops.escalate(state.engine, state.config, number, actor, state.now(), note)


def close(state: DeskState, number: str, actor: str, outcome: str | None,
          text: str | None) -> None:
    staffops.close(state.engine, number, actor, state.now(), outcome, text)


def add_measure(state: DeskState, number: str, what: str, who: str, due_on: date,
                actor: str) -> None:
    staffops.add_measure(state.engine, number, what, who, due_on, actor, state.now())


def complete_measure(state: DeskState, number: str, measure_id: int, done_on: date,
                     actor: str) -> None:
    appeal = details(state, number)
    if measure_id not in {m["id"] for m in appeal["measures"]}:
        raise NotFoundError(f"no measure {measure_id} on {number}")
    staffops.complete_measure(state.engine, measure_id, done_on, actor, state.now())


def correct(state: DeskState, number: str, field: str, value: str, actor: str) -> None:
    corrections.correct(state.engine, state.config, number, field, value, actor, state.now())


def corrections_of(state: DeskState, appeal_id: int) -> list[Any]:
    return corrections.corrections_of(state.engine, appeal_id)


def set_aside(state: DeskState) -> list[InboundMessage]:
    return deskviews.set_aside(state.engine)


def register_aside(state: DeskState, inbound_id: int, actor: str) -> str:
    from pipeline.flow import register_set_aside

    with Session(state.engine) as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None:
            raise NotFoundError(f"no inbound mail {inbound_id}")
        result = register_set_aside(session, inbound, state.deps, actor)
        session.commit()
        return str(result.number)


def due(state: DeskState, staff: Staff) -> Any:
    with Session(state.engine) as session:
        found = due_list(session, state.now(), state.config.digest.days_ahead, state.tz)
    return found if staff.role in deskviews.SEES_ALL else found.for_person(staff.name)


def report_file(state: DeskState, date_from: date, date_to: date, fmt: str) -> bytes:
    titles = {d.key: d.title for d in state.config.departments}
    with Session(state.engine) as session:
        report = build_report(session, date_from, date_to, state.now(), state.tz, titles)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_report_xlsx(report, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.report_csv(report, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def export_file(state: DeskState, appeals: list[Appeal], fmt: str) -> bytes:
    titles = {d.key: d.title for d in state.config.departments}
    with Session(state.engine) as session:
        rows = export_rows_for(session, appeals, state.tz, titles)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_export_xlsx(rows, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.write_export_csv(rows, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def outbox_rows(state: DeskState, appeal_id: int) -> list[Any]:
    from journal.register import appeal_outbox

    with Session(state.engine) as session:
        return appeal_outbox(session, appeal_id)


def attachments_of(state: DeskState, appeal_id: int) -> list[Attachment]:
    from journal.register import appeal_attachments

    with Session(state.engine) as session:
        return appeal_attachments(session, appeal_id)


def attachment_bytes(state: DeskState, row: Attachment) -> bytes:
    """The attachment's bytes from the store (or from its raw mail when kept only there)."""
    from ingest import storage

    root = state.config.storage.path
    if row.stored_name:
        return storage.read_blob(root, row.stored_name)
    raise NotFoundError(f"attachment {row.id} is kept only inside its raw mail")


def audit_download(state: DeskState, row: Attachment, actor: str) -> None:
    from journal.workflow import audit

    with Session(state.engine) as session:
        appeal = session.get(Appeal, row.appeal_id)
        if appeal is not None:
            audit(session, appeal, actor, "attachment_download", state.now(), None,
                  str(row.id))
            session.commit()


def journal_file(state: DeskState, date_from: date, date_to: date, fmt: str) -> bytes:
    """The Journal of received appeals (2.5) for a period, as the CLI `export` writes it."""
    from journal.reports import appeals_received

    with Session(state.engine) as session:
        appeals = appeals_received(session, date_from, date_to, state.tz)
    return export_file(state, appeals, fmt)
