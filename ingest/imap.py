"""The IMAP edge: connect, list new UIDs above the last one processed, fetch raw bytes, mark done.

New mail is found by UID only, never by \\Seen (staff reading the box in their mail program must
not hide mail from the service). Nothing is ever deleted from the server. imap-tools errors are
translated into MailboxError here.
"""

from __future__ import annotations

import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError
from imap_tools.message import MailMessage

from base.config import ImapSettings
from base.errors import MailboxError
from base.tls import make_ssl_context
from ingest.types import RawMessage

log = logging.getLogger(__name__)

_UID = re.compile(rb"UID\s+(\d+)")
_NET_ERRORS = (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError, ssl.SSLError, EOFError)


class _RawFetch:
    """Keeps a FETCH response's raw bytes and UID without parsing the mail (we parse once, later)."""

    def __init__(self, fetch_data: list[Any]) -> None:
        raw, uid_data, flag_data = MailMessage._get_message_data_parts(fetch_data)
        self.data: bytes = raw or b""
        match = None
        for item in [uid_data, *flag_data]:
            match = _UID.search(item or b"")
            if match:
                break
        self.uid = int(match.group(1)) if match else 0


class ImapMailbox:
    """One logged-in connection to the complaints folder."""

    def __init__(self, settings: ImapSettings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._box: Any = None

    def __enter__(self) -> ImapMailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        try:
            box = _make_client(s)
            box.email_message_class = _RawFetch
            box.login(s.username, self._password or "", initial_folder=s.folder)
        except MailboxLoginError as exc:
            raise MailboxError(f"IMAP login to {s.host}:{s.port} as {s.username} refused") from exc
        except (*_NET_ERRORS, socket.timeout) as exc:
            raise MailboxError(f"IMAP {s.host}:{s.port} unreachable: {_describe(exc)}") from exc
        self._box = box

    def close(self) -> None:
        if self._box is not None:
            try:
                self._box.logout()
            except _NET_ERRORS:  # the connection may already be gone; nothing to keep
                pass
            self._box = None

    def uidvalidity(self) -> int:
        """UIDVALIDITY of the selected folder."""
        status = self._call(self._box.folder.status, self.settings.folder, ["UIDVALIDITY"])
        return int(status["UIDVALIDITY"])

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above ``last_uid``, ascending. (``UID n:*`` can return the last mail; dropped.)"""
        found = self._call(self._box.uids, f"UID {last_uid + 1}:*")
        return sorted(u for u in (int(x) for x in found) if u > last_uid)

    def uids_since(self, day: date) -> list[int]:
        """UIDs of mail the server received on or after ``day`` (IMAP SEARCH SINCE), ascending."""
        found = self._call(self._box.uids, f"SINCE {day.strftime('%d-%b-%Y')}")
        return sorted(int(x) for x in found)

    def fetch(self, uids: Sequence[int], uidvalidity: int) -> Iterator[RawMessage]:
        """Raw bytes of the given UIDs, in batches, without setting \\Seen."""
        batch = max(2, self.settings.batch_size)
        for start in range(0, len(uids), batch):
            chunk = [str(u) for u in uids[start:start + batch]]
            fetched = self._call(
                lambda c=chunk: list(self._box.fetch(uid_list=c, mark_seen=False, bulk=batch))
            )
            for item in sorted(fetched, key=lambda f: f.uid):
                yield RawMessage(self.settings.name, uidvalidity, item.uid, item.data,
                                 self.settings.folder)

    def mark_done(self, uids: Sequence[int]) -> None:
        """Set the done keyword, or move to the done folder when one is configured."""
        if not uids:
            return
        ids = [str(u) for u in uids]
        if self.settings.done_folder:
            self._ensure_folder(self.settings.done_folder)
            self._call(self._box.move, ids, self.settings.done_folder)
        else:
            self._call(self._box.flag, ids, [self.settings.done_keyword], True)

    def wait_for_news(self, timeout: float) -> bool:
        """IMAP IDLE for up to ``timeout`` seconds; True when new mail arrived.

        imap-tools drops what the server says while IDLE is being ended, so a mail landing in
        that moment would only be seen at the next interval poll: UIDNEXT is compared too."""
        before = self._uidnext()
        responses = self._call(self._box.idle.wait, timeout)
        if any(b"EXISTS" in r or b"RECENT" in r for r in responses or []):
            return True
        return self._uidnext() != before

    def _uidnext(self) -> int:
        status = self._call(self._box.folder.status, self.settings.folder, ["UIDNEXT"])
        return int(status["UIDNEXT"])

    def copy_to(self, uids: Sequence[int], folder: str) -> None:
        self._ensure_folder(folder)
        self._call(self._box.copy, [str(u) for u in uids], folder)

    def _ensure_folder(self, folder: str) -> None:
        if not self._call(self._box.folder.exists, folder):
            self._call(self._box.folder.create, folder)

    def _call(self, fn: Any, *args: Any) -> Any:
        if self._box is None:
            raise MailboxError("IMAP connection is not open")
        try:
            return fn(*args)
        except (*_NET_ERRORS, socket.timeout) as exc:
            s = self.settings
            raise MailboxError(f"IMAP {s.host}:{s.port} failed: {_describe(exc)}") from exc


def _make_client(s: ImapSettings) -> Any:
    if s.security == "plain":
        return MailBoxUnencrypted(s.host, s.port, timeout=s.timeout_seconds)
    context = make_ssl_context(s.verify_tls, s.ca_file)
    if s.security == "starttls":
        return MailBoxStartTls(s.host, s.port, timeout=s.timeout_seconds, ssl_context=context)
    return MailBox(s.host, s.port, timeout=s.timeout_seconds, ssl_context=context)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
