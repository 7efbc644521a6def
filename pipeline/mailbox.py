"""The mailbox side of a poll: where to start (the last UID recorded, a changed UIDVALIDITY),
and marking on the server what the journal has committed (done, and a copy of set-aside mail
in the quarantine folder). The journal remembers what it marked, so a crash between the
commit and the marking is made good at the next poll."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from base.config import ImapSettings
from ingest.types import RawMessage
from journal import register
from pipeline.deps import Deps
from pipeline.record import Outcome, Result

log = logging.getLogger(__name__)


class MailboxClient(Protocol):
    def uidvalidity(self) -> int: ...
    def uids_after(self, last_uid: int) -> list[int]: ...
    def fetch(self, uids: list[int], uidvalidity: int) -> Iterator[RawMessage]: ...
    def mark_done(self, uids: list[int]) -> None: ...
    def copy_to(self, uids: list[int], folder: str) -> None: ...


@dataclass(frozen=True)
class MailboxRun:
    """One poll of one mailbox: its UIDVALIDITY and the UIDs still to fetch."""

    client: MailboxClient
    deps: Deps
    settings: ImapSettings
    uidvalidity: int
    new_uids: list[int]

    @classmethod
    def start(cls, client: MailboxClient, deps: Deps, settings: ImapSettings) -> MailboxRun:
        """Mark what an earlier poll committed but did not mark, and list what is new."""
        uidvalidity = client.uidvalidity()
        last_uid = _last_uid(deps, settings.name, settings.folder, uidvalidity)
        _mark_leftovers(client, deps, settings.name, uidvalidity)
        return cls(client, deps, settings, uidvalidity, client.uids_after(last_uid))

    def fetch(self) -> Iterator[RawMessage]:
        return self.client.fetch(self.new_uids, self.uidvalidity)

    def committed(self, done: list[tuple[RawMessage, Result]]) -> None:
        """Only after the commit: copy set-aside mail and mark everything done."""
        aside = [raw.uid for raw, r in done if r.outcome == Outcome.SET_ASIDE]
        if aside and self.settings.quarantine_folder:  # for people browsing the box
            self.client.copy_to(aside, self.settings.quarantine_folder)
        mark_committed(self.client, self.deps, self.settings.name, self.uidvalidity,
                       [raw.uid for raw, _ in done])


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


class _Marker(Protocol):
    def mark_done(self, uids: list[int]) -> None: ...


def mark_committed(client: _Marker, deps: Deps, name: str, uidvalidity: int,
                   uids: list[int]) -> None:
    """Mark done on the server (only after the commit), then remember that we did."""
    if not uids:
        return
    client.mark_done(uids)
    with Session(deps.engine) as session:
        register.set_marked(session, name, uidvalidity, uids)
        session.commit()
