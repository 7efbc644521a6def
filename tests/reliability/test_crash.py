"""SIGKILL the daemon at seeded random moments and inside the outbox sender (issue 5, crashes)."""

from __future__ import annotations

import pytest

from reliability.env import Servers
from tests.reliability.conftest import scenario

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_daemon_killed_at_random_registers_every_mail_once(servers: Servers, db: str) -> None:
    result = scenario(f"crash-{db}", servers)
    assert result.figures["crashes_injected"] >= 3
    assert result.figures["mails_lost"] == 0 and result.figures["duplicate_appeals"] == 0


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_crash_after_smtp_250_sends_at_most_one_duplicate_per_crash(servers: Servers,
                                                                     db: str) -> None:
    result = scenario(f"sender-crash-{db}", servers)
    assert result.figures["duplicate_acks_on_wire"] <= result.figures["crashes_injected"]
