"""The benchmark's world on loopback: one Dovecot, an SMTP sink, journals, configs and users.

Mailboxes are filled by writing Maildir files straight into a fresh Dovecot user's INBOX
(hard links to one copy of the corpus) and letting Dovecot index them once before anything is
timed: APPENDing 350 MB per repeat would take longer than the measurement and measures
Dovecot's delivery, not our fetch. Every fetch that is timed goes over IMAPS, as the service's.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.servers import (
    DovecotServer,
    PostgresServer,
    SmtpSink,
    is_root,
    make_ca,
    make_cert,
    MAIL_UID,
)

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-pw"
SMTP_USER, SMTP_PASSWORD = "complaintdesk", "bench-smtp"
ENV_IMAP, ENV_SMTP = "CD_BENCH_IMAP_PW", "CD_BENCH_SMTP_PW"


class TimedSink(SmtpSink):
    """An SmtpSink that also notes when (time.monotonic) each message arrived."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[float] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        with self._lock:
            self.arrivals.append(time.monotonic())
        return reply


@dataclass(frozen=True)
class Mailbox:
    user: str
    uidvalidity: int
    last_uid: int
    count: int


class BenchEnv:
    """Servers started once per run; users, journals and desk folders made per measurement."""

    def __init__(self, database: str = "sqlite", keep: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="cdbench-", dir="/tmp"))
        self.root.chmod(0o755)
        self.keep = keep
        self.database = database
        self._ids = itertools.count(1)
        ca = make_ca(self.root / "tls")
        self.ca_file = ca.ca_file
        self.dovecot = DovecotServer(self.root / "dovecot", {"benchseed": PASSWORD}, ssl=True, ca=ca)
        self.dovecot.start()
        smtp_cert = make_cert(self.root / "tls", ca, "smtp")
        self.sink = TimedSink(ssl_context=smtp_cert.server_context(),
                              require_auth=(SMTP_USER, SMTP_PASSWORD))
        self.sink.start()
        self.pg = PostgresServer(self.root / "pg").start() if database == "postgresql" else None
        self.corpus_dir = self.root / "corpus"
        self.corpus_dir.mkdir(mode=0o755)

    def close(self) -> None:
        self.sink.stop()
        self.dovecot.stop()
        if self.pg:
            self.pg.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def worker_env(self) -> dict[str, str]:
        return {**os.environ, ENV_IMAP: PASSWORD, ENV_SMTP: SMTP_PASSWORD, "PYTHONHASHSEED": "0",
                "PYTHONPATH": str(REPO)}  # the snapshot's source, not the installed tree

    # -- mail ---------------------------------------------------------------

    def write_corpus(self, name: str, blobs: list[bytes]) -> list[Path]:
        """The corpus on disk once, 0644, to be hard-linked into mailboxes."""
        folder = self.corpus_dir / name
        folder.mkdir(mode=0o755)
        paths = []
        for i, data in enumerate(blobs):
            path = folder / f"{i:06d}.eml"
            path.write_bytes(data)
            path.chmod(0o644)
            paths.append(path)
        return paths

    def new_mailbox(self, label: str, files: list[Path], copies: int = 1) -> Mailbox:
        """A fresh Dovecot user whose INBOX holds ``files`` (``copies`` times), indexed."""
        user = f"{label}{next(self._ids)}"
        self.dovecot.add_user(user, PASSWORD)
        maildir = self.dovecot.maildir(user)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True, mode=0o700)
        n = 0
        for _ in range(copies):
            for path in files:
                os.link(path, maildir / "new" / f"{1_600_000_000 + n}.M{n}P1.bench")
                n += 1
        if is_root():
            for folder in (maildir, *(maildir / s for s in ("cur", "new", "tmp"))):
                os.chown(folder, MAIL_UID, MAIL_UID)
        uidvalidity, last_uid = self._index(user)
        if last_uid != n:
            raise RuntimeError(f"dovecot indexed {last_uid} of {n} mails for {user}")
        return Mailbox(user, uidvalidity, last_uid, n)

    def _index(self, user: str) -> tuple[int, int]:
        """Let Dovecot pick the new mail up and cache sizes, as after a normal delivery."""
        conn = imaplib.IMAP4(self.dovecot.host, self.dovecot.plain_port, timeout=600)
        try:
            conn.login(user, PASSWORD)
            typ, data = conn.select("INBOX", readonly=True)
            if typ != "OK":
                raise RuntimeError(f"SELECT failed for {user}: {data!r}")
            conn.uid("FETCH", "1:*", "(UID RFC822.SIZE FLAGS)")
            typ, status = conn.status("INBOX", "(UIDVALIDITY UIDNEXT)")
            text = status[0].decode()
            uidvalidity = int(re.search(r"UIDVALIDITY (\d+)", text).group(1))  # type: ignore[union-attr]
            uidnext = int(re.search(r"UIDNEXT (\d+)", text).group(1))  # type: ignore[union-attr]
            return uidvalidity, uidnext - 1
        finally:
            conn.logout()

    def append_connection(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.dovecot.host, self.dovecot.plain_port, timeout=30)
        conn.login(user, PASSWORD)
        return conn

    # -- journals -----------------------------------------------------------

    def journal_url(self, label: str, template: str | None = None) -> str:
        """A fresh, empty journal, or a copy of the ``template`` journal (made by journal_fill)."""
        name = f"j_{label}_{next(self._ids)}"
        if self.pg is None:
            path = self.root / "journals" / f"{name}.sqlite3"
            path.parent.mkdir(exist_ok=True)
            if template:
                shutil.copyfile(template.split("///", 1)[1], path)
            return f"sqlite:///{path}"
        if template:
            self._pg_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
            return self.pg.url_for(name)
        return self.pg.create_database(name)

    def drop_journal(self, url: str) -> None:
        if url.startswith("sqlite"):
            path = Path(url.split("///", 1)[1])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            self._pg_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')

    def _pg_sql(self, sql: str) -> None:
        import psycopg

        assert self.pg is not None
        with psycopg.connect(host=self.pg.host, port=self.pg.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql.encode())

    # -- desks --------------------------------------------------------------

    def write_config(self, label: str, box: Mailbox, url: str, **overrides: dict[str, Any]) -> Path:
        """A config.yaml for one desk (like tests/integration/conftest.py write_config)."""
        desk = self.root / "desks" / f"{label}_{next(self._ids)}"
        desk.mkdir(parents=True)
        data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
        sections: dict[str, dict[str, Any]] = {
            "mailbox": {"host": self.dovecot.host, "port": self.dovecot.port, "security": "ssl",
                        "ca_file": str(self.ca_file), "username": box.user, "password_env": ENV_IMAP},
            "smtp": {"host": self.sink.host, "port": self.sink.port, "security": "ssl",
                     "ca_file": str(self.ca_file), "username": SMTP_USER, "password_env": ENV_SMTP,
                     "retry_base_seconds": 1},
            "database": {"url": url},
            "storage": {"path": str(desk / "var")},
            "templates": {"path": str(REPO / "templates")},
            "daemon": {"log_level": "WARNING"},
            # the corpus repeats senders and has 2,000 appeals in "one hour": lift the caps on
            # automatic mail so that every appeal's acknowledgement is rendered and queued
            "limits": {"auto_per_recipient_per_hour": 1_000_000, "auto_global_per_hour": 1_000_000},
        }
        for key, values in overrides.items():
            sections[key] = {**sections.get(key, {}), **values}
        for key, values in sections.items():
            data[key] = {**data.get(key, {}), **values}
        path = desk / "config.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def drop_desk(self, config: Path) -> None:
        shutil.rmtree(config.parent, ignore_errors=True)

    def drop_mailbox(self, box: Mailbox) -> None:
        shutil.rmtree(self.dovecot.maildir(box.user), ignore_errors=True)
