"""The machine the numbers come from, the readable table, results.json and the summary line."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.snapshot import changes_hash, origin

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"ratio": "≥ 0.40", "idle_ms": "≤ 5 ms, flat", "growth": "≤ 1.2",
           "peak_mb": "≤ 500 MB, no growth", "ack": "≤ 2 s with IDLE"}


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    meminfo = Path("/proc/meminfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M)
    return {
        "nproc": os.cpu_count(), "cpu": model.group(1).strip() if model else platform.processor(),
        "ram_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(), "python": platform.python_version(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
        "git_changes_sha256": changes_hash(_repo()),
        "measured": "a copy of the tree taken at start" if origin() else "the tree in place",
        "dovecot": _cmd(["dovecot", "--version"]), "sqlite": _sqlite_version(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def write(results: dict[str, Any], path: Path) -> None:
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")


def table(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [f"\ncomplaintdesk benchmark — {m['date']}, commit {str(m['git_commit'])[:10]}"
             f"{' (dirty)' if m['git_dirty'] else ''}; {m['nproc']} × {m['cpu']}, {m['ram_gb']} GB; "
             f"journal on {r['settings']['database']}; load average at start "
             f"{m['loadavg_start'][0]:.2f}, at end {m.get('loadavg_end', ['?'])[0]}", ""]
    row = "{:<58} {:>20}  {}".format
    lines.append(row("measurement", "result", "target"))
    lines.append("-" * 94)
    for label, value, target in _rows(r):
        lines.append(row(label, value, target))
    for key, error in r["errors"].items():
        lines.append(f"ERROR in {key}: {error.splitlines()[0][:200]}")
    return "\n".join(lines)


def summary(r: dict[str, Any]) -> str:
    t, i, g = r.get("throughput"), r.get("idle"), r.get("growth")
    return (f"ratio={_f(t and t['ratio'], 2)} idle_ms={_f(i and i['idle_ms'], 2)} "
            f"growth={_f(g and g['growth'], 2)} peak_mb={_f(_peak(r), 0)} "
            f"ack_p50_s={_f(_ack(r)[0], 2)}")


def _rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    t = r.get("throughput")
    if t:
        n, mb = t["mails"], t["bytes"] / 1024 / 1024
        out += [
            (f"mix: {n} mails, {mb:.0f} MB ({_kinds(t['kinds'])})", "", ""),
            ("1. baseline: imap-tools fetch + mailparser (median)",
             f"{t['baseline_median_s']:.1f} s", ""),
            ("     throughput", f"{t['baseline_mails_per_s']:.0f} mails/s", f"{t['baseline_mb_per_s']:.0f} MB/s"),
            ("2. full ingest, fetch → ack queued (median)", f"{t['full_median_s']:.1f} s", ""),
            ("     throughput", f"{t['full_mails_per_s']:.0f} mails/s", f"{t['full_ms_per_mail']:.1f} ms/mail"),
            ("     runs (baseline / full)", _runs(t["baseline_s"]) + " / " + _runs(t["full_s"]), ""),
            ("     outcomes", _kinds(t["outcomes"]), f"{t['acks_queued']} acks queued"),
            ("     start-up (imports, models, schema check)", f"{t['startup_s']:.1f} s", "not timed above"),
            ("     SMTP sending of the acks (separate)", f"{t['send_ms_per_ack']:.1f} ms/ack", f"{t['sent']} sent"),
            ("3. ratio baseline time / full time", f"{t['ratio']:.2f}", TARGETS["ratio"]),
            ("   CPU seconds (client side, all processes), median", _runs([
                statistics.median(t["baseline_cpu_s"]), statistics.median(t["full_cpu_s"])]),
             f"ratio of CPU time {t['cpu_ratio']:.2f}"),
        ]
    i = r.get("idle")
    if i:
        for row in i["rows"]:
            out.append((f"4. idle poll, {row['mailbox']:>6} mails, {row['journal']:>6} appeals",
                        f"{row['open_ms']['median']:.2f} ms", f"{row['connect_ms']['median']:.1f} ms with connect+login"))
        out.append(("   worst / spread (max ÷ min)", f"{i['idle_ms']:.2f} ms / {i['spread']:.2f}×", TARGETS["idle_ms"]))
    g = r.get("growth")
    if g:
        for size, ms in g["median_ms_per_mail"].items():
            out.append((f"5. per-mail cost, {g['mails']} fresh mails, {int(size):>6} appeals",
                        f"{ms:.1f} ms/mail", f"runs {_runs(g['ms_per_mail'][size], 1)}; CPU "
                        f"{g['median_cpu_ms_per_mail'][size]:.1f} ms/mail"))
        out.append((f"   growth {g['from']} → {g['to']} appeals", f"{g['growth']:.2f}",
                     f"{TARGETS['growth']}; in CPU time {g['cpu_growth']:.2f}"))
    b = r.get("big_mail")
    if b:
        out.append((f"6. peak memory, one {b['mail_bytes'] / 1024 / 1024:.0f} MB mail (PSS, all processes)",
                    f"{b['peak_mb']:.0f} MB", f"{b['models_pss_mb']:.0f} MB before; RSS sum "
                    f"{b['peak_rss_sum_mb']:.0f}, main {b['main_hwm_mb']:.0f}; {b['seconds']:.1f} s"))
    if t:
        mem = t["memory"]
        out.append((f"6. peak memory, whole run (PSS, main + {mem['workers']} worker)",
                    f"{mem['peak_mb']:.0f} MB", f"{TARGETS['peak_mb']}; RSS sum {mem['peak_rss_sum_mb']:.0f}"))
        samples = ", ".join(f"{int(n)}: {pss:.0f}" for n, _, pss in mem["samples"])
        growth = mem["growth_mb"]
        out.append(("   PSS after the first vs the last 1,000 mails",
                    f"{growth:+.0f} MB" if growth is not None else "n/a", f"MB after n mails: {samples}"))
    lat = r.get("latency")
    if lat:
        for name, v in lat.items():
            label = f"7. APPEND → ack at SMTP, {name}"
            if v["status"] == "ok":
                out.append((label + f" (poll every {v['poll_interval_s']:.0f} s)",
                            f"{_f(v['p50_s'], 2)} / {_f(v['max_s'], 2)} s",
                            f"median / worst of {len(v['samples_s'])}"
                            + (f", {v['timeouts']} timeouts" if v["timeouts"] else "")
                            + ("; " + TARGETS["ack"] if name == "idle" else "")))
            else:
                out.append((label, v["status"], str(v.get("reason", ""))[:90]))
    return out


def _peak(r: dict[str, Any]) -> float | None:
    found = [x for x in ((r.get("big_mail") or {}).get("peak_mb"),
                         ((r.get("throughput") or {}).get("memory") or {}).get("peak_mb")) if x]
    return max(found) if found else None


def _ack(r: dict[str, Any]) -> tuple[float | None, str]:
    lat = r.get("latency") or {}
    for name in ("idle", "polling"):
        v = lat.get(name) or {}
        if v.get("status") == "ok" and v.get("p50_s") is not None:
            return v["p50_s"], name
    return None, "n/a"


def _f(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _runs(values: list[float], digits: int = 1) -> str:
    return " ".join(f"{v:.{digits}f}" for v in values)


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _repo() -> Path:
    return origin() or REPO


def _git(*args: str) -> str | None:
    return _cmd(["git", "-C", str(_repo()), *args])


def _cmd(cmd: list[str]) -> str | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version
