import pytest

from base.errors import ParseError
from ingest.parse import parse_message
from tests.mailfactory import bounce_mail, russian_mail

BODY = "Добрый день! Прошу заменить неисправный роутер.\nИванов Пётр Сергеевич"


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
@pytest.mark.parametrize("cte", ["quoted-printable", "base64", "8bit"])
def test_bodies_and_subjects_decode_in_every_charset(charset: str, cte: str) -> None:
    parsed = parse_message(russian_mail(body=BODY, charset=charset, cte=cte, subject="Претензия"))
    assert parsed.text.strip() == BODY
    assert parsed.subject == "Претензия"
    assert parsed.from_name == "Иванов Пётр Сергеевич"
    assert parsed.from_address == "p.ivanov@example.ru"


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_8bit_body_without_declared_charset(charset: str) -> None:
    parsed = parse_message(russian_mail(body=BODY, charset=charset, cte="8bit",
                                        declare_charset=False))
    assert parsed.text.strip() == BODY


def test_html_only_mail_becomes_readable_text() -> None:
    parsed = parse_message(russian_mail(body=BODY, html=True, charset="windows-1251"))
    assert parsed.html and "<p>" in parsed.html
    assert "Прошу заменить неисправный роутер." in parsed.text
    assert "<" not in parsed.text


def test_cyrillic_attachment_names_and_bytes_round_trip() -> None:
    data = bytes(range(256)) * 10
    mail = russian_mail(body=BODY, attachments=[("Претензия №5.pdf", "application/pdf", data)])
    (att,) = parse_message(mail).attachments
    assert att.filename == "Претензия №5.pdf"
    assert att.payload == data and att.disposition == "attachment"


def test_rfc2047_encoded_filename() -> None:
    mail = russian_mail(body=BODY, attachments=[("x.jpg", "image/jpeg", b"\xff\xd8data")])
    mail = mail.replace(b"filename*=utf-8''x.jpg", b'filename="=?utf-8?B?0YTQvtGC0L4uanBn?="')
    (att,) = parse_message(mail).attachments
    assert att.filename == "фото.jpg"


def test_bounce_report_parts_are_not_attachments() -> None:
    parsed = parse_message(bounce_mail())
    assert parsed.content_type == "multipart/report"
    assert parsed.attachments == ()
    assert "message/delivery-status" in parsed.report_parts


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Outlook"),
    (b"\x00\x01\x02garbage\x00", "binary"),
    (b"just some words without any header\n", "header"),
])
def test_non_mail_input_raises_parse_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_message(data)


def test_threading_headers_are_read() -> None:
    mail = russian_mail(body=BODY, extra_headers={
        "In-Reply-To": "<cd.1@r31.center-inform.ru>",
        "References": "<a@x> <cd.1@r31.center-inform.ru>"})
    parsed = parse_message(mail)
    assert parsed.in_reply_to == "<cd.1@r31.center-inform.ru>"
    assert parsed.references == ("<a@x>", "<cd.1@r31.center-inform.ru>")


def test_encoded_display_name_with_a_comma_stays_whole() -> None:
    from email.header import Header

    name = Header("Ракитянская ЦРБ, бухгалтерия", "utf-8").encode()
    mail = russian_mail(body=BODY).replace(
        b"From: ", f"From: {name} <buh@example.ru>\r\nX-Old-From: ".encode(), 1)
    parsed = parse_message(mail)
    assert parsed.from_name == "Ракитянская ЦРБ, бухгалтерия"
    assert parsed.from_address == "buh@example.ru"


def test_8bit_display_name_without_encoding_is_decoded() -> None:
    mail = russian_mail(body=BODY).replace(
        b"From: ", "From: Петров Иван <ivan@example.ru>\r\nX-Old-From: ".encode("cp1251"), 1)
    parsed = parse_message(mail)
    assert parsed.from_name == "Петров Иван" and parsed.from_address == "ivan@example.ru"
