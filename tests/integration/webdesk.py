"""The staff desk served for tests: the real pipeline (Dovecot, aiosmtpd, the journal) behind
a real uvicorn server on loopback, with one account per role."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn

from base.timeutil import utcnow
from complaintdesk.cli_web import build_web_app
from operations.users import add_user
from tests.servers import free_port

PASSWORD = "correct horse battery"
ACCOUNTS = {  # login: (name, role, department)
    "sales1": ("Отдел продаж", "assignee", "sales"),
    "egais1": ("Михайлов Дмитрий", "assignee", "egais"),
    "coord": ("Петрова Ольга", "coordinator", None),
    "director": ("Сидоров Иван", "director", None),
    "admin": ("Админов Алексей", "admin", None),
}


@dataclass
class LiveDesk:
    """A running desk: its base URL, the pipeline desk behind it, the uvicorn server."""

    url: str
    desk: Any
    deps: Any
    server: uvicorn.Server
    thread: threading.Thread
    app: Any = field(repr=False, default=None)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)

    def login(self, login: str, password: str = PASSWORD) -> httpx.Client:
        client = self.client()
        response = post_login(client, login, password)
        assert response.status_code == 303, response.text
        return client


def appeal_path(number: str) -> str:
    return "/appeals/" + quote(number, safe="")


def post_login(client: httpx.Client, login: str, password: str) -> httpx.Response:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": token.group(1)})


def csrf_of(client: httpx.Client, path: str = "/") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def start_live_desk(desk: Any) -> LiveDesk:
    from pipeline.poll import build_deps

    config = desk.config
    deps = build_deps(config, workers=0)
    for login, (name, role, dept) in ACCOUNTS.items():
        add_user(deps.engine, login, name, role, dept, PASSWORD, utcnow())
    app = build_web_app(config, deps)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return LiveDesk(f"http://127.0.0.1:{port}", desk, deps, server, thread, app)
