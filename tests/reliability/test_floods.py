"""Floods and loops: robots among human mail, automatic-mail limits, two desks, huge mail."""

from __future__ import annotations

import pytest

from reliability.env import Servers
from tests.reliability.conftest import scenario

pytestmark = pytest.mark.integration


def test_robot_flood_sends_nothing_to_robots_and_keeps_registering_humans(
        servers: Servers) -> None:
    result = scenario("flood", servers)
    assert result.figures["mails_sent_to_robots"] == 0


def test_automatic_mail_limits_per_recipient_and_global(servers: Servers) -> None:
    scenario("limits", servers)


def test_two_desks_acknowledging_each_other_settle(servers: Servers) -> None:
    scenario("loop", servers)


def test_huge_mail_and_200_attachments_do_not_block_the_next_mail(servers: Servers) -> None:
    scenario("big-mail", servers)


def test_over_limit_mail_is_set_aside_with_its_reason_and_raw_kept(servers: Servers) -> None:
    scenario("big-mail-limits", servers)
