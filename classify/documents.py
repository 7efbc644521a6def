"""The quality-claim checklist (5): claim form, defect photos, label photos.

Judged from what each attachment shows when it could be read (classify.attachments: a claim
in «Скан_001.pdf», a label in «IMG_4411.jpg»), else from its name and type, and from what the
text says. A claim written only in the
body does not satisfy the claim form; an inline photo in the HTML body counts as a defect
photo; «документы направим дополнительно» satisfies nothing. Also the plain-Russian lines the
acknowledgement uses to ask for what is missing. Pure.
"""

from __future__ import annotations

import io
import mimetypes
import re
import struct
import zipfile

from classify.types import DOCUMENTS, AttachmentFinding
from ingest.types import ParsedAttachment

_CLAIM_NAME = re.compile(r"претенз|рекламац|заявлени|бланк|claim|pretenz|akt|акт", re.I)
_LABEL_NAME = re.compile(r"наклейк|этикет|шильд|серийн|маркировк|табличк|бирк|штрихкод|s[/_-]?n\b|"
                         r"serial|label|sticker|nameplate|заводск|номер", re.I)
_DOC_TYPES = ("application/pdf", "application/msword", "application/rtf", "text/rtf",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.oasis.opendocument.text")
_DOC_EXT = re.compile(r"\.(pdf|docx?|rtf|odt)$", re.I)
_MEDIA_EXT = re.compile(r"\.(jpe?g|png|gif|bmp|heic|webp|tiff?|mp4|mov|avi|3gp|mkv)$", re.I)
_ATTACH_VERB = r"(прикладыва|прилага|во\s+вложени|направля|высыла|отправля|прикрепля|приложен|прилож|в\s+архив)"
_SAYS_LABEL = re.compile(rf"{_ATTACH_VERB}[^.\n]{{0,120}}(наклейк|этикет|шильд|серийн|маркировк|табличк)|"
                         rf"(фото|снимок|снимки)\w*\s+(наклейк|этикет|шильд|серийн|маркировк|табличк)[^.\n]{{0,60}}{_ATTACH_VERB}", re.I)

# a photo of a receipt or a paper (чек, квитанция, накладная, договор) shows no defect
_PAPER_NAME = re.compile(r"ч[еe]к|chek|check|receipt|квитанц|kvit|накладн|nakladn|договор|dogovor|"
                         r"паспорт|pasport|скан(?!ер)|scan(?!ner)|сч[её]т(?!чик)|schet(?!chik)|invoice|оплат|oplat", re.I)
_ARCHIVE_EXT = re.compile(r"\.(zip|rar|7z)$", re.I)
_ARCHIVE_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-rar-compressed",
                  "application/vnd.rar", "application/x-7z-compressed")
_SAYS_MEDIA = re.compile(rf"{_ATTACH_VERB}[^.\n]{{0,80}}(фото|видео|снимк)", re.I)
_LOGO = re.compile(r"logo|логотип|signature|banner|icon", re.I)
_TEXT = {
    "claim_form": "претензия на фирменном бланке (скан или документ)",
    "defect_photos": "фото или видео, на которых виден дефект (общий вид и крупным планом)",
    "label_photos": "фото этикетки или наклейки товара с датой и временем изготовления и серийным номером",
}


def missing_documents(attachments: tuple[ParsedAttachment, ...], text: str,
                      findings: tuple[AttachmentFinding, ...] = ()) -> tuple[tuple[str, ...], list[str]]:
    """What a quality claim lacks, in the order claim_form, defect_photos, label_photos; and why."""
    files, sealed = _unpacked(attachments)
    media = [a for a in files if _is_media(a) and not _is_paper(a)]
    seen = {id(attachments[f.index]): f for f in findings if 0 <= f.index < len(attachments)}
    have = _by_content(files, media, seen)
    if media and "label_photos" not in have and (said := _SAYS_LABEL.search(text)):
        have["label_photos"] = f"text says a label photo is attached: {said.group(0)[:50]!r}"
        if len(media) < 2 and "defect_photos" in have and not _LABEL_NAME.search(media[0].filename or ""):
            del have["defect_photos"]  # the one photo is the label's
    if sealed:
        _archive_as_described(text, have)
    missing = tuple(d for d in DOCUMENTS if d not in have)
    reasons = [f"checklist (5): {d} present — {why}" for d, why in have.items()]
    reasons.append(f"checklist (5): missing {list(missing) or 'nothing'}")
    return missing, reasons


