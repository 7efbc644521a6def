"""The staff desk's ASGI app: ``create_app(config)`` wires the journal, the routers, the
security headers, the access log and the error pages. Every page but /login, the public form
(/appeal) and /static needs a signed-in staff member."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from base.config import Config
from base.errors import NotFoundError
from operations import deskops
from operations.context import OpsContext
from web import actions, auth, compose, more, pages
from web.ratelimit import RateLimiter
from web.render import message_page
from web.security import AccessLog, SecurityHeaders
from web.state import STATIC, DeskState, page_environment

log = logging.getLogger(__name__)


def create_app(config: Config, *, ops: OpsContext | None = None,
               extra_routers: Iterable[APIRouter] = (), index_in_background: bool = True,
               ) -> FastAPI:
    """The desk for ``config``; ``ops`` defaults to OpsContext.from_config (opens the journal,
    refusing an old schema); ``extra_routers`` (the public form) are mounted as they are."""
    ops = ops or OpsContext.from_config(config)
    engine = ops.engine
    web = config.web
    state = DeskState(config=config, ops=ops, pages=page_environment(config.organisation.timezone),
                      per_login=RateLimiter(web.login_attempts_per_login,
                                            web.login_window_seconds),
                      per_address=RateLimiter(web.login_attempts_per_address,
                                              web.login_window_seconds))
    app = FastAPI(title="complaintdesk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = state
    for router in (*extra_routers, auth.router, pages.router, actions.router, compose.router,
                   more.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _error_pages(app)
    app.add_middleware(SecurityHeaders, form_origins=config.form.frame_ancestors)
    app.add_middleware(AccessLog)
    if index_in_background:
        threading.Thread(target=deskops.index_all, args=(engine,), name="search-index",
                         daemon=True).start()
    return app


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(auth.NeedLogin)
    async def need_login(request: Request, exc: Exception) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"hx-redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(auth.Forbidden)
    async def forbidden(request: Request, exc: Exception) -> Response:
        return message_page(request, "Нет доступа", "Это действие вам не разрешено, или форма "
                            "устарела (обновите страницу).", status_code=403)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: Exception) -> Response:
        return message_page(request, "Не найдено", "Такого обращения нет или оно вам не "
                            "доступно.", status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 500)
        return message_page(request, "Не найдено" if code == 404 else "Ошибка",
                            "Такой страницы нет." if code == 404 else "Запрос не выполнен.",
                            status_code=code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> Response:
        return message_page(request, "Неполная форма", "Заполните обязательные поля формы.",
                            status_code=422)
