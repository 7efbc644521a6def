"""The driver with a fake mailbox edge (house style 9) and a real SQLite file journal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from base.config import load_config
from pipeline.poll import build_deps, poll_mailbox
from ingest.types import RawMessage
from journal.models import Appeal, InboundMessage, Outbox
from tests.mailfactory import bounce_mail, russian_mail

ROOT = Path(__file__).resolve().parents[2]


class FakeMailbox:
    def __init__(self, mails: list[bytes], uidvalidity: int = 7) -> None:
        self.mails = {i + 1: m for i, m in enumerate(mails)}
        self.validity = uidvalidity
        self.marked: list[int] = []

    def uidvalidity(self) -> int:
        return self.validity

    def uids_after(self, last_uid: int) -> list[int]:
        return [u for u in sorted(self.mails) if u > last_uid]

    def fetch(self, uids: list[int], uidvalidity: int) -> Iterator[RawMessage]:
        for uid in uids:
            yield RawMessage("pretenzii", uidvalidity, uid, self.mails[uid])

    def mark_done(self, uids: list[int]) -> None:
        self.marked.extend(uids)


@pytest.fixture
def deps(tmp_path: Path):
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("path: var", f"path: {tmp_path / 'var'}").replace(
        "sqlite:///var/", f"sqlite:///{tmp_path}/var/")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text, encoding="utf-8")
    clock = [datetime(2026, 11, 25, 9, 0, tzinfo=UTC)]
    return build_deps(load_config(cfg), now=lambda: clock[0], workers=0)


def test_mails_become_appeals_with_one_ack_each(deps) -> None:
    box = FakeMailbox([russian_mail(body=f"Прошу разобраться, обращение {i}.") for i in range(3)])
    summary = poll_mailbox(box, deps)
    assert summary.counts == {"registered": 3}
    with Session(deps.engine) as s:
        numbers = [a.number for a in s.exec(select(Appeal))]
        assert numbers == ["1/2026", "2/2026", "3/2026"]
        assert len(list(s.exec(select(Outbox)))) == 3
    assert box.marked == [1, 2, 3]
    assert poll_mailbox(box, deps).fetched == 0


def test_bounce_is_set_aside_without_ack(deps) -> None:
    summary = poll_mailbox(FakeMailbox([bounce_mail()]), deps)
    assert summary.counts == {"set_aside": 1}
    with Session(deps.engine) as s:
        row = s.exec(select(InboundMessage)).one()
        assert row.reason and row.reason.startswith("automated")
        assert list(s.exec(select(Outbox))) == []


def test_garbage_is_set_aside_with_reason_and_raw_kept(deps) -> None:
    summary = poll_mailbox(FakeMailbox([b"\x00\x01binary garbage", b""]), deps)
    assert summary.counts == {"set_aside": 2}
    with Session(deps.engine) as s:
        reasons = [r.reason for r in s.exec(select(InboundMessage))]
    assert all(r and r.startswith("unreadable") for r in reasons)
    raw_dir = deps.storage.path / "raw"
    assert sum(1 for p in raw_dir.rglob("*") if p.is_file()) == 2


def test_uidvalidity_change_creates_no_duplicates(deps) -> None:
    mails = [russian_mail(body="Первое обращение."), russian_mail(body="Второе обращение.")]
    poll_mailbox(FakeMailbox(mails, uidvalidity=1), deps)
    summary = poll_mailbox(FakeMailbox(mails, uidvalidity=2), deps)
    assert summary.counts == {"duplicate": 2}
    with Session(deps.engine) as s:
        assert len(list(s.exec(select(Appeal)))) == 2
        assert len(list(s.exec(select(InboundMessage)))) == 4  # every UID seen is recorded


def test_automatic_mail_per_address_limit_stops_loops(deps) -> None:
    mails = [russian_mail(body=f"Письмо номер {i}.", from_addr="loop@example.ru",
                          subject=f"Вопрос {i}") for i in range(5)]
    summary = poll_mailbox(FakeMailbox(mails), deps)
    assert summary.counts == {"registered": 5}
    assert summary.acks_queued == deps.limits.auto_per_recipient_per_hour == 3
    with Session(deps.engine) as s:
        assert len(list(s.exec(select(Appeal)))) == 5
        assert len(list(s.exec(select(Outbox)))) == 3


def test_global_automatic_limit(deps) -> None:
    from dataclasses import replace
    deps = replace(deps, limits=deps.limits.model_copy(update={"auto_global_per_hour": 2}))
    mails = [russian_mail(body=f"Письмо {i}.", from_addr=f"c{i}@example.ru") for i in range(4)]
    assert poll_mailbox(FakeMailbox(mails), deps).acks_queued == 2


class _BuggyAnalyzer:
    """Reads every mail like the real one, except that the mail with ``marker`` in its bytes
    hits a bug (what a classifier bug looks like to the runner)."""

    def __init__(self, real, marker: bytes) -> None:
        self.real, self.marker = real, marker

    def submit(self, data: bytes):
        if self.marker in data:
            return _Raises()
        return self.real.submit(data)

    def result(self, pending):
        return self.real.result(pending)

    def inline(self):
        return self


class _Raises:
    def result(self):
        raise KeyError("a bug in classify")


def test_a_bug_in_reading_one_mail_sets_it_aside_and_the_rest_goes_on(deps) -> None:
    from dataclasses import replace

    buggy = replace(deps, analyzer=_BuggyAnalyzer(deps.analyzer, b"BUG-MARKER"))
    box = FakeMailbox([russian_mail(body="Первое обращение."),
                       russian_mail(body="Второе обращение.", subject="BUG-MARKER"),
                       russian_mail(body="Третье обращение.")])
    summary = poll_mailbox(box, buggy)
    assert summary.counts == {"registered": 2, "set_aside": 1}
    assert box.marked == [1, 2, 3]
    with Session(deps.engine) as s:
        aside = s.exec(select(InboundMessage).where(InboundMessage.uid == 2)).one()
    assert aside.outcome == "set_aside" and aside.reason == "internal error: KeyError"
    assert (deps.storage.path / "raw").is_dir() and aside.sha256
