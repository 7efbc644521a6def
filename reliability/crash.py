"""Crash scenarios: SIGKILL the daemon at seeded random moments while mail is appended and
ingested, restart it, and check exactly-once registration and at most one duplicate
acknowledgement on the wire per crash.

``run_daemon_kills``: kills at random moments after the daemon says it started.
``run_sender_kills``: the SMTP sink kills the daemon right after it answered 250 to chosen
acknowledgements (the crash between the server's 250 and the outbox row marked sent).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time
from collections import Counter
from typing import Any

from reliability.env import Desk, Servers, make_desk, wait_until
from reliability.mails import human
from reliability.result import ScenarioResult, Timer
from tests.servers import SmtpSink


def _append_paced(desk: Desk, mails: list[tuple[str, bytes]], seconds: float,
                  stop: threading.Event) -> threading.Thread:
    """Append ``mails`` spread over about ``seconds`` in a background thread."""

    def work() -> None:
        appender = desk.appender()
        chunk = 10
        pause = seconds / max(1, len(mails) / chunk)
        try:
            for start in range(0, len(mails), chunk):
                for mid, data in mails[start:start + chunk]:
                    appender.append(data)
                    desk.expect(mid, "human", data)
                if stop.wait(pause):
                    return
        finally:
            appender.close()

    thread = threading.Thread(target=work, name="appender", daemon=True)
    thread.start()
    return thread


def _phase(log_tail: str) -> str:
    """Where the daemon was when killed, from its last log line."""
    lines = [ln for ln in log_tail.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    if "outbox=" in last:
        return "sending"
    if "outcome=" in last or "poll:" in last:
        return "ingesting"
    if "daemon started" in last:
        return "starting"
    return "idle/other"


def _rows_by_mail(desk: Desk, inbound: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Inbound rows of each mail the harness sent, found by Message-ID or by its bytes' hash
    (a mail set aside after an internal error is recorded without its Message-ID)."""
    by_mid: dict[str, list[dict[str, Any]]] = {}
    by_sha: dict[str, list[dict[str, Any]]] = {}
    for row in inbound:
        by_mid.setdefault(row["message_id"] or "", []).append(row)
        by_sha.setdefault(row["sha256"], []).append(row)
    out = {}
    for mid in desk.appended:
        rows = {r["id"]: r for r in by_mid.get(mid, []) + by_sha.get(desk.sha.get(mid, ""), [])}
        out[mid] = list(rows.values())
    return out


def _all_done(desk: Desk) -> bool:
    journal = desk.journal()
    rows = _rows_by_mail(desk, journal.inbound)
    return (all(rows[mid] for mid in desk.appended)
            and all(o["state"] == "sent" for o in journal.outbox)
            and len(journal.outbox) >= len(journal.appeals))


def verify_exactly_once(desk: Desk, result: ScenarioResult, crashes: int) -> None:
    """The checks of issue 5, from the journal and the SMTP sink."""
    journal = desk.journal()
    rows = _rows_by_mail(desk, journal.inbound)
    lost = [m for m, r in rows.items() if not r]
    dup_inbound = sum(len(r) - 1 for r in rows.values() if len(r) > 1)
    appealed = {a["message_id"] for a in journal.appeals}
    humans = [m for m, k in desk.appended.items() if k == "human"]
    not_registered = {m: [(r["outcome"], r["reason"]) for r in rows[m]] for m in humans
                      if rows[m] and m not in appealed}
    appeals_per_mid = Counter(a["message_id"] for a in journal.appeals)
    dup_appeals = sum(n - 1 for n in appeals_per_mid.values() if n > 1)
    outbox_per_appeal = Counter(o["appeal_id"] for o in journal.outbox)
    no_ack = [a["number"] for a in journal.appeals if outbox_per_appeal[a["id"]] == 0]
    extra_acks = sum(n - 1 for n in outbox_per_appeal.values() if n > 1)
    unsent = [o["id"] for o in journal.outbox if o["state"] != "sent"]
    wire = Counter(mid for mid, _ in desk.wire())
    never_on_wire = [o["message_id"] for o in journal.outbox if wire[o["message_id"]] == 0]
    wire_dups = sum(n - 1 for n in wire.values() if n > 1)
    result.figures.update(
        mails=len(desk.appended), registered=len(journal.appeals), mails_lost=len(lost),
        human_mails_not_registered=len(not_registered),
        duplicate_registrations=dup_inbound, duplicate_appeals=dup_appeals,
        appeals_without_ack=len(no_ack), duplicate_acks_queued=extra_acks,
        acks_unsent=len(unsent), acks_never_on_wire=len(never_on_wire),
        duplicate_acks_on_wire=wire_dups, max_copies_of_one_ack=max(wire.values(), default=0),
        duplicate_acks_per_crash=round(wire_dups / crashes, 3) if crashes else 0.0,
    )
    result.check(not lost, f"{len(lost)} mails lost (never in the journal), e.g. {lost[:3]}")
    result.check(not not_registered, f"{len(not_registered)} human mails recorded but not "
                                     f"registered: {list(not_registered.items())[:2]}")
    result.check(dup_inbound == 0, f"{dup_inbound} mails recorded more than once")
    result.check(dup_appeals == 0, f"{dup_appeals} duplicate appeals")
    result.check(not no_ack, f"{len(no_ack)} appeals without a queued acknowledgement")
    result.check(extra_acks == 0, f"{extra_acks} appeals with more than one acknowledgement queued")
    result.check(not unsent and not never_on_wire,
                 f"{len(unsent)} acknowledgements unsent, {len(never_on_wire)} never on the wire")
    result.check(wire_dups <= crashes, f"{wire_dups} duplicate acknowledgements on the wire "
                                       f"for {crashes} crashes")
    result.check(max(wire.values(), default=0) <= 1 + crashes,
                 "one acknowledgement was sent more often than 1 + crashes")


