"""The quality-claim checklist (5): claim form, defect photos, label photos.

Judged from attachment names and types and what the text says. A claim written only in the
body does not satisfy the claim form; an inline photo in the HTML body counts as a defect
photo; «документы направим дополнительно» satisfies nothing. Also the plain-Russian lines the
acknowledgement uses to ask for what is missing. Pure.
"""

from __future__ import annotations

import re

from classify.types import DOCUMENTS
from ingest.types import ParsedAttachment

_CLAIM_NAME = re.compile(r"претенз|рекламац|заявлени|бланк|claim|pretenz|akt|акт", re.I)
_LABEL_NAME = re.compile(r"наклейк|этикет|шильд|серийн|маркировк|табличк|бирк|штрихкод|s[/_-]?n\b|"
                         r"serial|label|sticker|nameplate|заводск|номер", re.I)
_DOC_TYPES = ("application/pdf", "application/msword", "application/rtf", "text/rtf",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.oasis.opendocument.text")
_DOC_EXT = re.compile(r"\.(pdf|docx?|rtf|odt)$", re.I)
_MEDIA_EXT = re.compile(r"\.(jpe?g|png|gif|bmp|heic|webp|tiff?|mp4|mov|avi|3gp|mkv)$", re.I)
_ATTACH_VERB = r"(прикладыва|прилага|во\s+вложени|направля|высыла|отправля|прикрепля|приложен|прилож)"
_SAYS_LABEL = re.compile(rf"{_ATTACH_VERB}[^.\n]{{0,120}}(наклейк|этикет|шильд|серийн|маркировк|табличк)|"
                         rf"(фото|снимок|снимки)\w*\s+(наклейк|этикет|шильд|серийн|маркировк|табличк)[^.\n]{{0,60}}{_ATTACH_VERB}", re.I)

_LOGO = re.compile(r"logo|логотип|signature|banner|icon", re.I)
_TEXT = {
    "claim_form": "претензия на фирменном бланке (скан или документ)",
    "defect_photos": "фото или видео, на которых виден дефект (общий вид и крупным планом)",
    "label_photos": "фото этикетки или наклейки товара с датой и временем изготовления и серийным номером",
}


def missing_documents(attachments: tuple[ParsedAttachment, ...], text: str) -> tuple[tuple[str, ...], list[str]]:
    """What a quality claim lacks, in the order claim_form, defect_photos, label_photos; and why."""
    have: dict[str, str] = {}
    media = [a for a in attachments if _is_media(a)]
    for att in attachments:
        name = att.filename or ""
        if att.disposition == "attachment" and (_is_document(att) or _is_media(att)) and _CLAIM_NAME.search(name):
            have.setdefault("claim_form", f"claim document {name!r}")
        elif _is_media(att) and _LABEL_NAME.search(name):
            have.setdefault("label_photos", f"label photo {name!r}")
        elif _is_media(att):
            have.setdefault("defect_photos", f"photo {name or att.content_type!r}"
                            + (" (inline in the body)" if att.disposition == "inline" else ""))
    if media and "label_photos" not in have and (said := _SAYS_LABEL.search(text)):
        have["label_photos"] = f"text says a label photo is attached: {said.group(0)[:50]!r}"
        if len(media) < 2 and "defect_photos" in have and not _LABEL_NAME.search(media[0].filename or ""):
            del have["defect_photos"]  # the one photo is the label's
    missing = tuple(d for d in DOCUMENTS if d not in have)
    reasons = [f"checklist (5): {d} present — {why}" for d, why in have.items()]
    reasons.append(f"checklist (5): missing {list(missing) or 'nothing'}")
    return missing, reasons


def missing_documents_text(missing: tuple[str, ...]) -> list[str]:
    """Plain-Russian lines for the acknowledgement: what the applicant still has to send."""
    return [_TEXT[d] for d in DOCUMENTS if d in missing]


def _is_document(att: ParsedAttachment) -> bool:
    return att.content_type in _DOC_TYPES or bool(_DOC_EXT.search(att.filename or ""))


def _is_media(att: ParsedAttachment) -> bool:
    ctype = att.content_type
    if att.disposition == "inline" and (_LOGO.search(att.filename or "") or (
            ctype in ("image/png", "image/gif") and att.size < 2048)):
        return False  # a signature logo, not a photo
    return ctype.startswith(("image/", "video/")) or bool(_MEDIA_EXT.search(att.filename or ""))
