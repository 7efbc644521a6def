"""Person names: find «Фамилия Имя Отчество» in a line and put it in the nominative (2.2).

pymorphy3's Surn/Name/Patr grammemes tell the parts apart; names found in another case
("от Иванова Петра") are inflected to the nominative; ё stays as the writer wrote it.
Pure (the morph analyser is loaded lazily in classify.nlp).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classify.nlp import parses

# patronymics in every case: -ович/-евич/-ич(а, у, ем, е), -овна/-евна/-ична(ы, е, у, ой)
_PATR = re.compile(r"(ович|евич|ич)(а|у|ем|е)?$|(овн|евн|ичн)(а|ы|е|у|ой)$", re.I)
_SURN_END = re.compile(r"(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|енко|ко|ук|юк|чук|ий|ая|ой|ых|их|"
                       r"ский|ская|цкий|цкая|ян|ич|ец|ель|ель|дзе|швили)$", re.I)
_TOKEN = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.?|[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?\.?")
_INITIALS = re.compile(r"^([А-ЯЁ])\.\s?(?:([А-ЯЁ])\.?)?$")
# words that look like names but are not (greetings, titles, common words in signatures)
_NOT_NAMES = frozenset(
    "добрый доброе здравствуйте уважением спасибо благодарю директор генеральный главный менеджер "
    "инженер бухгалтер руководитель заместитель начальник отдел отдела специалист юрист "
    "индивидуальный предприниматель ип ооо ао пао зао тел телефон моб адрес г ул д кв обл "
    "россия москва белгород брянск курск орёл орел уважаемый уважаемая уважаемые дорогой дорогая "
    "привет клиент покупатель заявитель исполнитель ответственный контакт абонент секретарь "
    "администратор бухгалтерия кассир продавец оператор товаровед технолог экономист "
    "дата имя сообщение email почта с уважением".split()
)
# first names that are also common words: a name only when capitalised and next to a patronymic
_AMBIGUOUS_NAMES = frozenset("вера надежда любовь роза слава мира лада".split())


@dataclass(frozen=True)
class PersonName:
    last: str | None = None
    first: str | None = None
    middle: str | None = None
    initials: str = ""  # initials after the surname ("В.А." -> "ВА") when the name is not spelled out

    @property
    def full(self) -> bool:
        return bool(self.last and self.first)


def find_name(line: str, whole_line: bool = False) -> PersonName | None:
    """The best person name written in ``line`` (2-3 name words, or surname + initials).

    ``whole_line``: the line is a name field or a signature line; when its words are exactly a
    first name and one more word, a surname that is also a common noun («Мельник Игорь»,
    «КОВАЛЬ ИРИНА») is read as the surname.
    """
    tokens = [t.strip() for t in _TOKEN.findall(line)]
    if whole_line and len(tokens) in (2, 3):
        named = find_name(line)
        return named if named and named.full else read_name(tokens, noun_surname=True) or named
    best: PersonName | None = None
    for size in (3, 2):
        for i in range(len(tokens) - size + 1):
            found = read_name(tokens[i:i + size])
            if found and (best is None or _rank(found) > _rank(best)):
                best = found
        if best and best.full:
            return best
    return best


def read_name(tokens: list[str], noun_surname: bool = False) -> PersonName | None:
    """Interpret 2-3 tokens as a name; None when they are not one."""
    if len(tokens) >= 2 and _INITIALS.match(tokens[-1].replace(" ", "")):
        return _surname_initials(tokens[0], tokens[-1], noun_surname) if len(tokens) == 2 else None
    tokens = [*tokens[:-1], _sentence_end(tokens[-1])] if tokens else tokens
    if any(t.endswith(".") or t.lower().strip(".") in _NOT_NAMES for t in tokens):
        return None
    if any(_ambiguous(t) for t in tokens) and not _ambiguous_is_name(tokens, noun_surname):
        return None
    roles = _roles(tokens, noun_surname)
    if roles is None:
        return None
    case = _common_case(tokens, roles)
    parts = {role: _nominative(tok, role, case) for tok, role in zip(tokens, roles)}
    return PersonName(parts.get("Surn"), parts.get("Name"), parts.get("Patr"))


def _sentence_end(tok: str) -> str:
    """«… Петров Иван Сергеевич.»: the full stop ends the sentence; a whole patronymic or first
    name is no abbreviation (an abbreviation like «ул.» keeps its dot and is no name)."""
    word = tok[:-1]
    if tok.endswith(".") and len(word) >= 4 and (_is_patronymic(word) or _is_name(word)):
        return word
    return tok


def single_first_name(line: str) -> str | None:
    """A line that is only a first name ("Оксана"): the name, title-cased."""
    tokens = _TOKEN.findall(line.strip())
    if len(tokens) == 1 and tokens[0].lower() not in _NOT_NAMES and not _ambiguous(tokens[0]) \
            and _is_name(tokens[0]):
        return _title(tokens[0])
    return None


def is_first_name(word: str) -> bool:
    """A Russian first name (any case), by the morph dictionary."""
    return _is_name(word)


def is_patronymic_word(word: str) -> bool:
    """A Russian patronymic (-ович, -евна … in any case)."""
    return _is_patronymic(word)


def _rank(name: PersonName) -> tuple[int, int]:
    return (2 if name.full else 1 if name.last and name.initials else 0, bool(name.middle))


def _surname_initials(surname: str, initials: str, noun_surname: bool = False) -> PersonName | None:
    if surname.lower() in _NOT_NAMES or not (_is_surname_like(surname) or noun_surname and _noun_surname(surname)):
        return None
    match = _INITIALS.match(initials.replace(" ", ""))
    letters = "".join(g for g in match.groups() if g) if match else ""
    return PersonName(last=_title(surname), initials=letters)


def _roles(tokens: list[str], noun_surname: bool = False) -> list[str] | None:
    """Assign Surn/Name/Patr to each token; None unless there is a first name and one more part."""
    roles: list[str | None] = ["Patr" if _is_patronymic(tok) else None for tok in tokens]
    name_at = _name_index(tokens, roles)
    if name_at is None:
        return None
    roles[name_at] = "Name"
    # «Имя Отчество» written together: the remaining word is the surname even in lower case
    paired = name_at + 1 < len(tokens) and roles[name_at + 1] == "Patr"
    for i, tok in enumerate(tokens):
        if roles[i] is None:
            if "Surn" in roles or not (_could_be_surname(tok, paired) or noun_surname and _noun_surname(tok)):
                return None
            roles[i] = "Surn"
    if len(tokens) == 3 and roles.count("Surn") != 1:
        return None
    return [r or "" for r in roles]


def _name_index(tokens: list[str], roles: list[str | None]) -> int | None:
    """The first name: the word just before a patronymic (Russian order), else the first name-word."""
    for i in range(1, len(tokens)):
        if roles[i] == "Patr" and roles[i - 1] is None and _is_name(tokens[i - 1]):
            return i - 1
    return next((i for i, tok in enumerate(tokens) if roles[i] is None and _is_name(tok)), None)


def _is_patronymic(tok: str) -> bool:
    return bool(_PATR.search(tok.lower())) and _has_tag(tok, "Patr")


def _could_be_surname(tok: str, paired: bool) -> bool:
    """Next to «Имя Отчество» a word with a surname ending, or a capitalised noun (Мельник), is the surname."""
    if _is_surname_like(tok) or _has_tag(tok, "Surn"):
        return True
    low = tok.lower()
    if not paired or low in _NOT_NAMES or not re.fullmatch(r"[а-яё-]{2,}", low):
        return False
    found = parses(low)
    return bool(_SURN_END.search(low)) or (tok[:1].isupper() and bool(found) and found[0].tag.POS == "NOUN")


def _noun_surname(tok: str) -> bool:
    """A capitalised animate noun in the nominative (Мельник, Коваль, Ткач): surnames made from
    trades and nicknames, read as a surname only where the whole line is the name."""
    low = tok.lower()
    if not tok[:1].isupper() or low in _NOT_NAMES or not re.fullmatch(r"[а-яё-]{3,}", low):
        return False
    found = parses(low)
    return bool(found) and found[0].tag.POS == "NOUN" and {"anim", "sing", "nomn"} <= found[0].tag.grammemes


def _is_name(tok: str) -> bool:
    low = tok.lower()
    if low in _NOT_NAMES or len(low) < 2:
        return False
    return any("Name" in p.tag.grammemes and p.tag.number != "plur" and p.score >= 0.05 for p in parses(low))


def _ambiguous(tok: str) -> bool:
    low = tok.lower()
    return low in _AMBIGUOUS_NAMES or any(
        "Name" in p.tag.grammemes and p.normal_form in _AMBIGUOUS_NAMES for p in parses(low))


def _ambiguous_is_name(tokens: list[str], whole_line: bool = False) -> bool:
    """«Вера», «Надежда» … are names when capitalised and followed by a patronymic; on a line that is
    only a name (a From display name, a signature) also beside one capitalised surname («Вера
    Лукьянова», «Соколова Надежда»)."""
    if not all(t[:1].isupper() for t in tokens if _ambiguous(t)):
        return False
    if any(_is_patronymic(t) for t in tokens):
        return True
    others = [t for t in tokens if not _ambiguous(t)]
    return whole_line and len(tokens) == 2 and len(others) == 1 and others[0][:1].isupper() \
        and (_has_tag(others[0], "Surn") or _is_surname_like(others[0])) and _same_gender(tokens)


def _same_gender(tokens: list[str]) -> bool:
    """A first name and a surname of one gender («Вера Лукьянова», not «Роза Ветров»)."""
    first, last = (tokens[0], tokens[1]) if _ambiguous(tokens[0]) else (tokens[1], tokens[0])
    kinds = {"masc", "femn", "ms-f"}
    genders = set().union(*(kinds & p.tag.grammemes for p in parses(first.lower()) if "Name" in p.tag.grammemes))
    surnames = [kinds & p.tag.grammemes for p in parses(last.lower()) if "Surn" in p.tag.grammemes]
    return not surnames or any(not g or "ms-f" in g or g & genders for g in surnames)


def _is_surname_like(tok: str) -> bool:
    low = tok.lower()
    if low in _NOT_NAMES or len(low) < 2 or not re.fullmatch(r"[а-яё-]+", low):
        return False
    if any("Surn" in p.tag.grammemes for p in parses(low)):
        return True
    known = parses(low)
    # an unknown word with a surname ending (predictor guesses), or an adjective-like surname
    return bool(_SURN_END.search(low)) and (not known or known[0].score < 0.9 or tok[:1].isupper())


def _has_tag(tok: str, tag: str) -> bool:
    return any(tag in p.tag.grammemes for p in parses(tok.lower()))


def _common_case(tokens: list[str], roles: list[str]) -> str:
    """The grammatical case all name parts share; nominative when it fits."""
    for case in ("nomn", "gent", "datv", "ablt", "loct", "accs"):
        if all(_case_fits(tok, role, case) for tok, role in zip(tokens, roles)):
            return case
    return "nomn"


def _case_fits(tok: str, role: str, case: str) -> bool:
    found = [p for p in parses(tok.lower()) if role in p.tag.grammemes and p.tag.number != "plur"]  # one person
    if not found:
        return case == "nomn"  # an unknown surname: assume it is written as it is
    return any(p.tag.case == case or "Fixd" in p.tag.grammemes for p in found)


def _nominative(tok: str, role: str, case: str) -> str:
    if case == "nomn":
        return _title(tok)
    for p in parses(tok.lower()):
        if role in p.tag.grammemes and p.tag.case == case and p.tag.number != "plur":
            inflected = p.inflect({"nomn"})
            if inflected:
                return _title(inflected.word)
    return _title(tok)


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
