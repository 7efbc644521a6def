"""The one exception tree of complaintdesk.

    DaemonError                 anything the service itself raises
    ├── ConfigError             config.yaml is missing, malformed or invalid (CLI: exit 2)
    ├── MailboxError            the IMAP server failed or refused us
    ├── DeliveryError           the SMTP server failed or refused a mail
    ├── StorageError            the mail or attachment store could not be written
    ├── JournalError            the journal (database) failed, or a lookup found nothing
    │   └── NotFoundError       no appeal with that registration number
    ├── ParseError              bytes that are not a mail (the mail is set aside, never dropped)
    └── ReplyError              a staff reply cannot be made: unknown template, missing field,
                                no director's signature block (3.9)

Library errors are translated at the edge with ``raise ... from exc``; only ``cli.py`` turns
these into exit codes.
"""


class DaemonError(Exception):
    """Base of every error complaintdesk raises on purpose."""


class ConfigError(DaemonError):
    """Invalid configuration; the message names the key."""


class MailboxError(DaemonError):
    """The IMAP server could not be reached, refused login, or failed a command."""


class DeliveryError(DaemonError):
    """The SMTP server could not be reached or refused a mail."""

    def __init__(self, message: str, permanent: bool = False, connection: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent  # a 5xx refusal: retrying will not help
        self.connection = connection  # the connection itself is gone: stop this sending round


class StorageError(DaemonError):
    """A file could not be written to the storage directory."""


class JournalError(DaemonError):
    """The journal database failed."""


class NotFoundError(JournalError):
    """No appeal with that registration number."""


class ParseError(DaemonError):
    """The bytes are not a mail; the reason is the message."""


class ReplyError(DaemonError):
    """A staff reply cannot be rendered or queued; the message names the template and field."""
