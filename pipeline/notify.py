"""systemd's notify protocol (sd_notify(3)) without libsystemd: READY=1 once the daemon works,
WATCHDOG=1 while it makes progress, STOPPING=1 on the way out. One datagram each to the
AF_UNIX socket named by $NOTIFY_SOCKET; without it (not under systemd) every call is a no-op.

The daemon pings only when a poll got through to its mailboxes or a mail was recorded, so a
daemon hung on a dead IMAP connection (or unable to reach it for WatchdogSec) stops pinging and
systemd restarts it (``WatchdogSec=`` in deploy/complaintdesk.service).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, address: str | None, watchdog_seconds: float | None = None) -> None:
        self.address = "\0" + address[1:] if address and address.startswith("@") else address
        self.watchdog_seconds = watchdog_seconds
        self._last_ping = 0.0
        self._warned = False

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Notifier:
        """$NOTIFY_SOCKET, and $WATCHDOG_USEC when $WATCHDOG_PID is unset or ours."""
        usec, pid = env.get("WATCHDOG_USEC"), env.get("WATCHDOG_PID")
        watchdog = None
        if usec and usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            watchdog = int(usec) / 1_000_000
        return cls(env.get("NOTIFY_SOCKET") or None, watchdog)

    def ready(self, status: str = "polling") -> None:
        self._send(f"READY=1\nSTATUS={status}\nMAINPID={os.getpid()}")

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def ping(self) -> None:
        """WATCHDOG=1, at most a few times per watchdog interval (progress may be per mail)."""
        if self.watchdog_seconds is None:
            return
        now = time.monotonic()
        if now - self._last_ping >= min(1.0, self.watchdog_seconds / 4):
            self._last_ping = now
            self._send("WATCHDOG=1")

    def _send(self, message: str) -> None:
        if not self.address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self.address)
                sock.sendall(message.encode())
        except OSError as exc:
            if not self._warned:  # systemd gone or the socket wrong: say so once, keep running
                log.warning("cannot notify systemd at NOTIFY_SOCKET (%s)", exc.strerror or exc)
                self._warned = True
