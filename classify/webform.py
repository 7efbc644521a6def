"""Mail relayed by the site's web form: the visitor's fields («Имя:», «E-mail:», «Сообщение:»).

The robot's From is not the applicant; the form's fields are (samples README, 2.3). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELDS = {
    "name": ("имя", "ваше имя", "фио", "ф.и.о.", "фамилия имя отчество", "контактное лицо", "name",
             "фамилия, имя, отчество", "имя и фамилия", "от кого"),
    "email": ("e-mail", "email", "e-mail для ответа", "эл. почта", "электронная почта", "почта",
              "адрес электронной почты", "ваш e-mail", "ваш email", "mail"),
    "phone": ("телефон", "тел", "тел.", "контактный телефон", "phone", "мобильный телефон", "ваш телефон"),
    "organization": ("организация", "компания", "наименование организации", "название организации"),
    "address": ("адрес", "почтовый адрес", "адрес для ответа"),
    "message": ("сообщение", "текст сообщения", "вопрос", "текст обращения", "обращение",
                "комментарий", "message", "текст", "ваш вопрос", "ваше сообщение"),
}
_IGNORED = ("дата", "ip", "страница", "форма", "тема", "время", "источник", "url", "date")
_LABEL = re.compile(r"^\s*([A-Za-zА-Яа-яЁё.,\- ]{1,40}?)\s*:\s*(.*)$")


@dataclass(frozen=True)
class WebForm:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    organization: str | None = None
    address: str | None = None
    message: str = ""


def read_webform(text: str) -> WebForm:
    """The fields of a web-form relay; empty fields are None, the message keeps its lines."""
    values: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        key = _field_of(line)
        if key is not None:
            current = key
            values.setdefault(key, []).append(_LABEL.match(line).group(2).strip())  # type: ignore[union-attr]
        elif current == "message":
            values["message"].append(line)
    one = {k: " ".join(v).strip() or None for k, v in values.items() if k not in ("message", "_")}
    message = "\n".join(values.get("message", [])).strip()
    return WebForm(
        name=one.get("name"), email=(one.get("email") or "").lower() or None, phone=one.get("phone"),
        organization=one.get("organization"), address=one.get("address"), message=message or text,
    )


def _field_of(line: str) -> str | None:
    match = _LABEL.match(line)
    if not match:
        return None
    label = match.group(1).strip().lower()
    for key, labels in _FIELDS.items():
        if label in labels:
            return key
    return "_" if label in _IGNORED else None