def _is_paper(att: ParsedAttachment) -> bool:
    """A photo of a receipt or a paper; a video («Видео_дефект_сканера.mp4») never is one."""
    video = att.content_type.startswith("video/") or bool(re.search(r"\.(mp4|mov|avi|3gp|mkv)$", att.filename or "", re.I))
    return not video and bool(_PAPER_NAME.search(att.filename or ""))


_BY_ROLE = {"claim_form": "claim_form", "label_photo": "label_photos", "defect_photo": "defect_photos"}


def _by_content(files: list[ParsedAttachment], media: list[ParsedAttachment],
                seen: dict[int, AttachmentFinding]) -> dict[str, str]:
    """Documents told by each file's content where it was read, else by its name and type."""
    have: dict[str, str] = {}
    for att in files:
        found = seen.get(id(att))
        if found is None or found.role not in (*_BY_ROLE, "paper"):
            _by_name([att], media, have)  # not read, unreadable, or nothing telling in it
        elif found.role == "claim_form" or (found.role == "label_photo" and att in media):
            have.setdefault(_BY_ROLE[found.role], found.reason)
        elif found.role == "defect_photo" and att in media and not _LABEL_NAME.search(att.filename or ""):
            have.setdefault("defect_photos", found.reason + (f" ({found.image})" if found.image else ""))
        else:  # a scan of some paper, or a photo named as a label or a paper: the name decides
            _by_name([att], media if found.role != "paper" else [], have)
    return have


def _by_name(files: list[ParsedAttachment], media: list[ParsedAttachment],
             have: dict[str, str]) -> dict[str, str]:
    """Documents told by each file's name and type."""
    for att in files:
        name = att.filename or ""
        if att.disposition == "attachment" and (_is_document(att) or _is_media(att)) and _CLAIM_NAME.search(name):
            have.setdefault("claim_form", f"claim document {name!r}")
        elif att in media and _LABEL_NAME.search(name):
            have.setdefault("label_photos", f"label photo {name!r}")
        elif att in media:
            have.setdefault("defect_photos", f"photo {name or att.content_type!r}"
                            + (" (inline in the body)" if att.disposition == "inline" else ""))
    return have


def _archive_as_described(text: str, have: dict[str, str]) -> None:
    """An archive that cannot be listed holds what the text says it holds."""
    if "defect_photos" not in have and (said := _SAYS_MEDIA.search(text)):
        have["defect_photos"] = f"text says the archive holds photos/video: {said.group(0)[:50]!r}"
    if "label_photos" not in have and (said := _SAYS_LABEL.search(text)):
        have["label_photos"] = f"text says the archive holds a label photo: {said.group(0)[:50]!r}"


def missing_documents_text(missing: tuple[str, ...]) -> list[str]:
    """Plain-Russian lines for the acknowledgement: what the applicant still has to send."""
    return [_TEXT[d] for d in DOCUMENTS if d in missing]


def _unpacked(attachments: tuple[ParsedAttachment, ...]) -> tuple[list[ParsedAttachment], list[ParsedAttachment]]:
    """Attachments with a ZIP archive replaced by the files it lists; and archives that cannot be listed."""
    files: list[ParsedAttachment] = []
    sealed: list[ParsedAttachment] = []
    for att in attachments:
        if not _is_archive(att):
            files.append(att)
        elif members := _zip_members(att.payload):
            files.extend(ParsedAttachment(name, mimetypes.guess_type(name)[0] or "application/octet-stream",
                                          att.disposition, b"") for name in members)
        else:
            sealed.append(att)
    return files, sealed


def _is_archive(att: ParsedAttachment) -> bool:
    return att.content_type in _ARCHIVE_TYPES or bool(_ARCHIVE_EXT.search(att.filename or ""))


def _zip_members(payload: bytes) -> list[str]:
    """File names listed in a ZIP's directory (nothing is extracted); [] when it is not a readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            return [n.rsplit("/", 1)[-1] for n in archive.namelist()[:100] if not n.endswith("/")]
    except _NOT_A_ZIP:  # untrusted bytes: anything unreadable is "not a listable ZIP"
        return []


# what zipfile raises on bytes that are not a (readable) ZIP directory
_NOT_A_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
              NotImplementedError, struct.error)


def _is_document(att: ParsedAttachment) -> bool:
    return att.content_type in _DOC_TYPES or bool(_DOC_EXT.search(att.filename or ""))


def _is_media(att: ParsedAttachment) -> bool:
    ctype = att.content_type
    if att.disposition == "inline" and (_LOGO.search(att.filename or "") or (
            ctype in ("image/png", "image/gif") and att.size < 2048)):
        return False  # a signature logo, not a photo
    return ctype.startswith(("image/", "video/")) or bool(_MEDIA_EXT.search(att.filename or ""))
