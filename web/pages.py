"""The journal (filters, search, paging, export) and the appeal page, with its attachments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from base.timeutil import as_utc
from journal.models import OPEN_STATUSES, Appeal
from operations import deskviews
from operations.corrections import FIELDS
from operations.deskviews import JournalFilter
from operations.users import Staff
from web import desk as ops
from web import mailview
from web.auth import current_staff
from web.render import render
from web.state import desk

router = APIRouter()
SOON_DAYS = 3
CORRECTION_LABELS = {"name": "ФИО заявителя", "organisation": "организация",
                     "address": "почтовый адрес", "kind": "вид обращения",
                     "department": "подразделение", "anonymous": "анонимность",
                     "missing_documents": "недостающие документы"}
assert set(CORRECTION_LABELS) == set(FIELDS)


def appeal_url(number: str) -> str:
    """/appeals/17%2F2026"""
    return "/appeals/" + quote(number, safe="")


def due_mark(appeal: Appeal, now: datetime) -> str:
    if appeal.status not in OPEN_STATUSES:
        return ""
    due = as_utc(appeal.due_at)
    return "overdue" if due < now else "soon" if due < now + timedelta(days=SOON_DAYS) else ""


def _filter(request: Request) -> JournalFilter:
    p = request.query_params
    try:
        page = max(1, int(p.get("page", "1")))
    except ValueError:
        page = 1
    return JournalFilter(q=p.get("q", "")[:200], status=p.get("status", ""),
                         kind=p.get("kind", ""), department=p.get("department", ""),
                         assignee=p.get("assignee", ""), due=p.get("due", ""), page=page)


def _query(f: JournalFilter, page: bool = True) -> str:
    items = {k: getattr(f, k) for k in ("q", "status", "kind", "department", "assignee", "due")}
    if page:
        items["page"] = str(f.page)
    return urlencode({k: v for k, v in items.items() if v})


@router.get("/")
def journal(request: Request, staff: Staff = Depends(current_staff)) -> Response:
    if staff.role == "admin":
        return RedirectResponse("/aside", status_code=303)
    state, f = desk(request), _filter(request)
    size, now = state.config.web.page_size, state.now()
    rows, total = deskviews.journal(state.engine, staff, f, size, now, SOON_DAYS)
    more = total > deskviews.COUNT_CAP
    return render(request, "journal.html", f=f, total=total, more=more,
                  pages=max(1, -(-total // size)), next_page=len(rows) == size and (
                      more or f.page * size < total),
                  rows=[{"a": a, "url": appeal_url(a.number), "mark": due_mark(a, now)}
                        for a in rows],
                  query=_query(f, page=False), query_without_page=_query(f, page=False))


@router.get("/export.{fmt}")
def export(request: Request, fmt: str, staff: Staff = Depends(current_staff)) -> Response:
    if fmt not in ("csv", "xlsx") or staff.role == "admin":
        return Response(status_code=404)
    state = desk(request)
    appeals = deskviews.journal_all(state.engine, staff, _filter(request), state.now(),
                                    SOON_DAYS)
    return download(ops.journal_export(state, appeals, fmt), f"journal.{fmt}", fmt)


def download(data: bytes, filename: str, fmt: str) -> Response:
    types = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    return Response(data, media_type=types[fmt],
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


@router.get("/appeals/{number:path}")
def appeal(request: Request, number: str, staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    data = ops.appeal_page(state, staff, number)
    return render(request, "appeal.html", **appeal_context(request, staff, data))


def appeal_context(request: Request, staff: Staff, data: Any) -> dict[str, Any]:
    state = desk(request)
    d = data.details
    letters = [{"letter": x, "html": mailview.clean_html(x.html) if x.html else None}
               for x in ops.letters(state, data)]
    history = [e for e in d["history"] if e["action"] != "view"]
    who = d["applicant"]
    name = " ".join(p for p in (who.get("last_name"), who.get("first_name"),
                                who.get("middle_name")) if p)
    p = request.query_params
    return {"d": d, "mark": due_mark(data.appeal, state.now()), "applicant_name": name,
            "letters": letters, "history": history,
            "views": len(d["history"]) - len(history), "attachments": data.attachments,
            "drafts": data.drafts, "can_act": staff.role in ("assignee", "coordinator"),
            "reply_templates": ops.templates(state), "correction_fields": CORRECTION_LABELS,
            "corrections": data.corrections, "notice": p.get("notice"), "error": p.get("error")}


@router.get("/attachments/{attachment_id}")
def attachment(request: Request, attachment_id: int,
               staff: Staff = Depends(current_staff)) -> Response:
    """Always a download of the stored bytes with the stored type, never shown inline."""
    row, data = ops.attachment(desk(request), staff, attachment_id)
    name = quote(row.filename or f"attachment-{row.id}", safe="")
    return Response(data, media_type=row.content_type or "application/octet-stream", headers={
        "content-disposition": f"attachment; filename=\"attachment-{row.id}\"; "
                               f"filename*=UTF-8''{name}",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox"})
