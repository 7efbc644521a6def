"""Recording mails in batches: several mails per transaction, exactly once all the same.

A batch is one database transaction. Each mail is recorded inside its own SAVEPOINT, so a mail
that breaks the flow in a way nobody foresaw is set aside with its reason (raw kept) without
undoing the others. The last UID processed moves in the same transaction, so a crash before the
commit loses nothing: the mails are still above the last UID on the server and are fetched
again, and their stored files are content-addressed. Only after the commit are they marked done
on the server. A failing disk or database stops the poll (InfrastructureError) instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from base.errors import JournalError, StorageError
from ingest import storage
from ingest.types import RawMessage
from journal import register
from journal.db import describe_db_error
from journal.models import OUTCOME_SET_ASIDE, InboundMessage
from pipeline.analysis import Pending
from pipeline.deps import Deps
from pipeline.faults import FaultGuard, SystemicFault, what_to_do
from pipeline.record import Outcome, Result, log_result, record_in

log = logging.getLogger(__name__)

MAX_SECONDS = 1.0  # a batch commits at least this often, so staff commands never wait long


@dataclass
class PollSummary:
    fetched: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    acks_queued: int = 0
    acks_sent: int = 0
    for_review: int = 0  # set aside, not automated nor duplicate (register.is_for_review)
    stopped_by: str | None = None

    def add(self, result: Result) -> None:
        self.counts[result.outcome.value] = self.counts.get(result.outcome.value, 0) + 1
        if result.outcome == Outcome.SET_ASIDE and register.is_for_review(result.reason, None):
            self.for_review += 1
        self.acks_queued += int(result.ack_queued)

    def merge(self, other: PollSummary) -> None:
        self.fetched += other.fetched
        self.acks_queued += other.acks_queued
        self.for_review += other.for_review
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        self.stopped_by = self.stopped_by or other.stopped_by

    def line(self) -> str:
        c = self.counts
        text = (f"registered {c.get('registered', 0)} / threaded {c.get('threaded', 0)} / "
                f"set aside {c.get('set_aside', 0)} / acks sent {self.acks_sent}")
        if c.get("set_aside"):  # the same split `complaintdesk aside` shows
            text += (f" / for review {self.for_review}, automated or duplicate "
                     f"{c['set_aside'] - self.for_review}")
        if c.get("duplicate"):
            text += f" / already known {c['duplicate']}"
        return text + (f" (stopped: {self.stopped_by})" if self.stopped_by else "")


class InfrastructureError(SystemicFault):
    """The disk or the database failed: stop this poll, keep the mail on the server, retry."""


class RecordingBatch:
    """Mails recorded since the last commit, and the transaction they are in."""

    def __init__(self, deps: Deps) -> None:
        self.deps = replace(deps, durable_blobs=False)
        self.size = max(1, deps.limits.commit_every)
        self._session: Session | None = None
        self._pending: list[tuple[RawMessage, Result]] = []
        self._started = 0.0
        self.guard = FaultGuard()  # issue 9: a fault of the service is not the mail's

    def add(self, raw: RawMessage, future: Pending) -> Result:
        session = self._open()
        try:
            analysis = self.deps.analyzer.result(future)  # parse → classify (a worker's)
            result = record_in(session, raw, analysis, self.deps)  # store → record
            self.guard.succeeded()
        except (StorageError, JournalError, SQLAlchemyError) as exc:
            if not isinstance(exc, IntegrityError):
                self._abort()
                raise InfrastructureError(f"uid {raw.uid} not processed: {what_to_do(exc)}") \
                    from exc  # issue 9: the message says what to do (faults.py)
            result = self._set_aside(session, raw, exc)
        except Exception as exc:  # THE one broad except of the mail path (house style 5)
            # --- issue 9: a systemic fault stops the batch, nothing set aside (faults.py) ---
            fault = self.guard.judge(exc)
            if fault is not None:
                self._abort()
                raise fault from exc
            # --- end issue 9 ---
            log.exception("uid=%s internal error; setting the mail aside", raw.uid)
            result = self._set_aside(session, raw, exc)
        self._pending.append((raw, result))
        return result

    def due(self) -> bool:
        if self.guard.open:  # issue 9: a streak of errors may yet prove systemic
            return False
        return bool(self._pending) and (len(self._pending) >= self.size
                                        or time.monotonic() - self._started >= MAX_SECONDS)

    def commit(self) -> list[tuple[RawMessage, Result]]:
        """Commit the batch with the last UID; return what it held (to be marked done)."""
        if self._session is None:
            return []
        done, session = self._pending, self._session
        try:
            last = max(done, key=lambda item: item[0].uid)[0] if done else None
            if last is not None:
                register.set_mailbox_state(session, last.mailbox, last.folder,
                                           last.uidvalidity, last.uid)
            storage.make_durable(self.deps.storage.path)  # files before the rows
            session.commit()
        except StorageError as exc:
            self._abort()
            raise InfrastructureError(f"store not synced: {exc}") from exc
        except SQLAlchemyError as exc:
            self._abort()
            raise InfrastructureError(f"journal commit failed: {describe_db_error(exc)}") from exc
        session.close()
        self._session, self._pending = None, []
        for raw, result in done:
            log_result(raw, result)
        return done

    def close(self) -> None:
        """Give up what is not committed (the mails will be fetched again)."""
        self._abort()

    def _open(self) -> Session:
        if self._session is None:
            self._session = Session(self.deps.engine)
            self._started = time.monotonic()
        return self._session

    def _abort(self) -> None:
        if self._session is not None:
            self._session.rollback()
            self._session.close()
        self._session, self._pending = None, []

    def _set_aside(self, session: Session, raw: RawMessage, exc: Exception) -> Result:
        """Keep a mail the flow could not handle, with the reason, in the same transaction."""
        reason = f"internal error: {type(exc).__name__}"
        try:
            with session.begin_nested():
                storage.store_blob(self.deps.storage.path, storage.RAW, raw.data,
                                   raw.sha256)
                session.add(InboundMessage(
                    mailbox=raw.mailbox, uidvalidity=raw.uidvalidity, uid=raw.uid,
                    sha256=raw.sha256, size=len(raw.data), outcome=OUTCOME_SET_ASIDE,
                    reason=reason, received_at=self.deps.now()))
        except IntegrityError:  # this UID is already in the journal: nothing to add
            return Result(Outcome.DUPLICATE, reason="already recorded")
        except (StorageError, SQLAlchemyError) as second:
            self._abort()
            raise InfrastructureError(f"uid {raw.uid} could not be set aside: "
                                      f"{_describe(second)}") from second
        return Result(Outcome.SET_ASIDE, reason=reason)


def _describe(exc: BaseException) -> str:
    return describe_db_error(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
