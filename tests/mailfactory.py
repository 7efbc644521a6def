"""Builds realistic Russian test mails in the charsets and shapes real mail arrives in.

Test data made here, not copied from ../shared: every test writes the mail it needs.
"""

from __future__ import annotations

import base64
import quopri
from email.header import Header
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone


def _enc_header(value: str, charset: str) -> str:
    return Header(value, charset).encode()


def russian_mail(
    *,
    body: str,
    subject: str = "Жалоба на работу отдела",
    from_name: str = "Иванов Пётр Сергеевич",
    from_addr: str = "p.ivanov@example.ru",
    charset: str = "utf-8",
    cte: str = "quoted-printable",
    declare_charset: bool = True,
    message_id: str | None = None,
    extra_headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    html: bool = False,
    date: datetime | None = None,
) -> bytes:
    """One mail as bytes (CRLF). Attachments are (filename, content type, bytes); Cyrillic
    filenames are sent RFC 2231-encoded."""
    msgid = message_id or make_msgid(domain="example.ru")
    date = date or datetime(2026, 11, 20, 10, 30, tzinfo=timezone.utc)
    head = [
        f"From: {_enc_header(from_name, charset)} <{from_addr}>",
        "To: pretenzii@r31.center-inform.ru",
        f"Subject: {_enc_header(subject, charset)}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: {msgid}",
        "MIME-Version: 1.0",
    ]
    for key, value in (extra_headers or {}).items():
        head.append(f"{key}: {value}")
    payload = (f"<html><body><p>{body.replace(chr(10), '<br>')}</p></body></html>" if html else body)
    part = _text_part(payload, "html" if html else "plain", charset, cte, declare_charset)
    if not attachments:
        return ("\r\n".join(head) + "\r\n").encode("ascii") + part
    boundary = "=_cd_boundary_42"
    out = ("\r\n".join(head) + f"\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    chunks = [out.encode("ascii"), f"--{boundary}\r\n".encode(), part]
    for filename, ctype, data in attachments:
        chunks.append(f"\r\n--{boundary}\r\n".encode())
        chunks.append(_attachment_part(filename, ctype, data))
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks)


def _text_part(text: str, subtype: str, charset: str, cte: str, declare: bool) -> bytes:
    data = text.replace("\n", "\r\n").encode(charset)
    ctype = f"text/{subtype}; charset=\"{charset}\"" if declare else f"text/{subtype}"
    if cte == "base64":
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    elif cte == "quoted-printable":
        encoded = quopri.encodestring(data).replace(b"\r\r\n", b"\r\n").replace(b"\n", b"\r\n")
        encoded = encoded.replace(b"\r\r\n", b"\r\n")
    else:
        encoded = data
    head = f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n".encode("ascii")
    return head + encoded


def _attachment_part(filename: str, ctype: str, data: bytes) -> bytes:
    from urllib.parse import quote

    encoded_name = quote(filename, safe="")
    head = (
        f"Content-Type: {ctype}; name*=utf-8''{encoded_name}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment; filename*=utf-8''{encoded_name}\r\n\r\n"
    )
    return head.encode("ascii") + base64.encodebytes(data).replace(b"\n", b"\r\n")


def bounce_mail(original_recipient: str = "nobody@example.ru") -> bytes:
    """A Postfix-style DSN (multipart/report) from MAILER-DAEMON."""
    boundary = "=_dsn_1"
    return (
        "Return-Path: <>\r\n"
        "From: MAILER-DAEMON@mx.example.ru (Mail Delivery System)\r\n"
        "To: pretenzii@r31.center-inform.ru\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.ru')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\n"
        "This is the mail system. Your message could not be delivered.\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example.ru\r\n\r\nFinal-Recipient: rfc822; {original_recipient}\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        f"--{boundary}--\r\n"
    ).encode("ascii")
