"""Floods and loops: a robot flood with human mail among it, the automatic-mail limits, two
desks acknowledging each other, and a 50 MB mail / a mail with 200 attachments."""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from reliability.crash import _all_done
from reliability.env import Desk, Servers, make_desk, wait_until
from reliability.mails import human, robot
from reliability.result import ScenarioResult, Timer
from tests.servers import SmtpSink


def _moment(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).timestamp()


def _gaps(desk: Desk, kinds: dict[str, str]) -> dict[str, list[float]]:
    """Seconds between one inbound commit and the previous one, by kind of mail."""
    rows = desk.journal().inbound
    out: dict[str, list[float]] = {"human": [], "robot": []}
    for prev, row in zip(rows, rows[1:]):
        kind = kinds.get(row["message_id"] or "")
        if kind in out:
            out[kind].append(_moment(row["received_at"]) - _moment(prev["received_at"]))
    return out


def _ingest(desk: Desk, mails: list[tuple[str, str, bytes]], timeout: float) -> tuple[bool, float]:
    for mid, kind, data in mails:
        desk.expect(mid, kind, data)
    desk.drop(data for _, _, data in mails)
    start = time.monotonic()
    desk.start()
    done = wait_until(lambda: len(desk.journal().inbound) >= len(mails) or not desk.alive(),
                      timeout, 0.5)
    return done and desk.alive(), time.monotonic() - start


def run_flood(servers: Servers, *, robots: int, humans: int, seed: int) -> ScenarioResult:
    result = ScenarioResult(f"flood: {robots} robot mails with {humans} human mails among them",
                            "flood")
    timer = Timer()
    rng = random.Random(seed)
    timeout = 60 + robots * 0.05
    base = make_desk(servers, "floodbase", sections={"mailbox": {"batch_size": 200}})
    base_mails = [(*human("base", i, rng), ) for i in range(humans)]
    ok, _ = _ingest(base, [(m, "human", d) for m, d in base_mails], timeout)
    base_gaps = _gaps(base, base.appended)["human"]
    base.stop()
    desk = make_desk(servers, "flood", sections={"mailbox": {"batch_size": 200}})
    mails: list[tuple[str, str, bytes]] = []
    robot_addresses: set[str] = set()
    for i in range(robots):
        mid, addr, data = robot("flood", i, rng)
        robot_addresses.add(addr)
        mails.append((mid, "robot", data))
    for i in range(humans):
        mid, data = human("flood", i, rng)
        mails.insert(rng.randrange(len(mails) + 1), (mid, "human", data))
    done, seconds = _ingest(desk, mails, timeout)
    wait_until(lambda: _all_done(desk), 60, 0.5)
    gaps = _gaps(desk, desk.appended)
    journal = desk.journal()
    to_robots = [o for o in journal.outbox if o["recipient"].lower() in robot_addresses]
    wire_to_robots = [r for _, rcpts in desk.wire() for r in rcpts if r.lower() in robot_addresses]
    registered_humans = {a["message_id"] for a in journal.appeals}
    robot_appeals = [m for m, k in desk.appended.items() if k == "robot" and m in registered_humans]
    outcomes = Counter(r["outcome"] for r in journal.inbound)
    med_base = statistics.median(base_gaps) if base_gaps else None
    med_flood = statistics.median(gaps["human"]) if gaps["human"] else None
    result.figures.update(
        robots=robots, humans=humans, seconds=round(seconds, 1),
        mails_per_second=round(len(mails) / seconds, 1) if seconds else None,
        human_ms_per_mail_alone=round(med_base * 1000, 1) if med_base is not None else None,
        human_ms_per_mail_in_flood=round(med_flood * 1000, 1) if med_flood is not None else None,
        robot_ms_per_mail=round(statistics.median(gaps["robot"]) * 1000, 1) if gaps["robot"] else None,
        acks_queued_to_robots=len(to_robots), mails_sent_to_robots=len(wire_to_robots),
        robots_registered_as_appeals=len(robot_appeals), outcomes=dict(outcomes),
        robot_kinds_acknowledged=sorted({o["recipient"].split("@")[1].split(".")[0]
                                         for o in to_robots}),
    )
    result.check(ok and done, "the flood was not ingested before the timeout")
    result.check(not to_robots and not wire_to_robots,
                 f"{len(to_robots)} acknowledgements queued and {len(wire_to_robots)} sent to "
                 f"robots (e.g. {[o['recipient'] for o in to_robots[:3]]})")
    if med_base is not None and med_flood is not None:
        result.check(med_flood <= 3 * med_base + 0.02,
                     f"human mail took {med_flood * 1000:.0f} ms per mail in the flood, "
                     f"{med_base * 1000:.0f} ms alone")
    humans_ok = sum(1 for m, k in desk.appended.items() if k == "human" and m in registered_humans)
    result.check(humans_ok == humans, f"only {humans_ok} of {humans} human mails registered")
    desk.stop()
    result.seconds = timer.elapsed()
    return result


