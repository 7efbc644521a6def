"""Web-form relay fields."""

from __future__ import annotations

from classify.webform import read_webform


def test_fields_and_multiline_message() -> None:
    form = read_webform("Форма «Вопрос»\nИмя: Анна Белова\nТелефон:\nE-mail: A@B.RU\nСообщение: Строка 1\nСтрока 2\nДата: 01.11.2026")
    assert (form.name, form.phone, form.email) == ("Анна Белова", None, "a@b.ru")
    assert form.message == "Строка 1\nСтрока 2"


def test_fields_in_an_html_table_without_colons() -> None:
    html = ("<html><body><p>Заявка с сайта</p><table>"
            "<tr><td><b>ФИО</b></td><td>Зайцева Ольга</td></tr>"
            "<tr><td>Электронная почта</td><td>O.Zaiceva@Mail.ru</td></tr>"
            "<tr><td>Контактный телефон</td><td>8 920 555 12 34</td></tr>"
            "<tr><td>Текст обращения</td><td>Когда будет готов<br>сертификат?</td></tr>"
            "</table></body></html>")
    text = "Заявка с сайта\nФИО Зайцева Ольга\nЭлектронная почта O.Zaiceva@Mail.ru\nТекст обращения Когда будет готов сертификат?"
    form = read_webform(text, html)
    assert (form.name, form.email, form.phone) == ("Зайцева Ольга", "o.zaiceva@mail.ru", "8 920 555 12 34")
    assert form.message == "Когда будет готов\nсертификат?"


def test_plain_fields_win_over_the_html() -> None:
    form = read_webform("Имя: Пётр\nСообщение: Привет", "<table><tr><td>Имя</td><td>Другой</td></tr></table>")
    assert (form.name, form.message) == ("Пётр", "Привет")
