"""Hostile input, fuzzing, secrets and personal data (issue 5)."""

from __future__ import annotations

import pytest

from reliability import privacy
from reliability.env import Servers
from reliability.result import ScenarioResult
from tests.reliability.conftest import scenario

pytestmark = pytest.mark.integration


def test_hostile_names_injection_html_dangerous_types_non_mime(servers: Servers) -> None:
    result = scenario("hostile", servers)
    assert result.figures["hostile_inputs_tried"] >= 50


def test_fuzz_parse_classify_never_raises(servers: Servers) -> None:
    result = scenario("fuzz", servers)
    assert result.figures["fuzz_examples_run"] >= 100


def test_passwords_file_modes_and_tls_verification(servers: Servers) -> None:
    scenario("secrets", servers)


def test_no_password_or_personal_data_in_any_daemon_log(servers: Servers) -> None:
    """Runs last in this module: scans the logs of every desk the session started."""
    result = ScenarioResult("logs", "secrets")
    privacy.scan_logs(servers, result)
    assert result.passed, result.problems
