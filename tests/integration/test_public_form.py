"""The public form over real HTTP (uvicorn on loopback) into the real pipeline: journal, store,
outbox, the aiosmtpd sink. Each test posts what a browser (or a robot) would post."""

from __future__ import annotations

import email
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.policy import default
from typing import Any

import httpx
import pytest

from journal.models import Appeal, Attachment, InboundMessage, Outbox
from pipeline.poll import send_outbox
from tests.integration.conftest import Desk
from tests.publicapp import public_app, serve
from tests.servers import free_port

NUMBER = re.compile(r'class="number">№ ([^<]+)<')
DUE = re.compile(r'class="due">(\d\d\.\d\d\.\d{4})<')


@dataclass
class Site:
    desk: Desk
    url: str

    def stamp(self, client: httpx.Client | None = None) -> str:
        page = (client or httpx).get(f"{self.url}/appeal")  # type: ignore[attr-defined]
        assert page.status_code == 200
        found = re.search(r'name="stamp" value="([^"]+)"', page.text)
        assert found, "the form carries its signed stamp"
        return found.group(1)

    def post(self, fields: dict[str, str], files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
             stamp: str | None = None, client: httpx.Client | None = None) -> httpx.Response:
        data = {"stamp": stamp or self.stamp(client), **fields}
        parts = [("files", (name, body, "application/octet-stream")) for name, body in files]
        return (client or httpx).post(f"{self.url}/appeal", data=data,  # type: ignore[attr-defined]
                                      files=parts or None, timeout=60)


def _fields(**kw: str) -> dict[str, str]:
    return {"last_name": "Кузнецова", "first_name": "Анна", "middle_name": "Сергеевна",
            "email": "anna.k@example.ru", "postal_address": "308015, г. Белгород, ул. Попова, 12",
            "phone": "+7 910 123-45-67", "subject": "internet_reporting",
            "text": "Не уходит отчёт 6-НДФЛ через ваш сервис, ошибка подписи.", "consent": "yes",
            **kw}


@pytest.fixture
def site_factory(desk_factory: Callable[..., Desk]) -> Iterator[Callable[..., Site]]:
    stack: list[Any] = []

    def make(database_url: str | None = None, **form: Any) -> Site:
        desk = desk_factory(database_url, form={"min_fill_seconds": 0, **form})
        served = serve(public_app(desk.config), free_port())
        url = served.__enter__()
        stack.append(served)
        return Site(desk, url)

    yield make
    for served in reversed(stack):
        served.__exit__(None, None, None)


@pytest.fixture
def site(site_factory: Callable[..., Site]) -> Site:
    return site_factory()


def test_a_person_gets_a_number_the_due_date_and_the_acknowledgement(site: Site) -> None:
    reply = site.post(_fields(), [("Скан претензии.pdf", b"%PDF-1.4 test")])
    assert reply.status_code == 200, reply.text
    number, due = NUMBER.search(reply.text), DUE.search(reply.text)
    assert number and due
    [appeal] = site.desk.rows(Appeal)
    assert (appeal.number, appeal.source) == (number.group(1), "form")
    assert (appeal.department, appeal.applicant_email) == ("internet_reporting", "anna.k@example.ru")
    assert appeal.applicant_name == "Кузнецова Анна Сергеевна" and not appeal.anonymous
    assert appeal.text == _fields()["text"]
    assert [a.filename for a in site.desk.rows(Attachment)] == ["Скан претензии.pdf"]
    [inbound] = site.desk.rows(InboundMessage)
    assert (site.desk.config.storage.path / "raw").exists() and inbound.marked_done
    assert send_outbox(site.desk.deps()).sent == 1
    [mail] = site.desk.sink.wait_for(1)
    ack = email.message_from_bytes(mail.data, policy=default)
    assert mail.rcpt_tos == ["anna.k@example.ru"]
    body = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert number.group(1) in body and due.group(1) in body
    shown = site.desk.cli("show", appeal.number)
    assert "by the web form" in shown.output and "Скан претензии.pdf" in shown.output


