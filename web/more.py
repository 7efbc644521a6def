"""The director's queue (3.9), the set-aside mail (1.3), the due list and the reports."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from base.errors import DaemonError
from operations.users import Staff
from web import desk as ops
from web.actions import parse_day
from web.auth import Forbidden, current_staff
from web.compose import preview_html
from web.pages import appeal_url, download
from web.render import render
from web.state import desk

router = APIRouter()


def _role(staff: Staff, *roles: str) -> None:
    if staff.role not in roles:
        raise Forbidden(staff.role)


@router.get("/signoff")
def signoff_queue(request: Request, staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "director")
    state = desk(request)
    items = []
    for draft, appeal in ops.pending_drafts(state):
        out = ops.draft_preview(state, draft, appeal)
        items.append({"draft": draft, "appeal": appeal, "url": appeal_url(appeal.number),
                      "out": out, "html": preview_html(out) if not isinstance(out, str) else None})
    p = request.query_params
    return render(request, "signoff.html", items=items, notice=p.get("notice"),
                  error=p.get("error"))


@router.post("/signoff/{draft_id}/approve")
def approve(request: Request, draft_id: int, staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "director")
    return _decide(lambda: ops.approve(desk(request), draft_id, staff.login),
                   "Ответ подписан и поставлен в очередь отправки.")


@router.post("/signoff/{draft_id}/return")
def return_draft(request: Request, draft_id: int, comment: str = Form(""),
                 staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "director")
    return _decide(lambda: ops.return_draft(desk(request), draft_id, staff.login, comment),
                   "Ответ возвращён исполнителю.")


def _decide(action: object, notice: str) -> Response:
    try:
        action()  # type: ignore[operator]
    except DaemonError as exc:
        return RedirectResponse(f"/signoff?error={quote(str(exc))}", 303)
    return RedirectResponse(f"/signoff?notice={quote(notice)}", 303)


@router.get("/aside")
def aside(request: Request, staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "admin")
    p = request.query_params
    return render(request, "aside.html", rows=ops.set_aside(desk(request)),
                  notice=p.get("notice"), error=p.get("error"))


@router.post("/aside/{inbound_id}/register")
def register_aside(request: Request, inbound_id: int,
                   staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "admin")
    try:
        number = ops.register_aside(desk(request), inbound_id, staff.login)
    except DaemonError as exc:
        return RedirectResponse(f"/aside?error={quote(str(exc))}", 303)
    return RedirectResponse(f"/aside?notice={quote(f'Зарегистрировано обращение № {number}.')}",
                            303)


@router.get("/due")
def due(request: Request, staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "assignee", "coordinator", "director")
    return render(request, "due.html", due=ops.due(desk(request), staff), url=appeal_url,
                  everyone=staff.role != "assignee")


@router.get("/reports")
def reports(request: Request, staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "coordinator", "director")
    state = desk(request)
    today = ops.today(state)
    return render(request, "reports.html", date_from=(today - timedelta(days=30))
                  .strftime("%d.%m.%Y"), date_to=today.strftime("%d.%m.%Y"))


@router.get("/reports/{which}")
def report_file(request: Request, which: str, date_from: str = "", date_to: str = "",
                format: str = "xlsx", staff: Staff = Depends(current_staff)) -> Response:
    _role(staff, "coordinator", "director")
    if which not in ("summary", "journal") or format not in ("xlsx", "csv"):
        return Response(status_code=404)
    state = desk(request)
    try:
        start, end = parse_day(date_from), parse_day(date_to)
    except ValueError:
        return render(request, "reports.html", status_code=422, date_from=date_from,
                      date_to=date_to, error="Даты — в виде 25.11.2026.")
    if which == "summary":
        data = ops.report_file(state, start, end, format)
    else:
        data = ops.journal_file(state, start, end, format)
    return download(data, f"{which}-{start:%Y%m%d}-{end:%Y%m%d}.{format}", format)
