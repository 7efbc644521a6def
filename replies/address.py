"""Forms of address in Russian business mail: «Уважаемый Пётр Сергеевич!», «Уважаемые коллеги!».

Gender comes from the patronymic (-вич / -вна, -чна, -кызы, -оглы), else from the first name via
pymorphy3's grammemes, else from the surname's ending. Pure; the analyser loads once.
"""

from __future__ import annotations

from classify.types import Applicant
from base.morph import morph_analyzer


def gender(first_name: str | None, middle_name: str | None, last_name: str | None) -> str | None:
    """'masc', 'femn' or None when it cannot be told."""
    if middle_name:
        low = middle_name.lower()
        if low.endswith(("вич", "оглы", "ич")):
            return "masc"
        if low.endswith(("вна", "чна", "шна", "кызы")):
            return "femn"
    if first_name:
        for parse in morph_analyzer().parse(first_name):
            if "Name" in parse.tag and parse.tag.gender in ("masc", "femn"):
                return str(parse.tag.gender)
    if last_name:
        low = last_name.lower()
        if low.endswith(("ова", "ева", "ёва", "ина", "ына", "ая", "ская")):
            return "femn"
        if low.endswith(("ов", "ев", "ёв", "ин", "ын", "ий", "ой", "ский")):
            return "masc"
    return None


def salutation(who: Applicant) -> str:
    """The opening line of a letter to ``who``, with the exclamation mark."""
    if who.type == "legal_entity" and not (who.first_name and who.middle_name):
        return "Уважаемые коллеги!"
    if who.first_name and who.middle_name:
        name = f"{who.first_name} {who.middle_name}"
    elif who.first_name and who.last_name:
        name = who.first_name  # «Уважаемый Олег!»: a first name with a surname reads oddly
    else:
        return "Здравствуйте!"
    sex = gender(who.first_name, who.middle_name, who.last_name)
    if sex == "masc":
        return f"Уважаемый {name}!"
    if sex == "femn":
        return f"Уважаемая {name}!"
    return f"Здравствуйте, {name}!"
