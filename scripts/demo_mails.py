"""A handful of demo mails for `make demo`: written here, in the shapes Russian mail arrives in
(utf-8, windows-1251, koi8-r, HTML only, an attachment, a bounce)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.mailfactory import bounce_mail, russian_mail  # noqa: E402


def demo_mails() -> list[tuple[str, bytes]]:
    return [
        ("claim, windows-1251, with photos", russian_mail(
            subject="Претензия: не работает принтер",
            from_name="Смирнова Анна Петровна", from_addr="a.smirnova@example.ru",
            charset="windows-1251",
            body=("Добрый день!\n\n15.11.2026 я купила у вас принтер, через неделю он перестал "
                  "печатать. Прошу заменить товар или вернуть деньги.\n\n"
                  "Смирнова Анна Петровна\n308000, г. Белгород, ул. Примерная, д. 1, кв. 2\n"
                  "+7 910 000-00-01"),
            attachments=[("фото дефекта.jpg", "image/jpeg", b"\xff\xd8\xff\xe0demo-jpeg")])),
        ("question, koi8-r", russian_mail(
            subject="Вопрос по ЕГАИС",
            from_name="ООО Ромашка", from_addr="office@romashka.example.ru", charset="koi8-r",
            body=("Здравствуйте. УТМ ЕГАИС не видит ключ после обновления. Подскажите, что делать.\n"
                  "\nДиректор ООО 'Ромашка' Петров Иван Иванович\nТел. 8 (4832) 00-00-02"))),
        ("suggestion, HTML only", russian_mail(
            subject="Предложение", html=True, from_name="Кузнецов Олег",
            from_addr="oleg.k@example.ru",
            body="Предлагаю добавить напоминания о сроках сдачи отчётности по SMS.")),
        ("delivery failure (automated)", bounce_mail()),
    ]