def test_missing_consent_is_refused_with_the_error_on_the_checkbox(site: Site) -> None:
    reply = site.post(_fields(consent=""))
    assert reply.status_code == 422
    assert 'id="f-consent-error"' in reply.text
    assert re.search(r'id="f-consent"[^>]*aria-describedby="[^"]*f-consent-error', reply.text)
    assert "Кузнецова" in reply.text and "ошибка подписи" in reply.text  # what was typed stays
    assert site.desk.rows(Appeal) == [] and site.desk.rows(InboundMessage) == []


def test_no_name_and_no_address_is_registered_as_anonymous(site: Site) -> None:
    reply = site.post({"subject": "other", "consent": "yes",
                       "text": "Ваш менеджер обещал перезвонить и пропал. Разберитесь."})
    assert reply.status_code == 200 and NUMBER.search(reply.text)
    assert "анонимное" in reply.text
    [appeal] = site.desk.rows(Appeal)
    assert appeal.anonymous and set(appeal.anonymous_reasons.split(",")) == {"no_name", "no_address"}
    assert appeal.source == "form" and site.desk.rows(Outbox) == []


def test_an_oversize_file_is_refused_and_nothing_is_kept(site_factory: Callable[..., Site]) -> None:
    site = site_factory(max_file_bytes=50_000, max_files=2)
    reply = site.post(_fields(), [("фото.jpg", b"\xff\xd8" + b"0" * 60_000)])
    assert reply.status_code == 422 and 'id="f-files-error"' in reply.text
    assert "фото.jpg" in reply.text and "больше" in reply.text
    whole = site.post(_fields(), [("a.jpg", b"0" * 2_400_000)])  # beyond the request limit
    assert whole.status_code == 413
    assert site.desk.rows(Appeal) == [] and site.desk.rows(InboundMessage) == []


def test_a_honeypot_hit_is_kept_set_aside_not_registered(site: Site) -> None:
    reply = site.post(_fields(website="http://spam.example/"))
    assert reply.status_code == 200 and not NUMBER.search(reply.text)
    [inbound] = site.desk.rows(InboundMessage)
    assert inbound.outcome == "set_aside" and "hidden field" in (inbound.reason or "")
    assert site.desk.rows(Appeal) == [] and site.desk.rows(Outbox) == []
    assert any((site.desk.config.storage.path / "raw").rglob(inbound.sha256 + "*"))
    registered = site.desk.cli("register-aside", str(inbound.id))
    assert registered.exit_code == 0, registered.output  # staff decide it is an appeal (1.3)
    [appeal] = site.desk.rows(Appeal)
    assert (appeal.source, appeal.applicant_name) == ("form", "Кузнецова Анна Сергеевна")
    assert appeal.department == "internet_reporting"  # the fields, read back from the raw message


def test_a_form_sent_too_fast_is_set_aside(site_factory: Callable[..., Site]) -> None:
    site = site_factory(min_fill_seconds=30)
    reply = site.post(_fields())
    assert reply.status_code == 200 and not NUMBER.search(reply.text)
    [inbound] = site.desk.rows(InboundMessage)
    assert "after the form was served" in (inbound.reason or "")
    assert site.desk.rows(Appeal) == []


def test_a_flood_from_one_address_is_limited_and_nothing_else_is_lost(
        site_factory: Callable[..., Site]) -> None:
    site = site_factory(per_address_per_hour=10)
    flood = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60)
    statuses = [site.post(_fields(text=f"Сообщение номер {i}"), client=flood).status_code
                for i in range(100)]
    assert statuses.count(200) == 10 and statuses.count(429) == 90
    limited = site.post(_fields(text="Ещё одно"), client=flood)
    assert limited.headers["retry-after"] == "3600" and "Ещё одно" in limited.text
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=60)
    assert site.post(_fields(text="Другой человек"), client=other).status_code == 200
    appeals = site.desk.rows(Appeal)
    assert sorted(a.text for a in appeals) == sorted(
        [f"Сообщение номер {i}" for i in range(10)] + ["Другой человек"])
    assert len({a.number for a in appeals}) == 11


