"""The actions on an appeal page (each a POST form, CSRF-checked): take into work, assign,
escalate (3.6), record the outcome and close (3.8), measures (4.2), corrections. Each calls one
operation; a refusal of the workflow comes back to the appeal page as a message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from base.errors import DaemonError, NotFoundError
from operations import deskviews
from operations.users import Staff
from web import desk as ops
from web.auth import Forbidden, current_staff
from web.pages import appeal_url
from web.state import desk

log = logging.getLogger(__name__)
router = APIRouter()
ACTORS = ("assignee", "coordinator")


def require(staff: Staff, roles: tuple[str, ...]) -> None:
    if staff.role not in roles:
        raise Forbidden(staff.role)


def act(request: Request, staff: Staff, number: str, action: Callable[[], object],
        done: str, roles: tuple[str, ...] = ACTORS) -> Response:
    """Check the role and that ``staff`` may see the appeal, run ``action``, go back."""
    require(staff, roles)
    deskviews.visible_appeal(desk(request).engine, staff, number)  # NotFoundError: 404
    try:
        action()
    except NotFoundError:
        raise
    except DaemonError as exc:
        return RedirectResponse(f"{appeal_url(number)}?error={quote(str(exc))}", 303)
    return RedirectResponse(f"{appeal_url(number)}?notice={quote(done)}", 303)


def parse_day(value: str) -> date:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


@router.post("/act/status/{number:path}")
def status(request: Request, number: str, status: str = Form(...), note: str = Form(""),
           staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    return act(request, staff, number,
               lambda: ops.set_status(state, number, status, staff.login, note or None),
               "Статус изменён.")


@router.post("/act/assign/{number:path}")
def assign(request: Request, number: str, department: str = Form(""), person: str = Form(""),
           note: str = Form(""), staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    require(staff, ("coordinator",))
    target = person.strip() or department
    if not target:
        return RedirectResponse(f"{appeal_url(number)}?error={quote('Кому назначить?')}", 303)
    return act(request, staff, number,
               lambda: ops.assign(state, number, target, staff.login, note or None),
               "Назначено.", roles=("coordinator",))


@router.post("/act/escalate/{number:path}")
def escalate(request: Request, number: str, note: str = Form(""),
             staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    return act(request, staff, number, lambda: ops.escalate(state, number, staff.login, note),
               "Передано в головную организацию.")


@router.post("/act/close/{number:path}")
def close(request: Request, number: str, outcome: str = Form(...), text: str = Form(""),
          staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    return act(request, staff, number,
               lambda: ops.close(state, number, staff.login, outcome, text),
               "Результат записан, обращение закрыто.")


@router.post("/act/measure/{number:path}")
def measure(request: Request, number: str, what: str = Form(""), who: str = Form(""),
            due: str = Form(""), staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    require(staff, ACTORS)
    try:
        due_on = parse_day(due)
    except ValueError:
        return RedirectResponse(f"{appeal_url(number)}?error="
                                f"{quote('Срок меры — дата вида 25.11.2026.')}", 303)
    return act(request, staff, number,
               lambda: ops.add_measure(state, number, what, who, due_on, staff.login),
               "Мера добавлена.")


@router.post("/act/measure-done/{number:path}")
def measure_done(request: Request, number: str, measure_id: int = Form(...),
                 staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    today = ops.today(state)
    return act(request, staff, number,
               lambda: ops.complete_measure(state, number, measure_id, today, staff.login),
               "Мера отмечена выполненной.")


@router.post("/act/correct/{number:path}")
def correct(request: Request, number: str, field: str = Form(...), value: str = Form(""),
            staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    return act(request, staff, number,
               lambda: ops.correct(state, number, field, value, staff.login),
               "Исправление записано.")


@router.post("/act/note/{number:path}")
def note(request: Request, number: str, text: str = Form(""),
         staff: Staff = Depends(current_staff)) -> Response:
    state = desk(request)
    return act(request, staff, number, lambda: ops.add_note(state, number, text, staff.login),
               "Заметка добавлена.")
