"""One poll of the mailboxes and one sending round of the outbox, and the builder of their Deps.

Recording (batches, the loop's single broad ``except``) is pipeline.batch's job; this
module decides what to fetch and marks on the server what was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from classify.rules import rules_from_config

from pipeline.analysis import Analyzer
from pipeline.batch import PollSummary, record_stream
from base.config import Config, ImapSettings
from base.errors import DaemonError
from pipeline.flow import Deps, Outcome, Result
from pipeline.preflight import preflight_fault
from base.timeutil import utcnow
from ingest.imap import ImapMailbox
from ingest.types import RawMessage
from journal import register
from journal.db import create_schema, describe_db_error, make_engine
from replies.message import new_message_id
from replies.outbox import RetryPolicy, SendReport, send_pending
from replies.render import make_environment
from replies.smtp import SmtpSender

__all__ = ["PollSummary", "build_deps", "poll_all", "poll_mailbox", "send_outbox"]

log = logging.getLogger(__name__)


class MailboxClient(Protocol):
    def uidvalidity(self) -> int: ...
    def uids_after(self, last_uid: int) -> list[int]: ...
    def fetch(self, uids: list[int], uidvalidity: int) -> Iterator[RawMessage]: ...
    def mark_done(self, uids: list[int]) -> None: ...
    def copy_to(self, uids: list[int], folder: str) -> None: ...


def build_deps(config: Config, now: Callable[[], object] = utcnow,
               workers: int | None = None) -> Deps:
    """Open the journal (refusing an old schema) and make everything the flow needs."""
    engine = make_engine(config.database.url)
    create_schema(engine)
    config.storage.path.mkdir(mode=0o700, parents=True, exist_ok=True)
    limits = config.limits
    rules = rules_from_config(config)
    return Deps(
        config=config, engine=engine, env=make_environment(config.templates.path),
        rules=rules, now=now,  # type: ignore[arg-type]
        new_message_id=lambda: new_message_id(config.smtp.sender),
        analyzer=Analyzer(rules, limits.workers if workers is None else workers,
                          limits.mail_seconds, limits.mail_bytes),
    )


def poll_mailbox(client: MailboxClient, deps: Deps, settings: ImapSettings | None = None,
                 progress: Callable[[int], None] | None = None,
                 on_total: Callable[[int], None] | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> PollSummary:
    """Fetch every mail above the last UID processed and run each through the flow.

    Mails are read (parsed and classified) in worker processes a few ahead of the one being
    committed, in UID order; marking on the server follows each batch's commits."""
    settings = settings or deps.config.mailbox
    name, folder = settings.name, settings.folder
    uidvalidity = client.uidvalidity()
    last_uid = _last_uid(deps, name, folder, uidvalidity)
    _mark_leftovers(client, deps, name, uidvalidity)
    uids = client.uids_after(last_uid)
    if on_total:
        on_total(len(uids))

    def committed(done: list[tuple[RawMessage, Result]]) -> None:
        """Only after the commit: copy set-aside mail and mark everything done."""
        aside = [raw.uid for raw, r in done if r.outcome == Outcome.SET_ASIDE]
        _quarantine(client, settings, aside)
        mark_committed(client, deps, name, uidvalidity, [raw.uid for raw, _ in done])

    return record_stream(client.fetch(uids, uidvalidity), deps, committed, progress,
                         should_stop)


def _quarantine(client: MailboxClient, settings: ImapSettings, uids: list[int]) -> None:
    """A copy of set-aside mail in the quarantine folder, for people browsing the box (the
    journal keeps the mail and its reason either way)."""
    if uids and settings.quarantine_folder:
        client.copy_to(uids, settings.quarantine_folder)


def poll_all(deps: Deps, should_stop: Callable[[], bool] = lambda: False,
             progress: Callable[[int], None] | None = None,
             on_total: Callable[[int], None] | None = None
             ) -> tuple[PollSummary, list[str]]:
    """Poll every configured mailbox; one that fails does not stop the others.
    Returns the combined summary and one error line per failed mailbox."""
    total, errors = PollSummary(), []
    # --- issue 9: a fault of the service is found before any mail is fetched ---
    fault = preflight_fault(deps.config, deps.env, deps.engine)
    if fault is not None:
        return total, [fault]
    # --- end issue 9 ---
    for settings in deps.config.all_mailboxes():
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


def _last_uid(deps: Deps, name: str, folder: str, uidvalidity: int) -> int:
    with Session(deps.engine) as session:
        state = register.mailbox_state(session, name, folder)
        if state is None:
            return 0
        if state.uidvalidity != uidvalidity:
            log.warning("mailbox=%s UIDVALIDITY changed %s -> %s; rescanning (duplicates are "
                        "recognised by their bytes)", name, state.uidvalidity, uidvalidity)
            register.set_mailbox_state(session, name, folder, uidvalidity, 0)
            session.commit()
            return 0
        return state.last_uid


def _mark_leftovers(client: MailboxClient, deps: Deps, name: str, uidvalidity: int) -> None:
    with Session(deps.engine) as session:
        leftovers = register.unmarked_uids(session, name, uidvalidity)
    mark_committed(client, deps, name, uidvalidity, leftovers)


def mark_committed(client: MailboxClient, deps: Deps, name: str, uidvalidity: int, uids: list[int]) -> None:
    """Mark done on the server (only after the commit), then remember that we did."""
    if not uids:
        return
    client.mark_done(uids)
    with Session(deps.engine) as session:
        register.set_marked(session, name, uidvalidity, uids)
        session.commit()


def send_outbox(deps: Deps, unrecorded: set[int] | None = None) -> SendReport:
    smtp = deps.config.smtp
    password = smtp.password("smtp")
    policy = RetryPolicy(smtp.max_attempts, smtp.retry_base_seconds, smtp.retry_max_seconds)

    @contextmanager
    def connect() -> Iterator[SmtpSender]:
        with SmtpSender(smtp, password) as sender:
            yield sender

    return send_pending(deps.engine, connect, deps.now, policy, unrecorded)
