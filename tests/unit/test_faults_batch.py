"""Issue 9 in the batch itself (the driver with a fake mailbox edge, a real SQLite journal):
a fault of the service stops the batch with nothing set aside and nothing marked done, and
once repaired every mail is registered exactly once; one mail's own crash still sets only that
mail aside in the same run."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment
from sqlmodel import Session, select

from base.config import load_config
from journal.models import Appeal, InboundMessage, Outbox
from pipeline.faults import SystemicFault
from pipeline.poll import build_deps, poll_mailbox
from tests.mailfactory import bounce_mail, russian_mail
from tests.unit.test_flow import ROOT, FakeMailbox


@pytest.fixture
def deps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)  # the shipped config's relative paths land here (issue 9 rule)
    clock = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    return build_deps(load_config(ROOT / "config.yaml"), now=lambda: clock, workers=0)


def _rows(deps: Any, model: Any) -> list[Any]:
    with Session(deps.engine) as session:
        return list(session.exec(select(model)))


def _mails(n: int) -> list[bytes]:
    return [russian_mail(body=f"Прошу разобраться, обращение {i}.", from_addr=f"client{i}@mail.ru")
            for i in range(n)]


def test_a_missing_template_sets_nothing_aside_and_marks_nothing(deps: Any) -> None:
    box = FakeMailbox([*_mails(4), bounce_mail()])
    broken = replace(deps, env=Environment(loader=DictLoader({})))  # no template at all
    with pytest.raises(SystemicFault, match="acknowledgement.ru.txt.j2 is missing"):
        poll_mailbox(box, broken)
    assert _rows(deps, InboundMessage) == [] and box.marked == []
    summary = poll_mailbox(box, deps)  # repaired
    assert summary.counts == {"registered": 4, "set_aside": 1}
    assert len(_rows(deps, Appeal)) == len(_rows(deps, Outbox)) == 4
    assert sorted(box.marked) == [1, 2, 3, 4, 5]
    assert poll_mailbox(box, deps).fetched == 0


def test_the_same_bug_for_every_mail_is_ours(deps: Any) -> None:
    box = FakeMailbox(_mails(5))

    def broken_ids() -> str:
        raise RuntimeError("message-id generator broken")

    with pytest.raises(SystemicFault, match="RuntimeError"):
        poll_mailbox(box, replace(deps, new_message_id=broken_ids))
    assert _rows(deps, InboundMessage) == [] and box.marked == []
    assert poll_mailbox(box, deps).counts == {"registered": 5}
    assert sorted(box.marked) == [1, 2, 3, 4, 5]


def test_one_mails_crash_sets_only_that_mail_aside(deps: Any) -> None:
    box = FakeMailbox(_mails(5))
    calls = count(1)

    def once_broken() -> str:
        if next(calls) == 2:  # the second mail's acknowledgement crashes, no other
            raise RuntimeError("this mail only")
        return deps.new_message_id()  # type: ignore[no-any-return]

    summary = poll_mailbox(box, replace(deps, new_message_id=once_broken))
    assert summary.counts == {"registered": 4, "set_aside": 1}
    aside = [r for r in _rows(deps, InboundMessage) if r.outcome == "set_aside"]
    assert [r.uid for r in aside] == [2] and "RuntimeError" in (aside[0].reason or "")
    assert sorted(box.marked) == [1, 2, 3, 4, 5]
