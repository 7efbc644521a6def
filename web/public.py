"""The public appeal form (issue 13): ``GET /appeal`` serves it, ``POST /appeal`` registers the
appeal and answers with the receipt (number and due date). No login, no JavaScript, Russian.

The handlers only read the request, check it (web/public_form.py) and call the submission path
(pipeline/formflow.py); abuse is met without captchas: a size limit before reading, a rate limit
per client address, a honeypot field and a minimum fill time (robots are kept, set aside with
the reason, never registered), and the form's token that makes a resend the same appeal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from base.config import Config
from base.errors import DaemonError
from base.timeutil import format_date
from pipeline.deps import Deps
from pipeline.formflow import FormReceipt, submit_form
from pipeline.formmail import FormSubmission, form_choices, sender_address
from web import formtoken
from web.public_form import HONEYPOT, Checked, Upload, check_form
from web.ratelimit import RateLimiter

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_public_router(config: Config, deps: Deps | None = None,
                       limiter: RateLimiter | None = None,
                       clock: Callable[[], float] = time.time) -> APIRouter:
    """The router of /appeal. ``deps`` defaults to the flow's own (``build_deps``, no worker
    processes); ``limiter`` to ``form.per_address_per_hour`` per client address."""
    if deps is None:
        from pipeline.deps import build_deps

        deps = build_deps(config, workers=0)
    page = _Page(config, deps, limiter or RateLimiter(config.form.per_address_per_hour, 3600.0),
                 clock)
    router = APIRouter()
    router.add_api_route("/appeal", page.show, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/appeal", page.post, methods=["POST"], response_class=HTMLResponse)
    return router


class _Page:
    def __init__(self, config: Config, deps: Deps, limiter: RateLimiter,
                 clock: Callable[[], float]) -> None:
        self.config, self.deps, self.limiter, self.clock = config, deps, limiter, clock
        self.settings = config.form
        self.choices = form_choices(config)
        config.storage.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.key = formtoken.load_key(self.settings.secret_file
                                      or config.storage.path / "form.key")
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
            default=True, default_for_string=True), undefined=StrictUndefined)

    async def show(self, request: Request) -> HTMLResponse:
        self._enabled()
        return self._form(request, {}, {}, formtoken.issue(self.key, self.clock()))

    async def post(self, request: Request) -> HTMLResponse:
        self._enabled()
        too_big = self._too_big(request)
        if too_big:
            return self._render(request, "public/problem.html.j2", too_big[0], message=too_big[1])
        form = await request.form(max_files=self.settings.max_files + 5, max_fields=40)
        posted = {k: v for k, v in form.items() if isinstance(v, str)}
        now = self.clock()
        stamp = formtoken.verify(self.key, posted.get("stamp", ""), now)
        stamp_value = posted["stamp"] if stamp else formtoken.issue(self.key, now)
        if not self.limiter.hit(request.client.host if request.client else "-", now):
            log.warning("form: rate limit reached for one client address")
            return self._form(request, posted, {"_": _LIMITED}, stamp_value, 429,
                              {"Retry-After": "3600"})
        checked = check_form(posted, await _uploads(form, self.settings.max_file_bytes),
                             formtoken.token_of(stamp_value), self.choices, self.settings)
        if checked.submission is None:
            return self._form(request, checked.values, checked.errors, stamp_value, 422)
        return await self._submit(request, checked, checked.submission,
                                  self._robot(posted, stamp, now), stamp_value)

    async def _submit(self, request: Request, checked: Checked, sub: FormSubmission,
                      robot: str | None, stamp_value: str) -> HTMLResponse:
        """Register (or set aside) a checked submission and show its receipt."""
        try:
            receipt = await run_in_threadpool(submit_form, sub, self.deps, robot)
        except DaemonError as exc:  # the service's fault (journal, store), not the visitor's
            log.error("form: submission not recorded (will be on resend): %s", exc)
            return self._form(request, checked.values, {"_": _FAULT}, stamp_value, 503,
                              {"Retry-After": "120"})
        return self._receipt(request, checked, receipt)

    def _robot(self, posted: dict[str, str], stamp: formtoken.Stamp | None, now: float) -> str | None:
        """Why this looks like a robot (kept and set aside, 1.3), or None."""
        if posted.get(HONEYPOT, "").strip():
            return "form: the hidden field was filled in (a robot, most likely)"
        if stamp is None:
            return "form: no valid form stamp (not sent from a form this service served)"
        elapsed, minimum = now - stamp.issued, self.settings.min_fill_seconds
        if elapsed < minimum:
            return f"form: sent {elapsed:.0f} s after the form was served (minimum {minimum:g} s)"
        return None

    def _too_big(self, request: Request) -> tuple[int, str] | None:
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return 411, "Форму нужно отправлять обычным образом, из браузера."
        limit = self.settings.max_files * self.settings.max_file_bytes + 2 * 1024 * 1024
        if int(length) > limit:
            return 413, (f"Слишком большой объём: файлы вместе — не больше "
                         f"{limit // 1048576} МБ. Вернитесь назад и уберите часть файлов.")
        return None

    def _enabled(self) -> None:
        if not self.settings.enabled:
            raise HTTPException(status_code=404)

    def _form(self, request: Request, values: dict[str, str], errors: dict[str, str],
              stamp: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        return self._render(request, "public/form.html.j2", status, headers, values=values,
                            errors=errors, stamp=stamp, choices=self.choices,
                            settings=self.settings, honeypot=HONEYPOT,
                            mailbox=sender_address(self.config.smtp.sender))

    def _receipt(self, request: Request, checked: Checked, receipt: FormReceipt) -> HTMLResponse:
        sub = checked.submission
        tz = self.config.organisation.timezone
        due = format_date(receipt.due_at, tz) if receipt.due_at else None
        return self._render(request, "public/receipt.html.j2", 200, receipt=receipt, due=due,
                            sub=sub, choice=sub.choice if sub else None,
                            files=[(f.filename, f"{max(1, len(f.data) // 1024)} КБ")
                                   for f in (sub.files if sub else ())])

    def _render(self, request: Request, name: str, status: int = 200,
                headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(
            root=request.scope.get("root_path", ""), organisation=self.config.organisation,
            policy_url=self.settings.policy_url,
            deadline_days=self.config.journal.deadline_days, **context)
        return HTMLResponse(html, status_code=status, headers={
            "Cache-Control": "no-store", **(headers or {})})


_FAULT = ("Обращение не удалось зарегистрировать из-за технической неполадки у нас. Всё, что вы "
          "написали, сохранено ниже: отправьте форму ещё раз через несколько минут (файлы нужно "
          "выбрать заново) или напишите нам по электронной почте.")
_LIMITED = ("С вашего адреса за последний час отправлено слишком много обращений. Попробуйте "
            "позже или напишите нам по электронной почте: текст, набранный в форме, сохранён ниже.")


async def _uploads(form: FormData, limit: int) -> list[Upload]:
    """The files sent, each read to at most ``limit`` + 1 bytes."""
    out = []
    for value in form.getlist("files"):
        if isinstance(value, UploadFile):
            data = await value.read(limit + 1)
            out.append(Upload(value.filename or "", data[:limit], len(data) > limit))
    return out
