"""Organisations: «ООО «Ромашка»», «ИП Фамилия Имя Отчество», spelled-out legal forms (2.2).

Finds the organisation a mail is written on behalf of: in the From display name, in a
signature or letterhead line, or as the writer in a sentence («Мы, ООО …», «ООО … приобрело»),
never a supplier or other third party named in passing, never the company itself. Pure.
"""

from __future__ import annotations

import re

_FORMS = ("ООО", "АО", "ПАО", "ЗАО", "ОАО", "НАО", "МУП", "ГУП", "ОГУП", "ФГУП", "ГБУ", "ГКУ", "ГАУ",
          "МБУ", "МКУ", "МАУ", "МБОУ", "МАОУ", "МКОУ", "МБДОУ", "МАДОУ", "ОГБУ", "ОГБУЗ", "ОГКУ", "ОГАУ",
          "ФГБУ", "ФГБОУ", "ГБУЗ", "ГАУЗ", "ГБОУ", "ГБПОУ", "ОГАПОУ", "ОГБПОУ", "АНО", "НКО", "ТСЖ", "ТСН",
          "СНТ", "КФХ", "СПК", "ПК", "НП", "ЧУ", "ЧОУ", "ГК", "ТОО", "МП")
_SPELLED = (
    (r"обществ\w*\s+с\s+ограниченной\s+ответственностью", "ООО"),
    (r"публичн\w*\s+акционерн\w*\s+обществ\w*", "ПАО"),
    (r"закрыт\w*\s+акционерн\w*\s+обществ\w*", "ЗАО"),
    (r"открыт\w*\s+акционерн\w*\s+обществ\w*", "ОАО"),
    (r"непубличн\w*\s+акционерн\w*\s+обществ\w*", "АО"),
    (r"акционерн\w*\s+обществ\w*", "АО"),
    (r"муниципальн\w*\s+унитарн\w*\s+предприяти\w*", "МУП"),
    (r"государственн\w*\s+унитарн\w*\s+предприяти\w*", "ГУП"),
    (r"областн\w*\s+государственн\w*\s+бюджетн\w*\s+учреждени\w*\s+здравоохранения", "ОГБУЗ"),
    (r"областн\w*\s+государственн\w*\s+бюджетн\w*\s+учреждени\w*", "ОГБУ"),
    (r"областн\w*\s+государственн\w*\s+казённ\w*\s+учреждени\w*|областн\w*\s+государственн\w*\s+казенн\w*\s+учреждени\w*", "ОГКУ"),
    (r"государственн\w*\s+бюджетн\w*\s+учреждени\w*\s+здравоохранения", "ГБУЗ"),
    (r"государственн\w*\s+бюджетн\w*\s+учреждени\w*", "ГБУ"),
    (r"муниципальн\w*\s+бюджетн\w*\s+учреждени\w*", "МБУ"),
    (r"муниципальн\w*\s+казённ\w*\s+учреждени\w*|муниципальн\w*\s+казенн\w*\s+учреждени\w*", "МКУ"),
    (r"автономн\w*\s+некоммерческ\w*\s+организаци\w*", "АНО"),
    (r"товариществ\w*\s+собственников\s+жиль\w*|товариществ\w*\s+собственников\s+недвижимости", "ТСЖ"),
    (r"крестьянск\w*\s+\(?фермерск\w*\)?\s+хозяйств\w*", "КФХ"),
    (r"индивидуальн\w*\s+предпринимател\w*", "ИП"),
)
_QUOTED = r"\s*[«\"“„']\s*(?P<name>[^«»\"“”„']{1,80}(?:[«\"“„'][^«»\"“”„']{1,40}[»\"”“'])?[^«»\"“”„']{0,40}?)\s*[»\"”“']"
_BARE = r"\s+(?P<bare>[А-ЯЁA-Z0-9][\wЁё\-]*(?:[ \-][А-ЯЁA-Z0-9][\wЁё\-]*){0,2})"
_FORM_RE = "|".join(sorted(_FORMS, key=len, reverse=True))
# foreign legal forms after the name, kept as written: «Kessler Industrietechnik GmbH», «Acme Ltd.»
_FOREIGN = re.compile(
    r"(?<![\w&])(?P<name>[A-Z][\w'’.-]*(?:(?:\s+|\s*&\s*)(?:[A-Z0-9][\w'’.-]*|van|von|der|den|de|du|la|le|di|del|and|und)){0,4})\s*,?\s+"
    r"(?P<form>GmbH(?:\s*&\s*Co\.\s*KG)?|Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?|Corp\.?|Corporation|AG|SE|plc|PLC|"
    r"S\.A\.|SA|S\.A\.S\.|SAS|SARL|S\.à\s?r\.l\.|S\.r\.l\.|Srl|S\.p\.A\.|SpA|B\.V\.|BV|N\.V\.|NV|"
    r"Oy|Oyj|AB|A/S|ApS|AS|KG|OHG|Sp\.\s?z\s?o\.o\.|s\.r\.o\.|a\.s\.|Kft\.|d\.o\.o\.|Pty\.?\s?Ltd\.?|"
    r"Co\.,?\s?Ltd\.?|LLP|LP)(?![\w&])")
