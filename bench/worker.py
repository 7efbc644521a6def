"""One measurement in its own process: `python -m bench.worker '<job json>'`.

Each job runs in a fresh interpreter so its memory (summed over it and the analysis worker
processes it starts) is its own, the language models are loaded the way the daemon loads them,
and one job's caches never help the next. Timings start after the models are loaded and the
IMAP connection is open (start-up is reported apart).
The result is printed as one line: ``RESULT {json}``.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import random
import re
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if sys.path[0] != str(REPO):
    sys.path.insert(0, str(REPO))


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    """VmRSS (now) or VmHWM (peak) of one process, in MiB (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def pss_mb(pid: int | str) -> float:
    """Proportional set size: shared pages (forked workers, mapped models) counted once overall."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def family() -> list[int]:
    """This process and all its descendants (the analysis worker processes)."""
    found, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for children in glob.glob(f"/proc/{pid}/task/*/children"):
            try:
                todo += [int(c) for c in Path(children).read_text().split()]
            except OSError:
                pass
    return found


def cpu_seconds() -> float:
    """User + system CPU of this process and its descendants so far (load on the machine from
    other work changes the wall time of a run much more than its CPU time)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in family():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class MemorySampler(threading.Thread):
    """Every 0.1 s: RSS and PSS summed over the process tree; keeps the peaks."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0.0

    def now(self) -> dict[str, float]:
        pids = family()
        return {"rss": sum(rss_mb("VmRSS", p) for p in pids),
                "pss": sum(pss_mb(p) for p in pids), "processes": len(pids)}

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.sample()

    def sample(self) -> dict[str, float]:
        current = self.now()
        self.peak_rss = max(self.peak_rss, current["rss"])
        self.peak_pss = max(self.peak_pss, current["pss"])
        return current

    def result(self) -> dict[str, float]:
        self.stop.set()
        self.sample()
        return {"peak_rss_mb": self.peak_rss, "peak_pss_mb": self.peak_pss,
                "main_hwm_mb": rss_mb("VmHWM"),
                "hwm_sum_mb": sum(rss_mb("VmHWM", p) for p in family())}


def baseline(job: dict[str, Any]) -> dict[str, Any]:
    """imap-tools fetch of every mail in the folder + mailparser.parse_from_bytes of each."""
    import mailparser
    from imap_tools import MailBox
    from imap_tools.message import MailMessage

    from base.tls import make_ssl_context

    class RawMessage:  # keeps the bytes; imap-tools' MailMessage would parse each mail once more
        def __init__(self, fetch_data: list[Any]) -> None:
            self.data = MailMessage._get_message_data_parts(fetch_data)[0]

    context = make_ssl_context(True, Path(job["ca_file"]))
    box: Any = MailBox(job["host"], job["port"], ssl_context=context)
    box.email_message_class = RawMessage
    box.login(job["user"], job["password"], initial_folder="INBOX")
    count = size = 0
    start, cpu = time.perf_counter(), cpu_seconds()
    for msg in box.fetch("ALL", mark_seen=False, bulk=job.get("batch", 200)):
        mailparser.parse_from_bytes(msg.data)
        count += 1
        size += len(msg.data)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    box.logout()
    return {"seconds": seconds, "cpu_s": cpu, "count": count, "bytes": size,
            "peak_mb": rss_mb("VmHWM")}


def ingest(job: dict[str, Any]) -> dict[str, Any]:
    """complaintdesk's poll of the whole folder in-process: fetch → parse → classify → store →
    register → acknowledgement queued. Memory is sampled over the whole process tree (the
    analysis workers included), and RSS/PSS noted every ``sample_every`` mails."""
    from pipeline.poll import poll_mailbox, send_outbox
    from ingest.imap import ImapMailbox

    loaded = time.perf_counter()
    deps, config = _deps(job)
    sampler = MemorySampler()
    at_start = sampler.sample()
    out: dict[str, Any] = {"startup_s": time.perf_counter() - loaded + _import_seconds,
                           "rss_models_mb": at_start["rss"], "pss_models_mb": at_start["pss"],
                           "workers": config.limits.workers}
    samples: list[list[float]] = []
    every = job.get("sample_every", 1000)
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % every == 0:
            now = sampler.sample()
            samples.append([done[0], now["rss"], now["pss"]])

    sampler.start()
    try:
        with ImapMailbox(config.mailbox, config.mailbox.password("mailbox")) as client:
            start, cpu = time.perf_counter(), cpu_seconds()
            summary = poll_mailbox(client, deps, progress=progress)
            out["seconds"], out["cpu_s"] = time.perf_counter() - start, cpu_seconds() - cpu
        out.update(count=summary.fetched, counts=summary.counts, acks_queued=summary.acks_queued,
                   stopped_by=summary.stopped_by, rss_samples=samples)
        out.update(sampler.result())
        if job.get("send"):  # send_outbox sends up to 500 per round: rounds until it is empty
            start, sent, rounds = time.perf_counter(), 0, 0
            while True:
                report = send_outbox(deps)
                sent, rounds = sent + report.sent, rounds + 1
                if report.error or not report.sent:
                    break
            out["send"] = {"seconds": time.perf_counter() - start, "sent": sent,
                           "rounds": rounds, "error": report.error}
    finally:
        deps.analyzer.close()
    out["peak_mb"] = out["peak_pss_mb"]
    return out


def idle(job: dict[str, Any]) -> dict[str, Any]:
    """poll_mailbox when nothing is new: on an open connection, and with connect + login."""
    from pipeline.poll import poll_mailbox
    from ingest.imap import ImapMailbox

    deps, config = _deps(job)
    password = config.mailbox.password("mailbox")
    open_ms, fresh_ms = [], []
    try:
        with ImapMailbox(config.mailbox, password) as client:
            first = poll_mailbox(client, deps)
            for _ in range(job.get("rounds", 50)):
                start = time.perf_counter()
                poll_mailbox(client, deps)
                open_ms.append((time.perf_counter() - start) * 1000)
        for _ in range(job.get("connect_rounds", 20)):
            start = time.perf_counter()
            with ImapMailbox(config.mailbox, password) as client:
                poll_mailbox(client, deps)
            fresh_ms.append((time.perf_counter() - start) * 1000)
    finally:
        deps.analyzer.close()
    return {"first_fetched": first.fetched, "open_ms": _stats(open_ms),
            "connect_ms": _stats(fresh_ms)}


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))],
            "min": ordered[0], "max": ordered[-1]}


def _deps(job: dict[str, Any]) -> tuple[Any, Any]:
    """Config and Deps as the daemon has them after its first mail: the analysis workers
    started with their language models, and the main process's morph analyser loaded."""
    from bench import corpus
    from base.config import load_config
    from base.morph import morph_analyzer
    from pipeline.poll import build_deps

    config = load_config(Path(job["config"]))
    deps = build_deps(config)
    morph_analyzer()
    sample = corpus.appeal(random.Random(1), "<warm@example.ru>", datetime(2026, 1, 1, tzinfo=timezone.utc))
    futures = [deps.analyzer.submit(sample) for _ in range(2 * max(1, config.limits.workers))]
    for future in futures:
        deps.analyzer.result(future)
    time.sleep(0.2)
    return deps, config


JOBS = {"baseline": baseline, "ingest": ingest, "idle": idle}
_import_seconds = 0.0


def main() -> None:
    global _import_seconds
    job = json.loads(sys.argv[1])
    # as `complaintdesk run` logs by default: INFO, one line per mail (stderr goes to a file)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    start = time.perf_counter()
    import pipeline.poll  # noqa: F401  (what `complaintdesk run` imports before its first poll)
    _import_seconds = time.perf_counter() - start
    result = JOBS[job["job"]](job)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
