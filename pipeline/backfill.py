"""Backfill: import a large existing mailbox (over IMAP, since a date) or a dump of one (mbox
or Maildir) into the journal.

Imported mail is old: its dates are taken as written, and nobody gets an acknowledgement (the
clients were answered long ago, one way or another). An interrupted import is simply run again:
mails already in the journal (same mailbox, UIDVALIDITY and UID, or same index in the dump) are
skipped before they are fetched, and everything else is exactly-once as in a poll. After an IMAP
import the daemon carries on from the newest imported UID.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from email.parser import BytesHeaderParser
from pathlib import Path

from sqlmodel import Session, col, select

from base.config import ImapSettings
from ingest.imap import ImapMailbox
from ingest.parse import MIME_ERRORS
from ingest.types import RawMessage
from journal.models import InboundMessage
from pipeline.batch import PollSummary
from pipeline.deps import Deps
from pipeline.flow import process_mails
from pipeline.mailbox import mark_committed
from pipeline.record import Result, parse_mail_date

Progress = Callable[[int], None]


def import_imap(client: ImapMailbox, deps: Deps, settings: ImapSettings, since: date,
                on_total: Progress, progress: Progress,
                should_stop: Callable[[], bool] = lambda: False) -> PollSummary:
    """Every mail the server received since ``since`` that the journal does not have yet."""
    deps = replace(deps, backfill=True)
    uidvalidity = client.uidvalidity()
    known = recorded_uids(deps, settings.name, uidvalidity)
    todo = [uid for uid in client.uids_since(since) if uid not in known]
    on_total(len(todo))

    def committed(done: list[tuple[RawMessage, Result]]) -> None:
        mark_committed(client, deps, settings.name, uidvalidity, [raw.uid for raw, _ in done])

    return process_mails(client.fetch(todo, uidvalidity), deps, committed, progress, should_stop)


def import_dump(path: Path, deps: Deps, since: date | None, on_total: Progress,
                progress: Progress, should_stop: Callable[[], bool] = lambda: False
                ) -> PollSummary:
    """Every mail of an mbox file or a Maildir folder (dated since ``since``, when given)."""
    deps = replace(deps, backfill=True)
    name = f"import:{path.resolve()}"[:200]
    known = recorded_uids(deps, name, 0)
    box = mailbox.Maildir(path, create=False) if path.is_dir() else mailbox.mbox(path,
                                                                                  create=False)
    keys = list(box.keys())
    todo = [(n, key) for n, key in enumerate(keys, start=1) if n not in known]
    on_total(len(todo))
    raws = _dump_messages(box, todo, name, since)
    try:
        return process_mails(raws, deps, lambda done: None, progress, should_stop)
    finally:
        box.close()


def _dump_messages(box: mailbox.Mailbox[mailbox.Message], todo: list[tuple[int, str]],
                   name: str, since: date | None) -> Iterator[RawMessage]:
    for number, key in todo:
        data = box.get_bytes(key)
        if since is None or _dated_since(data, since):
            yield RawMessage(name, 0, number, data, "dump")


def _dated_since(data: bytes, since: date) -> bool:
    """Mails whose Date cannot be read are imported (nothing is dropped on a guess)."""
    try:
        value = BytesHeaderParser().parsebytes(data).get("date")
    except MIME_ERRORS:  # a broken header block: import it and let the flow decide
        return True
    moment: datetime | None = parse_mail_date(str(value)) if value else None
    return moment is None or moment.date() >= since


def recorded_uids(deps: Deps, name: str, uidvalidity: int) -> set[int]:
    """UIDs of this mailbox already in the journal (indexed by the unique constraint)."""
    with Session(deps.engine) as session:
        return set(session.exec(select(InboundMessage.uid).where(
            col(InboundMessage.mailbox) == name,
            col(InboundMessage.uidvalidity) == uidvalidity)))