def run_daemon_kills(servers: Servers, *, db: str, mails: int, kills: int, seed: int,
                     timeout: float = 240.0) -> ScenarioResult:
    result = ScenarioResult(f"crash: SIGKILL daemon ({db}, {mails} mails, {kills} kills)", "crash")
    timer = Timer()
    rng = random.Random(seed)
    desk = make_desk(servers, f"crash{db[:2]}", db=db)
    batch = [human(f"crash{db[:2]}{seed}", i, rng) for i in range(mails)]
    stop = threading.Event()
    desk.start()
    result.check(desk.wait_started(), "daemon did not start:\n" + desk.log_text()[-2000:])
    appender = _append_paced(desk, batch, seconds=kills * 1.1, stop=stop)
    phases: Counter[str] = Counter()
    deaths = 0
    deadline = time.monotonic() + timeout
    done_kills = 0
    while done_kills < kills and time.monotonic() < deadline:
        if not desk.wait_started(30):
            deaths += 1
            desk.start()
            continue
        time.sleep(rng.uniform(0.0, 0.6))
        if not desk.alive():  # died on its own: a bug, not one of ours
            deaths += 1
            desk.start()
            continue
        phases[_phase(desk.log_text()[-600:])] += 1
        desk.kill()
        done_kills += 1
        desk.start()
    appender.join(timeout=max(1.0, deadline - time.monotonic()))
    stop.set()
    finished = wait_until(lambda: _all_done(desk), max(5.0, deadline - time.monotonic()), 0.5)
    exit_code = desk.stop()
    result.figures.update(crashes_injected=done_kills, crashes_survived=done_kills if finished
                          else 0, kill_phases=dict(phases), unexpected_exits=deaths,
                          restarts=desk.starts - 1, final_exit_code=exit_code, seed=seed)
    result.check(done_kills == kills, f"only {done_kills} of {kills} kills done in time")
    result.check(finished, "not every mail was registered and acknowledged before the timeout")
    result.check(deaths == 0, f"the daemon exited on its own {deaths} times")
    verify_exactly_once(desk, result, done_kills)
    result.seconds = timer.elapsed()
    return result


class KillingSink(SmtpSink):
    """An SMTP sink that SIGKILLs a process group right after answering 250 to chosen mails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kill_at: set[int] = set()  # 1-based ordinals of accepted messages
        self.target_pid: int | None = None
        self.kills = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250") and len(self.messages) in self.kill_at and self.target_pid:
            pid = self.target_pid
            asyncio.get_running_loop().call_soon(self._kill, pid)  # after the 250 is written
        return reply

    def _kill(self, pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
            self.kills += 1
        except ProcessLookupError:
            pass


def run_sender_kills(servers: Servers, *, db: str, mails: int, kills: int, seed: int,
                     timeout: float = 180.0) -> ScenarioResult:
    result = ScenarioResult(f"crash: inside the outbox sender ({db}, {kills} kills)", "crash")
    timer = Timer()
    rng = random.Random(seed + 1)
    desk = make_desk(servers, f"sendkill{db[:2]}", db=db, sink_factory=KillingSink)
    sink: KillingSink = desk.sink  # type: ignore[assignment]
    sink.kill_at = set(rng.sample(range(1, mails + 1), min(kills, mails)))
    appender = desk.appender()
    for mid, data in (human(f"sk{db[:2]}{seed}", i, rng) for i in range(mails)):
        appender.append(data)
        desk.expect(mid, "human", data)
    appender.close()
    deadline = time.monotonic() + timeout
    desk.start()
    sink.target_pid = desk.proc.pid if desk.proc else None
    while time.monotonic() < deadline and not _all_done(desk):
        if desk.proc is not None and desk.proc.poll() is not None:
            desk.start()
            sink.target_pid = desk.proc.pid if desk.proc else None
        time.sleep(0.1)
    finished = _all_done(desk)
    desk.stop()
    crashes = sink.kills
    result.figures.update(crashes_injected=crashes, crashes_survived=crashes if finished else 0,
                          seed=seed, kill_ordinals=sorted(sink.kill_at))
    result.check(crashes == len(sink.kill_at), f"{crashes} of {len(sink.kill_at)} kills happened")
    result.check(finished, "the outbox was not drained before the timeout")
    verify_exactly_once(desk, result, crashes)
    result.seconds = timer.elapsed()
    return result
