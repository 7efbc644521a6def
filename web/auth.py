"""Signing in and out, who is signed in, and the CSRF check.

The session cookie holds a random token (HttpOnly, SameSite=Lax, Secure over HTTPS); the
journal keeps its sha256 with the session's CSRF token. Every POST must carry that token in the
``csrf_token`` field or the ``X-CSRF-Token`` header (htmx sends it); the login form, before
there is a session, uses a double-submit cookie. Failed sign-ins are limited per login and per
client address.
"""

from __future__ import annotations

import logging
import secrets
import time

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from operations import users
from operations.users import Staff
from web.render import render
from web.state import DeskState, desk

log = logging.getLogger(__name__)
COOKIE = "cd_session"
LOGIN_COOKIE = "cd_login_csrf"
router = APIRouter()


class NeedLogin(Exception):
    """No live session: the browser goes to the login page."""


class Forbidden(Exception):
    """A signed-in user without the right for this (CSRF failure, role)."""


def secure(request: Request) -> bool:
    mode = desk(request).config.web.secure_cookie
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


async def current_staff(request: Request) -> Staff:
    """The dependency of every staff page: who is signed in; CSRF checked on POST."""
    state = desk(request)
    token = request.cookies.get(COOKIE)
    found = users.session_staff(state.engine, token, state.now()) if token else None
    if found is None:
        raise NeedLogin()
    request.state.staff, request.state.csrf = found
    if request.method == "POST":
        await check_csrf(request, found[1])
    return found[0]


async def check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not given or not secrets.compare_digest(given, expected):
        raise Forbidden("CSRF")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", login_csrf=token, error=error)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=secure(request),
                        path="/login")
    return response


@router.post("/login")
def login(request: Request, login: str = Form(""), password: str = Form(""),
          csrf_token: str = Form("")) -> Response:
    state = desk(request)
    expected = request.cookies.get(LOGIN_COOKIE)
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return render(request, "login.html", status_code=403, login_csrf=expected or "",
                      error="Форма устарела. Обновите страницу и войдите снова.")
    if not _allowed(state, login, client_address(request)):
        log.warning("sign-in refused: too many attempts")
        return render(request, "login.html", status_code=429, login_csrf=expected,
                      error="Слишком много попыток входа. Попробуйте позже.")
    staff = users.authenticate(state.engine, login.strip(), password)
    if staff is None:
        log.info("sign-in failed")
        return render(request, "login.html", status_code=401, login_csrf=expected,
                      error="Неверный логин или пароль.")
    token, _ = users.start_session(state.engine, staff, state.now(),
                                   state.config.web.session_hours)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure(request),
                        max_age=int(state.config.web.session_hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    log.info("signed in: %s", staff.login)
    return response


def _allowed(state: DeskState, login: str, address: str) -> bool:
    """Every attempt counts against both limits (successful ones too: the limit is on tries)."""
    now = time.monotonic()
    by_login = state.per_login.hit("login:" + login.strip().lower(), now)
    by_address = state.per_address.hit("addr:" + address, now)
    return by_login and by_address


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.post("/logout")
async def logout(request: Request) -> Response:
    state = desk(request)
    token = request.cookies.get(COOKIE)
    found = users.session_staff(state.engine, token, state.now()) if token else None
    if token and found is not None:
        await check_csrf(request, found[1])
        users.end_session(state.engine, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
