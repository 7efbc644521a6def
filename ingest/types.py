"""Data that flows out of ingest: raw mail from the mailbox and its parsed form.

Frozen dataclasses only; no I/O. Every later step (classify, journal, replies) reads these.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class RawMessage:
    """One mail as the mailbox handed it over: the exact bytes and where it came from."""

    mailbox: str
    uidvalidity: int
    uid: int
    data: bytes
    folder: str = "INBOX"

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment or inline part, decoded.

    ``filename`` is the name as sent (RFC 2047/2231 decoded), or None when the part has none.
    ``disposition`` is ``attachment`` or ``inline``; ``content_id`` is set for inline parts
    referenced by ``cid:``.
    """

    filename: str | None
    content_type: str
    disposition: str
    payload: bytes
    content_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.payload)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


@dataclass(frozen=True)
class ParsedMessage:
    """What parsing makes of one mail.

    ``headers`` keeps every header as (lower-cased name, decoded value), in order, so that
    classifiers can read ``Auto-Submitted``, ``List-Id`` and the like without re-parsing.
    ``text`` is the readable body: the text/plain part, or text made from the HTML part when the
    mail has no plain text. ``html`` is the raw HTML part (never rendered anywhere).
    """

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_name: str | None
    from_address: str | None
    reply_to: str | None
    return_path: str | None
    to: tuple[str, ...]
    date: str | None
    content_type: str
    headers: tuple[tuple[str, str], ...]
    text: str
    html: str | None
    attachments: tuple[ParsedAttachment, ...] = ()
    defects: tuple[str, ...] = ()
    # parts of a bounce report (message/delivery-status, returned message) in MIME order
    report_parts: tuple[str, ...] = field(default=())
    # the attached mails (message/rfc822 attachments) that could be read, in attachment
    # order, parsed one level deep (theirs are not parsed again)
    forwarded: tuple[ParsedMessage, ...] = field(default=())

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def header_all(self, name: str) -> tuple[str, ...]:
        wanted = name.lower()
        return tuple(value for key, value in self.headers if key == wanted)


@dataclass(frozen=True)
class ImageFacts:
    """What an image is, before anyone reads it: size, when the camera says it was taken,
    and whether it looks like a scan of a paper (mostly white, little colour) or a photo."""

    width: int
    height: int
    taken: str | None = None  # EXIF DateTimeOriginal (or DateTime) as written, e.g. 2026:11:20 14:03:11
    camera: str | None = None  # EXIF make and model
    document_like: bool = False


@dataclass(frozen=True)
class ExtractLimits:
    """Bounds on reading one mail's attachments (config ``attachments``)."""

    enabled: bool = True
    max_files: int = 10  # attachments read per mail; the rest are listed, not read
    max_pages: int = 30  # PDF pages whose text layer is read
    max_chars: int = 100_000  # text kept per attachment
    max_pixels: int = 40_000_000  # a larger image is not decoded (decompression bombs)
    max_unpacked_bytes: int = 30_000_000  # DOCX/XLSX/ODT: the sum of the unpacked members
    seconds: float = 30.0  # reading time per mail in all; what is left unread is noted
    ocr: bool = True
    ocr_pages: int = 3  # scanned pages and images sent to Tesseract per mail
    ocr_seconds: float = 20.0  # OCR time per mail in all (each page gets what is left)
    ocr_languages: str = "rus+eng"
    # OCR once the appeal is registered and acknowledged (pipeline.reread), not in the poll
    ocr_after_registration: bool = True


@dataclass(frozen=True)
class ExtractedAttachment:
    """What could be read out of one attachment. ``pages`` holds the text per page (one entry
    for a document without pages); ``ocr_pages`` the 1-based pages read by OCR; ``unreadable``
    the reason when nothing could be read (malformed, encrypted, too large, bomb-like)."""

    index: int  # position in ParsedMessage.attachments
    filename: str | None
    content_type: str
    format: str  # pdf, docx, xlsx, odt, rtf, text, image, media, other
    pages: tuple[str, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    image: ImageFacts | None = None
    unreadable: str | None = None
    notes: tuple[str, ...] = ()
    ocr_wanted: bool = False  # a page or picture waits for OCR after registration

    @property
    def text(self) -> str:
        return "\n\f".join(self.pages)
