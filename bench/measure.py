"""The seven measurements of issue 6. Each returns a plain dict that goes into results.json.

The orchestrator (this process) owns the servers, mailboxes and journals; every timed run is a
bench/worker.py subprocess (see there for why).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from bench import corpus, journal_fill
from bench.env import PASSWORD, REPO, BenchEnv, Mailbox

MB = 1024 * 1024


@dataclass
class Settings:
    mails: int = 2000
    repeat: int = 3
    seed: int = 2026
    idle_mailboxes: tuple[int, ...] = (2000, 20000)
    journals: tuple[int, ...] = (1000, 100000)
    growth_journals: tuple[int, ...] = (1000, 10000, 100000)
    growth_mails: int = 400
    big_mail_mb: int = 25
    latency_samples: int = 20
    worker_timeout: float = 1800.0

    @classmethod
    def quick(cls, **kw: Any) -> Settings:
        base = dict(mails=150, repeat=1, idle_mailboxes=(200, 2000), journals=(500, 5000),
                    growth_journals=(500, 5000), growth_mails=50, big_mail_mb=25,
                    latency_samples=5, worker_timeout=300.0)
        return cls(**{**base, **kw})


@dataclass
class Bench:
    env: BenchEnv
    settings: Settings
    say: Callable[[str], None] = print
    _templates: dict[int, str] = field(default_factory=dict)
    _logs: int = 0

    # -- 1, 2, 3 and the whole-run memory of 6 -----------------------------

    def throughput(self) -> dict[str, Any]:
        s = self.settings
        mails = corpus.generate(s.mails, s.seed)
        files = self.env.write_corpus("mix", [m.data for m in mails])
        kinds: dict[str, int] = {}
        for m in mails:
            kinds[m.kind] = kinds.get(m.kind, 0) + 1
        total = sum(len(m.data) for m in mails)
        del mails
        base, full = [], []
        for r in range(s.repeat):
            box = self.env.new_mailbox("mix", files)
            base.append(self.worker("baseline", host=self.env.dovecot.host, port=self.env.dovecot.port,
                                    ca_file=str(self.env.ca_file), user=box.user, password=PASSWORD))
            self.say(f"  repeat {r + 1}: baseline {base[-1]['seconds']:.1f}s")
            full.append(self._ingest(box, "full", send=True,
                                     sample_every=min(1000, max(1, s.mails // 2))))
            self.say(f"  repeat {r + 1}: full ingest {full[-1]['seconds']:.1f}s "
                     f"({full[-1]['counts']}), send {full[-1]['send']['seconds']:.1f}s")
            self.env.drop_mailbox(box)
        b = statistics.median(x["seconds"] for x in base)
        f = statistics.median(x["seconds"] for x in full)
        return {
            "mails": s.mails, "bytes": total, "kinds": kinds,
            "baseline_s": [x["seconds"] for x in base], "baseline_median_s": b,
            "baseline_mails_per_s": s.mails / b, "baseline_mb_per_s": total / MB / b,
            "full_s": [x["seconds"] for x in full], "full_median_s": f,
            "full_mails_per_s": s.mails / f, "full_ms_per_mail": 1000 * f / s.mails,
            "ratio": b / f, "outcomes": full[0]["counts"], "acks_queued": full[0]["acks_queued"],
            "baseline_cpu_s": [x["cpu_s"] for x in base], "full_cpu_s": [x["cpu_s"] for x in full],
            "cpu_ratio": statistics.median(x["cpu_s"] for x in base)
                         / statistics.median(x["cpu_s"] for x in full),
            "startup_s": statistics.median(x["startup_s"] for x in full),
            "send_s": [x["send"]["seconds"] for x in full],
            "send_ms_per_ack": statistics.median(
                1000 * x["send"]["seconds"] / max(1, x["send"]["sent"]) for x in full),
            "sent": full[0]["send"]["sent"],
            "memory": _whole_run_memory(full),
        }

    # -- 4 -------------------------------------------------------------------

    def idle_poll(self) -> dict[str, Any]:
        s = self.settings
        unit = min(s.idle_mailboxes)
        files = self.env.write_corpus(
            "idle", [m.data for m in corpus.generate(unit, s.seed, corpus.NO_ATTACHMENTS, "idle")])
        rows = []
        for size in s.idle_mailboxes:
            box = self.env.new_mailbox("idle", files, copies=size // unit)
            for appeals in s.journals:
                url = self.env.journal_url("idle", self.template(appeals))
                journal_fill.set_mailbox_state(url, "pretenzii", "INBOX", box.uidvalidity, box.last_uid)
                config = self.env.write_config("idle", box, url)
                result = self.worker("idle", config=str(config))
                rows.append({"mailbox": size, "journal": appeals, **result})
                self.say(f"  {size} mails / {appeals} appeals: idle poll "
                         f"{result['open_ms']['median']:.2f} ms (open), "
                         f"{result['connect_ms']['median']:.1f} ms (connect+login)")
                self.env.drop_desk(config)
                self.env.drop_journal(url)
            self.env.drop_mailbox(box)
        worst = max(r["open_ms"]["median"] for r in rows)
        flat = worst / min(r["open_ms"]["median"] for r in rows)
        return {"rows": rows, "idle_ms": worst, "spread": flat}

    # -- 5 -------------------------------------------------------------------

    def journal_growth(self) -> dict[str, Any]:
        s = self.settings
        files = self.env.write_corpus("grow", [
            m.data for m in corpus.generate(s.growth_mails, s.seed, corpus.NO_ATTACHMENTS, "grow")])
        per_mail: dict[int, list[float]] = {n: [] for n in s.growth_journals}
        cpu_per_mail: dict[int, list[float]] = {n: [] for n in s.growth_journals}
        for r in range(s.repeat):
            for appeals in s.growth_journals:
                box = self.env.new_mailbox("grow", files)
                out = self._ingest(box, "grow", template=self.template(appeals))
                per_mail[appeals].append(1000 * out["seconds"] / max(1, out["count"]))
                cpu_per_mail[appeals].append(1000 * out["cpu_s"] / max(1, out["count"]))
                self.say(f"  repeat {r + 1}: {appeals} appeals: {per_mail[appeals][-1]:.1f} ms/mail")
                self.env.drop_mailbox(box)
        medians = {n: statistics.median(v) for n, v in per_mail.items()}
        cpu = {n: statistics.median(v) for n, v in cpu_per_mail.items()}
        small, large = min(medians), max(medians)
        return {"mails": s.growth_mails, "ms_per_mail": {str(k): v for k, v in per_mail.items()},
                "median_ms_per_mail": {str(k): v for k, v in medians.items()},
                "cpu_ms_per_mail": {str(k): v for k, v in cpu_per_mail.items()},
                "median_cpu_ms_per_mail": {str(k): v for k, v in cpu.items()},
                "growth": medians[large] / medians[small], "cpu_growth": cpu[large] / cpu[small],
                "from": small, "to": large}

    # -- 6: the single big mail ------------------------------------------------

    def big_mail(self) -> dict[str, Any]:
        size = self.settings.big_mail_mb * MB
        files = self.env.write_corpus("big", [corpus.big_mail(size)])
        box = self.env.new_mailbox("big", files)
        out = self._ingest(box, "big")
        self.env.drop_mailbox(box)
        return {"mail_bytes": files[0].stat().st_size, "peak_mb": out["peak_pss_mb"],
                "peak_rss_sum_mb": out["peak_rss_mb"], "main_hwm_mb": out["main_hwm_mb"],
                "models_pss_mb": out["pss_models_mb"], "seconds": out["seconds"],
                "outcome": out["counts"]}

    # -- helpers -----------------------------------------------------------------

    def template(self, appeals: int) -> str:
        """A journal pre-filled with ``appeals`` appeals, made once and copied for each use."""
        if appeals not in self._templates:
            start = time.perf_counter()
            url = self.env.journal_url(f"tmpl{appeals}")
            journal_fill.prefill(url, appeals, self.settings.seed)
            self.say(f"  (journal of {appeals} appeals pre-filled in {time.perf_counter() - start:.1f}s)")
            self._templates[appeals] = url
        return self._templates[appeals]

    def _ingest(self, box: Mailbox, label: str, template: str | None = None,
                **job: Any) -> dict[str, Any]:
        url = self.env.journal_url(label, template)
        config = self.env.write_config(label, box, url)
        try:
            out = self.worker("ingest", config=str(config), **job)
        finally:
            self.env.drop_desk(config)
            self.env.drop_journal(url)
        if out["count"] != box.count or out.get("stopped_by"):
            raise RuntimeError(f"ingest of {box.user} processed {out['count']} of {box.count} "
                               f"mails (stopped: {out.get('stopped_by')})")
        return out

    def worker(self, name: str, **job: Any) -> dict[str, Any]:
        # write back the set-up's dirty pages (corpus, maildirs, journal copies, the last run's
        # store) now, or the timed run's fsyncs wait for them
        os.sync()
        self._logs += 1
        log = self.env.root / "logs" / f"{self._logs:03d}-{name}.log"
        log.parent.mkdir(exist_ok=True)
        with open(log, "wb") as err:
            proc = subprocess.run(
                [sys.executable, "-m", "bench.worker", json.dumps({"job": name, **job})],
                cwd=REPO, env=self.env.worker_env(), stdout=subprocess.PIPE, stderr=err,
                timeout=self.settings.worker_timeout)
        for line in proc.stdout.decode().splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[7:])  # type: ignore[no-any-return]
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"worker {name} failed ({proc.returncode}); log {log}:\n{tail}")


def _whole_run_memory(full: list[dict[str, Any]]) -> dict[str, Any]:
    """Peak memory of the whole-run ingest (PSS summed over the main process and its analysis
    workers; RSS sum beside it), and PSS after the first vs the last 1,000 mails."""
    growth = [x["rss_samples"][-1][2] - x["rss_samples"][0][2] for x in full
              if len(x["rss_samples"]) >= 2]
    return {"peak_mb": max(x["peak_pss_mb"] for x in full),
            "peak_rss_sum_mb": max(x["peak_rss_mb"] for x in full),
            "main_hwm_mb": max(x["main_hwm_mb"] for x in full),
            "models_pss_mb": statistics.median(x["pss_models_mb"] for x in full),
            "workers": full[0]["workers"],
            "samples": full[0]["rss_samples"],
            "growth_mb": statistics.median(growth) if growth else None}
