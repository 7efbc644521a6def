"""The SMTP edge: one connection per sending round, smtplib errors translated to DeliveryError.

A 5xx reply to the recipient is permanent (the outbox stops retrying that mail); everything else
(connection refused, timeouts, 4xx) is transient.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from base.config import SmtpSettings
from base.errors import DeliveryError
from base.tls import make_ssl_context
from replies.message import split_sender


class SmtpSender:
    """Sends raw messages; use as a context manager around a sending round."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        self._conn = self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                self._conn.close()
            self._conn = None

    def envelope_sender(self) -> str:
        return split_sender(self.settings.sender)[1]

    def send(self, recipient: str, raw: bytes) -> None:
        if self._conn is None:
            raise DeliveryError("SMTP connection is not open")
        options = []
        if not recipient.isascii():
            if not self._conn.has_extn("smtputf8"):
                raise DeliveryError("non-ASCII recipient and the server lacks SMTPUTF8",
                                    permanent=True)
            options.append("SMTPUTF8")
        try:
            refused = self._conn.sendmail(self.envelope_sender(), [recipient], raw,
                                          mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            raise DeliveryError(f"recipient refused ({code})", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP send failed: {type(exc).__name__}", connection=True) from exc
        except (UnicodeError, ValueError) as exc:
            raise DeliveryError(f"unsendable address: {type(exc).__name__}", permanent=True) from exc
        if refused:
            raise DeliveryError(f"recipient refused ({len(refused)})", permanent=True)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            conn = self._open(s)
            if s.username and self._password is not None:
                conn.login(s.username, self._password)
            return conn
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login to {s.host}:{s.port} as {s.username} refused") from exc
        except (smtplib.SMTPException, OSError, ssl.SSLError, socket.timeout) as exc:
            raise DeliveryError(
                f"SMTP {s.host}:{s.port} unreachable: {type(exc).__name__}", connection=True
            ) from exc

    @staticmethod
    def _open(s: SmtpSettings) -> smtplib.SMTP:
        if s.security == "ssl":
            context = make_ssl_context(s.verify_tls, s.ca_file)
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        if s.security == "starttls":
            conn.starttls(context=make_ssl_context(s.verify_tls, s.ca_file))
        return conn


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")[:200]
    return str(value)[:200]