def run_limits(servers: Servers, *, seed: int) -> ScenarioResult:
    """limits.auto_per_recipient_per_hour (3) and limits.auto_global_per_hour: beyond them an
    appeal is registered but no automatic mail goes out."""
    result = ScenarioResult("flood: automatic-mail limits per recipient and global", "flood")
    timer = Timer()
    rng = random.Random(seed)
    per = make_desk(servers, "limitone", sections={"limits": {
        "auto_per_recipient_per_hour": 3, "auto_global_per_hour": 200}})
    same = "repeat.writer@client.example.org"
    mails = [human("limone", i, rng, from_addr=same, subject=f"Новая жалоба {i} {rng.random():.6f}")
             for i in range(6)]
    glob = make_desk(servers, "limitall", sections={"limits": {
        "auto_per_recipient_per_hour": 3, "auto_global_per_hour": 5}})
    others = [human("limall", i, rng) for i in range(8)]
    for desk, batch in ((per, mails), (glob, others)):
        appender = desk.appender()
        for mid, data in batch:
            appender.append(data)
            desk.expect(mid, "human", data)
        appender.close()
        desk.start()
    for desk in (per, glob):
        wait_until(lambda d=desk: len(d.journal().inbound) >= len(d.appended) or not d.alive(),
                   60, 0.25)
        time.sleep(2)  # let the sender run
    rows = {d.name: d.journal() for d in (per, glob)}
    wire = {d.name: d.wire() for d in (per, glob)}
    one, alln = rows["limitone"], rows["limitall"]
    result.figures.update(
        same_address_mails=6, same_address_registered=len(one.appeals),
        same_address_acks_queued=len(one.outbox), same_address_acks_sent=len(wire["limitone"]),
        global_mails=8, global_registered=len(alln.appeals), global_acks_queued=len(alln.outbox),
        global_acks_sent=len(wire["limitall"]),
    )
    result.check(len(one.appeals) == 6, f"{len(one.appeals)} of 6 mails from one address registered")
    result.check(len(one.outbox) <= 3 and len(wire["limitone"]) <= 3,
                 f"{len(one.outbox)} acknowledgements queued to one address within an hour "
                 "(limit 3)")
    result.check(len(alln.appeals) == 8, f"{len(alln.appeals)} of 8 mails registered")
    result.check(len(alln.outbox) <= 5 and len(wire["limitall"]) <= 5,
                 f"{len(alln.outbox)} automatic mails queued within an hour (global limit 5)")
    for desk in (per, glob):
        result.check(desk.alive(), f"daemon {desk.name} died")
        desk.stop()
    result.seconds = timer.elapsed()
    return result


class RelaySink(SmtpSink):
    """An SMTP server that delivers what it accepts into the recipient's Dovecot mailbox
    (local part = Dovecot user), the way a real MTA would: with a Return-Path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dovecot: Any = None
        self.delivered = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250") and self.dovecot is not None:
            data = f"Return-Path: <{envelope.mail_from}>\r\n".encode() + envelope.original_content
            for rcpt in envelope.rcpt_tos:
                user = rcpt.split("@")[0]
                if user in self.dovecot.users:
                    self.dovecot.append(user, "INBOX", data)
                    self.delivered += 1
        return reply


def _readdress(desk: Desk, domain: str) -> str:
    address = f"{desk.user}@{domain}"
    data = yaml.safe_load(desk.config_path.read_text(encoding="utf-8"))
    data["smtp"]["sender"] = f"Desk {desk.user} <{address}>"
    data["organisation"]["own_domains"] = [domain]
    data["organisation"]["webform_senders"] = []
    desk.config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return address


def run_loop(servers: Servers, *, seed: int, seconds: float) -> ScenarioResult:
    """Two desks acknowledging each other's mailboxes settle after a couple of mails each."""
    result = ScenarioResult("loop: two desks acknowledging each other settle", "flood")
    timer = Timer()
    rng = random.Random(seed)
    desks = [make_desk(servers, f"loop{x}", sink_factory=RelaySink,
                       sections={"limits": {"auto_per_recipient_per_hour": 3,
                                            "auto_global_per_hour": 200}}) for x in "ab"]
    addresses = [_readdress(d, f"{x}.example.test") for d, x in zip(desks, "ab")]
    for desk in desks:
        desk.sink.dovecot = servers.dovecot  # type: ignore[attr-defined]
    # a person at each desk's address writes to the other: each desk acknowledges the other
    for i, (desk, other_address) in enumerate(((desks[0], addresses[1]), (desks[1], addresses[0]))):
        mid, data = human("loop", i, rng, from_addr=other_address)
        servers.dovecot.append(desk.user, "INBOX", data)
    for desk in desks:
        desk.start()
    time.sleep(seconds)
    sent = [len(d.sink.messages) for d in desks]
    received = [len(d.journal().inbound) for d in desks]
    result.figures.update(sent_by_a=sent[0], sent_by_b=sent[1], received_by_a=received[0],
                          received_by_b=received[1], watched_seconds=seconds)
    result.check(max(sent) <= 2, f"the desks sent {sent[0]} and {sent[1]} mails in {seconds:.0f}s "
                                 "(at most a couple each)")
    for desk in desks:
        result.check(desk.alive(), f"daemon {desk.name} died")
        desk.stop()
    result.seconds = timer.elapsed()
    return result