def test_the_same_post_twice_is_one_appeal(site_factory: Callable[..., Site],
                                           database_url: str) -> None:
    site = site_factory(database_url)
    stamp = site.stamp()
    replies: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: replies.append(site.post(_fields(), stamp=stamp)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again = site.post(_fields(), stamp=stamp)
    numbers = {NUMBER.search(r.text).group(1) for r in [*replies, again]}  # type: ignore[union-attr]
    assert len(numbers) == 1 and all(r.status_code == 200 for r in [*replies, again])
    assert len(site.desk.rows(Appeal)) == 1 and len(site.desk.rows(InboundMessage)) == 1
    assert len(site.desk.rows(Outbox)) == 1


def test_a_hostile_file_name_and_html_are_stored_and_shown_as_text(site: Site) -> None:
    name = "'><img src=x onerror=alert(1)>..\\..\\boot.ini.jpg"  # (httpx, like browsers, sends " as %22)
    text = "<script>alert('x')</script>\n<b>жирный</b> & «кавычки»"
    reply = site.post(_fields(text=text), [(name, b"\xff\xd8\xff")])
    assert reply.status_code == 200, reply.text
    assert "<script>" not in reply.text and "<img" not in reply.text
    assert "&lt;script&gt;" in reply.text and "&lt;img src=x onerror=alert(1)&gt;" in reply.text
    [appeal] = site.desk.rows(Appeal)
    [attachment] = site.desk.rows(Attachment)
    assert appeal.text == text and attachment.filename == name
    assert name in site.desk.cli("show", appeal.number).output


def test_a_fault_of_the_service_keeps_what_was_typed_and_the_resend_registers_once(
        site: Site) -> None:
    store = site.desk.config.storage.path
    stamp = site.stamp()
    store.rename(store.with_name("var-away"))
    store.write_text("not a folder")  # the store cannot be written: the service's fault
    broken = site.post(_fields(), stamp=stamp)
    assert broken.status_code == 503 and "ошибка подписи" in broken.text
    store.unlink()
    store.with_name("var-away").rename(store)
    assert site.desk.rows(Appeal) == [] and site.desk.rows(InboundMessage) == []
    again = site.post(_fields(), stamp=stamp)
    assert again.status_code == 200 and NUMBER.search(again.text)
    assert len(site.desk.rows(Appeal)) == 1


def test_a_form_reused_for_a_different_appeal_is_a_new_appeal(site: Site) -> None:
    stamp = site.stamp()  # the browser's Back: the same form, another appeal written in it
    first = site.post(_fields(), stamp=stamp)
    second = site.post(_fields(text="Совсем другой вопрос: как продлить сертификат?"), stamp=stamp)
    numbers = [NUMBER.search(r.text).group(1) for r in (first, second)]  # type: ignore[union-attr]
    assert numbers[0] != numbers[1] and len(site.desk.rows(Appeal)) == 2


def test_migration_0007_marks_every_existing_appeal_as_mail(database_url: str) -> None:
    """A journal from before the form: its appeals came by mail; the form's rows say form."""
    from datetime import UTC, datetime

    from sqlalchemy import text
    from sqlmodel import Session

    from journal import register
    from journal.db import make_engine
    from journal.schema import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO appeal (number, year, seq, received_at, due_at, status, anonymous, "
            "anonymous_reasons, applicant_type, applicant_json, subject, text, quality_claim, "
            "missing_documents, classification_json, raw_sha256, created_at, lemmas) VALUES "
            "('9/2026', 2026, 9, :t, :t, 'registered', false, '', 'individual', '{}', 'Старое', "
            "'Текст', false, '', '{}', 'ab', :t, '')"), {"t": datetime(2026, 11, 2, tzinfo=UTC)})
    upgrade(engine)
    with Session(engine) as session:
        old = register.appeal_by_number(session, "9/2026")
        assert old is not None and old.source == "mail"
