"""Contacts for the answer (2.2): postal address as written, phone in E.164, INN/KPP.

Addresses are looked for only on candidate lines (postcode, «г.», «ул.», «д.» …); natasha's
address extractor trims an address out of a sentence. Addresses of the company itself or of
third parties (a shop, a supplier, «ваш офис») are not the applicant's. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from classify.nlp import address_span

_POSTCODE = re.compile(r"(?<![\d/№-])\b([1-6]\d{5})\b(?![\d/-])")
_MARKERS = re.compile(
    r"(?<![А-Яа-яЁё])(г\.|гор\.|город|ул\.|улица|пр-т|просп\.|проспект|пер\.|переулок|ш\.|шоссе|б-р|"
    r"бульвар|пл\.|площадь|мкр\.?|микрорайон|д\.|дом|кв\.|квартира|оф\.|обл\.|область|р-н|район|"
    r"с\.|село|пос\.|пгт|п\.|х\.|хутор|стр\.|корп\.)(?![А-Яа-яЁё])", re.I)
_STREET = re.compile(r"(?<![А-Яа-яЁё])(ул\.|улица|пр-т|просп|проспект|пер\.|переулок|ш\.|шоссе|б-р|"
                     r"бульвар|пл\.|площадь|мкр|микрорайон|наб\.|набережная)(?![А-Яа-яЁё])", re.I)
_NOT_POSTCODE_BEFORE = re.compile(r"(инн|кпп|огрн|огрнип|окпо|бик|р/с|к/с|счет|счёт|№|n|номер|чек|заказ)\W*$", re.I)
_LABEL = re.compile(
    r"^.*?(?<![А-Яа-яЁё])((почтовый |юр(идический|\.)? ?|фактический |мой |домашний |)адрес[уа]?"
    r"( для (ответа|переписки|корреспонденции|связи))?|проживаю|зарегистрирован[а]?)( по адресу)?"
    r"(\s*\([^()]{0,60}\))?\s*[:\-–—]?\s*",  # a remark in brackets: «Мой адрес (он же адрес доставки):»
    re.I)
_PREFERRED = re.compile(r"для (ответа|переписки|корреспонденции|связи)|почтов|проживаю|мой адрес", re.I)
_THIRD_PARTY = re.compile(
    r"(ваш|вашего|вашем|вашей|магазин|офис|склад|поставщик|пункт выдачи|филиал|сервисн|"
    r"торгов\w* точк|отделени|центр обслуживания|продавц|доставлен\w* в|по месту)", re.I)
_CUT_TAIL = re.compile(r"[,;]?\s*(тел\b|тел\.|телефон|моб\.|e-?mail|эл\.\s?почта|инн\b|кпп\b).*$", re.I)
_PHONE_LABEL = re.compile(r"(тел|телефон|моб|сот|связ|звонит|whatsapp|viber|телеграм|phone|tel\b|mobile|cell)", re.I)
_PHONE_NOT = re.compile(r"(инн|кпп|огрн|окпо|бик|р/с|к/с|сч[её]т|№|номер (заказа|чека|договора|заявки|накладной))\W*$", re.I)
# a sentence end: «!», «?», «;», or a period after a full word or a number (not «г.», «ул.», «тел.»)
_SENTENCE_END = re.compile(r"(?:(?<=[А-Яа-яЁёA-Za-z]{5})|(?<=\d))\.\s+|[!?;]+\s*")
# Western addresses: a street word (German compounds, English/Romance street types) with a number
_WEST_STREET = re.compile(
    r"[A-ZÄÖÜ][\wäöüß'-]*(straße|strasse|str\.|weg|platz|allee|gasse|damm|ufer|straat|laan|gracht|vej|gatan|"
    r"vägen|katu)\s+\d+\w*|\b\d+\w*,?\s+([A-Z][\w'-]+\s+){1,3}(Street|St\.|Road|Rd\.?|Avenue|Ave\.?|Lane|"
    r"Boulevard|Blvd\.?|Drive|Way|Square|Place|Court|Terrace|Parkway)\b|"
    r"\b(Rue|Via|Viale|Calle|Avenida|Avenue|Piazza|Plaza|Corso)\s+[\w' -]{2,40}?,?\s+\d+\w*")
_WEST_TOWN = re.compile(r"\b(\d{4,5}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]{2}\s?\d{5})\b[,\s]+[A-ZÄÖÜ][\wäöüß-]+|"
                        r"[A-ZÄÖÜ][\wäöüß-]+,?\s+(\d{4,5}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]{2}\s?\d{5})\b")
_WEST_COUNTRY = re.compile(
    r",\s*(Germany|Deutschland|Austria|Switzerland|France|Italy|Spain|Portugal|Netherlands|Belgium|Luxembourg|"
    r"Poland|Czech Republic|Czechia|Slovakia|Hungary|Finland|Sweden|Norway|Denmark|Estonia|Latvia|Lithuania|"
    r"United Kingdom|UK|Ireland|USA|United States|Canada|China|Japan|Korea|Turkey|Israel|India)\s*\.?\s*$")
_WEST_LABEL = re.compile(r"^\s*((postal |mailing |our |my )?address|adresse|anschrift)\s*:?\s*", re.I)
_INN = re.compile(r"\bИНН(?:\s*/\s*КПП)?\s*[:№]?\s*(\d{10}|\d{12})(?:\s*/\s*(\d{9}))?", re.I)
_KPP = re.compile(r"\bКПП\s*[:№]?\s*(\d{9})\b", re.I)


@dataclass(frozen=True)
class Found:
    value: str
    line: int
    why: str


def find_address(lines: list[str], signature_from: int) -> Found | None:
    """The applicant's postal address: a labelled one for the answer first, then a signature line."""
    found = [a for i, line in enumerate(lines) if (a := _address_in(line, i, i >= signature_from))]
    if not found:
        return None
    preferred = [a for a in found if a.why.startswith("labelled for the answer")]
    return (preferred or found)[0]