class _GroupMemory:
    """Samples the resident memory of a process group (the daemon and its workers)."""

    def __init__(self, pgid: int) -> None:
        self.pgid, self.peak_mb = pgid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            total = 0
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[2]) != self.pgid:
                        continue
                    status = Path(f"/proc/{pid}/status").read_text()
                except (OSError, ValueError, IndexError):
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            self.peak_mb = max(self.peak_mb, total / 1024)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=2)
        return round(self.peak_mb, 1)


def _big_mail(rng: random.Random, megabytes: int) -> tuple[str, bytes]:
    payload = rng.randbytes(megabytes * 1024 * 1024 * 3 // 4)
    return human("big", megabytes, rng, attachments=[("архив сканов.pdf", "application/pdf",
                                                      payload)])


def _many_attachments(rng: random.Random, count: int) -> tuple[str, bytes]:
    atts = [(f"фото_{i:03d}.jpg", "image/jpeg", rng.randbytes(2000)) for i in range(count)]
    return human("many", count, rng, attachments=atts)


def run_big_mails(servers: Servers, *, seed: int, megabytes: int, attachments: int,
                  limits: dict[str, Any] | None = None, label: str = "big") -> ScenarioResult:
    """A huge mail and a mail with many attachments, then a small one: memory stays bounded,
    the small one is not blocked. With ``limits`` (mail_seconds/mail_bytes) the huge mail must
    be set aside with its reason and its raw bytes kept."""
    what = f"{megabytes} MB mail and a mail with {attachments} attachments"
    name = f"flood: {what}" + (f" under limits {limits}" if limits else "")
    result = ScenarioResult(name, "flood")
    timer = Timer()
    rng = random.Random(seed)
    desk = make_desk(servers, label, sections={"limits": limits} if limits else None)
    big_mid, big = _big_mail(rng, megabytes)
    many_mid, many = _many_attachments(rng, attachments)
    small_mid, small = human("aftbig", 1, rng)
    for mid, data in ((big_mid, big), (many_mid, many), (small_mid, small)):
        desk.expect(mid, "human", data)
    desk.start()
    desk.wait_started()
    memory = _GroupMemory(desk.proc.pid)  # type: ignore[union-attr]
    t0 = time.monotonic()
    desk.drop([big, many, small])
    small_in = wait_until(lambda: small_mid in {r["message_id"] for r in desk.journal().inbound}
                          or not desk.alive(), 150, 0.25)
    small_seconds = time.monotonic() - t0
    wait_until(lambda: len(desk.journal().inbound) >= 3 or not desk.alive(), 30, 0.25)
    peak = memory.stop()
    journal = desk.journal()
    by_mid = {r["message_id"]: r for r in journal.inbound}
    big_row = by_mid.get(big_mid) or next((r for r in journal.inbound
                                           if r["message_id"] is None), None)
    storage = Path(yaml.safe_load(desk.config_path.read_text())["storage"]["path"])
    import hashlib
    raw_kept = any(p.name == hashlib.sha256(big).hexdigest() for p in storage.rglob("*"))
    many_row = by_mid.get(many_mid)
    many_atts = [a for a in journal.attachments if many_row and a["inbound_id"] == many_row["id"]]
    result.figures.update(
        big_mail_mb=round(len(big) / 2**20, 1), peak_rss_mb=peak,
        small_mail_registered_after_s=round(small_seconds, 1),
        big_outcome=big_row["outcome"] if big_row else None,
        big_reason=(big_row or {}).get("reason"), big_raw_kept=raw_kept,
        many_outcome=many_row["outcome"] if many_row else None,
        many_attachments_recorded=len(many_atts),
    )
    result.check(desk.alive(), "the daemon died")
    result.check(small_in, "the small mail after the big ones was not registered in time")
    result.check(peak <= 1024, f"peak memory {peak} MB for a {megabytes} MB mail")
    result.check(big_row is not None, "the big mail was not recorded at all")
    result.check(raw_kept, "the big mail's raw bytes were not kept")
    if limits:
        result.check(big_row is not None and big_row["outcome"] == "set_aside"
                     and bool(big_row.get("reason")),
                     f"over-limit mail not set aside with a reason: {big_row}")
    else:
        result.check(many_row is not None and len(many_atts) == attachments,
                     f"{len(many_atts)} of {attachments} attachments recorded")
    desk.stop()
    result.seconds = timer.elapsed()
    return result
