"""Issue 9: `complaintdesk run` under systemd's notify protocol. The test opens the
NOTIFY_SOCKET (an AF_UNIX datagram socket) systemd would: the daemon says READY=1, pings
WATCHDOG=1 while its polls get through, and stops pinging while its IMAP server does not
answer (a private Dovecot, SIGSTOPped) — which is when systemd would restart it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import write_config
from tests.servers import DovecotServer


class NotifyListener(threading.Thread):
    """Receives notify datagrams and keeps them with the time they arrived."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.got: list[tuple[float, str]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                self.got.append((time.monotonic(), self.sock.recv(4096).decode()))
            except TimeoutError:
                continue

    def pings(self, since: float, until: float | None = None) -> int:
        return sum(1 for at, msg in list(self.got) if msg == "WATCHDOG=1" and at >= since
                   and (until is None or at < until))

    def wait(self, test: Any, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if test():
                return True
            time.sleep(0.1)
        return False


@pytest.fixture
def stoppable_dovecot(servers_root: Path, test_ca: Any) -> Iterator[DovecotServer]:
    """A private Dovecot (the shared one must not be stopped under other tests)."""
    server = DovecotServer(servers_root / f"dovecot-watchdog-{os.getpid()}",
                           {"watched": "pw-watched"}, ssl=True, ca=test_ca)
    server.start()
    yield server
    assert server._proc is not None
    os.killpg(server._proc.pid, signal.SIGCONT)
    server.stop()


def test_pings_stop_while_the_imap_server_hangs(stoppable_dovecot: DovecotServer,
                                                smtp_sink_factory: Any, ca_file: Path,
                                                tmp_path: Path) -> None:
    sink = smtp_sink_factory("smtps", auth=("complaintdesk", "secret-smtp"))
    config = write_config(
        tmp_path / "config.yaml",
        mailbox={"host": "127.0.0.1", "port": stoppable_dovecot.port, "ca_file": str(ca_file),
                 "username": "watched", "password_env": "CD_WD_IMAP", "idle": False,
                 "timeout_seconds": 30},
        smtp={"host": "127.0.0.1", "port": sink.port, "ca_file": str(ca_file),
              "username": "complaintdesk", "password_env": "CD_WD_SMTP"},
        database={"url": f"sqlite:///{tmp_path / 'journal.sqlite3'}"},
        storage={"path": str(tmp_path / "var")}, daemon={"poll_interval_seconds": 0.5})
    listener = NotifyListener(tmp_path / "notify")
    listener.start()
    env = {**os.environ, "CD_WD_IMAP": "pw-watched", "CD_WD_SMTP": "secret-smtp",
           "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "2000000"}
    log = open(tmp_path / "daemon.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("complaintdesk")), "--config",
                             str(config), "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
    assert stoppable_dovecot._proc is not None
    dovecot_group = stoppable_dovecot._proc.pid
    try:
        assert listener.wait(lambda: any(m.startswith("READY=1") for _, m in listener.got), 90), \
            (tmp_path / "daemon.log").read_text()
        start = time.monotonic()
        assert listener.wait(lambda: listener.pings(start) >= 3, 30), "no pings while healthy"
        os.killpg(dovecot_group, signal.SIGSTOP)
        stopped = time.monotonic()
        time.sleep(8)  # a poll in flight may still finish; then every IMAP call hangs
        assert listener.pings(stopped + 2) == 0, "pinged while the IMAP server did not answer"
        assert proc.poll() is None  # hung, not crashed: systemd's watchdog is what ends it
        os.killpg(dovecot_group, signal.SIGCONT)
        resumed = time.monotonic()
        assert listener.wait(lambda: listener.pings(resumed) >= 1, 60), "no ping after recovery"
    finally:
        os.killpg(dovecot_group, signal.SIGCONT)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        listener.done.set()
    assert code == 0, (tmp_path / "daemon.log").read_text()
    assert any(m == "STOPPING=1" for _, m in listener.got)
