"""The world a scenario runs in: real loopback servers, a configured desk, the daemon process.

``Servers`` starts one Dovecot (imaps with a test CA) and, on demand, one PostgreSQL. A ``Desk``
is one complaintdesk installation: its own Dovecot user, its own SMTP sink, its own journal and
storage, its config file, and the ``complaintdesk --config X run`` daemon as a subprocess that
scenarios start, SIGKILL and restart. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import imaplib
import itertools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.servers import (
    MAIL_UID,
    DovecotServer,
    PostgresServer,
    SmtpSink,
    is_root,
    make_ca,
    make_cert,
)

REPO = Path(__file__).resolve().parents[1]
_names = itertools.count(1)
_MSGID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


def complaintdesk_command() -> list[str]:
    """The installed console script next to this interpreter (the venv's), else the module."""
    script = Path(sys.executable).parent / "complaintdesk"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from complaintdesk.cli import main; main()"]


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.25) -> bool:
    """Poll ``condition`` until true or ``timeout`` seconds pass (every loop here is bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)


class Servers:
    """One Dovecot (imaps, self-signed test CA) for every desk, PostgreSQL when asked for."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="cd-rel-", dir="/tmp"))
        self.root.chmod(0o755)
        self.ca = make_ca(self.root / "tls")
        self.smtp_cert = make_cert(self.root / "tls", self.ca, "smtp")
        self.dovecot = DovecotServer(self.root / "dovecot", {"harness": "harness-pw"},
                                     ssl=True, ca=self.ca).start()
        self._postgres: PostgresServer | None = None
        self.desks: list[Desk] = []

    @property
    def ca_file(self) -> Path:
        return self.ca.ca_file

    def postgres(self) -> PostgresServer:
        if self._postgres is None:
            self._postgres = PostgresServer(self.root / "postgres").start()
        return self._postgres

    def close(self) -> None:
        for desk in self.desks:
            desk.close()
        self.dovecot.stop()
        if self._postgres is not None:
            self._postgres.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _server_sections(servers: Servers, user: str, sink_port: int, db_url: str,
                     root: Path) -> dict[str, dict[str, Any]]:
    return {
        "mailbox": {"host": "127.0.0.1", "port": servers.dovecot.imaps_port, "security": "ssl",
                    "ca_file": str(servers.ca_file), "username": user, "name": user,
                    "password_env": "CD_REL_IMAP_PW", "timeout_seconds": 5, "batch_size": 25},
        "smtp": {"host": "127.0.0.1", "port": sink_port, "security": "ssl",
                 "ca_file": str(servers.ca_file), "username": "complaintdesk",
                 "password_env": "CD_REL_SMTP_PW", "timeout_seconds": 5,
                 "retry_base_seconds": 1, "retry_max_seconds": 4},
        "database": {"url": db_url},
        "storage": {"path": str(root / "var")},
        "templates": {"path": str(REPO / "templates")},
        "daemon": {"poll_interval_seconds": 0.5, "log_level": "INFO"},
        # the harness sends many mails; the automatic-mail limits have scenarios of their own
        "limits": {"auto_per_recipient_per_hour": 1000, "auto_global_per_hour": 100000},
    }


def write_config(path: Path, sections: dict[str, dict[str, Any]],
                 extra: dict[str, Any] | None = None) -> Path:
    """The repository's config.yaml with ``sections`` merged in and ``extra`` top-level keys
    (e.g. ``limits``, ``mailboxes``: keys the service may not know yet) added verbatim."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    data.update(extra or {})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Journal:
    """A read-only snapshot of the journal tables the checks need."""

    inbound: list[dict[str, Any]] = field(default_factory=list)
    appeals: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Desk:
    """One complaintdesk installation wired to the loopback servers."""

    servers: Servers
    name: str
    root: Path
    user: str
    imap_password: str
    smtp_password: str
    sink: SmtpSink
    db_url: str
    config_path: Path
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    appended: dict[str, str] = field(default_factory=dict)  # Message-ID -> kind
    sha: dict[str, str] = field(default_factory=dict)  # Message-ID -> sha256 of the bytes

    def expect(self, message_id: str, kind: str, data: bytes) -> None:
        """Remember a mail the harness handed to the mailbox, to check it later."""
        self.appended[message_id] = kind
        self.sha[message_id] = hashlib.sha256(data).hexdigest()

    # -- the daemon --------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "COMPLAINTDESK_"))}
        env.update(CD_REL_IMAP_PW=self.imap_password, CD_REL_SMTP_PW=self.smtp_password,
                   PYTHONUNBUFFERED="1")
        return env

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Start ``complaintdesk --config X run`` (or other ``args``) in its own session."""
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"=== harness: start #{self.starts} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [*complaintdesk_command(), "--config", str(self.config_path), *(args or ("run",))],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env(), cwd=self.root, start_new_session=True,
            )
        return self.proc

    def wait_started(self, timeout: float = 30.0) -> bool:
        marker = f"=== harness: start #{self.starts} ==="

        def started() -> bool:
            text_ = self.log_text()
            return "daemon started" in text_[text_.rfind(marker):] or not self.alive()

        return wait_until(started, timeout, 0.05) and self.alive()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the daemon (its whole session) and reap it."""
        proc = self.proc
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait, SIGKILL if needed; return the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return proc.returncode

    def peak_rss_mb(self) -> float | None:
        """The daemon's peak resident memory so far (VmHWM), in MB."""
        if not self.alive():
            return None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()  # type: ignore[union-attr]
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return round(int(match.group(1)) / 1024, 1) if match else None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def close(self) -> None:
        self.stop(timeout=10)
        self.sink.stop()

    # -- mail in -----------------------------------------------------------

    def appender(self) -> Appender:
        return Appender(self.servers.dovecot, self.user)

    def drop(self, mails: Iterable[bytes]) -> int:
        """Deliver straight into the Maildir (a flood landing at once)."""
        return drop_into_maildir(self.servers.dovecot, self.user, mails)

    # -- what the desk did -------------------------------------------------

    def journal(self) -> Journal:
        return read_journal(self.db_url)

    def wire(self) -> list[tuple[str | None, list[str]]]:
        """(Message-ID, recipients) of every message the SMTP sink accepted."""
        out = []
        for m in self.sink.messages:
            match = _MSGID.search(m.data.split(b"\r\n\r\n", 1)[0])
            out.append((match.group(1).decode() if match else None, list(m.rcpt_tos)))
        return out


