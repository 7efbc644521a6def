"""Mail relayed by the site's web form: the visitor's fields («Имя:», «E-mail:», «Сообщение:»).

The fields come as «Поле: значение» lines, or as rows of an HTML table (label cell, value
cell, no colon). The robot's From is not the applicant; the form's fields are (samples
README, 2.3). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_FIELDS = {
    "name": ("имя", "ваше имя", "фио", "ф.и.о.", "ф. и. о.", "ваше фио", "фамилия имя отчество", "контактное лицо",
             "name", "фамилия, имя, отчество", "имя и фамилия", "от кого", "фамилия, имя", "фамилия и имя",
             "имя, фамилия", "фамилия имя", "имя фамилия", "фамилия", "заявитель", "отправитель",
             "представьтесь", "как к вам обращаться", "ваше имя и фамилия", "ваши фамилия и имя", "your name"),
    "email": ("e-mail", "email", "e-mail для ответа", "эл. почта", "электронная почта", "почта",
              "адрес электронной почты", "ваш e-mail", "ваш email", "mail"),
    "phone": ("телефон", "тел", "тел.", "контактный телефон", "phone", "мобильный телефон", "ваш телефон"),
    "organization": ("организация", "компания", "наименование организации", "название организации"),
    "address": ("адрес", "почтовый адрес", "адрес для ответа"),
    "message": ("сообщение", "текст сообщения", "вопрос", "текст обращения", "обращение",
                "комментарий", "message", "текст", "ваш вопрос", "ваше сообщение"),
}
_IGNORED = ("дата", "ip", "ip-адрес", "страница", "форма", "тема", "время", "источник", "url", "date", "раздел",
            "отправлено", "дата отправки", "браузер", "user-agent", "user agent", "referer")
# «Поле: значение», or «Поле — значение» (a spaced dash, as some form engines write it)
_LABEL = re.compile(r"^\s*([A-Za-zА-Яа-яЁё.,\- ]{1,40}?)\s*(?::|\s[—–-](?=\s|$))\s*(.*)$")


@dataclass(frozen=True)
class WebForm:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    organization: str | None = None
    address: str | None = None
    message: str = ""


def read_webform(text: str, html: str | None = None) -> WebForm:
    """The fields of a web-form relay; empty fields are None, the message keeps its lines."""
    has_fields = any(_field_of(line) not in (None, "_") for line in text.splitlines())
    table = table_lines(html) if html and not has_fields else []
    return _read_fields("\n".join(table), fallback=text) if table else _read_fields(text, fallback=text)


def table_lines(html: str) -> list[str]:
    """Two-cell rows of the HTML tables whose first cell is a field label, as «label: value» lines."""
    rows = _Rows()
    try:
        rows.feed(html[:200000])
        rows.close()
    except (AssertionError, ValueError):  # html.parser's refusals of hostile markup: no table
        return []
    pairs = [(r[0].strip().rstrip(":").strip(), r[1].strip()) for r in rows.rows if len(r) == 2]
    return [f"{label}: {value}" for label, value in pairs if _field_of(f"{label}:")]


class _Rows(HTMLParser):
    """Collects the cells of table rows (<tr><th|td>…)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
            self._cell = self.rows[-1]
        elif tag in ("br", "p", "div") and self._cell is not None:
            self._cell[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "tr", "table"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[-1] += data


def _read_fields(text: str, fallback: str) -> WebForm:
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
        organization=one.get("organization"), address=one.get("address"), message=message or fallback,
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
