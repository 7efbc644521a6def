"""Server outages: the daemon keeps running, logs one line per problem, recovers, loses nothing."""

from __future__ import annotations

import pytest

from reliability.env import Servers
from tests.reliability.conftest import scenario

pytestmark = pytest.mark.integration


def test_imap_server_stopped_mid_batch(servers: Servers) -> None:
    scenario("imap-restart", servers)


def test_smtp_server_down_then_back(servers: Servers) -> None:
    scenario("smtp-down", servers)


def test_smtp_server_refusing_with_451_then_accepting(servers: Servers) -> None:
    scenario("smtp-451", servers)


def test_smtp_down_for_days_on_a_simulated_clock_loses_no_mail(servers: Servers) -> None:
    scenario("smtp-long", servers)


def test_sqlite_write_locked_by_another_connection(servers: Servers) -> None:
    scenario("sqlite-locked", servers)


def test_postgresql_unreachable_then_back(servers: Servers) -> None:
    scenario("postgres-down", servers)


def test_disk_full_when_storing_an_attachment(servers: Servers) -> None:
    scenario("disk-full", servers)


def test_a_failing_mailbox_does_not_stop_the_others(servers: Servers) -> None:
    scenario("mailboxes", servers)
