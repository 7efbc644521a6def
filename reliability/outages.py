"""Outage scenarios: the daemon keeps running, logs one clear line per problem, backs off,
resumes, loses nothing, and sends every queued mail once the server is back.

IMAP stopped mid-batch; SMTP down (real time, and a long outage on a simulated clock); SQLite
write-locked by another connection; PostgreSQL unreachable; disk full (a 4 MB tmpfs, as root);
several mailboxes, one failing.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reliability.crash import _all_done, verify_exactly_once
from reliability.env import Desk, Servers, make_desk, wait_until
from reliability.mails import human
from reliability.result import ScenarioResult, Timer

_PROBLEM = re.compile(r" (ERROR|WARNING|CRITICAL) ")


def log_problems(segment: str) -> tuple[list[str], int]:
    """(ERROR/WARNING lines, tracebacks) in a piece of the daemon's log."""
    lines = [ln for ln in segment.splitlines() if _PROBLEM.search(ln)]
    return lines, segment.count("Traceback (most recent call last)")


def _append(desk: Desk, tag: str, n: int, rng: random.Random, start: int = 0) -> list[str]:
    appender = desk.appender()
    ids = []
    try:
        for i in range(start, start + n):
            mid, data = human(tag, i, rng)
            appender.append(data)
            desk.expect(mid, "human", data)
            ids.append(mid)
    finally:
        appender.close()
    return ids


def _registered(desk: Desk, ids: list[str]) -> int:
    seen = {r["message_id"] for r in desk.journal().inbound}
    return sum(1 for m in ids if m in seen)


def _judge_outage(desk: Desk, result: ScenarioResult, segment: str, max_lines: int,
                  finished: bool, died: bool = False) -> None:
    lines, tracebacks = log_problems(segment)
    alive = desk.alive() and not died
    result.figures.update(problem_log_lines=len(lines), tracebacks=tracebacks,
                          daemon_survived=alive, recovered=finished,
                          sample_lines=[ln[-160:] for ln in lines[:4]])
    result.check(alive, "the daemon died during the outage: "
                 + _last_error(segment))
    result.check(tracebacks == 0, f"{tracebacks} tracebacks logged during the outage")
    result.check(len(lines) <= max_lines,
                 f"{len(lines)} ERROR/WARNING lines for one outage (at most {max_lines} expected)")
    result.check(finished, "did not recover: not every mail registered and acknowledged")


def _last_error(segment: str) -> str:
    lines = [ln for ln in segment.splitlines() if ln.startswith(("sqlalchemy.", "psycopg.",
                                                                 "sqlite3.", "OSError"))]
    return (lines or segment.strip().splitlines() or ["(no log)"])[-1][:300]


