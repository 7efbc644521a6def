"""Parse one raw mail into a ParsedMessage: headers decoded, body text, attachments.

mail-parser does the MIME parsing and header decoding; this module walks the parts itself so
that every charset (declared, wrong, or missing) decodes right and attachment bytes stay exact.
Pure: no I/O. Raises ParseError for input that is not a mail at all (it is then set aside).
"""

from __future__ import annotations

import email.errors
import email.header
import email.utils
import re
from collections.abc import Sequence
from email.message import Message

import mailparser

from base.errors import ParseError
from ingest.text import decode_bytes, html_to_text
from ingest.types import ParsedAttachment, ParsedMessage

_REPORT_TYPES = frozenset(
    ("message/delivery-status", "text/rfc822-headers", "message/feedback-report",
     "message/global-delivery-status", "message/global-headers")
)
_KNOWN_HEADERS = frozenset(
    ("from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version",
     "content-type", "sender", "reply-to", "delivered-to", "x-mailer", "cc")
)
_MSGID = re.compile(r"<[^<>\s]+>")
# What the stdlib email package and mail-parser raise on hostile bytes (mail-parser trips
# inside its own helpers with AttributeError, TypeError or IndexError): faults of the mail,
# translated here into ParseError or a lenient reading, never of this service.
MIME_ERRORS: tuple[type[Exception], ...] = (
    email.errors.MessageError, ValueError, LookupError, TypeError, IndexError, AttributeError,
    AssertionError)
_TREE_ERRORS: tuple[type[Exception], ...] = (*MIME_ERRORS, RecursionError)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_message(data: bytes, *, forwarded: bool = True) -> ParsedMessage:
    """Parse raw RFC 5322 bytes. Raises ParseError when the bytes are not a mail. With
    ``forwarded``, attached mails (message/rfc822) are parsed too, one level deep."""
    _check_looks_like_mail(data)
    msg, defects = _mime_tree(data)
    headers = tuple((k.lower(), decode_header_value(v)) for k, v in msg.items())
    if not any(k in _KNOWN_HEADERS for k, _ in headers):
        raise ParseError("no RFC 5322 headers")
    body = _Body()
    body.walk(msg)
    from_name, from_address = _first_address(msg.get_all("from", []))
    text = body.plain or (html_to_text(body.html) if body.html else "")
    return ParsedMessage(
        message_id=_msgid(msg.get("message-id")),
        in_reply_to=_msgid(msg.get("in-reply-to")),
        references=tuple(_MSGID.findall(_str(msg.get("references")))),
        subject=_one_line(decode_header_value(msg.get("subject", ""))),
        from_name=from_name,
        from_address=from_address,
        reply_to=_first_address(msg.get_all("reply-to", []))[1],
        return_path=_return_path(msg.get("return-path")),
        to=tuple(a for _, a in _addresses(msg.get_all("to", []) + msg.get_all("cc", [])) if a),
        date=_str(msg.get("date")) or None,
        content_type=msg.get_content_type(),
        headers=headers,
        text=text,
        html=body.html or None,
        attachments=tuple(body.attachments),
        defects=defects,
        report_parts=tuple(body.report_parts),
        forwarded=_forwarded(body.attachments) if forwarded else (),
    )


def _forwarded(attachments: Sequence[ParsedAttachment]) -> tuple[ParsedMessage, ...]:
    """The attached mails that can be read; one that cannot stays an attachment only."""
    found = []
    for att in attachments:
        if att.content_type == "message/rfc822":
            try:
                found.append(parse_message(att.payload, forwarded=False))
            except (ParseError, RecursionError):
                continue
    return tuple(found)


def _mime_tree(data: bytes) -> tuple[Message, tuple[str, ...]]:
    """The MIME tree from mail-parser; the stdlib parser when mail-parser trips on valid MIME.

    mail-parser raises on some well-formed mail (e.g. a multipart/report DSN whose last boundary
    has no epilogue: AttributeError in find_between); the stdlib parser reads those fine.
    """
    try:
        parsed = mailparser.parse_from_bytes(data)
        return parsed.message, tuple(sorted(parsed.defects_categories))
    except _TREE_ERRORS as exc:  # mail-parser trips on some hostile MIME
        first_error = exc
    try:
        msg = email.message_from_bytes(data)
        defects = {type(d).__name__ for part in msg.walk() for d in getattr(part, "defects", [])}
        return msg, tuple(sorted(defects))
    except _TREE_ERRORS as exc:
        raise ParseError(f"mail-parser failed: {type(first_error).__name__}") from exc