def make_desk(servers: Servers, label: str, *, db: str = "sqlite",
              sink_factory: Callable[..., SmtpSink] = SmtpSink,
              sections: dict[str, dict[str, Any]] | None = None,
              extra: dict[str, Any] | None = None, storage: Path | None = None) -> Desk:
    """A fresh desk: Dovecot user, SMTPS sink with AUTH, journal, storage, config file."""
    n = next(_names)
    user = f"rel{n}{label}"[:40]
    root = Path(tempfile.mkdtemp(prefix=f"desk{n}-", dir=servers.root))
    imap_pw = f"imap-{secrets.token_hex(8)}"
    smtp_pw = f"smtp-{secrets.token_hex(8)}"
    servers.dovecot.add_user(user, imap_pw)
    sink = sink_factory(ssl_context=servers.smtp_cert.server_context(),
                        require_auth=("complaintdesk", smtp_pw)).start()
    if db == "sqlite":
        url = f"sqlite:///{root / 'journal.sqlite3'}"
    else:
        url = servers.postgres().create_database(f"{user}_{os.getpid()}".lower())
    merged = _server_sections(servers, user, sink.port, url, root)
    if storage is not None:
        merged["storage"] = {"path": str(storage)}
    for key, values in (sections or {}).items():
        merged[key] = {**merged.get(key, {}), **values}
    config = write_config(root / "config.yaml", merged, extra)
    desk = Desk(servers, label, root, user, imap_pw, smtp_pw, sink, url, config,
                root / "daemon.log")
    servers.desks.append(desk)
    return desk


class Appender:
    """One logged-in IMAP connection that APPENDs to INBOX (reconnects once on failure)."""

    def __init__(self, dovecot: DovecotServer, user: str) -> None:
        self.dovecot, self.user = dovecot, user
        self._conn: imaplib.IMAP4 | None = None

    def append(self, data: bytes) -> None:
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self._conn = self.dovecot.imap(self.user)
                typ, resp = self._conn.append("INBOX", None, None, data)
                if typ != "OK":
                    raise RuntimeError(f"APPEND refused: {resp!r}")
                return
            except (OSError, imaplib.IMAP4.error):
                self._conn = None
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.logout()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self._conn = None


def drop_into_maildir(dovecot: DovecotServer, user: str, mails: Iterable[bytes]) -> int:
    """Write mails into the user's Maildir new/ the way an MDA does (tmp/ then rename)."""
    conn = dovecot.imap(user)  # makes Dovecot create the Maildir
    conn.select("INBOX")
    conn.logout()
    maildir = dovecot.maildir(user)
    count = 0
    stamp = int(time.time())
    for i, data in enumerate(mails):
        name = f"{stamp}.R{i}x{os.getpid()}.reliability"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(data)
        if is_root():
            os.chown(tmp, MAIL_UID, MAIL_UID)
        tmp.rename(maildir / "new" / name)
        count += 1
    return count


def read_journal(url: str) -> Journal:
    """Read the journal without taking write locks (a plain engine, no BEGIN IMMEDIATE)."""
    engine = create_engine(url, poolclass=NullPool)
    journal = Journal()
    queries = {
        "inbound": "SELECT id, uid, message_id, outcome, reason, appeal_id, sha256, received_at "
                   "FROM inbound_message ORDER BY id",
        "appeals": "SELECT id, number, message_id, applicant_email, created_at FROM appeal "
                   "ORDER BY id",
        "outbox": "SELECT id, appeal_id, message_id, recipient, state, attempts FROM outbox "
                  "ORDER BY id",
        "attachments": "SELECT id, inbound_id, filename, stored_name, flags FROM attachment "
                       "ORDER BY id",
    }
    try:
        with engine.connect() as conn:
            for attr, sql in queries.items():
                try:
                    rows = conn.execute(text(sql)).mappings().all()
                except Exception:  # noqa: BLE001 - the table does not exist yet
                    conn.rollback()
                    continue
                setattr(journal, attr, [dict(r) for r in rows])
    finally:
        engine.dispose()
    return journal
