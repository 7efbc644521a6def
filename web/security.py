"""The HTTP headers every response gets (one middleware: CSP, nosniff, frame options, referrer
policy, no caching of staff pages) and an access log without personal data: the route's
pattern (``/appeals/{number}``), never the path's values or the query string."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("web.access")

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'; frame-src 'none'")
PUBLIC_FORM = "/appeal"


def is_public_form(path: str) -> bool:
    return path == PUBLIC_FORM or path.startswith(PUBLIC_FORM + "/")


def frame_ancestors(path: str, form_origins: Sequence[str]) -> str:
    """Staff pages are never framed; the public form by the desk itself and the given origins."""
    if is_public_form(path):
        return " ".join(["'self'", *form_origins])
    return "'none'"


def security_headers(path: str, form_origins: Sequence[str]) -> list[tuple[bytes, bytes]]:
    ancestors = frame_ancestors(path, form_origins)
    headers = [
        (b"content-security-policy", f"{_CSP}; frame-ancestors {ancestors}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if ancestors == "'none'":
        headers.append((b"x-frame-options", b"DENY"))
    elif ancestors == "'self'":
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    if not path.startswith("/static/"):
        headers.append((b"cache-control", b"no-store"))
    return headers


class SecurityHeaders:
    """Adds ``security_headers`` to every HTTP response."""

    def __init__(self, app: ASGIApp, form_origins: Sequence[str] = ()) -> None:
        self.app = app
        self.form_origins = tuple(form_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""), self.form_origins)

        async def send_with_headers(message: Message) -> None:
            """A header the app set itself (an attachment's sandbox CSP) is kept."""
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                message["headers"] = headers + [(k, v) for k, v in extra if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLog:
    """One line per request: method, route pattern, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            access_log.info("%s %s %s %.0fms", scope.get("method"), _pattern(scope), status[0],
                            (time.perf_counter() - started) * 1000)


def _pattern(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return str(path)
    raw = str(scope.get("path", ""))
    return "/static/…" if raw.startswith("/static/") else "(unmatched)"
