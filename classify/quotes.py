"""The text to read: the writer's own words, without quoted replies or forwarded history.

Knows the forms Russian mail programs use: «-----Исходное сообщение-----», «-------- Пересылаемое
сообщение --------», «... пишет:», Gmail's «Пн, 1 янв. 2024 г. в 10:00, Имя <адрес>:», Yandex's
«09.11.2026, 10:14, "Имя" <адрес>:», mail.ru's «Вторник, ... от Имя <адрес>:», Outlook's
«От: / Отправлено: / Кому: / Тема:» block and ``>`` quotes. When a staff member forwards a
customer's mail, the forwarded mail is what to read and its sender is the applicant. Pure.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(исходное сообщение|оригинальное сообщение|original message)\s*-{2,}\s*$", re.I)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(пересылаемое|перенаправленное|пересланное|переадресованное) сообщение\s*-{2,}|"
    r"-{2,}\s*forwarded message\s*-{2,}|(начало переадресованного сообщения|"
    r"begin forwarded message)\s*:)\s*$", re.I)
_FORWARD_END = re.compile(r"^\s*-{2,}\s*(конец пересылаемого сообщения|end of forwarded message)"
                          r"\s*-{2,}\s*$", re.I)
_ATTRIBUTION = re.compile(
    r"((пишет|написал[аи]?|wrote)\s*:\s*$)|"
    r"(\d{1,2}:\d{2}.*<[^<>@\s]+@[^<>\s]+>\s*:\s*$)|"
    r"(^\s*\d{1,2}\.\d{1,2}\.\d{2,4}.*<[^<>@\s]+@[^<>\s]+>\s*:?\s*$)", re.I)
_HEADER_KEY = re.compile(r"^\s*\*?(от|from|отправлено|sent|дата|date|кому|to|копия|cc|тема|subject)"
                         r"\s*:\*?\s*(.*)$", re.I)
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]{2,}")
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|fw|отв|пересл)\s*:\s*)+", re.I)
# lines that say nothing themselves: greetings, thanks, «см. тему», «текст в теме письма»
_TRIVIAL_LINE = re.compile(
    r"^\s*(здравствуйте|добр\w+\s+(день|утро|вечер)|привет|спасибо|заранее спасибо|с уважением|"
    r"(см\.?|смотрите)\s+(в\s+)?тем\w*|(вс[её]|текст|суть|подробности|вопрос)\s+в\s+теме(\s+письма)?|hello|hi|"
    r"thanks|thank you|see subject|regards|--|"
    r"отправлено\s+(с|из)\s+.{0,40}|sent\s+from\s+.{0,40})[\s.,!:;)]*$", re.I)
# sentence ends in a subject line: «.», «!», «?», «;» after a word of three letters or a number
_SUBJECT_SENTENCE = re.compile(r"(?:(?<=[А-Яа-яЁёA-Za-z]{3})|(?<=\d))\.\s+|[!?;]+\s*")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Reading:
    """What to read in one mail.

    ``text``: the writer's own words (the customer's mail in a staff forward); ``earlier``: the
    writer's own earlier mail forwarded or quoted again; ``sender_name``/``sender_email``: who
    wrote ``text`` when it is not the From (staff forward); ``staff_forward``: it was one.
    """

    text: str
    earlier: str = ""
    sender_name: str | None = None
    sender_email: str | None = None
    staff_forward: bool = False
    reason: str = ""
    subject: str | None = None  # the customer's own subject in a staff forward


def read_own_text(text: str, from_address: str | None, own_domains: tuple[str, ...]) -> Reading:
    """Split ``text`` into the writer's words and the history; unwrap a staff forward."""
    lines = text.splitlines()
    cut = _first_boundary(lines)
    if cut is None:
        return Reading(text=_drop_quoted(lines), reason="no quoted history found")
    own = _drop_quoted(lines[:cut])
    header = _history_header(lines, cut)
    history_lines = lines[header.body_start:]
    if is_own_address(from_address, own_domains) and not is_own_address(header.email, own_domains):
        inner = read_own_text("\n".join(history_lines), header.email, own_domains)
        return Reading(
            text=_strip_forward_end(inner.text), earlier=inner.earlier,
            sender_name=header.name, sender_email=header.email, staff_forward=True, subject=header.subject,
            reason=f"staff forward from {from_address}: reading the customer's mail "
                   f"(line {cut + 1}: {lines[cut].strip()[:60]!r})",
        )
    same_writer = header.email is not None and header.email == (from_address or "").lower()
    earlier = _strip_forward_end(read_own_text("\n".join(history_lines), None, ()).text)
    return Reading(
        text=own,
        earlier=earlier if same_writer or header.forward else "",
        reason=f"history from line {cut + 1} set aside ({lines[cut].strip()[:60]!r})",
    )


