"""A person fills the public form in Chromium (Playwright, Debian's chromium, nothing
downloaded): a Cyrillic file name and a photo, a number on screen, the acknowledgement in the
SMTP sink, the appeal in the journal with the fields as typed. Screenshots stay in tmp_path."""

from __future__ import annotations

import email
import json
import shutil
import time
from collections.abc import Callable, Iterator
from email.policy import default
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, sync_playwright

from journal.models import Appeal, Attachment
from pipeline.poll import send_outbox
from tests.integration.conftest import Desk
from tests.publicapp import public_app, serve
from tests.servers import free_port

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TEXT = ("Добрый день!\nПосле обновления УТМ не отправляются акты в ЕГАИС, "
        "ошибка «нет связи с сервером».\nПрошу помочь.")


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required (scripts/setup-system.sh)"
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield launched
        launched.close()


def _photo(path: Path) -> Path:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_person_fills_the_form_and_gets_a_number(browser: Browser, tmp_path: Path,
                                                   desk_factory: Callable[..., Desk]) -> None:
    desk = desk_factory(form={"min_fill_seconds": 1})
    photo = _photo(tmp_path / "Фото этикетки УТМ.jpg")
    scan = tmp_path / "Акт сверки.pdf"
    scan.write_bytes(b"%PDF-1.4\n% test\n")
    with serve(public_app(desk.config), free_port()) as url:
        page = browser.new_page(viewport={"width": 420, "height": 900}, locale="ru-RU")
        page.goto(f"{url}/appeal")
        loaded = time.monotonic()
        assert page.locator("script").count() == 0  # nothing inline: the CSP forbids it
        assert page.evaluate("document.documentElement.scrollWidth") <= 420  # fits an iframe
        page.get_by_label("Фамилия").fill("Смирнов")
        page.get_by_label("Имя", exact=True).fill("Алексей")
        page.get_by_label("Отчество (если есть)").fill("Юрьевич")
        page.get_by_label("Электронная почта").fill("a.smirnov@example.ru")
        page.get_by_label("Почтовый адрес").fill("241050, г. Брянск, ул. Фокина, д. 5, кв. 7")
        page.get_by_label("Телефон").fill("+7 (4832) 64-00-00")
        page.get_by_label("Тема").select_option(label="Сопровождение ПС ЕГАИС, Брянская область")
        page.get_by_label("Текст обращения").fill(TEXT)
        page.get_by_label("Файлы (необязательно)").set_input_files([str(photo), str(scan)])
        page.get_by_label("Я даю согласие", exact=False).focus()
        page.keyboard.press("Space")  # the keyboard, not the mouse
        page.screenshot(path=str(tmp_path / "form-filled.png"), full_page=True)
        time.sleep(max(0.0, 1.2 - (time.monotonic() - loaded)))  # a person is never this fast
        page.get_by_role("button", name="Отправить обращение").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Обращение зарегистрировано")
        page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
        number = page.locator(".number").inner_text().removeprefix("№ ").strip()
        due = page.locator(".due").inner_text().strip()
    assert (tmp_path / "receipt.png").stat().st_size > 0
    _check_journal(desk, number, photo.name, scan.name)
    assert send_outbox(desk.deps()).sent == 1
    [mail] = desk.sink.wait_for(1)
    body = email.message_from_bytes(mail.data, policy=default).get_body(("plain",))
    assert mail.rcpt_tos == ["a.smirnov@example.ru"]
    assert number in body.get_content() and due in body.get_content()  # type: ignore[union-attr]


def _check_journal(desk: Desk, number: str, *files: str) -> None:
    [appeal] = desk.rows(Appeal)
    who: dict[str, Any] = json.loads(appeal.applicant_json)
    assert appeal.number == number and appeal.source == "form"
    assert (who["last_name"], who["first_name"], who["middle_name"]) == ("Смирнов", "Алексей", "Юрьевич")
    assert who["postal_address"] == "241050, г. Брянск, ул. Фокина, д. 5, кв. 7"
    assert (who["email"], who["phone"]) == ("a.smirnov@example.ru", "+74832640000")
    assert appeal.text == TEXT
    assert (appeal.department, appeal.region, appeal.assignee) == ("egais", "bryansk", "Легкий Валерий")
    stored = {a.filename: a for a in desk.rows(Attachment)}
    assert set(stored) == set(files)
    assert stored[files[0]].content_type == "image/jpeg" and stored[files[0]].stored_name
