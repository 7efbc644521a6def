"""The one place where the web desk calls the operations layer; handlers call only this
module, so a change in operations is adapted here."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from base.errors import NotFoundError
from journal.models import Appeal, Attachment, InboundMessage
from journal.types import DueList
from operations import (
    appeals,
    aside,
    corrections,
    deskops,
    deskviews,
    replies,
    reports,
    signoff,
)
from operations.deskops import OutgoingAttachment
from operations.users import Staff
from web.state import DeskState


def appeal_page(state: DeskState, staff: Staff, number: str) -> deskviews.AppealPage:
    return deskviews.appeal_page(state.engine, staff, number, state.now(), state.tz)


def details(state: DeskState, number: str) -> dict[str, Any]:
    return appeals.show_appeal(state.ops, number)


def attachment(state: DeskState, staff: Staff, attachment_id: int) -> tuple[Attachment, bytes]:
    return deskops.attachment_download(state.ops, staff, attachment_id)


def letters(state: DeskState, page: deskviews.AppealPage) -> list[deskops.Letter]:
    return deskops.letters(state.ops, page)


def templates(state: DeskState) -> list[Any]:
    """The reply templates, read again at most every 30 seconds (parsing them all costs tens
    of milliseconds; staff may drop in a new one while the desk runs)."""
    now = time.monotonic()
    cached = state.cache.get("templates")
    if cached is None or now - cached[0] > 30:
        cached = (now, replies.list_templates(state.ops)[0])
        state.cache["templates"] = cached
    return list(cached[1])


def template(state: DeskState, name: str) -> Any:
    return signoff.template_info(state.ops, name)


def needs_signoff(state: DeskState, name: str) -> bool:
    return signoff.needs_signoff(template(state, name))


def preview(state: DeskState, number: str, name: str, values: Mapping[str, str],
            attachments: Sequence[OutgoingAttachment]) -> Any:
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


def draft_preview(state: DeskState, draft: Any, appeal: Appeal) -> Any:
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
    return deskops.report_bytes(reports.report(state.ops, date_from, date_to), fmt)


def journal_export(state: DeskState, found: list[Appeal], fmt: str) -> bytes:
    """The filtered journal as the Journal of received appeals (2.5) columns."""
    return deskops.export_bytes(deskops.journal_rows(state.ops, found), fmt)


def journal_file(state: DeskState, date_from: date, date_to: date, fmt: str) -> bytes:
    """The Journal of received appeals (2.5) for a period, as the CLI `export` writes it."""
    return deskops.export_bytes(reports.export(state.ops, date_from, date_to), fmt)


def today(state: DeskState) -> date:
    return deskops.today(state.ops)


def add_note(state: DeskState, number: str, text: str, actor: str) -> None:
    from operations.correspondence import add_note as note

    note(state.ops, number, text, actor)
