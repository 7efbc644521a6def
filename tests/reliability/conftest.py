"""The quick reliability scenarios as pytest tests (``integration``: real Dovecot, aiosmtpd,
PostgreSQL, and the ``complaintdesk run`` daemon as a subprocess). One set of servers for all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reliability import plan
from reliability.env import Servers
from reliability.result import ScenarioResult

SEED = 20261125
SCENARIOS = {key: (group, fn) for key, group, fn in plan.scenarios(plan.QUICK, SEED)}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    try:
        world = Servers()
    except Exception as exc:  # noqa: BLE001 - a missing server is a failure, not a skip
        pytest.fail(f"could not start the loopback servers: {exc}", pytrace=False)
    yield world
    world.close()


def scenario(key: str, servers: Servers) -> ScenarioResult:
    """Run one quick scenario and fail the test with its problems. A scenario that cannot run
    here (e.g. disk full needs root for its tmpfs) fails too: no test passes by skipping."""
    group, fn = SCENARIOS[key]
    result = plan.run_one(key, group, fn, servers)
    if result.skipped:
        pytest.fail(f"{result.name} could not run: {result.skipped}", pytrace=False)
    assert result.passed, (f"{result.name}:\n  - " + "\n  - ".join(result.problems)
                           + f"\nfigures: {result.figures}")
    return result
