"""The public form embedded in the company's site (an iframe on another origin), in Chromium:
an origin listed in ``form.frame_ancestors`` shows it and can send an appeal through it; any
other origin is refused by the web app's CSP ``frame-ancestors``."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from journal.models import Appeal
from tests.integration.conftest import Desk
from tests.integration.test_public_form_browser import ARGS
from tests.publicapp import public_app, serve
from tests.servers import free_port


@contextmanager
def _company_site(host: str, port: int, form_url: str) -> Iterator[str]:
    """The company's page at http://host:port/: a heading and the form in an iframe."""
    body = (f'<!doctype html><html lang="ru"><body><h1>Сайт компании</h1>'
            f'<iframe src="{form_url}" title="Обращение" width="420" height="1400"></iframe>'
            f'</body></html>').encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_form_works_framed_by_an_allowed_origin_only(
        tmp_path: Path, desk_factory: Callable[..., Desk]) -> None:
    allowed, other = ("127.0.0.2", free_port("127.0.0.2")), ("127.0.0.3", free_port("127.0.0.3"))
    desk = desk_factory(form={"min_fill_seconds": 0,
                              "frame_ancestors": [f"http://{allowed[0]}:{allowed[1]}"]})
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required (scripts/setup-system.sh)"
    with serve(public_app(desk.config), free_port()) as url, \
            _company_site(*allowed, f"{url}/appeal") as good, \
            _company_site(*other, f"{url}/appeal") as bad, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 480, "height": 1500})
        page.goto(good)
        form = page.frame_locator("iframe")
        form.get_by_label("Тема").select_option(label="Другое")
        form.get_by_label("Текст обращения").fill("Отправлено с сайта компании через рамку.")
        form.get_by_label("Я даю согласие", exact=False).check()
        form.get_by_role("button", name="Отправить обращение").click()
        form.get_by_text("Обращение зарегистрировано").wait_for()
        page.screenshot(path=str(tmp_path / "framed-receipt.png"), full_page=True)
        page.goto(bad)
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        frame = page.frames[-1]
        refused = "Обращение в" not in frame.content()
        page.screenshot(path=str(tmp_path / "framed-refused.png"), full_page=True)
        browser.close()
    [appeal] = desk.rows(Appeal)
    assert appeal.source == "form" and appeal.text == "Отправлено с сайта компании через рамку."
    assert refused, "a site not in form.frame_ancestors could frame the form"
