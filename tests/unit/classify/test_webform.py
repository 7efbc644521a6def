"""Web-form relay fields."""

from __future__ import annotations

from classify.webform import read_webform


def test_fields_and_multiline_message() -> None:
    form = read_webform("Форма «Вопрос»\nИмя: Анна Белова\nТелефон:\nE-mail: A@B.RU\nСообщение: Строка 1\nСтрока 2\nДата: 01.11.2026")
    assert (form.name, form.phone, form.email) == ("Анна Белова", None, "a@b.ru")
    assert form.message == "Строка 1\nСтрока 2"