def _check_looks_like_mail(data: bytes) -> None:
    if not data.strip():
        raise ParseError("empty message")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ParseError("Outlook .msg (OLE2) file, not MIME")
    head = data[:4096].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if b"\x00" in head:
        raise ParseError("binary data in the header section")
    if not re.match(rb"^(From |[!-9;-~]+:)", data.lstrip(b"\r\n")):
        raise ParseError("does not start with a header line")


class _Body:
    """Collects the readable text, the HTML and the attachments while walking the MIME tree."""

    def __init__(self) -> None:
        self._plain: list[str] = []
        self._html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.report_parts: list[str] = []

    @property
    def plain(self) -> str:
        return "\n\n".join(p.strip("\r\n") for p in self._plain if p.strip())

    @property
    def html(self) -> str:
        return "\n".join(self._html)

    def walk(self, part: Message, in_report: bool = False) -> None:
        ctype = part.get_content_type()
        if ctype == "multipart/report":
            in_report = True
        if in_report and (ctype in _REPORT_TYPES or ctype == "message/rfc822"):
            self.report_parts.append(ctype)
            return
        if part.is_multipart() and ctype not in ("message/rfc822", *_REPORT_TYPES):
            for sub in part.get_payload() or []:
                if isinstance(sub, Message):
                    self.walk(sub, in_report)
            return
        self._leaf(part, ctype)

    def _leaf(self, part: Message, ctype: str) -> None:
        disposition = (part.get_content_disposition() or "").lower()
        filename = attachment_filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not (
            filename and disposition == "inline" and ctype == "text/plain" and self._plain
        ):
            text = decode_bytes(_payload_bytes(part), part.get_content_charset())
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            (self._plain if ctype == "text/plain" else self._html).append(text)
            return
        self.attachments.append(
            ParsedAttachment(
                filename=filename,
                content_type=ctype,
                disposition="attachment" if disposition == "attachment" else "inline",
                payload=_payload_bytes(part),
                content_id=_msgid(part.get("content-id")),
            )
        )


def _payload_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return inner[0].as_bytes()
            except MIME_ERRORS:
                return str(inner[0]).encode("utf-8", "surrogateescape")
    try:
        data = part.get_payload(decode=True)
    except MIME_ERRORS:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def attachment_filename(part: Message) -> str | None:
    """The attachment's name as sent: RFC 2231 and RFC 2047 decoded, raw 8-bit guessed."""
    try:
        name = part.get_filename() or part.get_param("name")
    except MIME_ERRORS:
        return None
    if isinstance(name, tuple):  # an undecodable RFC 2231 triple
        name = email.utils.collapse_rfc2231_value(name)
    if not name:
        return None
    return _one_line(decode_header_value(str(name))) or None


def decode_header_value(value: object) -> str:
    """Decode an RFC 2047 header value; 8-bit bytes without encoding are guessed.

    The stdlib hands raw 8-bit header values over as ``Header`` objects whose str() has lost
    the bytes; their chunks still hold them."""
    raw: object = value if isinstance(value, email.header.Header) else _str(value)
    try:
        chunks = email.header.decode_header(raw)  # type: ignore[arg-type]
    except MIME_ERRORS:
        chunks = [(_str(value), None)]
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, None if charset == "unknown-8bit" else charset))
        else:
            out.append(_undo_surrogates(chunk))
    return "".join(out)


def _undo_surrogates(text: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return decode_bytes(text.encode("utf-8", "surrogateescape"))
    return text


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        return str(value)
    return str(value)


def _one_line(text: str) -> str:
    return _CONTROL.sub("", " ".join(text.split()))


def _msgid(value: object) -> str | None:
    found = _MSGID.findall(_str(value))
    return found[0] if found else None


def _addresses(values: Sequence[object]) -> list[tuple[str, str]]:
    """(name, address) pairs. The header is split into addresses while still RFC 2047-encoded,
    so a comma inside an encoded name («ЦРБ, бухгалтерия») does not split it; names are
    decoded afterwards."""
    texts = [decode_header_value(v) if isinstance(v, email.header.Header) else _str(v)
             for v in values]
    try:
        pairs = email.utils.getaddresses(texts)
    except MIME_ERRORS:
        return []
    return [(_one_line(decode_header_value(n)), _undo_surrogates(a).strip().lower())
            for n, a in pairs if "@" in a]


def _first_address(values: Sequence[object]) -> tuple[str | None, str | None]:
    pairs = _addresses(values)
    if not pairs:
        return None, None
    name, address = pairs[0]
    return (name.strip('"\' ') or None), address


def _return_path(value: object) -> str | None:
    if value is None:
        return None
    text = _str(value).strip()
    if text in ("<>", ""):
        return ""
    return email.utils.parseaddr(text)[1].lower() or text
