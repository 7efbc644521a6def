"""One poll of the mailbox and one sending round of the outbox, and the builder of their Deps.

The runner owns the loop's single broad ``except``: a mail that breaks the flow in a way nobody
foresaw is set aside with its reason (raw kept), never dropped, and the next mail goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session

from complaintdesk.config import Config
from complaintdesk.errors import JournalError, StorageError
from complaintdesk.flow import Deps, Outcome, Result, process_one
from complaintdesk.timeutil import utcnow
from ingest.types import RawMessage
from journal import register
from journal.db import create_schema, make_engine
from replies.message import new_message_id
from replies.outbox import RetryPolicy, SendReport, send_pending
from replies.render import make_environment
from replies.smtp import SmtpSender

log = logging.getLogger(__name__)


class MailboxClient(Protocol):
    def uidvalidity(self) -> int: ...
    def uids_after(self, last_uid: int) -> list[int]: ...
    def fetch(self, uids: list[int], uidvalidity: int) -> Iterator[RawMessage]: ...
    def mark_done(self, uids: list[int]) -> None: ...


@dataclass
class PollSummary:
    fetched: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    acks_queued: int = 0
    acks_sent: int = 0
    stopped_by: str | None = None

    def add(self, result: Result) -> None:
        self.counts[result.outcome.value] = self.counts.get(result.outcome.value, 0) + 1
        self.acks_queued += int(result.ack_queued)

    def line(self) -> str:
        c = self.counts
        text = (f"registered {c.get('registered', 0)} / threaded {c.get('threaded', 0)} / "
                f"set aside {c.get('set_aside', 0)} / acks sent {self.acks_sent}")
        if c.get("duplicate"):
            text += f" / already known {c['duplicate']}"
        return text + (f" (stopped: {self.stopped_by})" if self.stopped_by else "")


def build_deps(config: Config, now: Callable[[], object] = utcnow) -> Deps:
    engine = make_engine(config.database.url)
    create_schema(engine)
    config.storage.path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Deps(
        config=config, engine=engine, env=make_environment(config.templates.path),
        rules=config.classify_rules(), now=now,  # type: ignore[arg-type]
        new_message_id=lambda: new_message_id(config.smtp.sender),
    )


def poll_mailbox(client: MailboxClient, deps: Deps,
                 progress: Callable[[int], None] | None = None,
                 on_total: Callable[[int], None] | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> PollSummary:
    """Fetch every mail above the last UID processed and run each through the flow."""
    summary = PollSummary()
    name, folder = deps.config.mailbox.name, deps.config.mailbox.folder
    uidvalidity = client.uidvalidity()
    last_uid = _last_uid(deps, name, folder, uidvalidity)
    _mark_leftovers(client, deps, name, uidvalidity)
    uids = client.uids_after(last_uid)
    if on_total:
        on_total(len(uids))
    done: list[int] = []
    for raw in client.fetch(uids, uidvalidity):
        result = _process_safely(raw, deps)
        if result is None:
            summary.stopped_by = "journal or storage failure; will retry"
            break
        summary.fetched += 1
        summary.add(result)
        done.append(raw.uid)
        if progress:
            progress(1)
        if len(done) >= deps.config.mailbox.batch_size or should_stop():
            _mark(client, deps, name, uidvalidity, done)
            done = []
        if should_stop():
            summary.stopped_by = "signal"
            break
    _mark(client, deps, name, uidvalidity, done)
    return summary


def _process_safely(raw: RawMessage, deps: Deps) -> Result | None:
    try:
        return process_one(raw, deps)
    except (StorageError, JournalError) as exc:
        log.error("uid=%s not processed: %s", raw.uid, exc)
        return None
    except Exception as exc:  # the one broad except of the loop (house style 5)
        log.exception("uid=%s internal error; setting the mail aside", raw.uid)
        try:
            return _set_aside_after_error(raw, deps, exc)
        except Exception:
            log.error("uid=%s could not be set aside either; will retry", raw.uid)
            return None


def _set_aside_after_error(raw: RawMessage, deps: Deps, exc: Exception) -> Result:
    from ingest import storage
    from journal.models import OUTCOME_SET_ASIDE, InboundMessage

    storage.store_blob(deps.config.storage.path, storage.RAW, raw.data, raw.sha256)
    reason = f"internal error: {type(exc).__name__}"
    with Session(deps.engine) as session:
        session.add(InboundMessage(mailbox=raw.mailbox, uidvalidity=raw.uidvalidity, uid=raw.uid,
                                   sha256=raw.sha256, size=len(raw.data),
                                   outcome=OUTCOME_SET_ASIDE, reason=reason,
                                   received_at=deps.now()))
        register.set_mailbox_state(session, raw.mailbox, deps.config.mailbox.folder,
                                   raw.uidvalidity, raw.uid)
        session.commit()
    return Result(Outcome.SET_ASIDE, reason=reason)


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
    _mark(client, deps, name, uidvalidity, leftovers)


def _mark(client: MailboxClient, deps: Deps, name: str, uidvalidity: int, uids: list[int]) -> None:
    """Mark done on the server (only after the commit), then remember that we did."""
    if not uids:
        return
    client.mark_done(uids)
    with Session(deps.engine) as session:
        register.set_marked(session, name, uidvalidity, uids)
        session.commit()


def send_outbox(deps: Deps) -> SendReport:
    smtp = deps.config.smtp
    password = smtp.password("smtp")
    policy = RetryPolicy(smtp.max_attempts, smtp.retry_base_seconds, smtp.retry_max_seconds)

    @contextmanager
    def connect() -> Iterator[SmtpSender]:
        with SmtpSender(smtp, password) as sender:
            yield sender

    return send_pending(deps.engine, connect, deps.now, policy)
