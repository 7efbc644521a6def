"""The driver: the one place that puts the steps of a mail in order (house style 1).

    fetch      the mailbox edge (ingest.imap; a dump when importing)      pipeline.mailbox
    parse      ingest.parse       } pipeline.analysis, in worker processes,
    classify   classify           }   a few mails ahead of the one recorded
    store      ingest.storage     } pipeline.record, in the batch's transaction, one
    record     journal, replies   }   SAVEPOINT per mail; the acknowledgement is queued
    mark done  on the server, only after the commit                       pipeline.mailbox
    send       the outbox, its own loop with retry                        pipeline.poll

Every mail production handles goes through ``process_mails``: ``poll_mailbox`` feeds it the
new mail of one mailbox (the daemon, `poll`), backfill feeds it old mail, ``process_one`` one
mail. Batching (pipeline.batch) and read-ahead (pipeline.analysis) wrap its steps; the one
broad ``except`` of the path is in the batch (RecordingBatch.add).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from base.config import ImapSettings
from ingest.types import RawMessage
from pipeline.analysis import read_ahead
from pipeline.batch import PollSummary, RecordingBatch
from pipeline.deps import Deps
from pipeline.mailbox import MailboxClient, MailboxRun
from pipeline.record import Outcome, Result

__all__ = ["Deps", "Outcome", "PollSummary", "Result", "poll_mailbox", "process_mails",
           "process_one"]

Done = Callable[[list[tuple[RawMessage, Result]]], None]
Progress = Callable[[int], None]


def process_mails(mails: Iterable[RawMessage], deps: Deps, done: Done = lambda _: None,
                  progress: Progress | None = None,
                  should_stop: Callable[[], bool] = lambda: False) -> PollSummary:
    """Every mail of ``mails``, in order, start to end; ``done`` hears of each committed batch
    (to mark it on the server). Stops between mails when asked."""
    summary = PollSummary()
    batch = RecordingBatch(deps)
    try:
        for raw, reading in read_ahead(mails, deps.analyzer):  # fetch → parse → classify
            if should_stop() and summary.fetched:
                summary.stopped_by = "signal"
                break
            summary.add(batch.add(raw, reading))  # store → record
            summary.fetched += 1
            if progress:
                progress(1)
            if batch.due():
                done(batch.commit())  # commit → mark done
        done(batch.commit())
    finally:
        batch.close()  # what is not committed is fetched again next time
    return summary


def poll_mailbox(client: MailboxClient, deps: Deps, settings: ImapSettings | None = None,
                 progress: Progress | None = None, on_total: Progress | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> PollSummary:
    """Every mail of one mailbox above the last UID recorded, marked once committed."""
    run = MailboxRun.start(client, deps, settings or deps.mailbox)
    if on_total:
        on_total(len(run.new_uids))
    return process_mails(run.fetch(), deps, run.committed, progress, should_stop)


def process_one(raw: RawMessage, deps: Deps) -> Result:
    """One mail through the same path, read in this process (no worker, no time limit)."""
    results: list[Result] = []
    inline = replace(deps, analyzer=deps.analyzer.inline())
    process_mails([raw], inline, lambda batch: results.extend(r for _, r in batch))
    return results[0]
