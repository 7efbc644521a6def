"""Quoted replies and forwarded history in Russian mail programs' forms."""

from __future__ import annotations

import pytest

from classify.quotes import read_own_text

OWN = ("r31.center-inform.ru",)


@pytest.mark.parametrize("history", [
    "-----Исходное сообщение-----\nОт: Поддержка <support@r31.center-inform.ru>\nТема: Ответ\n\nТекст поддержки",
    "----- Original Message -----\nFrom: support@r31.center-inform.ru\nSent: Monday\nTo: me\n\nТекст поддержки",
    "10.11.2026 16:05, Служба поддержки пишет:\n> Текст поддержки",
    "пн, 2 нояб. 2026 г. в 10:00, Служба поддержки <support@r31.center-inform.ru>:\n> Текст поддержки",
    "пн, 2 нояб. 2026 г. в 10:00, Служба поддержки <\nsupport@r31.center-inform.ru>:\n> Текст поддержки",
    "Вторник, 3 ноября 2026, 10:05 +03:00 от Поддержка <support@r31.center-inform.ru>:\nТекст поддержки",
    "09.11.2026, 10:14, \"Поддержка\" <support@r31.center-inform.ru>:\nТекст поддержки",
    "От: Поддержка [mailto:support@r31.center-inform.ru]\nОтправлено: 3 ноября 2026 г. 10:00\nКому: a@b.ru\nТема: RE: УТМ\n\nТекст поддержки",
    "________________________________\nОт: Поддержка\nДата: 3 ноября\nКому: a@b.ru\n\nТекст поддержки",
    "> Текст поддержки\n> ещё строка",
])
def test_history_is_set_aside(history: str) -> None:
    reading = read_own_text(f"Спасибо, помогло.\nИванов Иван\n\n{history}", "ivan@mail.ru", OWN)
    assert "Текст поддержки" not in reading.text
    assert reading.text.startswith("Спасибо, помогло.")
    assert not reading.staff_forward


def test_staff_forward_reads_the_customer_mail() -> None:
    text = ("Коллеги, пересылаю.\nОльга, менеджер\n\n-------- Пересылаемое сообщение --------\n"
            "От: Кравченко Елена <Kravchenko.E@yandex.ru>\nДата: 10.11.2026\nТема: Жалоба\n\n"
            "Менеджер нагрубил мне.\nКравченко Елена Павловна\n-------- Конец пересылаемого сообщения --------")
    reading = read_own_text(text, "o.smirnova@r31.center-inform.ru", OWN)
    assert reading.staff_forward
    assert reading.sender_email == "kravchenko.e@yandex.ru"
    assert reading.sender_name == "Кравченко Елена"
    assert reading.text == "Менеджер нагрубил мне.\nКравченко Елена Павловна"


def test_customer_forwarding_own_earlier_mail_keeps_it_as_earlier() -> None:
    text = ("Пишу повторно.\n\n-------- Пересылаемое сообщение --------\n"
            "09.11.2026, 10:14, \"tender\" <t@ya.ru>:\n\nКогда будет готова подпись для торгов?\n"
            "-------- Конец пересылаемого сообщения --------")
    reading = read_own_text(text, "t@ya.ru", OWN)
    assert reading.text == "Пишу повторно."
    assert reading.earlier == "Когда будет готова подпись для торгов?"
