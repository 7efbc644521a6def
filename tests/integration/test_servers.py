"""Prove the server fixtures are real: TLS-verified IMAP, SMTP and PostgreSQL round trips."""

from __future__ import annotations

import imaplib
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

import pytest
import sqlalchemy as sa
from imap_tools import MailBox, MailBoxStartTls

from tests.servers import DovecotServer, SmtpSink, client_ssl_context

pytestmark = pytest.mark.integration

CYRILLIC_LINE = ("ж" * 1000).encode()  # one 2000-byte 8-bit line


def _raw_message(subject: str, body_line: bytes = b"body") -> bytes:
    return (b"From: =?utf-8?b?0JjQstCw0L0=?= <ivan@example.org>\r\n"
            b"To: pretenzii@example.com\r\n"
            b"Subject: " + subject.encode() + b"\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body_line + b"\r\n")


def _login(dovecot: DovecotServer, user: str) -> MailBox:
    return MailBox(dovecot.host, dovecot.port, ssl_context=dovecot.ssl_context()).login(
        user, dovecot.users[user])


def test_dovecot_append_then_read_back_over_verified_tls(
        dovecot: DovecotServer, fresh_imap_user: str) -> None:
    uid = dovecot.append(fresh_imap_user, "INBOX", _raw_message("first", CYRILLIC_LINE),
                         flags=("\\Seen", "$Complaint"))
    with _login(dovecot, fresh_imap_user) as mailbox:
        [msg] = list(mailbox.fetch(mark_seen=False))
    assert msg.uid == str(uid)
    assert msg.subject == "first"
    assert msg.from_ == "ivan@example.org"
    assert {"\\Seen", "$Complaint"} <= set(msg.flags)
    assert CYRILLIC_LINE.decode() in msg.text


def test_dovecot_certificate_is_really_verified(dovecot: DovecotServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        MailBox(dovecot.host, dovecot.port, ssl_context=ssl.create_default_context())


def test_dovecot_starttls_on_plain_port(dovecot: DovecotServer, fresh_imap_user: str) -> None:
    dovecot.append(fresh_imap_user, "Archive/2024", _raw_message("archived"))
    box = MailBoxStartTls(dovecot.host, dovecot.plain_port, ssl_context=dovecot.ssl_context())
    with box.login(fresh_imap_user, dovecot.users[fresh_imap_user], "Archive/2024") as mailbox:
        assert [m.subject for m in mailbox.fetch()] == ["archived"]
        assert {"INBOX", "Archive/2024", "Sent"} <= {f.name for f in mailbox.folder.list()}


def test_uidvalidity_change_is_real_and_keeps_mail(
        dovecot: DovecotServer, fresh_imap_user: str) -> None:
    dovecot.append(fresh_imap_user, "INBOX", _raw_message("kept"))
    old = dovecot.uidvalidity(fresh_imap_user)
    new = dovecot.change_uidvalidity(fresh_imap_user)
    with _login(dovecot, fresh_imap_user) as mailbox:
        assert mailbox.folder.status("INBOX", ["UIDVALIDITY"])["UIDVALIDITY"] == new != old
        assert [m.subject for m in mailbox.fetch()] == ["kept"]


def test_smtps_sink_records_raw_bytes_with_long_8bit_line(
        smtp_sink_factory: Callable[..., SmtpSink], ca_file: Path) -> None:
    sink = smtp_sink_factory("smtps")
    raw = _raw_message("long line", CYRILLIC_LINE)
    with smtplib.SMTP_SSL(sink.host, sink.port, context=client_ssl_context(ca_file)) as smtp:
        smtp.sendmail("desk@example.com", ["иван@пример.рф"], raw,
                      mail_options=["BODY=8BITMIME", "SMTPUTF8"])
    [got] = sink.wait_for(1, timeout=5)
    assert got.data == raw and got.tls
    assert (got.mail_from, got.rcpt_tos) == ("desk@example.com", ["иван@пример.рф"])
    assert {"BODY=8BITMIME", "SMTPUTF8"} <= set(got.mail_options)


def test_starttls_and_auth(smtp_sink_factory: Callable[..., SmtpSink], ca_file: Path) -> None:
    sink = smtp_sink_factory("starttls", auth=("desk", "secret-smtp"))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "desk@example.com", "ivan@example.org", "Ответ"
    msg.set_content("Ваша жалоба зарегистрирована.")
    with smtplib.SMTP(sink.host, sink.port) as smtp:
        with pytest.raises(smtplib.SMTPNotSupportedError):
            smtp.login("desk", "secret-smtp")  # AUTH only after STARTTLS
        smtp.starttls(context=client_ssl_context(ca_file))
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login("desk", "wrong")
        smtp.login("desk", "secret-smtp")
        smtp.send_message(msg)
    [got] = sink.wait_for(1, timeout=5)
    assert got.tls and got.auth_login == "desk"


def test_sink_outage_then_recovery(smtp_sink: SmtpSink) -> None:
    smtp_sink.fail_with = "451 4.3.0 try again later"
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: x\r\n\r\nx\r\n")
        assert refused.value.smtp_code == 451
        smtp_sink.fail_with = None
        smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: y\r\n\r\ny\r\n")
    assert len(smtp_sink.refused) == 1
    assert [m.data for m in smtp_sink.wait_for(1)] == [b"Subject: y\r\n\r\ny\r\n"]


def test_sink_down_then_up_on_the_same_port(smtp_sink: SmtpSink) -> None:
    port = smtp_sink.port
    smtp_sink.stop()
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(smtp_sink.host, port, timeout=2)
    smtp_sink.start()
    with smtplib.SMTP(smtp_sink.host, port) as smtp:
        smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: z\r\n\r\nz\r\n")
    assert len(smtp_sink.wait_for(1)) == 1


def test_postgres_select_1(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar_one() == 1
            assert conn.execute(sa.text("select lower('ЖАЛОБА')")).scalar_one() == "жалоба"
    finally:
        engine.dispose()


def test_wrong_password_and_unknown_user_are_auth_failures(dovecot: DovecotServer) -> None:
    for user, pw in [("pretenzii", "nope"), ("nosuchuser", "x")]:
        conn = imaplib.IMAP4(dovecot.host, dovecot.plain_port)
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            conn.login(user, pw)