_ORG = re.compile(rf"(?<![А-Яа-яЁёA-Za-z])(?P<form>{_FORM_RE})(?:{_QUOTED}|{_BARE})")
_IP = re.compile(r"(?<![А-Яа-яЁё])ИП\s+(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
                 r"(?:\s+[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)?|\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?)?)")
_WRITER = re.compile(r"((?<![А-Яа-яЁё])я,?|(?<![А-Яа-яЁё])мы,?(\s*[—–-])?|наш\w*\s+(организаци\w*|компани\w*|предприяти\w*|учреждени\w*|фирм\w*)|"
                     r"от имени|представля\w*|являюсь\s+\w+|директор\w*|руководител\w*|бухгалтер\w*|"
                     r"менеджер\w*|сотрудник\w* |on\s+behalf\s+of|we,?(\s+are|\s+at)?|represent\w*|"
                     r"(manager|director|head|officer|engineer|accountant)\b[^.!?]{0,40}\b(at|of))\s*$", re.I)
_PASSING = re.compile(r"(у|в|во|из|от|с|со|для|через|поставщик\w*|контрагент\w*|перевозчик\w*|"
                      r"компани\w*|фирм\w*|работаю в|работаю|магазин\w*|банк\w*)\s*$", re.I)


# bank requisites: the bank that keeps the writer's account is never the writer
# («р/с … в ПАО Сбербанк», «Банк: АО «Альфа-Банк»», «БИК …», «к/с …»)
_REQUISITES = re.compile(
    r"(?<![А-Яа-яЁёA-Za-z])(р/с|р/сч|р\.\s?с\.|к/с|к/сч|кор/с|корр?\.?\s*сч[её]т|расч[её]тн\w*\s+сч[её]т\w*|"
    r"бик|банк\w*\s+(получателя|плательщика|клиента)|банк\w*\s*[:\-–—]|в\s+банке|отделени\w*\s*(n|№)\s*\d)"
    r"(?![А-Яа-яЁёA-Za-z])", re.I)
_BANK_LABEL = re.compile(r"^\s*(наименование\s+)?банк\w*(\s+(получателя|плательщика|клиента))?\s*:?\s*$", re.I)


def is_requisites(line: str, previous: str = "") -> bool:
    """A line of bank requisites (or the value under a «Банк:» label on the line before)."""
    return bool(_REQUISITES.search(line)) or bool(_BANK_LABEL.match(previous))


def spell_out_forms(text: str) -> str:
    """Replace spelled-out legal forms by their abbreviations («Общество с … ответственностью» → ООО)."""
    for pattern, short in _SPELLED:
        text = re.sub(pattern, short, text, flags=re.I)
    return text


def find_organisation(line: str) -> tuple[str, int] | None:
    """The organisation named in ``line``, normalised, with its position; None when there is none."""
    line = spell_out_forms(line)
    ip = _IP.search(line)
    org = _ORG.search(line)
    if ip and (not org or ip.start() <= org.start()):
        return f"ИП {ip.group('name').strip()}", ip.start()
    if not org:
        return _foreign_organisation(line)
    name = (org.group("name") or org.group("bare") or "").strip(" .,")
    if not name or name.lower() in ("г", "ул", "тел"):
        return None
    return f"{org.group('form')} «{name}»", org.start()


def _foreign_organisation(line: str) -> tuple[str, int] | None:
    """A company with a foreign legal form (GmbH, Ltd, LLC, Inc, AG, S.A., B.V. …), as written."""
    found = _FOREIGN.search(line)
    if not found:
        return None
    name = found.group("name")
    words = name.split()
    while words and words[0].lower() in ("the", "our", "my", "from", "of"):  # never capitalised names
        words.pop(0)
    if not words:
        return None
    start = found.start("name") + name.index(words[0])
    return line[start:found.end()].strip(), start


def org_is_writer(line: str, position: int, standalone: bool) -> bool:
    """Is the organisation at ``position`` the writer (signature/letterhead or the subject)?"""
    before = spell_out_forms(line)[:position]
    if standalone or not before.strip():
        return not _PASSING.search(before) or bool(_WRITER.search(before))
    return bool(_WRITER.search(before))


def same_organisation(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(name: str) -> str:
    return re.sub(r"[^а-яёa-z0-9]", "", name.lower().replace("ё", "е"))
