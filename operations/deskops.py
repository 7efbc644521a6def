"""What the web desk needs from the journal beyond the staff operations: the correspondence as
letters read from the kept raw mail and the outbox, attachments to download (audited), the
filtered journal and the reports as files, the search index, labels and today's date.
Front ends call these; they hold no SQL."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from base.errors import DaemonError, NotFoundError
from base.timeutil import as_utc
from ingest import storage
from ingest.parse import parse_message
from journal import report_formats, search
from journal.models import OUTCOME_REGISTERED, OUTCOME_THREADED, Appeal, Attachment, InboundMessage
from journal.reports import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS, export_rows_for, local_date
from journal.workflow import audit
from operations import deskviews
from operations.context import OpsContext
from operations.users import Staff
from replies.compose import attachment_from
from replies.message import OutgoingAttachment

log = logging.getLogger(__name__)
LABELS = {"statuses": STATUS_LABELS, "kinds": KIND_LABELS, "outcomes": OUTCOME_LABELS}
__all__ = ["LABELS", "Letter", "OutgoingAttachment", "attachment_from"]


@dataclass(frozen=True)
class Letter:
    """One entry of the correspondence; ``html`` is the mail's own HTML, not yet cleaned."""

    at: datetime
    direction: str  # incoming, outgoing, note
    title: str
    text: str
    html: str | None = None
    state: str | None = None


def today(ctx: OpsContext) -> date:
    return local_date(ctx.now(), ctx.timezone)


def letters(ctx: OpsContext, page: deskviews.AppealPage) -> list[Letter]:
    """The appeal's correspondence in time order: the journal's correspondence entries (mail
    in with its HTML from the kept raw mail, mail out with its delivery state, staff notes);
    for an appeal registered before they existed, its inbound mail and outbox."""
    if page.entries:
        return [_entry(ctx, e, {o.id: o.state for o in page.outbox}) for e in page.entries]
    found = [_incoming(ctx, row) for row in page.inbound
             if row.outcome in (OUTCOME_REGISTERED, OUTCOME_THREADED)]
    for row in page.outbox:
        try:
            text = parse_message(row.raw).text
        except DaemonError:
            text = ""
        found.append(Letter(as_utc(row.created_at), "outgoing", row.subject, text,
                            state=row.state))
    return sorted(found, key=lambda x: x.at)


def _entry(ctx: OpsContext, e: Any, states: dict[int | None, str]) -> Letter:
    direction = {"in": "incoming", "out": "outgoing"}.get(e.direction, "note")
    html = None
    if direction == "incoming" and e.raw_sha256:
        try:
            html = parse_message(storage.read_blob(
                ctx.storage_path, storage.relative_name(storage.RAW, e.raw_sha256))).html
        except (OSError, DaemonError):
            html = None
    title = e.subject or ("Заметка: " + e.sender if direction == "note" else "")
    return Letter(as_utc(e.at), direction, title, e.text, html,
                  states.get(e.outbox_id) if direction == "outgoing" else None)


def _incoming(ctx: OpsContext, row: InboundMessage) -> Letter:
    title = "Обращение" if row.outcome == OUTCOME_REGISTERED else "Письмо заявителя"
    try:
        parsed = parse_message(storage.read_blob(ctx.storage_path,
                                                 storage.relative_name(storage.RAW, row.sha256)))
    except (OSError, DaemonError) as exc:
        log.warning("raw mail %s cannot be shown: %s", row.sha256[:12], type(exc).__name__)
        return Letter(as_utc(row.received_at), "incoming", title,
                      "(письмо не найдено в хранилище)")
    return Letter(as_utc(row.received_at), "incoming", f"{title}: {parsed.subject}",
                  parsed.text, parsed.html)


def attachment_download(ctx: OpsContext, staff: Staff,
                        attachment_id: int) -> tuple[Attachment, bytes]:
    """The attachment and its stored bytes when ``staff`` may see its appeal (NotFoundError
    otherwise); the download is recorded in the audit trail."""
    with ctx.transaction() as session:
        row = session.get(Attachment, attachment_id)
        appeal = session.get(Appeal, row.appeal_id) if row and row.appeal_id else None
        if row is None or appeal is None or not deskviews.may_see(staff, appeal):
            raise NotFoundError(f"no attachment {attachment_id}")
        if not row.stored_name:
            raise NotFoundError(f"attachment {row.id} is kept only inside its raw mail")
        data = storage.read_blob(ctx.storage_path, row.stored_name)
        audit(session, appeal, staff.login, "attachment_download", ctx.now(), None, str(row.id))
        session.expunge(row)
        return row, data


def export_bytes(rows: list[dict[str, object]], fmt: str) -> bytes:
    """The Journal of received appeals (2.5) as xlsx or csv (with a BOM for Excel)."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_export_xlsx(rows, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.write_export_csv(rows, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def report_bytes(report: Any, fmt: str) -> bytes:
    if fmt == "xlsx":
        buffer = io.BytesIO()
        report_formats.write_report_xlsx(report, buffer)
        return buffer.getvalue()
    text = io.StringIO()
    report_formats.report_csv(report, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def journal_rows(ctx: OpsContext, found: list[Appeal]) -> list[dict[str, object]]:
    with Session(ctx.engine) as session:
        return export_rows_for(session, found, ctx.timezone, ctx.department_titles())


def index_all(engine: Engine) -> int:
    """Bring the search index up to date (appeals registered since it was last built)."""
    total = 0
    while True:
        with Session(engine) as session:
            n = search.catch_up(session, 2000)
            session.commit()
        total += n
        if n == 0:
            if total:
                log.info("search index: %d appeals indexed", total)
            if total > 1000 and engine.dialect.name == "postgresql":
                with engine.connect() as conn:  # fresh statistics, or the planner guesses
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                        "ANALYZE appeal_search")
            return total
