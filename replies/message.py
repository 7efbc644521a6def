"""Outbound mail as data, and its MIME form.

Header injection is impossible by construction: every header value is folded to one line with
control characters removed before it reaches ``email.message.EmailMessage`` (policy SMTP, which
also refuses CR/LF in headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# No folding of headers: CPython's folder splits encoded words of a quoted display name or a
# long subject so that readers decode them with a space added or lost («Белгор одский»).
_POLICY = SMTP.clone(max_line_length=998)


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
    """The wire form of ``out``: plain text always, HTML alternative when given."""
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = _address_header(sender)
    msg["To"] = _address(out.to_name, out.to_address)
    msg["Subject"] = one_line(out.subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = one_line(message_id)
    if out.in_reply_to:
        msg["In-Reply-To"] = one_line(out.in_reply_to)
    if out.references:
        msg["References"] = one_line(" ".join(out.references))
    if out.auto_submitted:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(out.text, charset="utf-8", cte="quoted-printable")
    if out.html:
        msg.add_alternative(out.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for att in out.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        msg.add_attachment(att.data, maintype=maintype or "application",
                           subtype=subtype or "octet-stream", filename=one_line(att.filename))
    return msg.as_bytes()


def _address(name: str | None, address: str) -> Address:
    username, _, domain = one_line(address).rpartition("@")
    return Address(display_name=one_line(name or ""), username=username, domain=domain)


def _address_header(value: str) -> Address:
    name, address = split_sender(value)
    return _address(name, address)
