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
