"""How alike two appeals are, and whose they are: the raw material of repeat detection (2.4). Pure.

Texts are compared as *sets of lemmas* (pymorphy3 dictionary forms, ё→е), so «не работает
рутокен» and «рутокен опять не работал» share their words whatever the case or tense. Function
words (prepositions, conjunctions, particles, pronouns), words shorter than three letters, bare
numbers and mail boilerplate (greetings, thanks, «прошу», «обращение») are dropped: they are in
every letter and would make any two look alike.

The measure is the cosine of the two sets (Ochiai: |A∩B| / √(|A|·|B|)) rather than Jaccard
(|A∩B| / |A∪B|). A repeat is often a shorter restatement of the first letter ("I wrote about
this on the 3rd, the token still does not work"); Jaccard punishes the length difference hard
(20 shared lemmas out of 20 and 60 give 0.33), the cosine much less (0.58), while two letters
on different subjects still score low under both. The overlap coefficient (|A∩B| / min) would
be more lenient still, and flags any one-line mail whose few words happen to occur in a long one.
"""

from __future__ import annotations

import math
import re

from classify.nlp import lemma, parses, words
from classify.organisation import spell_out_forms
from classify.types import Applicant

MIN_LENGTH = 3
_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "PRED"})
# lemmas that every appeal has, whatever it is about
STOP_LEMMAS = frozenset("""
    здравствуйте здравствовать добрый день утро вечер уважаемый уважение спасибо благодарить
    благодарность пожалуйста просить прошу просьба обращение обращаться письмо сообщение ответ
    ответить вопрос ваш наш мой свой этот тот весь такой который какой быть мочь это также
    очень ещё еще уже тема дата год число тел телефон email почта mail ооо ао ип пао
    центринформ филиал белгородский компания организация меня мне
""".split())
_LEGAL_FORM = re.compile(
    r"^(?:ООО|АО|ПАО|ЗАО|ОАО|НАО|МУП|ГУП|ОГУП|ФГУП|ГБУ|ГКУ|ГАУ|МБУ|МКУ|МАУ|МБОУ|МАОУ|МКОУ|"
    r"МБДОУ|МАДОУ|ОГБУ|ОГБУЗ|ОГКУ|ОГАУ|ФГБУ|ФГБОУ|ГБУЗ|ГАУЗ|ГБОУ|ГБПОУ|ОГАПОУ|ОГБПОУ|АНО|НКО|"
    r"ТСЖ|ТСН|СНТ|КФХ|СПК|ПК|НП|ЧУ|ЧОУ|ГК|ТОО|МП)\s+", re.I)
_QUOTES = re.compile(r"[«»\"“”„']")


def lemma_set(text: str) -> frozenset[str]:
    """The distinct content lemmas of ``text`` (quoted history and signature left to the caller)."""
    found = set()
    for word in words(text):
        if word.isdigit() or len(word) < MIN_LENGTH:
            continue
        form = lemma(word)
        if len(form) < MIN_LENGTH or form in STOP_LEMMAS or _is_function_word(word):
            continue
        found.add(form)
    return frozenset(found)


def similarity(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Cosine of two lemma sets, 0.0 (nothing shared) to 1.0 (the same words)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def applicant_key(applicant: Applicant) -> str | None:
    """Who the appeal is from, normalised to compare across mails: the organisation's name
    without legal form and quotes («ООО «Ромашка»» → "ромашка"; «ИП Иванов Иван» → "иванов
    иван"), else "фамилия имя"; lower case, ё→е. None when there is neither (anonymous)."""
    if applicant.organization:
        key = _organisation_key(applicant.organization)
        if key:
            return key
    if applicant.last_name and applicant.first_name:
        return _normal(f"{applicant.last_name} {applicant.first_name}")
    return None


def _organisation_key(name: str) -> str | None:
    name = spell_out_forms(name).strip()
    if re.match(r"^ИП\s+", name, re.I):
        return _normal(" ".join(name.split()[1:3])) or None
    name = _LEGAL_FORM.sub("", name)
    return _normal(_QUOTES.sub(" ", name)) or None


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _is_function_word(word: str) -> bool:
    found = parses(word.lower())
    return bool(found) and found[0].tag.POS in _FUNCTION_POS
