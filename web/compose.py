"""The reply composer: choose a template, fill its fields, attach files, see the mail exactly
as it will be sent (text and HTML; live with htmx, on a button without JavaScript), then send
it to the outbox, or to the director first when it must be signed (3.9)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from base.errors import DaemonError
from operations import deskviews
from operations.users import Staff
from operations.deskops import OutgoingAttachment, attachment_from
from web import desk as ops
from web.actions import ACTORS
from web.auth import Forbidden, current_staff
from web.mailview import clean_html
from web.pages import appeal_url
from web.render import render
from web.state import DeskState, desk

router = APIRouter()
MAX_UPLOAD = 20 * 1024 * 1024


def _allowed(request: Request, staff: Staff, number: str) -> DeskState:
    if staff.role not in ACTORS:
        raise Forbidden(staff.role)
    state = desk(request)
    deskviews.visible_appeal(state.engine, staff, number)
    return state


def _context(state: DeskState, number: str, name: str) -> dict[str, Any]:
    templates = ops.templates(state)
    tpl = ops.template(state, name) if name else templates[0]
    details = ops.details(state, number)
    earlier = [o for o in details["outbox"] if o["state"] == "sent"
               and o["purpose"] != "acknowledgement"]
    return {"number": number, "appeal_url": appeal_url(number), "reply_templates": templates,
            "tpl": tpl, "signoff": ops.needs_signoff(state, tpl.name), "earlier": earlier}


@router.get("/reply/{number:path}")
def composer(request: Request, number: str, staff: Staff = Depends(current_staff)) -> Response:
    state = _allowed(request, staff, number)
    try:
        context = _context(state, number, request.query_params.get("template", ""))
    except DaemonError as exc:
        return RedirectResponse(f"{appeal_url(number)}?error={quote(str(exc))}", 303)
    return render(request, "reply.html", values={}, out=None, **context)


async def _read_form(form: FormData) -> tuple[str, dict[str, str], list[OutgoingAttachment]]:
    values = {k[2:]: v for k, v in form.multi_items() if k.startswith("f_") and
              isinstance(v, str) and v.strip()}
    files = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise DaemonError(f"file {item.filename!r} is larger than 20 MB")
            files.append(attachment_from(item.filename, data))
    return str(form.get("template") or ""), values, files


def preview_html(out: Any) -> str | None:
    return clean_html(out.html) if out is not None and out.html else None


@router.post("/reply-preview/{number:path}")
async def live_preview(request: Request, number: str,
                       staff: Staff = Depends(current_staff)) -> Response:
    """The preview fragment htmx swaps in while staff type."""
    state = _allowed(request, staff, number)
    try:
        name, values, files = await _read_form(await request.form())
        out = ops.preview(state, number, name, values, files)
        return render(request, "preview.html", out=out, out_html=preview_html(out))
    except DaemonError as exc:
        return render(request, "preview.html", preview_error=str(exc))


@router.post("/reply/{number:path}")
async def submit(request: Request, number: str, staff: Staff = Depends(current_staff)) -> Response:
    state = _allowed(request, staff, number)
    form = await request.form()
    name, values, files = "", dict[str, str](), list[OutgoingAttachment]()
    try:
        name, values, files = await _read_form(form)
        if form.get("action") != "send":
            out = ops.preview(state, number, name, values, files)
            return render(request, "reply.html", values=values, out=out,
                          out_html=preview_html(out),
                          **_context(state, number, name))
        where = ops.send_reply(state, number, name, values, files, staff.login)
    except DaemonError as exc:
        return render(request, "reply.html", status_code=422, values=values, out=None,
                      error=str(exc), **_context(state, number, name))
    notice = ("Ответ передан директору на подпись." if where == "signoff"
              else "Письмо поставлено в очередь отправки.")
    return RedirectResponse(f"{appeal_url(number)}?notice={quote(notice)}", 303)
