"""Rendering a page: the template with who is signed in, the CSRF token and the labels."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from operations.deskops import LABELS
from web.state import desk

ACTION_LABELS = {"status": "статус", "assign": "назначение", "escalate": "передача (3.6)",
                 "outcome": "результат (3.8)", "reply": "письмо заявителю",
                 "measure_added": "мера добавлена", "measure_done": "мера выполнена",
                 "correction": "исправление", "signoff_submitted": "на подпись директору",
                 "signoff_approved": "подписано директором", "signoff_returned":
                 "возвращено директором", "attachment_download": "вложение скачано",
                 "registered": "регистрация", "note": "заметка"}
DOCUMENT_LABELS = {"claim_form": "претензия на бланке", "defect_photos": "фото или видео дефекта",
                   "label_photos": "фото этикетки товара"}
ROLE_LABELS = {"assignee": "исполнитель", "coordinator": "координатор (отдел продаж)",
               "director": "директор", "admin": "администратор"}


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    state = desk(request)
    staff = getattr(request.state, "staff", None)
    page = state.pages.get_template(template).render(
        request=request, staff=staff, csrf=getattr(request.state, "csrf", ""),
        **LABELS, roles=ROLE_LABELS, actions=ACTION_LABELS, documents=DOCUMENT_LABELS,
        departments={d.key: d.title for d in state.config.departments},
        organisation=state.config.organisation, **context)
    return HTMLResponse(page, status_code=status_code)


def message_page(request: Request, title: str, text: str, status_code: int = 200,
                 back: str | None = None) -> HTMLResponse:
    return render(request, "message.html", status_code=status_code, title=title, text=text,
                  back=back)
