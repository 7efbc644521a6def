"""Routing (1.4, 2.1, 3.1): department, region and assignee, all from ClassifyRules (config.yaml).

Project keywords (stems, matched at the start of words or their lemmas) name the project; a
claim (refund, invoice, quality of goods) and anything a department's ``priority_keywords``
name (staff behaviour, billing) go to that department even when a project is mentioned; a
complaint about a project's own support stays with the project. The region decides the EGAIS
assignee: from the address, the landline code or a town named; for other departments only
from a postal address in the oblast. Pure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from classify.contacts import landline_codes
from classify.nlp import lemma, words
from classify.types import ClassifyRules, DepartmentRule, RegionRule

_REGION_DEPENDENT = "egais"  # the department whose assignee depends on the region (support page)


@dataclass(frozen=True)
class Route:
    department: str
    region: str | None
    assignee: str | None
    reasons: tuple[str, ...]


def route_appeal(subject: str, text: str, kind: str, quality_claim: bool, address: str | None,
                 rules: ClassifyRules, phone: str | None = None) -> Route:
    """Department, region and assignee for one appeal, with the words that decided.

    ``phone`` is the applicant's reply phone (E.164): its landline code places an EGAIS appeal
    even when the number is not in the text (a web-form field).
    """
    department, why = _department(subject, text, kind, quality_claim, rules)
    rule = _rule(rules, department)
    region, region_why = _region(department, address, f"{subject}\n{text}", rules, phone)
    assignee = dict(rule.regional_assignees).get(region or "", rule.assignee) if rule else None
    return Route(department, region, assignee, (why, region_why, f"assignee {assignee} ({department}"
                                                 + (f", {region})" if region else ")")))


def _department(subject: str, text: str, kind: str, quality_claim: bool,
                rules: ClassifyRules) -> tuple[str, str]:
    default = rules.default_department
    tokens = _tokens(f"{subject}\n{text}")
    subject_tokens = _tokens(subject)
    priority = _priority(tokens, rules)
    if priority is not None:
        return priority
    if quality_claim or kind == "claim":
        return default, f"department {default}: a claim (refund, invoice, quality of goods) goes to {default} (2.1)"
    scores = {
        r.key: sum(_count(tokens, k) + _count(subject_tokens, k) for k in r.keywords)
        for r in rules.departments if r.key != default
    }
    best = max(scores, key=lambda k: scores[k], default=None)
    if best and scores[best] > 0:
        hits = [k for k in _rule(rules, best).keywords if _count(tokens, k)]  # type: ignore[union-attr]
        return best, f"department {best}: keywords {hits[:5]} (score {scores[best]})"
    return default, f"department {default}: no project named (default, 1.4)"


def priority_department(subject: str, text: str, rules: ClassifyRules) -> tuple[str, str] | None:
    """The department a priority keyword (staff behaviour, billing) sends the appeal to, with
    why; None when no priority keyword occurs."""
    return _priority(_tokens(f"{subject}\n{text}"), rules)


def _priority(tokens: _Tokens, rules: ClassifyRules) -> tuple[str, str] | None:
    for rule in rules.departments:
        hit = next((k for k in getattr(rule, "priority_keywords", ()) if _count(tokens, k)), None)
        if hit:
            return rule.key, f"department {rule.key}: priority keyword {hit!r}"
    return None


@dataclass(frozen=True)
class _Tokens:
    """Words (surface form, lemma) and where each two-letter start occurs, for fast stem lookup."""

    words: tuple[tuple[str, str], ...]
    starts: dict[str, tuple[int, ...]]


def _tokens(text: str) -> _Tokens:
    pairs = tuple((_fold(_form_name(w.lower())), _fold(lemma(w))) for w in words(text[:50000]))
    starts: dict[str, list[int]] = {}
    for i, (surface, lem) in enumerate(pairs):
        for key in {surface[:2], lem[:2]}:
            starts.setdefault(key, []).append(i)
    return _Tokens(pairs, {k: tuple(v) for k, v in starts.items()})


def _fold(word: str) -> str:
    """ё as е, and no soft sign: transliterated Russian drops it («Rosalkogol» is «росалкоголь»)."""
    return word.replace("ё", "е").replace("ь", "")


def _form_name(word: str) -> str:
    """A numbered report form («6-ндфл», «4-фсс», «2-ндфл») is matched by its name after the number."""
    number, dash, name = word.partition("-")
    return name if dash and number.isdigit() and name else word


def _count(tokens: _Tokens, keyword: str) -> int:
    """How often ``keyword`` (stems separated by spaces) starts consecutive words."""
    stems = _fold(keyword.lower()).split()
    if not stems:
        return 0
    found = 0
    for i in tokens.starts.get(stems[0][:2], ()):
        if i + len(stems) > len(tokens.words):
            continue
        if all(tokens.words[i + j][0].startswith(s) or tokens.words[i + j][1].startswith(s)
               for j, s in enumerate(stems)):
            found += 1
    return found


def _rule(rules: ClassifyRules, key: str) -> DepartmentRule | None:
    return next((r for r in rules.departments if r.key == key), None)


def _region(department: str, address: str | None, text: str, rules: ClassifyRules,
            phone: str | None = None) -> tuple[str | None, str]:
    if address:
        for region in rules.regions:
            if _address_in(address, region):
                return region.key, f"region {region.key}: postal address {address[:40]!r}"
    if department != _REGION_DEPENDENT:
        return None, "region: none (only a postal address in the oblast sets it outside EGAIS)"
    for code in landline_codes(phone or "") + landline_codes(text):
        by_code = next((r for r in rules.regions if code in r.phone_codes), None)
        if by_code:
            return by_code.key, f"region {by_code.key}: landline code {code}"
    low = text.lower().replace("ё", "е")
    for region in rules.regions:
        marker = next((m for m in region.markers if _marker_re(m).search(low)), None)
        if marker:
            return region.key, f"region {region.key}: town {marker!r} named in the text"
    return None, "region: not found"


def _address_in(address: str, region: RegionRule) -> bool:
    postcode = re.search(r"\b(\d{6})\b", address)
    if postcode:
        return postcode.group(1).startswith(region.postal_prefixes) if region.postal_prefixes else False
    low = address.lower().replace("ё", "е")
    return any(_marker_re(m).search(low) for m in region.markers)


@functools.lru_cache(maxsize=256)
def _marker_re(marker: str) -> re.Pattern[str]:
    """A town's stems at the start of consecutive words: «стар оскол» finds «в Старом Осколе»."""
    stems = marker.lower().replace("ё", "е").split()
    return re.compile(r"(?<![а-я])" + r"[а-я]*[\s-]+".join(re.escape(s) for s in stems))
