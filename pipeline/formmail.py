"""The public form's submission as a mail (issue 13): fields and files → an RFC 5322 message.

The message is what gets stored raw and read by the same parse → classify → register path as
a mail from the mailbox. The fields travel as ``X-Form-*`` headers (RFC 2047 encoded), the text
as the text/plain body exactly as typed, the files as attachments (RFC 2231 names). Its
Message-ID comes from the form's idempotency token and the content, so a double click or a
resend is the same message. The subject choices come from the departments. Pure: no clock, no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.header import Header

from base.config import Config
from classify.contacts import phone_e164
from classify.given import GivenFields
from classify.types import Applicant
from ingest.types import ParsedMessage
from replies.message import (OutgoingAttachment, OutgoingMessage, build_mime, one_line,
                            split_sender)

FORM_MAILBOX = "form"  # the inbound_message.mailbox of form submissions
OTHER = "other"  # the «Другое» choice: routed by the text, as a mail
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no control characters (CR, LF) in a file name


@dataclass(frozen=True)
class Choice:
    """One subject choice: a project of the support page (department, maybe region), or «Другое»."""

    key: str
    title: str
    department: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class FormFile:
    filename: str
    data: bytes

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


@dataclass(frozen=True)
class FormSubmission:
    """What a visitor sent, already checked against the form's rules (web/public_form.py)."""

    token: str
    choice: Choice
    text: str
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    organization: str = ""
    inn: str = ""
    postal_address: str = ""
    email: str = ""
    phone: str = ""
    files: tuple[FormFile, ...] = ()


def form_choices(config: Config) -> tuple[Choice, ...]:
    """The support page's projects (every department but the default one; a department with
    regional assignees once per region), then «Другое»."""
    regions = {r.key: r.title for r in config.regions}
    out: list[Choice] = []
    for dept in config.departments:
        if dept.key == config.default_department:
            continue
        if not dept.regional_assignees:
            out.append(Choice(dept.key, dept.title, dept.key))
        for region in dept.regional_assignees:
            out.append(Choice(f"{dept.key}:{region}", f"{dept.title}, {regions.get(region, region)}",
                              dept.key, region))
    return (*out, Choice(OTHER, "Другое"))


def submission_key(sub: FormSubmission) -> str:
    """What makes two posts the same appeal: the form's token and what was sent. A double
    click or a resend is the same key; a form reused (the browser's Back) for a different
    appeal is a new one, never swallowed as a duplicate (1.3)."""
    digest = hashlib.sha256(sub.token.encode())
    for value in (sub.choice.key, sub.text, *(getattr(sub, attr) for _, attr in _HEADERS)):
        digest.update(b"\0" + value.encode())
    for f in sub.files:
        digest.update(b"\0" + f.filename.encode() + b"\0" + hashlib.sha256(f.data).digest())
    return f"{sub.token}.{digest.hexdigest()[:16]}"


def form_message_id(key: str, sender: str) -> str:
    """The submission's Message-ID: the same key gives the same id (one appeal)."""
    domain = split_sender(sender)[1].rpartition("@")[2] or "complaintdesk.invalid"
    return f"<form.{key}@{one_line(domain)}>"


def sender_address(sender: str) -> str:
    """The bare address of ``smtp.sender`` (the form names it as the other way to write)."""
    return split_sender(sender)[1]


def form_uid(key: str) -> tuple[int, int]:
    """(uidvalidity, uid) of the submission's inbound row: 62 bits of the key's hash, so that
    two processes registering the same submission collide on the row's unique key."""
    digest = hashlib.sha256(key.encode()).digest()
    return (int.from_bytes(digest[:4], "big") & 0x7FFFFFFF,
            int.from_bytes(digest[4:8], "big") & 0x7FFFFFFF)


def given_fields(sub: FormSubmission) -> GivenFields:
    """The applicant exactly as the fields state it, and the chosen project."""
    values = {attr: getattr(sub, attr) for _, attr in _HEADERS}
    return _given(values, sub.choice.department, sub.choice.region)


def given_from_message(parsed: ParsedMessage) -> GivenFields:
    """The same, read back from the stored message's ``X-Form-*`` headers: the raw message
    alone decides the registration (also when staff register a set-aside submission later).
    Only for messages this service built (inbound_message.mailbox == FORM_MAILBOX)."""
    values = {attr: parsed.header(header) or "" for header, attr in _HEADERS}
    department, _, region = (parsed.header("x-form-subject-choice") or OTHER).partition(":")
    return _given(values, None if department == OTHER else department, region or None)


def _given(v: dict[str, str], department: str | None, region: str | None) -> GivenFields:
    person = bool(v["last_name"] or v["first_name"])
    kind = "legal_entity" if v["organization"] else "individual" if person else "unknown"
    applicant = Applicant(
        type=kind, last_name=v["last_name"] or None, first_name=v["first_name"] or None,
        middle_name=v["middle_name"] or None, organization=v["organization"] or None,
        inn=v["inn"] or None, postal_address=v["postal_address"] or None,
        email=v["email"].lower() or None, phone=(phone_e164(v["phone"]) or v["phone"]) or None,
    )
    return GivenFields(applicant, department, region)


_HEADERS = (("X-Form-Last-Name", "last_name"), ("X-Form-First-Name", "first_name"),
            ("X-Form-Middle-Name", "middle_name"), ("X-Form-Organization", "organization"),
            ("X-Form-INN", "inn"), ("X-Form-Postal-Address", "postal_address"),
            ("X-Form-Email", "email"), ("X-Form-Phone", "phone"))


def build_form_message(sub: FormSubmission, sender: str, now: datetime) -> bytes:
    """The submission as the bytes of one RFC 5322 message (CRLF line ends), built by the same
    MIME builder as our own mail (``replies.message.build_mime``), the fields as headers."""
    name = " ".join(p for p in (sub.last_name, sub.first_name, sub.middle_name) if p)
    # each file goes through the MIME builder as a short random stand-in whose one base64
    # line is then swapped for the file's base64 (the e-mail package writes large payloads
    # line by line, ~100 ms for a photo); the bytes are the same as without the swap
    stand_ins = [secrets.token_bytes(45) for _ in sub.files]
    out = OutgoingMessage(
        purpose="form", to_address=split_sender(sender)[1] or "complaintdesk.invalid",
        to_name=None, subject=sub.choice.title, text=sub.text,
        attachments=tuple(OutgoingAttachment(_CONTROL.sub("", f.filename), f.content_type, s)
                          for f, s in zip(sub.files, stand_ins)))
    applicant = (name or sub.organization, sub.email.strip() or "no-address@form.invalid")
    fields = [("X-Complaintdesk-Source", "form"), ("X-Form-Subject-Choice", sub.choice.key)]
    fields += [(header, getattr(sub, attr)) for header, attr in _HEADERS if getattr(sub, attr)]
    head = "".join(f"{key}: {_encoded(value)}\r\n" for key, value in fields).encode("ascii")
    wire = head + build_mime(out, f"{applicant[0]} <{applicant[1]}>",
                             form_message_id(submission_key(sub), sender), now)
    for f, stand_in in zip(sub.files, stand_ins):
        wire = wire.replace(base64.b64encode(stand_in) + b"\r\n",
                            base64.encodebytes(f.data).replace(b"\n", b"\r\n"), 1)
    return wire


def _encoded(value: str) -> str:
    """A header value on one line, RFC 2047-encoded when it is not ASCII."""
    text = one_line(value)
    return text if text.isascii() else Header(text, "utf-8", maxlinelen=10_000).encode(linesep="")