def _address_in(line: str, index: int, in_signature: bool) -> Found | None:
    if not _is_candidate(line):
        return _western_address(line, index, in_signature)
    label = _LABEL.match(line)
    if label:
        head = line[:label.end()]
        if _THIRD_PARTY.search(head) and not _PREFERRED.search(head):
            return None
        rest = line[label.end():]
        why = "labelled for the answer" if _PREFERRED.search(head) else "labelled address"
        value = _trim(rest if _standalone(rest) else _span_of(rest))
        return Found(value, index, f"{why}, line {index + 1}") if value else None
    start = _address_start(line)
    if start is None:
        return None
    before = line[:start]
    if _THIRD_PARTY.search(before) or (before.strip() and not in_signature and len(before) > 40):
        return None
    value = _trim(line[start:] if _standalone(line[start:]) else _span_of(line[start:]))
    return Found(value, index, f"address line {index + 1}") if value else None


def _western_address(line: str, index: int, in_signature: bool) -> Found | None:
    """«Industriestraße 14, 70565 Stuttgart, Germany», «12 Baker Street, London NW1 6XE, UK»: a
    street with a house number and a postcode with a town (or a country), street first."""
    street = _WEST_STREET.search(line)
    if not street or not (_WEST_TOWN.search(line, street.end()) or _WEST_COUNTRY.search(line, street.end())):
        return None
    number = re.search(r"(?<![\w-])\d+[A-Za-z]?,?\s+$", line[:street.start()])
    start = number.start() if number else street.start()
    before = _WEST_LABEL.sub("", line[:start])
    if _THIRD_PARTY.search(before) or re.search(r"\b(your|office|warehouse|shop|store|supplier)\b", before, re.I) \
            or (before.strip() and not in_signature and len(before) > 40):
        return None
    rest = line[start:]
    end = re.search(r"\.\s+[A-Z][a-z]+\s", rest)
    value = _trim(rest[:end.start()] if end else rest)
    return Found(value, index, f"address line {index + 1} (Western format)") if value else None


