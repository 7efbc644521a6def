"""Which scenarios run, with which sizes: full (``make reliability``) or quick (CI, pytest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reliability import crash, floods, fuzz, hostile, outages, privacy
from reliability.env import Servers
from reliability.result import ScenarioResult


@dataclass(frozen=True)
class Sizes:
    crash_mails: int
    crash_kills: int
    pg_crash_mails: int
    pg_crash_kills: int
    sender_mails: int
    sender_kills: int
    outage_seconds: float
    lock_seconds: float  # > 30 s (busy_timeout) exercises the "database is locked" error
    smtp_outage_hours: float
    flood_robots: int
    flood_humans: int
    loop_seconds: float
    big_megabytes: int
    big_attachments: int
    fuzz_examples: int


FULL = Sizes(crash_mails=500, crash_kills=20, pg_crash_mails=500, pg_crash_kills=20,
             sender_mails=60, sender_kills=6, outage_seconds=6, lock_seconds=40,
             smtp_outage_hours=72, flood_robots=10_000, flood_humans=50, loop_seconds=20,
             big_megabytes=50, big_attachments=200, fuzz_examples=5000)
QUICK = Sizes(crash_mails=100, crash_kills=5, pg_crash_mails=60, pg_crash_kills=3,
              sender_mails=30, sender_kills=3, outage_seconds=4, lock_seconds=5,
              smtp_outage_hours=48, flood_robots=1000, flood_humans=20, loop_seconds=8,
              big_megabytes=50, big_attachments=200, fuzz_examples=300)

Scenario = tuple[str, str, Callable[[Servers], ScenarioResult]]  # (key, group, run)


def scenarios(sizes: Sizes, seed: int) -> list[Scenario]:
    s = sizes
    return [
        ("crash-sqlite", "crash", lambda v: crash.run_daemon_kills(
            v, db="sqlite", mails=s.crash_mails, kills=s.crash_kills, seed=seed)),
        ("crash-postgresql", "crash", lambda v: crash.run_daemon_kills(
            v, db="postgresql", mails=s.pg_crash_mails, kills=s.pg_crash_kills, seed=seed)),
        ("sender-crash-sqlite", "crash", lambda v: crash.run_sender_kills(
            v, db="sqlite", mails=s.sender_mails, kills=s.sender_kills, seed=seed)),
        ("sender-crash-postgresql", "crash", lambda v: crash.run_sender_kills(
            v, db="postgresql", mails=s.sender_mails, kills=s.sender_kills, seed=seed)),
        ("imap-restart", "outage", lambda v: outages.run_imap_restart(v, seed, s.outage_seconds)),
        ("smtp-down", "outage", lambda v: outages.run_smtp_down(v, seed, s.outage_seconds)),
        ("smtp-451", "outage", lambda v: outages.run_smtp_refusing(v, seed, s.outage_seconds)),
        ("smtp-long", "outage", lambda v: outages.run_smtp_long_outage(
            v, seed, s.smtp_outage_hours)),
        ("sqlite-locked", "outage", lambda v: outages.run_sqlite_locked(v, seed, s.lock_seconds)),
        ("postgres-down", "outage", lambda v: outages.run_postgres_down(v, seed, s.outage_seconds)),
        ("disk-full", "outage", lambda v: outages.run_disk_full(v, seed, s.outage_seconds)),
        ("mailboxes", "outage", lambda v: outages.run_several_mailboxes(v, seed)),
        ("flood", "flood", lambda v: floods.run_flood(
            v, robots=s.flood_robots, humans=s.flood_humans, seed=seed)),
        ("limits", "flood", lambda v: floods.run_limits(v, seed=seed)),
        ("loop", "flood", lambda v: floods.run_loop(v, seed=seed, seconds=s.loop_seconds)),
        ("big-mail", "flood", lambda v: floods.run_big_mails(
            v, seed=seed, megabytes=s.big_megabytes, attachments=s.big_attachments)),
        ("big-mail-limits", "flood", lambda v: floods.run_big_mails(
            v, seed=seed, megabytes=s.big_megabytes, attachments=s.big_attachments,
            limits={"mail_seconds": 1, "mail_bytes": 10_000_000}, label="biglim")),
        ("hostile", "hostile", lambda v: hostile.run_hostile(v, seed=seed)),
        ("fuzz", "fuzz", lambda v: fuzz.run_fuzz(examples=s.fuzz_examples, seed=seed)),
        ("secrets", "secrets", lambda v: privacy.run_privacy(v, seed=seed)),
    ]


def run_one(key: str, group: str, fn: Callable[[Servers], ScenarioResult],
            servers: Servers) -> ScenarioResult:
    """Run a scenario; an exception in the harness or the service is a failed scenario."""
    import time
    import traceback

    start = time.monotonic()
    try:
        return fn(servers)
    except Exception as exc:  # noqa: BLE001 - reported as the scenario's failure
        result = ScenarioResult(key, group)
        result.fail(f"scenario raised {type(exc).__name__}: {exc}\n"
                    + "".join(traceback.format_exc().splitlines(True)[-6:]))
        result.seconds = round(time.monotonic() - start, 2)
        return result
