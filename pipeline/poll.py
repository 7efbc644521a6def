"""Every configured mailbox polled once (pipeline.flow.poll_mailbox each), and one sending
round of the outbox: what the daemon's cycle and the `poll` and `send` commands run.

A mailbox that fails does not stop the others; the error is one line per mailbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from base.errors import DaemonError
from pipeline.preflight import preflight_fault
from ingest.imap import ImapMailbox
from journal.db import describe_db_error
from pipeline.batch import PollSummary
from pipeline.deps import Deps, build_deps
from pipeline.flow import poll_mailbox
from replies.outbox import RetryPolicy, SendReport, send_pending
from replies.smtp import SmtpSender

__all__ = ["PollSummary", "build_deps", "poll_all", "poll_mailbox", "send_outbox"]

log = logging.getLogger(__name__)


def poll_all(deps: Deps, should_stop: Callable[[], bool] = lambda: False,
             progress: Callable[[int], None] | None = None,
             on_total: Callable[[int], None] | None = None
             ) -> tuple[PollSummary, list[str]]:
    """Poll every configured mailbox; one that fails does not stop the others.
    Returns the combined summary and one error line per failed mailbox."""
    total, errors = PollSummary(), []
    # --- issue 9: a fault of the service is found before any mail is fetched ---
    fault = preflight_fault(deps)
    if fault is not None:
        return total, [fault]
    # --- end issue 9 ---
    for settings in deps.mailboxes:
        if should_stop():
            break
        try:
            with ImapMailbox(settings, settings.password("mailbox")) as client:
                summary = poll_mailbox(client, deps, settings, progress, on_total, should_stop)
        except DaemonError as exc:
            errors.append(f"mailbox {settings.name}: {exc}")
            continue
        except SQLAlchemyError as exc:  # e.g. while marking: the journal is unreachable
            errors.append(f"mailbox {settings.name}: journal: {describe_db_error(exc)}")
            continue
        total.merge(summary)
    return total, errors


def send_outbox(deps: Deps, unrecorded: set[int] | None = None) -> SendReport:
    smtp = deps.smtp
    password = smtp.password("smtp")
    policy = RetryPolicy(smtp.max_attempts, smtp.retry_base_seconds, smtp.retry_max_seconds)

    @contextmanager
    def connect() -> Iterator[SmtpSender]:
        with SmtpSender(smtp, password) as sender:
            yield sender

    return send_pending(deps.engine, connect, deps.now, policy, unrecorded)
