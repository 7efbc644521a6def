"""Outbound mail as data, and its MIME form.

Header injection is impossible by construction: every header value is folded to one line with
control characters removed before it reaches ``email.message.EmailMessage`` (policy SMTP, which
also refuses CR/LF in headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, getaddresses, make_msgid

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# No folding of headers: CPython's folder splits encoded words of a quoted display name or a
# long subject so that readers decode them with a space added or lost («Белгор одский»).
_WIRE = compat32.clone(max_line_length=None, linesep="\r\n")
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """One mail we will send: rendered, addressed, threaded."""

    purpose: str
    to_address: str
    to_name: str | None
    subject: str
    text: str
    html: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    auto_submitted: bool = False
    attachments: tuple[OutgoingAttachment, ...] = field(default=())


def one_line(value: str) -> str:
    """A header-safe single line: CR, LF and other control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


_ANGLE = re.compile(r"^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$")


def split_sender(value: str) -> tuple[str, str]:
    """(display name, address) of ``Name, with commas <addr>``: the name is everything before
    the angle brackets, so «АО «ЦентрИнформ», Белгородский филиал» stays one name."""
    match = _ANGLE.match(one_line(value))
    if match:
        return match.group(1).strip().strip('"'), match.group(2)
    name, address = getaddresses([one_line(value)])[0]
    return name, address


def new_message_id(sender: str) -> str:
    """A fresh Message-ID in the sender's domain."""
    _, address = split_sender(sender)
    domain = address.rpartition("@")[2] or "complaintdesk.invalid"
    return make_msgid(idstring="cd", domain=one_line(domain))


def build_mime(out: OutgoingMessage, sender: str, message_id: str, date: datetime) -> bytes:
    """The wire form of ``out``: plain text always, HTML alternative when given, attachments.

    Built with the compat32 classes and an unfolded generator: about five times faster than
    EmailMessage on the per-mail path, and its RFC 2047 words decode back exactly."""
    body: Message = _text(out.text, "plain")
    if out.html:
        body = _multipart("alternative", [body, _text(out.html, "html")])
    if out.attachments:
        body = _multipart("mixed", [body, *(_attachment(a) for a in out.attachments)])
    name, address = split_sender(sender)
    headers = [("From", _mailbox(name, address)), ("To", _mailbox(out.to_name, out.to_address)),
               ("Subject", _encoded(out.subject, words=True)), ("Date", format_datetime(date)),
               ("Message-ID", one_line(message_id))]
    if out.in_reply_to:
        headers.append(("In-Reply-To", one_line(out.in_reply_to)))
    if out.references:
        headers.append(("References", one_line(" ".join(out.references))))
    if out.auto_submitted:
        headers += [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]
    for key, value in headers:
        body[key] = value
    return body.as_bytes(policy=_WIRE)


def _text(text: str, subtype: str) -> Message:
    """utf-8, quoted-printable (MIMEText takes a Charset; typeshed says str)."""
    return MIMEText(text, subtype, _UTF8)  # type: ignore[arg-type]


def _multipart(subtype: str, parts: list[Message]) -> Message:
    container = MIMEMultipart(subtype)
    for part in parts:
        container.attach(part)
    return container


def _attachment(att: OutgoingAttachment) -> Message:
    maintype, _, subtype = att.content_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream")
    part.set_payload(att.data)
    encoders.encode_base64(part)
    name = one_line(att.filename)
    part.add_header("Content-Disposition", "attachment",
                    filename=name if name.isascii() else ("utf-8", "", name))
    return part


def _encoded(value: str, words: bool = False) -> str:
    """A header value, RFC 2047-encoded when it is not ASCII, on one line. ``words`` splits it
    into encoded words of at most 75 characters (RFC 2047); a display name stays one word,
    because CPython's address parser puts a space between adjacent words of a phrase."""
    text = one_line(value)
    if text.isascii():
        return text
    return Header(text, _UTF8, maxlinelen=76 if words else 10_000).encode(linesep="")


def _mailbox(name: str | None, address: str) -> str:
    """``Name <address>`` with the name encoded; control characters cannot get through."""
    address = one_line(address).replace("<", "").replace(">", "").replace(" ", "")
    display = one_line(name or "").replace('"', "'")
    if not display:
        return f"<{address}>"
    if display.isascii():
        return f'"{display}" <{address}>'
    return f"{_encoded(display)} <{address}>"