def _outage(servers: Servers, name: str, *, label: str, db: str, seed: int,
            take_down: Callable[[Desk], None], bring_up: Callable[[Desk], None],
            outage_seconds: float, mails: int = 30, max_lines: int = 4,
            desk: Desk | None = None, recover: float = 60.0) -> ScenarioResult:
    """Start the daemon, append mail, take a server down mid-batch, bring it back, judge."""
    result = ScenarioResult(name, "outage")
    timer = Timer()
    rng = random.Random(seed)
    desk = desk or make_desk(servers, label, db=db)
    desk.start()
    result.check(desk.wait_started(), "daemon did not start")
    first = _append(desk, label, mails, rng)
    wait_until(lambda: _registered(desk, first) >= mails // 3, 20, 0.05)
    offset = len(desk.log_text())
    take_down(desk)
    during = _append(desk, label, 5, rng, start=mails) if name.startswith("outage: SMTP") else []
    time.sleep(outage_seconds)
    registered_during = _registered(desk, during) if during else None
    bring_up(desk)
    finished = wait_until(lambda: _all_done(desk) or not desk.alive(), recover, 0.5) and _all_done(desk)
    segment = desk.log_text()[offset:]
    result.figures["refused_by_smtp_server"] = len(desk.sink.refused)
    died = not desk.alive()
    if died:  # restart it, as a service manager would, to tell "late" from "lost"
        desk.start()
        wait_until(lambda: _all_done(desk) or not desk.alive(), 30, 0.5)
        result.figures["restarted_after_death"] = True
    if registered_during is not None:
        result.figures["registered_while_smtp_down"] = f"{registered_during}/{len(during)}"
        result.check(registered_during == len(during),
                     f"only {registered_during} of {len(during)} mails that came in while SMTP "
                     "was down were registered before it came back")
    _judge_outage(desk, result, segment, max_lines, finished and not died, died)
    verify_exactly_once(desk, result, crashes=0)
    desk.stop()
    result.seconds = timer.elapsed()
    return result


def run_imap_restart(servers: Servers, seed: int, outage: float) -> ScenarioResult:
    dovecot = servers.dovecot
    return _outage(servers, "outage: IMAP server stopped mid-batch, restarted", label="imapout",
                   db="sqlite", seed=seed, take_down=lambda d: dovecot.stop(),
                   bring_up=lambda d: dovecot.start(), outage_seconds=outage, mails=120)


def run_smtp_down(servers: Servers, seed: int, outage: float) -> ScenarioResult:
    return _outage(servers, "outage: SMTP server down, then back", label="smtpout", db="sqlite",
                   seed=seed, take_down=lambda d: d.sink.stop(), bring_up=lambda d: d.sink.start(),
                   outage_seconds=outage)


def run_smtp_refusing(servers: Servers, seed: int, outage: float) -> ScenarioResult:
    def down(d: Desk) -> None:
        d.sink.fail_with = "451 4.3.0 try again later"

    def up(d: Desk) -> None:
        d.sink.fail_with = None

    return _outage(servers, "outage: SMTP answers 451 to every mail, then accepts",
                   label="smtp451", db="sqlite", seed=seed, take_down=down, bring_up=up,
                   outage_seconds=outage)


def run_sqlite_locked(servers: Servers, seed: int, hold: float) -> ScenarioResult:
    """Another connection holds SQLite's write lock (BEGIN IMMEDIATE) for ``hold`` seconds."""
    holder: dict[str, sqlite3.Connection] = {}

    def lock(d: Desk) -> None:
        conn = sqlite3.connect(d.db_url.split("///", 1)[1], timeout=60, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE mailbox_state SET last_uid = last_uid")
        holder["conn"] = conn
        _append(d, "locked", 10, random.Random(seed + 5), start=1000)

    def unlock(d: Desk) -> None:
        holder["conn"].rollback()
        holder["conn"].close()

    return _outage(servers, f"outage: SQLite write-locked by another connection for {hold:.0f}s",
                   label="sqlock", db="sqlite", seed=seed, take_down=lock, bring_up=unlock,
                   outage_seconds=hold)


def run_postgres_down(servers: Servers, seed: int, outage: float) -> ScenarioResult:
    postgres = servers.postgres()

    def down(d: Desk) -> None:
        postgres.stop()
        _append(d, "pgdown", 10, random.Random(seed + 6), start=1000)

    return _outage(servers, "outage: PostgreSQL unreachable, then back", label="pgdown",
                   db="postgresql", seed=seed, take_down=down, bring_up=lambda d: postgres.start(),
                   outage_seconds=outage)


def run_disk_full(servers: Servers, seed: int, outage: float) -> ScenarioResult:
    """The storage root on a 4 MB tmpfs, filled up; mails with attachments arrive; space freed."""
    name = "outage: disk full when storing an attachment"
    if os.geteuid() != 0:
        return ScenarioResult(name, "outage", skipped="needs root to mount a small tmpfs")
    mount = Path(servers.root) / f"tmpfs-{seed}"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return ScenarioResult(name, "outage", skipped=f"mount -t tmpfs failed: {proc.stderr.strip()}")
    filler = mount / "filler"
    try:
        desk = make_desk(servers, "diskfull", storage=mount / "var")
        rng = random.Random(seed)

        def fill(d: Desk) -> None:
            try:
                with open(filler, "wb") as handle:
                    handle.write(b"\0" * (8 * 1024 * 1024))
            except OSError:
                pass  # ENOSPC: full, as wanted
            appender = d.appender()
            for i in range(5):
                mid, data = human("diskfull", 1000 + i, rng,
                                  attachments=[("скан претензии.pdf", "application/pdf",
                                                os.urandom(60_000))])
                appender.append(data)
                d.expect(mid, "human", data)
            appender.close()

        return _outage(servers, name, label="diskfull", db="sqlite", seed=seed, take_down=fill,
                       bring_up=lambda d: filler.unlink(), outage_seconds=outage, mails=10,
                       desk=desk)
    finally:
        for desk_ in [d for d in servers.desks if d.name == "diskfull"]:
            desk_.stop()
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def run_several_mailboxes(servers: Servers, seed: int) -> ScenarioResult:
    """``mailboxes:`` beside ``mailbox``: the main one fails (login refused), the other works.
    Its mail must be registered. (Config key from the brief; the service may lack it.)"""
    result = ScenarioResult("outage: one of several mailboxes fails, the others are polled",
                            "outage")
    timer = Timer()
    second_user = f"relsecond{seed}"
    servers.dovecot.add_user(second_user, "second-pw")
    os.environ["CD_REL_SECOND_PW"] = "second-pw"
    desk = make_desk(servers, "multibox", sections={"mailbox": {"password_env": "CD_REL_WRONG"}},
                     extra={"mailboxes": [{
                         "name": second_user, "host": "127.0.0.1",
                         "port": servers.dovecot.imaps_port, "security": "ssl",
                         "ca_file": str(servers.ca_file), "username": second_user,
                         "password_env": "CD_REL_SECOND_PW", "timeout_seconds": 5}]})
    os.environ.pop("CD_REL_SECOND_PW", None)
    env_extra = {"CD_REL_WRONG": "wrong-password", "CD_REL_SECOND_PW": "second-pw"}
    original_env = desk.env
    desk.env = lambda: {**original_env(), **env_extra}  # type: ignore[method-assign]
    mid, data = human("multibox", 1, random.Random(seed))
    servers.dovecot.append(second_user, "INBOX", data)
    desk.start()
    ok = wait_until(lambda: _registered(desk, [mid]) == 1 or not desk.alive(), 30, 0.25)
    registered = _registered(desk, [mid]) == 1
    result.figures.update(registered_from_second_mailbox=registered, daemon_alive=desk.alive())
    if not desk.alive():
        tail = desk.log_text().strip().splitlines()[-1:] or ["(no output)"]
        result.fail(f"daemon exited ({desk.proc.returncode if desk.proc else '?'}): {tail[0][-300:]}")
    result.check(ok and registered, "mail in the second mailbox was not registered while the "
                                    "first mailbox failed")
    desk.stop()
    result.seconds = timer.elapsed()
    return result


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def run_smtp_long_outage(servers: Servers, seed: int, hours: float) -> ScenarioResult:
    """SMTP down for ``hours`` on a simulated clock (the real outbox sender, in-process, a send
    round every 5 simulated minutes), then back: every queued mail must go out."""
    from base.config import load_config
    from pipeline.flow import process_one
    from pipeline.poll import build_deps, send_outbox
    from ingest.types import RawMessage

    result = ScenarioResult(f"outage: SMTP down {hours:.0f} h (simulated clock), then back",
                            "outage")
    timer = Timer()
    desk = make_desk(servers, "longsmtp")
    os.environ["CD_REL_SMTP_PW"] = desk.smtp_password
    try:
        clock = FakeClock()
        config = load_config(desk.config_path)
        config = config.model_copy(update={"smtp": config.smtp.model_copy(update={
            "retry_base_seconds": 60.0, "retry_max_seconds": 3600.0, "max_attempts": 20})})
        deps = build_deps(config, now=clock)
        rng = random.Random(seed)
        for i in range(10):
            mid, data = human("longsmtp", i, rng)
            process_one(RawMessage(config.mailbox.name, 1, i + 1, data), deps)
            desk.expect(mid, "human", data)
        desk.sink.stop()
        rounds = 0
        for _ in range(int(hours * 12)):
            clock.advance(300)
            send_outbox(deps)
            rounds += 1
        desk.sink.start()
        for _ in range(48):  # up to 4 simulated hours to drain after the server is back
            clock.advance(300)
            send_outbox(deps)
            if all(o["state"] == "sent" for o in desk.journal().outbox):
                break
        states = [o["state"] for o in desk.journal().outbox]
        result.figures.update(send_rounds_while_down=rounds, queued=len(states),
                              sent=states.count("sent"), failed=states.count("failed"),
                              pending=states.count("pending"))
        result.check(states.count("sent") == len(states) and states,
                     f"after the server came back: {states.count('sent')} sent, "
                     f"{states.count('failed')} marked failed, {states.count('pending')} pending "
                     f"of {len(states)} queued")
        verify_exactly_once(desk, result, crashes=0)
        deps.engine.dispose()
    finally:
        os.environ.pop("CD_REL_SMTP_PW", None)
    result.seconds = timer.elapsed()
    return result
