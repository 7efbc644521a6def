"""The staff desk over HTTP against a live server and the real pipeline: every route's role
check, 404 for appeals of other departments (by URL too), CSRF refusal, the login limit, the
security headers, attachment headers, and that no personal data reaches the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from journal.models import Appeal, Attachment
from tests.mailfactory import russian_mail
from tests.integration.webdesk import ACCOUNTS, LiveDesk, appeal_path, csrf_of, post_login, start_live_desk

pytestmark = pytest.mark.integration

RUDE = ("Здравствуйте! Менеджер вашего отдела продаж нагрубил мне по телефону 18.11.2026.\n"
        "Прошу принять меры.\nИванов Пётр Сергеевич, г. Белгород, ул. Попова, д. 5, кв. 7")
EGAIS = ("Добрый день. Не работает УТМ ЕГАИС, транспортный модуль не видит ключ Рутокен.\n"
         "Жалуюсь на сопровождение.\nООО «Ромашка», Кузнецова Мария Ивановна, г. Белгород")


@pytest.fixture
def live(desk: Any) -> Iterator[LiveDesk]:
    desk.append(russian_mail(body=RUDE, subject="Жалоба на менеджера",
                             attachments=[("evil.svg", "image/svg+xml",
                                           b"<svg xmlns='http://www.w3.org/2000/svg' "
                                           b"onload='alert(1)'/>")]))
    desk.append(russian_mail(body=EGAIS, subject="Жалоба: не работает УТМ",
                             from_name="Кузнецова Мария", from_addr="m.k@romashka.example.ru"))
    desk.poll()
    server = start_live_desk(desk)
    yield server
    server.stop()


def _numbers(live: LiveDesk) -> dict[str, Appeal]:
    rows = {a.department: a for a in live.desk.rows(Appeal)}
    assert set(rows) >= {"sales", "egais"}, rows
    return rows


def test_roles_see_what_they_may(live: LiveDesk) -> None:
    rows = _numbers(live)
    sales, egais = rows["sales"].number, rows["egais"].number
    anon = live.client()
    for path in ("/", appeal_path(sales), "/due", "/signoff", "/aside", "/reports",
                 "/export.csv", "/reply/" + sales):
        assert anon.get(path).status_code == 303, path
        assert anon.get(path).headers["location"] == "/login"
    seller = live.login("sales1")
    assert seller.get(appeal_path(sales)).status_code == 200
    other = seller.get(appeal_path(egais))
    assert other.status_code == 404 and egais not in other.text
    assert egais not in seller.get("/").text and sales in seller.get("/").text
    for path in ("/signoff", "/aside", "/reports", "/reports/summary?date_from=01.01.2026"
                 "&date_to=31.12.2026"):
        assert seller.get(path).status_code == 403, path
    coord = live.login("coord")
    assert coord.get(appeal_path(egais)).status_code == 200
    assert coord.get("/reports").status_code == 200
    assert coord.get("/signoff").status_code == 403
    director = live.login("director")
    assert director.get("/signoff").status_code == 200
    admin = live.login("admin")
    assert admin.get("/aside").status_code == 200
    assert admin.get(appeal_path(sales)).status_code == 404


def test_assignee_cannot_act_on_another_departments_appeal(live: LiveDesk) -> None:
    egais = _numbers(live)["egais"].number
    seller = live.login("sales1")
    token = csrf_of(seller)
    response = seller.post("/act/measure/" + egais, data={
        "csrf_token": token, "what": "x", "who": "y", "due": "01.12.2026"})
    assert response.status_code == 404
    assert seller.post("/act/assign/" + egais, data={"csrf_token": token,
                                                      "department": "sales"}).status_code == 403
    assert live.desk.rows(Appeal)[0].status == "registered"


def test_post_without_csrf_is_refused(live: LiveDesk) -> None:
    sales = _numbers(live)["sales"].number
    client = live.login("sales1")
    bad = client.post("/act/status/" + sales, data={"status": "under_review",
                                                    "csrf_token": "forged"})
    assert bad.status_code == 403
    missing = client.post("/act/status/" + sales, data={"status": "under_review"})
    assert missing.status_code == 403
    assert {a.status for a in live.desk.rows(Appeal)} == {"registered"}
    good = client.post("/act/status/" + sales, data={"status": "under_review",
                                                     "csrf_token": csrf_of(client)})
    assert good.status_code == 303
    header = client.post("/act/status/" + sales, data={"status": "waiting_for_client"},
                         headers={"X-CSRF-Token": csrf_of(client)})
    assert header.status_code == 303
    assert _numbers(live)["sales"].status == "waiting_for_client"
    login_page = live.client()
    login_page.get("/login")
    forged = login_page.post("/login", data={"login": "sales1", "password": "x" * 12,
                                              "csrf_token": "forged"})
    assert forged.status_code == 403


def test_login_is_limited_per_login(live: LiveDesk) -> None:
    limit = live.desk.config.web.login_attempts_per_login
    client = live.client()
    for _ in range(limit):
        assert post_login(client, "sales1", "wrong password").status_code == 401
    refused = post_login(client, "sales1", "correct horse battery")
    assert refused.status_code == 429
    assert post_login(live.client(), "coord", "correct horse battery").status_code == 303


def test_login_is_limited_per_address(live: LiveDesk) -> None:
    limit = live.desk.config.web.login_attempts_per_address
    client = live.client()
    for i in range(limit):
        assert post_login(client, f"nobody{i}", "wrong password").status_code == 401
    assert post_login(client, "director", "correct horse battery").status_code == 429


def test_security_headers_and_cookie(live: LiveDesk) -> None:
    client = live.client()
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and " on" not in page.text.split("<body", 1)[1][:0]
    response = post_login(client, "sales1", "correct horse battery")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    tls = post_login(live.client(), "coord", "correct horse battery")
    assert "secure" not in tls.headers["set-cookie"].lower()  # plain HTTP from loopback
    form = client.get("/appeal")
    assert "frame-ancestors 'self'" in form.headers["content-security-policy"]
    static = client.get("/static/htmx.min.js")
    assert static.status_code == 200 and "frame-ancestors 'none'" in \
        static.headers["content-security-policy"]


def test_cookie_is_secure_behind_tls(live: LiveDesk) -> None:
    """Behind nginx (X-Forwarded-Proto: https from a trusted proxy) every cookie is Secure."""
    client = live.client()
    tls = {"x-forwarded-proto": "https"}
    page = client.get("/login", headers=tls)
    assert "secure" in page.headers["set-cookie"].lower()
    token = page.headers["set-cookie"].split(";", 1)[0]
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", headers={**tls, "cookie": token},
                           data={"login": "sales1", "password": "correct horse battery",
                                 "csrf_token": csrf})
    assert response.status_code == 303
    session = [c for c in response.headers.get_list("set-cookie") if c.startswith("cd_session=")]
    assert session and "secure" in session[0].lower() and "httponly" in session[0].lower()


def test_attachments_are_downloads_with_their_stored_type(live: LiveDesk) -> None:
    sales = _numbers(live)["sales"]
    svg = next(a for a in live.desk.rows(Attachment) if a.appeal_id == sales.id)
    seller = live.login("sales1")
    response = seller.get(f"/attachments/{svg.id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert b"onload" in response.content  # the stored bytes, unchanged
    assert live.login("egais1").get(f"/attachments/{svg.id}").status_code == 404


def test_access_log_has_no_personal_data(live: LiveDesk, caplog: pytest.LogCaptureFixture) -> None:
    sales = _numbers(live)["sales"].number
    client = live.login("sales1")
    with caplog.at_level(logging.INFO, logger="web.access"):
        client.get("/", params={"q": "Иванов"})
        client.get(appeal_path(sales))
        deadline = time.monotonic() + 5  # the line is written once the response has gone out
        while time.monotonic() < deadline and not any(
                "/appeals/" in r.getMessage() for r in caplog.records):
            time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.name == "web.access"]
    assert any("/appeals/{number:path}" in line for line in lines), lines
    text = "\n".join(lines)
    assert "Иванов" not in text and sales not in text and "q=" not in text


def test_every_view_is_audited_with_the_login(live: LiveDesk) -> None:
    from journal.models import AuditEvent

    sales = _numbers(live)["sales"].number
    live.login("sales1").get(appeal_path(sales))
    views = [e for e in live.desk.rows(AuditEvent) if e.action == "view"]
    assert [e.actor for e in views] == ["sales1"]


def test_accounts_exist_for_every_role() -> None:
    assert {role for _, role, _ in ACCOUNTS.values()} == {"assignee", "coordinator", "director",
                                                           "admin"}


def test_search_understands_word_forms(live: LiveDesk) -> None:
    rows = _numbers(live)
    coord = live.login("coord")
    found = coord.get("/", params={"q": "менеджером нагрубившим"}).text
    assert rows["sales"].number in found and rows["egais"].number not in found
    found = coord.get("/", params={"q": "транспортного модуля"}).text
    assert rows["egais"].number in found and rows["sales"].number not in found
    assert "Ничего не найдено" in coord.get("/", params={"q": "пылесосами"}).text
    by_number = coord.get("/", params={"q": rows["egais"].number}).text
    assert appeal_path(rows["egais"].number) in by_number


def test_journal_filters_and_export(live: LiveDesk) -> None:
    rows = _numbers(live)
    coord = live.login("coord")
    page = coord.get("/", params={"department": "egais"}).text
    assert rows["egais"].number in page and rows["sales"].number not in page
    export = coord.get("/export.csv", params={"department": "egais"})
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert rows["egais"].number in export.text and rows["sales"].number not in export.text
    xlsx = coord.get("/export.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_every_route_needs_a_session_and_the_right_role(live: LiveDesk) -> None:
    """Walks the desk's routers, so a route added later is checked too."""
    from web import actions, auth, compose, more, pages

    number = _numbers(live)["sales"].number
    routes = [r for m in (auth, pages, actions, compose, more) for r in m.router.routes]
    paths = []
    for route in routes:
        path = (route.path.replace("{number:path}", number).replace("{attachment_id}", "1")
                .replace("{draft_id}", "1").replace("{inbound_id}", "1")
                .replace("{fmt}", "csv").replace("{which}", "summary"))
        for method in sorted(route.methods or {"GET"}):
            paths.append((method, path))
    assert len(paths) >= 20
    anon = live.client()
    for method, path in paths:
        if path in ("/login", "/logout") or path.startswith("/appeal/") or path == "/appeal":
            continue
        response = anon.request(method, path, data={"csrf_token": "x"} if method == "POST"
                                else None)
        assert response.status_code == 303 and response.headers["location"] == "/login", \
            (method, path, response.status_code)
    expected_forbidden = {
        "director": ["/act/status/", "/act/note/", "/act/assign/", "/act/close/", "/act/measure/",
                     "/act/escalate/", "/act/correct/", "/reply/", "/reply-preview/"],
        "admin": ["/act/status/", "/reply/", "/due", "/reports", "/signoff"],
        "sales1": ["/act/assign/", "/signoff", "/aside", "/reports"],
        "coord": ["/signoff", "/aside"],
    }
    for login, prefixes in expected_forbidden.items():
        client = live.login(login)
        token = csrf_of(client, "/due" if login != "admin" else "/aside")
        for method, path in paths:
            if not any(path.startswith(p) for p in prefixes):
                continue
            response = client.request(method, path, data={"csrf_token": token, "status": "x",
                                                           "outcome": "upheld", "field": "kind",
                                                           "measure_id": "1"}
                                      if method == "POST" else None)
            assert response.status_code in (403, 404), (login, method, path,
                                                         response.status_code)
    assert {a.status for a in live.desk.rows(Appeal)} == {"registered"}
