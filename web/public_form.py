"""Checking what the public form posted: each field's rule and its message in Russian, tied to
the field; a clean ``FormSubmission`` when all is well. Pure (the files arrive already read).

Nothing here refuses an appeal for being anonymous (1.3, 2.3): names and addresses are
optional; only the text, the consent (152-ФЗ) and well-formed values are required.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from base.config import FormSettings
from pipeline.formmail import Choice, FormFile, FormSubmission

TEXT_FIELDS = ("last_name", "first_name", "middle_name", "organization", "inn",
               "postal_address", "email", "phone", "subject", "text")
HONEYPOT = "website"  # hidden from people (CSS, aria-hidden, no tab stop); robots fill it in
_MAX_CHARS = {"last_name": 100, "first_name": 100, "middle_name": 100, "organization": 300,
              "inn": 20, "postal_address": 500, "email": 254, "phone": 40, "subject": 60}
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a file name is one line


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    truncated: bool = False  # more than the limit was sent; ``data`` holds the first bytes only


@dataclass(frozen=True)
class Checked:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    submission: FormSubmission | None = None


def check_form(posted: Mapping[str, str], uploads: list[Upload], token: str,
               choices: tuple[Choice, ...], settings: FormSettings) -> Checked:
    """The posted fields checked against the form's rules (see the module docstring)."""
    values = {name: _clean(name, posted.get(name, "")) for name in TEXT_FIELDS}
    values["consent"] = "yes" if posted.get("consent") == "yes" else ""
    errors: dict[str, str] = {}
    for name, limit in _MAX_CHARS.items():
        if len(values[name]) > limit:
            errors[name] = f"Слишком длинное значение: не больше {limit} знаков."
    _check_values(values, errors, settings)
    choice = next((c for c in choices if c.key == values["subject"]), None)
    if choice is None:
        errors["subject"] = "Выберите тему обращения (или «Другое»)."
    if not values["consent"]:
        errors["consent"] = ("Отметьте согласие на обработку персональных данных: без него "
                             "обращение через форму принять нельзя.")
    files = _check_files(uploads, settings, errors)
    if errors or choice is None:
        return Checked(values, errors)
    return Checked(values, {}, FormSubmission(
        token=token, choice=choice, text=values["text"], last_name=values["last_name"],
        first_name=values["first_name"], middle_name=values["middle_name"],
        organization=values["organization"], inn=values["inn"],
        postal_address=values["postal_address"], email=values["email"], phone=values["phone"],
        files=files))


def _check_values(values: dict[str, str], errors: dict[str, str], settings: FormSettings) -> None:
    if not values["text"]:
        errors["text"] = "Напишите текст обращения."
    elif len(values["text"]) > settings.max_text_chars:
        errors["text"] = f"Текст длиннее {settings.max_text_chars} знаков: сократите его или приложите файлом."
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = "Проверьте адрес электронной почты: например, ivanov@mail.ru."
    if values["inn"] and not re.fullmatch(r"\d{10}|\d{12}", values["inn"]):
        errors["inn"] = "ИНН — 10 цифр (организация) или 12 цифр (ИП)."
    digits = len(re.sub(r"\D", "", values["phone"]))
    if values["phone"] and not 10 <= digits <= 15:
        errors["phone"] = "Проверьте номер телефона: например, +7 910 123-45-67."


def _check_files(uploads: list[Upload], settings: FormSettings,
                 errors: dict[str, str]) -> tuple[FormFile, ...]:
    sent = [u for u in uploads if u.filename or u.data]
    problems = []
    if len(sent) > settings.max_files:
        problems.append(f"Можно приложить не больше {settings.max_files} файлов.")
    for u in sent:
        name = _file_name(u.filename) or "без имени"
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if u.truncated or len(u.data) > settings.max_file_bytes:
            problems.append(f"Файл «{name}» больше {_megabytes(settings.max_file_bytes)}.")
        elif f".{extension}" not in settings.allowed_types:
            kinds = ", ".join(t.lstrip(".") for t in settings.allowed_types)
            problems.append(f"Файл «{name}»: такой тип не принимается (можно: {kinds}).")
    if problems:
        errors["files"] = " ".join(problems)
        return ()
    return tuple(FormFile(_file_name(u.filename) or "без имени", u.data) for u in sent)


def _file_name(name: str) -> str:
    """The name as sent, NFC, without control characters (data only: never used as a path)."""
    return _NAME_CONTROL.sub("", unicodedata.normalize("NFC", name)).strip()


def _clean(name: str, value: str) -> str:
    """NFC, no control characters; one line except the text."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if name == "text":
        return _CONTROL.sub("", value).strip()
    if name == "postal_address":  # typed on several lines, kept as one
        lines = (" ".join(_CONTROL.sub(" ", line).split()).rstrip(",") for line in value.split("\n"))
        return ", ".join(line for line in lines if line)
    return " ".join(_CONTROL.sub(" ", value).split())


def _megabytes(size: int) -> str:
    return f"{size / 1048576:g} МБ" if size >= 1048576 else f"{size // 1024} КБ"
