"""Arrival → acknowledgement: the daemon (`complaintdesk run`) in a subprocess against Dovecot and
the SMTP sink; APPEND one appeal at a time and time until the sink receives its acknowledgement.

Two variants: polling every second (``mailbox.idle: false``), and IMAP IDLE
(``mailbox.idle: true``, with a 30 s poll interval so that only IDLE can make it fast). A daemon
that refuses the key gives "n/a".
"""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import corpus
from bench.env import BenchEnv

START_TIMEOUT = 120.0  # daemon start, models loaded, first mail acknowledged


def measure_latency(env: BenchEnv, samples: int, idle: bool, seed: int) -> dict[str, Any]:
    box = env.new_mailbox("lat", [])
    url = env.journal_url("lat")
    daemon = {"poll_interval_seconds": 30 if idle else 1, "log_level": "INFO"}
    overrides: dict[str, dict[str, Any]] = {"daemon": daemon, "mailbox": {"idle": idle}}
    if not idle and not _knows_idle():
        del overrides["mailbox"]
    config = env.write_config("lat", box, url, **overrides)
    log = config.parent / "daemon.log"
    rng = random.Random(f"{seed}:latency:{idle}")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from complaintdesk.cli import main; main()",
             "--config", str(config), "run"],
            cwd=config.parent, env=env.worker_env(), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    conn = env.append_connection(box.user)
    try:
        refused = _refused(proc, log)
        if refused:
            return {"status": "n/a", "reason": refused}
        first = _one(env, conn, rng, 0, START_TIMEOUT)
        if first is None:
            return {"status": "failed", "reason": "no acknowledgement within "
                    f"{START_TIMEOUT:.0f}s of start: " + _tail(log)}
        waits = []
        for k in range(1, samples + 1):
            time.sleep(rng.uniform(0.1, 1.1))  # arrivals at every phase of the poll interval
            waits.append(_one(env, conn, rng, k, 45.0 if idle else 15.0))
        got = [w for w in waits if w is not None]
        return {"status": "ok", "first_s": first, "samples_s": waits,
                "p50_s": statistics.median(got) if got else None,
                "max_s": max(got) if len(got) == len(waits) else None,
                "timeouts": len(waits) - len(got),
                "poll_interval_s": daemon["poll_interval_seconds"]}
    finally:
        _stop(proc)
        conn.logout()
        env.drop_desk(config)
        env.drop_journal(url)


def _knows_idle() -> bool:
    """Whether this complaintdesk has the mailbox.idle key (a daemon without it only polls)."""
    from base.config import ImapSettings

    return "idle" in ImapSettings.model_fields


def _one(env: BenchEnv, conn: Any, rng: random.Random, k: int, timeout: float) -> float | None:
    """APPEND one appeal; seconds until the sink has received one more message (None: timeout)."""
    data = corpus.appeal(rng, f"<bench.latency.{k}.{rng.getrandbits(32)}@example.ru>",
                         datetime.now(timezone.utc))
    seen = len(env.sink.arrivals)
    start = time.monotonic()
    typ, resp = conn.append("INBOX", None, None, data)
    if typ != "OK":
        raise RuntimeError(f"APPEND failed: {resp!r}")
    deadline = start + timeout
    while time.monotonic() < deadline:
        if len(env.sink.arrivals) > seen:
            return float(env.sink.arrivals[seen] - start)
        time.sleep(0.002)
    return None


def _refused(proc: subprocess.Popen[bytes], log: Path) -> str | None:
    """The daemon's complaint when it exits within 3 s (e.g. it does not know mailbox.idle)."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"daemon exited with {proc.returncode}: {_tail(log)}"
        time.sleep(0.05)
    return None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _tail(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"
