"""Reading attachments as a clerk does: is this a claim, whose, what defects; is that a label.

Pure: takes what ``ingest.extract`` read out of each attachment (text per page, image facts)
and returns an ``AttachmentFinding`` per file. A document is a claim when it is headed
«Претензия»/«Рекламация», or when it demands something (требую, прошу заменить …) and carries
requisites (ИНН, КПП, р/с) or a signature block. Whose it is comes from its letterhead, requisites
and signature (read like a mail's signature, classify.identity). An image is a label photo when
OCR finds a serial number, «дата изготовления», «зав. №» or a valid EAN-13; a photo otherwise;
a mostly white, colourless image is a scan of a paper.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from classify.identity import Sender, extract_applicant
from classify.kind import defect_phrases
from classify.types import Applicant, AttachmentFinding, ClassifyRules
from ingest.types import ExtractedAttachment, ImageFacts

_HEADING = re.compile(r"^[ \t]*(П\s?Р\s?Е\s?Т\s?Е\s?Н\s?З\s?И\s?Я|Претензия|Р\s?Е\s?К\s?Л\s?А\s?М\s?А\s?Ц\s?И\s?Я|"
                      r"Рекламация|Досудебная\s+претензия|ДОСУДЕБНАЯ\s+ПРЕТЕНЗИЯ)\b[^\n]{0,60}", re.M)
_DEMAND = re.compile(r"\b(требую|требуем|прошу|просим)\s+(\S+\s+){0,3}?(замен\w*|вернуть|возврат\w*|возместить|"
                     r"возмещ\w*|устранить|устранени\w*|безвозмездн\w*|расторгнуть|уменьш\w*|выплатить|компенс\w*)"
                     r"|в\s+случае\s+(неудовлетворения|отказа)", re.I)
_REQUISITES = re.compile(r"\b(ИНН|КПП|ОГРН|ОГРНИП|БИК)\b\s*[:№]?\s*\d{9,15}|\bр/с\b|расч[её]тный\s+сч[её]т", re.I)
_SIGNATURE = re.compile(r"(подпись|м\.\s?п\.|/\s*[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?\s*/|"
                        r"^\s*(генеральный\s+)?директор\b|^\s*руководитель\b|^\s*индивидуальный\s+предприниматель\b)",
                        re.I | re.M)
_SIGNER = re.compile(r"([А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+)")
_LABEL_MARKS = (
    ("serial", re.compile(r"(серийн\w*\s+номер|сер\.\s*№|\bs/?n\b|serial\s*(no|number)?|"
                          r"зав(одской|\.)?\s*(№|номер|n\b))\s*[:№#.]?\s*[A-ZА-Я0-9][A-ZА-Я0-9\-/]{3,}", re.I)),
    ("manufactured", re.compile(r"дата\s+(изготовлени|производств|выпуск)\w*|изготовлен[оа]?\s*[:.]?\s*\d|"
                                r"\bmfg\b|date\s+of\s+manufacture|manufactured", re.I)),
)
_EAN = re.compile(r"(?<!\d)(\d)[ ]?(\d{6})[ ]?(\d{6})(?!\d)")
_RECEIPT = re.compile(r"кассов\w*\s+чек|\bитог\b|\bфн\b|\bфд\b|\bфп\b|квитанци|накладн|сч[её]т\s*(-\s*фактур|на\s+оплату)",
                      re.I)
_WORDS = re.compile(r"[А-Яа-яЁёA-Za-z]{3,}")
_SEE_ATTACHED = re.compile(r"см(\.|отрите)?\s+(во\s+)?(вложени|приложени|файл)|во\s+вложени|в\s+приложени|"
                           r"прилага\w*|приложен\w*|направля\w*\s+претензи", re.I)
_POINTS_TO_FILES = re.compile(r"см(\.|отрите)?\s+(во\s+)?(вложени|приложени|файл)|во\s+вложени|в\s+приложени", re.I)
_SMALL_PICTURE = 100_000  # pixels; ingest.ocr does not read smaller ones either
_NAME_FIELDS = ("last_name", "first_name", "middle_name")
_OTHER_FIELDS = ("organization", "inn", "kpp", "postal_address", "phone")


def read_attachments(extracted: tuple[ExtractedAttachment, ...],
                     rules: ClassifyRules) -> tuple[AttachmentFinding, ...]:
    """One finding per attachment that was looked at."""
    return tuple(read_attachment(x, rules) for x in extracted)


def read_attachment(x: ExtractedAttachment, rules: ClassifyRules) -> AttachmentFinding:
    base = AttachmentFinding(index=x.index, filename=x.filename, role="other", ocr=bool(x.ocr_pages),
                             image=describe_image(x.image) if x.image else None)
    if x.unreadable:
        return _with(base, role="unreadable", unreadable=x.unreadable)
    if x.format == "image":
        return _read_picture(x, base, rules)
    if x.pages:
        return _read_document(x, base, rules)
    return base


def describe_image(facts: ImageFacts) -> str:
    what = "scan of a paper" if facts.document_like else "photo"
    taken = f", taken {facts.taken}" if facts.taken else ""
    camera = f", {facts.camera}" if facts.camera else ""
    return f"{what} {facts.width}×{facts.height}{taken}{camera}"


def _read_document(x: ExtractedAttachment, base: AttachmentFinding, rules: ClassifyRules) -> AttachmentFinding:
    claim = _claim_page(x.pages)
    text = x.text
    defects = tuple(defect_phrases(text)[:5])
    if claim is None:
        return _with(base, role="document", defects=defects, evidence=_first_words(text))
    page, evidence = claim
    who = whose(text, rules)
    org = who.organization
    if org and org not in evidence:
        evidence = f"{evidence} … {org}"
    return _with(base, role="claim_form", page=page if len(x.pages) > 1 or x.format == "pdf" else None,
                 evidence=evidence, organisation=org, inn=who.inn, kpp=who.kpp,
                 address=who.postal_address, signer=_signer(text, who), defects=defects)


def _read_picture(x: ExtractedAttachment, base: AttachmentFinding, rules: ClassifyRules) -> AttachmentFinding:
    text = x.text
    marks = label_marks(text)
    document_like = bool(x.image and x.image.document_like)
    if x.image and x.image.width * x.image.height < _SMALL_PICTURE:
        return base  # a logo or an icon: its name and type decide
    if marks:
        return _with(base, role="label_photo", label_marks=marks, evidence="; ".join(marks)[:120])
    if _claim_page(x.pages) is not None:
        return _with(_read_document(x, base, rules), page=None)
    if document_like or _RECEIPT.search(text):
        receipt = _RECEIPT.search(text)
        return _with(base, role="paper", evidence=receipt.group(0) if receipt else _first_words(text))
    return _with(base, role="defect_photo", defects=tuple(defect_phrases(text)[:3]))


def _claim_page(pages: tuple[str, ...]) -> tuple[int, str] | None:
    """(page, the words) of the first page that reads as a claim."""
    for number, page in enumerate(pages, start=1):
        heading = _HEADING.search(page)
        if heading:
            return number, " ".join(heading.group(0).split())[:80]
        demand = _DEMAND.search(page)
        if demand and (_REQUISITES.search(page) or _SIGNATURE.search(page)):
            return number, " ".join(demand.group(0).split())[:80]
    return None


def whose(text: str, rules: ClassifyRules) -> Applicant:
    """Who wrote a document: its letterhead, requisites, address and signature."""
    applicant, _ = extract_applicant(text, Sender(None, None), rules)
    return applicant


def defers_to_attachments(body: str) -> bool:
    """The mail says next to nothing or sends the reader to its attachments («см. вложение»)."""
    return len(_WORDS.findall(body)) < 30 or bool(_POINTS_TO_FILES.search(body))


def fill_from_claim(applicant: Applicant, body: str, claim_text: str,
                    rules: ClassifyRules) -> tuple[Applicant, list[str]]:
    """When the mail says little or points to the attachment («см. вложение»), the attached
    claim tells who writes: its letterhead, requisites and signature fill what the mail lacks
    (never overriding what the mail itself says)."""
    if len(_WORDS.findall(body)) > 60 and not _SEE_ATTACHED.search(body):
        return applicant, []
    doc = whose(claim_text, rules)
    filled: dict[str, Any] = {f: getattr(doc, f) for f in _OTHER_FIELDS
                              if getattr(applicant, f) is None and getattr(doc, f)}
    if not any(getattr(applicant, f) for f in _NAME_FIELDS) and doc.last_name and doc.first_name:
        filled |= {f: getattr(doc, f) for f in _NAME_FIELDS}
    if not filled:
        return applicant, []
    merged = replace(applicant, **filled)
    kind = "legal_entity" if merged.organization else \
        "individual" if merged.last_name and merged.first_name else merged.type
    return replace(merged, type=kind), [f"applicant from the attached claim: {', '.join(filled)}"]


def _signer(text: str, who: Applicant) -> str | None:
    if who.last_name and who.first_name:
        return " ".join(p for p in (who.last_name, who.first_name, who.middle_name) if p)
    tail = text[-1500:]
    for line in reversed(tail.splitlines()):
        found = _SIGNER.search(line)
        if found and (_SIGNATURE.search(line) or "/" in line or len(line.split()) <= 6):
            return found.group(1)
    return None


def label_marks(text: str) -> tuple[str, ...]:
    """What makes a picture a product label: serial number, manufacture date, EAN-13."""
    marks = [" ".join(m.group(0).split())[:60] for _, pattern in _LABEL_MARKS for m in [pattern.search(text)] if m]
    ean = next((m for m in _EAN.finditer(text) if _ean_valid("".join(m.groups()))), None)
    if ean:
        marks.append(f"EAN {''.join(ean.groups())}")
    return tuple(marks)


def _ean_valid(digits: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return len(digits) == 13 and (10 - total % 10) % 10 == int(digits[12]) and len(set(digits)) > 2


def _first_words(text: str) -> str:
    return " ".join(" ".join(text.split()).split(" ")[:8])[:80] if _WORDS.search(text) else ""


def _with(base: AttachmentFinding, **changes: Any) -> AttachmentFinding:
    return replace(base, **changes)

