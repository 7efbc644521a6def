"""Who the appeal comes from (2.2): name, organisation, address, e-mail and phone.

Sources in order of trust: the body and signature («Я, Петров Иван Иванович, …»), the
letterhead, the From display name; initials in a signature are completed from a consistent
From display name. Pure: the text to read comes in already stripped of quoted history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classify.contacts import find_address, find_inn_kpp, find_phone, phone_e164
from classify.latin import read_latin_name
from classify.names import PersonName, find_name, read_name, single_first_name
from classify.organisation import find_organisation, is_requisites, org_is_writer, same_organisation
from classify.types import Applicant, ClassifyRules
from classify.webform import WebForm

_GREETING = re.compile(r"^\s*(здравствуй|добр(ый|ое|ого)|уважаем|привет|коллеги|доброго)", re.I)
_CLOSING = re.compile(r"^\s*(с уважением|с наилучшими|всего (доброго|хорошего)|спасибо|благодар\w*|"
                      r"заранее спасибо|(best |kind |warm )?regards|sincerely|yours (sincerely|faithfully|truly)|thank you|--\s*$)[,.!]?\s*", re.I)
# «Я, Петров Иван Иванович, …», «Я ИП Петров …», «Я индивидуальный предприниматель Петров …»
_I_AM = re.compile(r"(?<![А-Яа-яЁё])я(?:,|[ \t]+[—–-])?[ \t]+((?:[А-ЯЁ][а-яё]*(?:-[А-ЯЁ][а-яё]+)?,?[ \t]*){2,5})", re.I)
_FROM_ME = re.compile(r"(жалоб|претензи|обращени|заявлени|предложени)\w*\s+от\s+((?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s*){2,3})", re.I)


@dataclass(frozen=True)
class Sender:
    """What the headers (or the forwarded/web-form header) say about the writer."""

    name: str | None
    email: str | None
    robot: bool = False  # the web form's robot: its From is not the applicant's


def extract_applicant(text: str, sender: Sender, rules: ClassifyRules,
                      form: WebForm | None = None) -> tuple[Applicant, list[str]]:
    """The applicant and the reasons (which line, which source decided each part)."""
    lines = text.splitlines()
    sig_from = signature_start(lines)
    reasons: list[str] = []
    person = _person(lines, sig_from, sender, form, reasons)
    org = _organisation(lines, sig_from, sender, form, rules, reasons)
    if org and org.startswith("ИП "):
        org, person = _sole_trader(org, person)
    address = _address(lines, sig_from, form, reasons)
    phone = _phone(lines, sig_from, form, rules, reasons)
    inn, kpp = find_inn_kpp(text) if org else (None, None)
    email = (form.email if form else sender.email) if not sender.robot or form else None
    if sender.robot and not (form and form.email):
        email = None
    kind = "legal_entity" if org else "individual" if person and person.full else "unknown"
    reasons.append(f"applicant type {kind}")
    return Applicant(
        type=kind, last_name=person.last if person else None,
        first_name=person.first if person else None, middle_name=person.middle if person else None,
        organization=org, inn=inn, kpp=kpp, postal_address=address, email=email.lower() if email else None,
        phone=phone,
    ), reasons


def _sole_trader(org: str, person: PersonName | None) -> tuple[str, PersonName | None]:
    """«ИП Фамилия Имя Отчество» is the person: each fills in what the other lacks."""
    named = read_name(org[3:].split()) or find_name(org[3:])
    if person is None or not person.full:
        person = named if named and named.full else person
    elif named and _eq(named.last, person.last) and _eq(named.first, person.first):
        person = PersonName(person.last, person.first, person.middle or named.middle)
    if person and person.last and _eq(person.last, (org[3:].split() or [""])[0].strip(".,")):
        org = f"ИП {_show(person)}"
    return org, person


def signature_start(lines: list[str]) -> int:
    """Index of the first line of the trailing signature block (short lines after the prose)."""
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        if len(line) > 110 or (re.search(r"[.?!]$", line) and len(line.split()) >= 6 and not re.search(r"\d{3}", line)):
            break
        start = i
    return start


def _letterhead_end(lines: list[str]) -> int:
    for i, line in enumerate(lines[:12]):
        if _GREETING.match(line) or len(line) > 110:
            return i
    return 0


def _person(lines: list[str], sig_from: int, sender: Sender, form: WebForm | None,
            reasons: list[str]) -> PersonName | None:
    body = _body_name(lines, sig_from)
    if form and form.name:
        header = find_name(form.name, whole_line=True) or _first_only(form.name)
        source = "web-form name field"
    else:
        header = (find_name(sender.name, whole_line=True) or read_latin_name(sender.name)
                  or _first_only(sender.name)) if sender.name and not sender.robot else None
        source = "From display name"
    chosen = _merge(body, header)
    if chosen:
        reasons.append(f"name {_show(chosen)} from {'the body/signature' if body else source}"
                       + (f", completed from the {source}" if body and chosen != body else ""))
    return chosen


def _body_name(lines: list[str], sig_from: int) -> PersonName | None:
    for line in lines:
        for pattern, group in ((_I_AM, 1), (_FROM_ME, 2)):
            match = pattern.search(line)
            if match and (found := find_name(match.group(group))) and found.full:
                return found
    zone = [i for i in range(len(lines) - 1, sig_from - 1, -1)] + list(range(_letterhead_end(lines)))
    partial: PersonName | None = None
    for i in zone:
        line = _CLOSING.sub("", lines[i])
        if not line.strip() or _GREETING.match(line) or "@" in line or len(line.split()) > 9:
            continue
        found = find_name(line, whole_line=True) or (read_latin_name(line) if i >= sig_from else None)
        if found and found.full:
            return found
        partial = partial or found or (_first_only(line) if i >= sig_from else None)
    return partial


def _first_only(text: str | None) -> PersonName | None:
    first = single_first_name(text or "")
    return PersonName(first=first) if first else None


def _merge(body: PersonName | None, header: PersonName | None) -> PersonName | None:
    """A signature wins; initials or a missing part are completed from a consistent header name."""
    if body is None:
        return header
    if header is None or not header.first:
        return body
    if body.full and header.full and _eq(body.last, header.last) and _eq(body.first, header.first):
        return PersonName(body.last, body.first, body.middle or header.middle)
    if body.last and not body.first and header.full and _eq(body.last, header.last):
        if not body.initials or (header.first or "")[:1] == body.initials[:1]:
            return PersonName(body.last, header.first, header.middle)
    if not body.last and body.first and header.last and _eq(body.first, header.first):
        return PersonName(header.last, body.first, body.middle or header.middle)
    return body


def _eq(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.lower().replace("ё", "е") == b.lower().replace("ё", "е"))


def _show(name: PersonName) -> str:
    return " ".join(p for p in (name.last, name.first, name.middle) if p) or name.initials


def _organisation(lines: list[str], sig_from: int, sender: Sender, form: WebForm | None,
                  rules: ClassifyRules, reasons: list[str]) -> str | None:
    candidates: list[tuple[str, str]] = []
    if form and form.organization:
        found = find_organisation(form.organization)
        candidates.append((found[0] if found else form.organization, "web-form organisation field"))
    head = _letterhead_end(lines)
    for i, line in enumerate(lines):
        found = find_organisation(line)
        if found and is_requisites(line, lines[i - 1] if i else ""):
            reasons.append(f"{found[0]} on line {i + 1} is a bank in the requisites, not the writer")
        elif found and org_is_writer(line, found[1], i >= sig_from or i < head):
            candidates.append((found[0], f"line {i + 1}"))
    if sender.name and not sender.robot and (found := find_organisation(sender.name)):
        candidates.append((found[0], "From display name"))
    candidates.sort(key=lambda c: _named_after_head(c[0]))  # stable: otherwise in reading order
    for org, where in candidates:
        if not any(same_organisation(org, own) for own in rules.own_names) and "центринформ" not in org.lower():
            reasons.append(f"organisation {org} ({where})")
            return _prefer_fuller(org, candidates)
    return None


def _named_after_head(org: str) -> bool:
    """«глава КФХ Лысенко Андрей Викторович»: a person's name after a form other than ИП is the
    head signing, so an organisation named in quotes elsewhere («Мы КФХ «Колос»») is preferred."""
    if org.startswith("ИП "):
        return False
    inner = org.split(" ", 1)[-1].strip("«»")
    named = find_name(inner)
    return bool(named and (named.full or named.initials))


def _prefer_fuller(org: str, candidates: list[tuple[str, str]]) -> str:
    """«ИП Марченко» in the From and «ИП Марченко Остап Юрьевич» in the signature: the fuller."""
    for other, _ in candidates:
        if other.startswith(org) and len(other) > len(org):
            return other
    return org


def _address(lines: list[str], sig_from: int, form: WebForm | None, reasons: list[str]) -> str | None:
    if form and form.address:
        reasons.append("postal address from the web-form field")
        return form.address.rstrip(" .")
    found = find_address(lines, min(sig_from, len(lines)))
    if found:
        reasons.append(f"postal address: {found.why}")
        return found.value
    return None


def _phone(lines: list[str], sig_from: int, form: WebForm | None, rules: ClassifyRules,
           reasons: list[str]) -> str | None:
    if form is not None and (value := phone_e164(form.phone)):
        reasons.append("phone from the web-form field")
        return value
    own = tuple(p for p in (phone_e164(x) for x in rules.own_phones) if p)
    found = find_phone(lines, own, sig_from)
    if found:
        reasons.append(found.why)
        return found.value
    return None
