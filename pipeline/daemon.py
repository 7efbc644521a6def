"""The daemon loop: poll the mailbox and send the outbox every N seconds (schedule), stop
cleanly between mails on SIGTERM/SIGINT, and survive server outages with one log line each."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

import schedule

from jinja2 import TemplateError
from sqlalchemy.exc import SQLAlchemyError

from base.config import ImapSettings
from base.errors import DaemonError
from ingest.imap import ImapMailbox
from journal.db import describe_db_error
from pipeline.deps import Deps
from pipeline.faults import as_systemic
from pipeline.digest import queue_daily_digest
from pipeline.notify import Notifier
from pipeline.poll import poll_all, send_outbox
from pipeline.reread import read_pending

log = logging.getLogger(__name__)


class IdleWatcher(threading.Thread):
    """Holds an IMAP IDLE connection to one mailbox and sets ``wake`` when mail arrives, so
    the daemon polls within a second of delivery instead of at the next interval."""

    def __init__(self, settings: ImapSettings, wake: threading.Event,
                 stop: threading.Event) -> None:
        super().__init__(name=f"idle-{settings.name}", daemon=True)
        self.settings, self.wake, self.stop = settings, wake, stop

    def run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                with ImapMailbox(self.settings, self.settings.password("mailbox")) as client:
                    failures = 0
                    while not self.stop.is_set():
                        if client.wait_for_news(timeout=_IDLE_SECONDS):
                            self.wake.set()
            except DaemonError as exc:
                failures += 1
                if failures == 1:
                    log.warning("mailbox=%s IDLE unavailable (%s); polling continues",
                                self.settings.name, exc)
                self.stop.wait(min(300.0, 5.0 * 2 ** min(failures, 6)))


_IDLE_SECONDS = 20.0


class Daemon:
    def __init__(self, deps: Deps, notifier: Notifier | None = None) -> None:
        self.deps = deps
        self.notifier = notifier or Notifier.from_environment()  # systemd READY/WATCHDOG
        self.stop = threading.Event()
        self._failures = 0
        self._last_error: str | None = None
        self._retry_at = 0.0
        self.wake = threading.Event()
        self.unrecorded: set[int] = set()  # accepted by SMTP, not yet recorded (journal down)

    def install_signal_handlers(self) -> None:
        def _handler(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s received; stopping after the current mail", signum)
            self.stop.set()
            self.wake.set()

        signal.signal(signal.SIGTERM, _handler)
        signal.signal(signal.SIGINT, _handler)

    def cycle(self) -> None:
        """One poll and one sending round; errors are logged once per kind, never raised.
        After a failure the next cycles are skipped for an exponentially growing pause."""
        if self.stop.is_set() or time.monotonic() < self._retry_at:
            return
        try:
            self._poll()
            self.notifier.ping()  # progress: the mailboxes answered and the journal worked
            self._send()
            read_pending(self.deps, limit=5, progress=self.notifier.ping)  # issue 15: OCR after the acks
        except (DaemonError, SQLAlchemyError, TemplateError, OSError) as exc:
            if isinstance(exc, SQLAlchemyError):
                exc = DaemonError(f"journal: {describe_db_error(exc)}")
            elif not isinstance(exc, DaemonError):  # e.g. the digest's template (issue 9)
                exc = as_systemic(exc) or DaemonError(str(exc))
            self._failures += 1
            pause = min(self.deps.daemon.poll_interval_seconds * 2 ** min(self._failures, 6),
                        900.0)
            self._retry_at = time.monotonic() + pause
            if str(exc) != self._last_error:
                log.error("%s (retrying in %.0fs)", exc, pause)
            self._last_error = str(exc)
            return
        if self._failures:
            log.info("recovered after %s failed cycles", self._failures)
        self._failures, self._last_error = 0, None

    def _poll(self) -> None:
        summary, errors = poll_all(self.deps, should_stop=self.stop.is_set,
                                   progress=lambda _n: self.notifier.ping())
        if summary.fetched:
            log.info("poll: %s", summary.line())
        if errors:
            raise DaemonError("; ".join(errors))

    def _send(self) -> None:
        queue_daily_digest(self.deps)
        report = send_outbox(self.deps, self.unrecorded)
        if report.error:
            raise DaemonError(f"outbox: {report.error}")

    def run_forever(self) -> None:
        interval = self.deps.daemon.poll_interval_seconds
        log.info("complaintdesk daemon started; polling every %ss", interval)
        scheduler = schedule.Scheduler()
        scheduler.every(interval).seconds.do(self.cycle)  # type: ignore[arg-type]  # floats work
        for settings in self.deps.mailboxes:
            if settings.idle:
                IdleWatcher(settings, self.wake, self.stop).start()
        self.notifier.ready()
        self.cycle()
        while not self.stop.is_set():
            scheduler.run_pending()
            idle = scheduler.idle_seconds
            if self.wake.wait(min(1.0, max(0.05, idle if idle is not None else 1.0))):
                self.wake.clear()
                if not self.stop.is_set():
                    self.cycle()
        self.notifier.stopping()
        self.deps.analyzer.close()
        log.info("complaintdesk daemon stopped")
