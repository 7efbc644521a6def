"""The staff desk in a real browser (Playwright driving Debian's Chromium) against a live
uvicorn server and the real pipeline: the regulation's whole path from a client's mail to the
closed appeal, and a hostile mail that runs and loads nothing. Screenshots of every page go to
the test's tmp folder (screenshots/)."""

from __future__ import annotations

import email
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright import sync_api as playwright_api

from journal.models import Appeal, AuditEvent, SignoffDraft
from tests.integration.webdesk import PASSWORD, LiveDesk, appeal_path, start_live_desk
from tests.mailfactory import russian_mail

pytestmark = pytest.mark.integration
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CLIENT = "p.ivanov@example.ru"


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is installed by scripts/setup-system.sh"
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """Every request a page makes and every dialog it opens (there must be none)."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def assert_loopback_only(self) -> None:
        outside = [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1", None)
                   and not u.startswith(("data:", "about:"))]
        assert not outside, outside
        assert not self.dialogs, self.dialogs


def _page(browser: Any, live: LiveDesk, login: str) -> tuple[Any, Watch]:
    page = browser.new_context(base_url=live.url).new_page()
    watch = Watch(page)
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live.url + "/")
    return page, watch


def _mails(live: LiveDesk, n: int) -> list[EmailMessage]:
    return [email.message_from_bytes(m.data, policy=default)  # type: ignore[misc]
            for m in live.desk.sink.wait_for(n)]


def _send_outbox(live: LiveDesk) -> None:
    result = live.desk.cli("send")
    assert result.exit_code == 0 and "sent 1 /" in result.output, result.output


@pytest.fixture
def live(desk: Any) -> Iterator[LiveDesk]:
    desk.append(russian_mail(body="Купил у вас принтер, он не печатает, продавец нагрубил.\n"
                             "Прошу заменить.\n\nИванов Пётр Сергеевич, тел. +7 910 000-00-00",
                             subject="Неисправный принтер", from_addr=CLIENT,
                             message_id="<first@example.ru>"))
    assert "registered 1" in desk.poll()
    server = start_live_desk(desk)
    yield server
    server.stop()


def test_the_regulation_path_in_a_browser(live: LiveDesk, browser: Any, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (appeal,) = live.desk.rows(Appeal)
    number = appeal.number
    assert len(_mails(live, 1)) == 1  # the acknowledgement

    page, watch = _page(browser, live, "sales1")
    page.screenshot(path=str(shots / "01-journal.png"), full_page=True)
    page.fill("input[name=q]", "принтером")
    page.click("form.filters button[type=submit]")
    page.click(f"a[href='{appeal_path(number)}']")
    assert "Неисправный принтер" in page.content()
    page.screenshot(path=str(shots / "02-appeal.png"), full_page=True)

    # request documents (3.3): composed, previewed, queued, sent threaded
    page.select_option("form[action^='/reply/'] select[name=template]", "request_documents")
    page.click("form[action^='/reply/'] button[type=submit]")
    page.fill("textarea[name=f_documents]", "фотографию этикетки с заводским номером")
    page.click("button[value=preview]")
    assert "фотографию этикетки" in page.inner_text("#preview")
    page.screenshot(path=str(shots / "03-composer.png"), full_page=True)
    page.click("button[value=send]")
    assert "поставлено в очередь" in page.inner_text("p.notice")
    _send_outbox(live)
    request = _mails(live, 2)[1]
    assert request["In-Reply-To"] == "<first@example.ru>"

    # the client's reply appears in the correspondence
    live.desk.append(russian_mail(body="Высылаю фото этикетки.", from_addr=CLIENT,
                                  subject=f"Re: {request['Subject']}",
                                  message_id="<second@example.ru>",
                                  extra_headers={"In-Reply-To": request["Message-ID"],
                                                 "References": f"<first@example.ru> "
                                                               f"{request['Message-ID']}"}))
    assert "threaded 1" in live.desk.poll()
    page.goto(appeal_path(number))
    assert "Высылаю фото этикетки." in page.inner_text("body")
    page.fill("form[action^='/act/note/'] textarea[name=text]", "Позвонил клиенту, фото получены")
    page.click("form[action^='/act/note/'] button")
    assert "Позвонил клиенту" in page.inner_text(".letter.note")
    page.screenshot(path=str(shots / "04-correspondence.png"), full_page=True)

    # the answer goes to the director first (3.9)
    page.goto(f"/reply/{number}?template=answer")
    page.fill("textarea[name=f_answer]", "Принтер будет заменён на исправный.")
    page.click("button[value=send]")
    assert "на подпись" in page.inner_text("p.notice")
    assert len(live.desk.sink.messages) == 2  # nothing sent yet
    (draft,) = live.desk.rows(SignoffDraft)
    assert draft.state == "pending"

    director, director_watch = _page(browser, live, "director")
    director.goto("/signoff")
    assert "Принтер будет заменён" in director.inner_text("#main, main")
    director.screenshot(path=str(shots / "05-signoff.png"), full_page=True)
    director.click("form[action$='/approve'] button")
    assert "подписан" in director.inner_text("p.notice")
    _send_outbox(live)
    answer = _mails(live, 3)[2]
    text = answer.get_body(("plain",)).get_content()
    assert "Принтер будет заменён" in text
    assert live.desk.config.organisation.director.name in text
    assert answer["In-Reply-To"] == "<second@example.ru>"
    assert "<first@example.ru>" in answer["References"]

    # a measure, the outcome (3.8) and closing
    page.goto(appeal_path(number))
    page.fill("form[action^='/act/measure/'] input[name=what]", "Беседа с продавцом")
    page.fill("form[action^='/act/measure/'] input[name=who]", "Отдел продаж")
    page.fill("form[action^='/act/measure/'] input[name=due]", "15.12.2026")
    page.click("form[action^='/act/measure/'] button")
    assert "Мера добавлена" in page.inner_text("p.notice")
    page.select_option("form[action^='/act/close/'] select[name=outcome]", "upheld")
    page.fill("form[action^='/act/close/'] textarea[name=text]", "Принтер заменён")
    page.click("form[action^='/act/close/'] button")
    assert "закрыто" in page.inner_text("p.notice")
    page.screenshot(path=str(shots / "06-closed.png"), full_page=True)

    (appeal,) = live.desk.rows(Appeal)
    assert appeal.status == "closed" and appeal.outcome == "upheld"
    actors = {(e.action, e.actor) for e in live.desk.rows(AuditEvent)}
    assert {("reply", "sales1"), ("signoff_submitted", "sales1"), ("reply", "director"),
            ("signoff_approved", "director"), ("measure_added", "sales1"),
            ("status", "sales1"), ("view", "sales1")} <= actors
    watch.assert_loopback_only()
    director_watch.assert_loopback_only()
    assert len(list(shots.glob("*.png"))) == 6


HOSTILE = """<p>Здравствуйте, жалоба на продавца, нагрубил.</p>
<script>alert('script')</script>
<img src="http://203.0.113.7/track.png" onerror="alert('onerror')">
<img src=x onerror="alert('onerror2')">
<a href="javascript:alert('link')">нажмите</a>
<a href="https://phish.example/login">войти</a>
<svg onload="alert('svg')"><circle r="5"/></svg>
<iframe src="http://203.0.113.7/"></iframe>
<form action="http://203.0.113.7/"><input name=x></form>
<p style="background:url(http://203.0.113.7/bg.png)">Иванов Пётр Сергеевич</p>"""


def test_a_hostile_mail_runs_and_loads_nothing(desk: Any, browser: Any, tmp_path: Path) -> None:
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert('svgfile')\"/>"
    desk.append(russian_mail(body=HOSTILE, html=True, subject="Жалоба на продавца",
                             attachments=[("picture.svg", "image/svg+xml", svg)]))
    assert "registered 1" in desk.poll()
    live = start_live_desk(desk)
    try:
        (appeal,) = desk.rows(Appeal)
        page, watch = _page(browser, live, "coord")
        page.goto(appeal_path(appeal.number))
        for details in page.query_selector_all("details"):
            details.click()
        page.wait_for_timeout(500)
        body = page.inner_text("body")
        assert "нажмите" in body and "[https://phish.example/login]" in body
        assert page.query_selector_all("main img, main script, main iframe, main form "
                                       "[action^='http']") == []
        page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        link = page.query_selector("a[href^='/attachments/']")
        assert link is not None
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "picture.svg"
        page.wait_for_timeout(300)
        watch.assert_loopback_only()
    finally:
        live.stop()