def _is_candidate(line: str) -> bool:
    postcode = any(not _NOT_POSTCODE_BEFORE.search(line[:m.start()]) for m in _POSTCODE.finditer(line))
    markers = len(_MARKERS.findall(line))
    return (postcode and markers >= 1) or (bool(_STREET.search(line)) and markers >= 2 and bool(re.search(r"\d", line)))


def _address_start(line: str) -> int | None:
    starts = [m.start() for m in _POSTCODE.finditer(line) if not _NOT_POSTCODE_BEFORE.search(line[:m.start()])]
    region = re.search(r"[А-ЯЁ][а-яё]+(ская|ский) (обл\.|область|край)|(?<![А-Яа-яЁё])(г\.|город|ул\.|улица)\s", line)
    if region:
        starts.append(region.start())
    return min(starts) if starts else None


def _standalone(text: str) -> bool:
    """An address alone on its line (signature style): it runs to the end of the line."""
    return not re.search(r"[.!?]\s+[А-ЯЁ][а-яё]+\s+[а-яё]+", text) and len(text) < 160


def _span_of(text: str) -> str:
    span = address_span(text)
    if span is None:
        return text
    end = span[1]
    tail = re.match(r"[,\s]*(кв\.|оф\.|офис|пом\.|корп\.|стр\.)\s*\d+\w*", text[end:])
    return text[:end + (tail.end() if tail else 0)]


def _trim(value: str) -> str:
    value = _CUT_TAIL.sub("", value).strip()
    return value.rstrip(" .;,").strip()


def find_phone(lines: list[str], exclude: tuple[str, ...], signature_from: int) -> Found | None:
    """The applicant's reply phone in E.164: a labelled or signature phone before one in prose."""
    best: tuple[int, Found] | None = None
    for i, line in enumerate(lines):
        for match in _phone_matches(line):
            clause = _clause_before(line, match.start)
            if _PHONE_NOT.search(line[:match.start]) or _THIRD_PARTY.search(clause):
                continue
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if number in exclude:
                continue
            rank = 2 if i >= signature_from else 1 if _PHONE_LABEL.search(line[:match.start]) else 0
            if best is None or rank > best[0]:
                best = (rank, Found(number, i, f"phone {match.raw_string.strip()!r}, line {i + 1}"))
    return best[1] if best else None


def _clause_before(line: str, end: int) -> str:
    """The words of the sentence leading up to a phone: a shop or office named in an earlier
    sentence («магазин в г. Короча. … звоните 8-915-…») does not make the phone a third party's."""
    return _SENTENCE_END.split(line[:end])[-1]


def _phone_matches(line: str) -> list[phonenumbers.PhoneNumberMatch]:
    try:
        matcher = phonenumbers.PhoneNumberMatcher(line, "RU", leniency=phonenumbers.Leniency.VALID)
        return [m for m in matcher if len(re.sub(r"\D", "", m.raw_string)) >= 10]
    except (ValueError, IndexError, phonenumbers.NumberParseException):
        return []  # phonenumbers refuses an odd line: no phone on it


def phone_e164(raw: str | None) -> str | None:
    if not raw:
        return None
    found = _phone_matches(raw)
    return phonenumbers.format_number(found[0].number, phonenumbers.PhoneNumberFormat.E164) if found else None


def find_inn_kpp(text: str) -> tuple[str | None, str | None]:
    inn = _INN.search(text)
    kpp = _KPP.search(text)
    kpp_value = (inn.group(2) if inn and inn.group(2) else None) or (kpp.group(1) if kpp else None)
    return (inn.group(1) if inn else None), kpp_value


def landline_codes(text: str) -> list[str]:
    """Area codes of Russian landline numbers in ``text`` (4722, 4832 …), in order."""
    codes = []
    for match in _phone_matches(text):
        national = str(match.number.national_number)
        if len(national) == 10 and not national.startswith("9"):
            codes.append(national[:4])
    return codes