def subject_as_text(subject: str, text: str) -> str | None:
    """Mail whose body is empty or trivial («см. тему», a greeting, «Спасибо») says everything in
    the subject: the subject as lines of text, its sentences one per line and a short tail after
    the last comma or dash («…, перезвоните 8-910-…, Сергей») as the signature. None otherwise."""
    words = [w for line in text.splitlines() if not _TRIVIAL_LINE.match(line) for w in _WORD.findall(line)]
    clean = _REPLY_PREFIX.sub("", subject).strip()
    if len(words) >= 4 or len(_WORD.findall(clean)) < 3:
        return None
    sentences = [p.strip() for p in _SUBJECT_SENTENCE.split(clean) if p and p.strip()]
    tail = re.match(r"^(.*\S)\s*(?:,|\s[—–-])\s*([^,\d—–-]{2,40})$", sentences[-1]) if sentences else None
    if tail and len(tail.group(2).split()) <= 3:
        sentences[-1:] = [tail.group(1), tail.group(2).strip()]
    return "\n".join([*sentences, text.strip()]).strip()


def is_own_address(address: str | None, own_domains: tuple[str, ...]) -> bool:
    if not address or "@" not in address:
        return False
    domain = address.rsplit("@", 1)[1].lower()
    return any(domain == d or domain.endswith("." + d) for d in own_domains)


@dataclass(frozen=True)
class _Header:
    name: str | None
    email: str | None
    body_start: int
    forward: bool
    subject: str | None = None


def _first_boundary(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line) or _FORWARD.match(line) or _UNDERSCORES.match(line) and _outlook_block(lines, i + 1):
            return i
        if _ATTRIBUTION.search(line) or _joined_attribution(lines, i):
            return i
        if _outlook_block(lines, i):
            return i
    return None


def _joined_attribution(lines: list[str], i: int) -> bool:
    """Gmail wraps a long attribution line: «... Имя <\\nадрес>:»."""
    if i + 1 >= len(lines) or "<" not in lines[i] or ">" in lines[i]:
        return False
    return bool(_ATTRIBUTION.search(lines[i] + lines[i + 1].strip()))


def _outlook_block(lines: list[str], i: int) -> bool:
    """«От: …» followed within four lines by «Отправлено:/Дата:» and «Кому:/Тема:»."""
    if i >= len(lines):
        return False
    first = _HEADER_KEY.match(lines[i])
    if not first or first.group(1).lower() not in ("от", "from"):
        return False
    keys = {m.group(1).lower() for line in lines[i + 1:i + 5] if (m := _HEADER_KEY.match(line))}
    return bool(keys & {"отправлено", "sent", "дата", "date"}) and bool(keys & {"кому", "to", "тема", "subject"})


def _history_header(lines: list[str], cut: int) -> _Header:
    """Who wrote the history that starts at ``cut``, and where its body begins."""
    forward = bool(_FORWARD.match(lines[cut]))
    i = cut + 1 if (_SEPARATOR.match(lines[cut]) or _FORWARD.match(lines[cut]) or _UNDERSCORES.match(lines[cut])) else cut
    while i < len(lines) and not lines[i].strip():
        i += 1
    name = email_ = subject = None
    if i < len(lines) and (_ATTRIBUTION.search(lines[i]) or _joined_attribution(lines, i)):
        line = lines[i] + (lines[i + 1].strip() if _joined_attribution(lines, i) else "")
        name, email_ = _attribution_sender(line)
        return _Header(name, email_, i + (2 if _joined_attribution(lines, i) else 1), forward)
    while i < len(lines) and (m := _HEADER_KEY.match(lines[i])):
        if m.group(1).lower() in ("от", "from") and email_ is None:
            name, email_ = _parse_sender(m.group(2))
        elif m.group(1).lower() in ("тема", "subject") and subject is None:
            subject = m.group(2).strip() or None
        i += 1
    return _Header(name, email_, i, forward, subject)


def _attribution_sender(line: str) -> tuple[str | None, str | None]:
    found = _ADDRESS.findall(line)
    email_ = found[-1].lower() if found else None
    match = re.search(r"[,\s](?:от\s+)?\"?([^,\"<>]*?)\"?\s*<[^<>]+>", line)
    name = match.group(1).strip() if match else None
    name = re.sub(r"^(от|from)\s+", "", name or "", flags=re.I).strip() or None
    return name, email_


def _parse_sender(value: str) -> tuple[str | None, str | None]:
    value = value.replace("[mailto:", "<").replace("]", ">")
    name, address = email.utils.parseaddr(value)
    if "@" not in address:
        found = _ADDRESS.findall(value)
        address = found[0] if found else ""
    return (name.strip(" \"'") or None), (address.lower() or None)


def _drop_quoted(lines: list[str]) -> str:
    return "\n".join(line for line in lines if not line.lstrip().startswith(">")).strip()


def _strip_forward_end(text: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _FORWARD_END.match(line):
            return "\n".join(lines[:i]).strip()
    return text.strip()
