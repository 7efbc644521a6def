"""Text extraction edge: attachment bytes and type → text per page, image facts, or why not.

Reads PDF (pypdf; scanned pages through OCR), DOCX, XLSX, ODT, RTF and plain text (see
``ingest.office``) and images (``ingest.ocr``: size, EXIF date, photo or scan, OCR). Everything
is bounded by ``ExtractLimits``: files, pages, characters, pixels, unpacked bytes, OCR pages and
seconds. Hostile bytes never raise: a malformed, encrypted, huge or bomb-like file comes back
with ``unreadable`` set to its reason. Runs in the analysis worker processes (pipeline.analysis),
which also hold the per-mail time limit.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import replace

from ingest import office, ocr
from ingest.ocr import Budget, Unreadable
from ingest.types import ExtractedAttachment, ExtractLimits, ParsedAttachment

log = logging.getLogger(__name__)

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
_EXT = re.compile(r"\.([a-z0-9]{2,5})$", re.I)
_BY_EXT = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "odt": "odt", "rtf": "rtf", "txt": "text",
           "csv": "text", "jpg": "image", "jpeg": "image", "png": "image", "gif": "image", "bmp": "image",
           "tif": "image", "tiff": "image", "webp": "image"}
_BY_TYPE = {"application/pdf": "pdf", "application/rtf": "rtf", "text/rtf": "rtf", "text/plain": "text",
            "text/csv": "text",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "application/vnd.oasis.opendocument.text": "odt"}


def extract_attachments(attachments: tuple[ParsedAttachment, ...],
                        limits: ExtractLimits) -> tuple[ExtractedAttachment, ...]:
    """Read each attachment of one mail within the mail's budget. Never raises."""
    if not limits.enabled:
        return ()
    budget = Budget(limits)
    out: list[ExtractedAttachment] = []
    # files attached first, inline pictures (signature logos) after: they must not spend the OCR
    order = sorted(range(len(attachments)), key=lambda i: attachments[i].disposition != "attachment")
    for index in order:
        att = attachments[index]
        if att.content_type == "message/rfc822":
            continue  # a forwarded mail is read by classify as a mail
        if len(out) >= limits.max_files:
            log.debug("attachment %s not read: more than %s files", index, limits.max_files)
            break
        out.append(extract_attachment(index, att, limits, budget))
    return tuple(sorted(out, key=lambda x: x.index))


def extract_attachment(index: int, att: ParsedAttachment, limits: ExtractLimits,
                       budget: Budget) -> ExtractedAttachment:
    """One attachment; its ``unreadable`` reason instead of an exception."""
    fmt = sniff_format(att.payload, att.content_type, att.filename)
    base = ExtractedAttachment(index, att.filename, att.content_type, fmt)
    reader = _READERS.get(fmt)
    if reader is None:
        return base
    if not att.payload:
        return replace(base, unreadable="empty file")
    if budget.expired():
        return replace(base, unreadable="not read: the mail's reading time was spent")
    try:
        wanted = budget.wanted
        found = reader(base, att.payload, limits, budget)
        return replace(found, ocr_wanted=True) if budget.wanted > wanted else found
    except Unreadable as exc:
        return replace(base, unreadable=str(exc))
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: any library failure is "unreadable"
        log.debug("attachment %s (%s) unreadable: %s", index, fmt, type(exc).__name__)
        return replace(base, unreadable=f"{fmt} could not be read ({type(exc).__name__})")


def sniff_format(data: bytes, content_type: str, filename: str | None) -> str:
    """The format by the bytes first (a «.pdf» that is a JPEG is an image), then type and name."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and (kind := office.zip_kind(data)) != "other":
        return kind  # a broken ZIP goes by its type or name below (and is then unreadable)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    ctype = content_type.lower()
    if ctype.startswith(("video/", "audio/")):
        return "media"
    if ctype in _BY_TYPE:
        return _BY_TYPE[ctype]
    if ctype.startswith("image/"):
        return "image"
    ext = _EXT.search(filename or "")
    return _BY_EXT.get(ext.group(1).lower(), "other") if ext else "other"


def _read_pdf(base: ExtractedAttachment, data: bytes, limits: ExtractLimits,
              budget: Budget) -> ExtractedAttachment:
    """The text layer page by page; a page without one goes to OCR while the budget lasts."""
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise Unreadable("not a PDF (no %PDF header)")  # pypdf would scan the whole file for one
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not _decrypted(reader):
        raise Unreadable("encrypted PDF (password protected)")
    total = len(reader.pages)
    count = min(total, limits.max_pages)
    notes = [f"{total} pages: the first {count} read"] if total > count else []
    pages: list[str] = []
    scanned: list[int] = []
    for number in range(1, count + 1):
        if budget.expired():
            notes.append(f"reading time spent: stopped before page {number}")
            break
        text = _page_text(reader, number)
        if len(text.strip()) < 20:
            text, note = _ocr_page(data, number, text, budget)
            scanned += [number] if note is None else []
            notes += [note] if note else []
        pages.append(text)
    pages, cut = _cap(pages, limits.max_chars)
    return replace(base, pages=tuple(pages), ocr_pages=tuple(scanned), notes=tuple(notes + cut))


def _decrypted(reader: object) -> bool:
    """An encrypted PDF that opens with the empty password (owner-only restrictions) is read."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - unsupported cipher, broken dictionary: not readable
        return False


def _page_text(reader: object, number: int) -> str:
    try:
        return str(reader.pages[number - 1].extract_text() or "")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - one broken page does not make the document unreadable
        return ""


def _ocr_page(data: bytes, number: int, text: str, budget: Budget) -> tuple[str, str | None]:
    """OCR of one page without a text layer: (text, None) or (the text layer, why not)."""
    if not budget.can_ocr():
        later = "OCR after registration" if budget.deferred else "OCR budget spent"
        return text, f"page {number}: no text layer, {later}"
    found, note = ocr.ocr_pdf_page(data, number, budget)
    return (found, None) if found is not None else (text, f"page {number}: {note}")


def _cap(pages: list[str], max_chars: int) -> tuple[list[str], list[str]]:
    out: list[str] = []
    left = max_chars
    for page in pages:
        out.append(page[:max(left, 0)])
        left -= len(page)
    return out, ([f"text cut at {max_chars} characters"] if left < 0 else [])


def _read_office(base: ExtractedAttachment, data: bytes, limits: ExtractLimits,
                 budget: Budget) -> ExtractedAttachment:
    pages, cut = _cap(list(office.read_document(base.format, data, limits)), limits.max_chars)
    return replace(base, pages=tuple(pages), notes=tuple(cut))


def _read_image(base: ExtractedAttachment, data: bytes, limits: ExtractLimits,
                budget: Budget) -> ExtractedAttachment:
    facts, text, note = ocr.read_image(data, limits, budget)
    pages = (text[:limits.max_chars],) if text is not None else ()
    return replace(base, image=facts, pages=pages, ocr_pages=(1,) if text is not None else (),
                   notes=(note,) if note else ())


_Reader = Callable[[ExtractedAttachment, bytes, ExtractLimits, Budget], ExtractedAttachment]
_READERS: dict[str, _Reader] = {
    "pdf": _read_pdf, "docx": _read_office, "xlsx": _read_office, "odt": _read_office,
    "rtf": _read_office, "text": _read_office, "image": _read_image,
}
