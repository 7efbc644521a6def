"""`make bench`: measure complaintdesk against a local Dovecot, print a table, write results.json.

    .venv/bin/python bench/run.py [--mails N] [--repeat 3] [--quick] [--only 1,2,4]
                                  [--database sqlite|postgresql] [--keep]

Parts: 1 baseline (imap-tools fetch + mailparser), 2 full ingest, 3 their ratio, 4 idle poll,
5 per-mail cost as the journal grows, 6 peak memory, 7 arrival → acknowledgement latency.
The last line printed is the summary: ratio=… idle_ms=… growth=… peak_mb=… ack_p50_s=…
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # import bench.* as a package; never shadow stdlib modules from bench/

from bench import report  # noqa: E402
from bench.env import BenchEnv  # noqa: E402
from bench.latency import measure_latency  # noqa: E402
from bench.measure import Bench, Settings  # noqa: E402
from bench.snapshot import origin, run_in_snapshot  # noqa: E402

RESULTS = REPO / "bench" / "results.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mails", type=int, default=None, help="mails in the mix (default 2000)")
    p.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 3)")
    p.add_argument("--quick", action="store_true", help="small N and journals: a smoke run")
    p.add_argument("--only", default="1,2,3,4,5,6,7", help="parts to run, e.g. 1,2,3")
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true", help="keep the servers' folder for reading logs")
    p.add_argument("--output", type=Path, default=RESULTS)
    p.add_argument("--live", action="store_true",
                   help="measure the tree in place instead of a copy taken at start")
    return p.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    given = {k: v for k, v in (("mails", args.mails), ("repeat", args.repeat)) if v is not None}
    return Settings.quick(seed=args.seed, **given) if args.quick else Settings(seed=args.seed, **given)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.live and origin() is None:
        given = list(sys.argv[1:] if argv is None else argv)
        return run_in_snapshot(REPO, [*given, "--output", str(args.output.resolve())])
    parts = {int(p) for p in args.only.split(",") if p.strip()}
    if 3 in parts:
        parts |= {1, 2}
    settings = settings_from(args)
    started = time.time()
    results: dict[str, Any] = {"machine": report.machine(), "settings": vars(settings) | {
        "database": args.database, "quick": args.quick, "parts": sorted(parts)}, "errors": {}}
    env = BenchEnv(args.database, keep=args.keep)
    print(f"servers under {env.root} (Dovecot imaps :{env.dovecot.port}, "
          f"SMTP sink :{env.sink.port}, journal on {args.database})", flush=True)
    bench = Bench(env, settings, say=lambda s: print(s, flush=True))
    try:
        steps: list[tuple[int, str, str, Callable[[], Any]]] = [
            (1, "throughput", "1-3. baseline and full ingest", bench.throughput),
            (4, "idle", "4. idle poll", bench.idle_poll),
            (5, "growth", "5. per-mail cost as the journal grows", bench.journal_growth),
            (6, "big_mail", "6. peak memory, one 25 MB mail", bench.big_mail),
            (7, "latency", "7. arrival → acknowledgement", lambda: _latency(env, settings)),
        ]
        for part, key, title, step in steps:
            if part in parts or (part == 1 and 2 in parts):
                _run_step(results, key, title, step)
    finally:
        env.close()
    results["elapsed_s"] = time.time() - started
    report.write(results, args.output)
    print(report.table(results))
    print(f"(results written to {os.path.relpath(args.output, origin() or Path.cwd())}, "
          f"{results['elapsed_s'] / 60:.1f} min)")
    print(report.summary(results))
    return 1 if results["errors"] else 0


def _run_step(results: dict[str, Any], key: str, title: str, step: Callable[[], Any]) -> None:
    print(f"\n== {title}", flush=True)
    start = time.perf_counter()
    try:
        results[key] = step()
    except Exception as exc:  # one failed part must not lose the others' numbers
        lines = traceback.format_exc().splitlines()[-30:]
        print("\n".join(line[:300] for line in lines), flush=True)
        results["errors"][key] = f"{type(exc).__name__}: {str(exc)[:2000]}"
    print(f"   ({time.perf_counter() - start:.0f}s)", flush=True)


def _latency(env: BenchEnv, settings: Settings) -> dict[str, Any]:
    env.sink.clear()
    env.sink.arrivals.clear()
    out = {}
    for name, idle in (("polling", False), ("idle", True)):
        out[name] = measure_latency(env, settings.latency_samples, idle, settings.seed)
        r = out[name]
        print(f"  {name}: " + (f"p50 {report._f(r['p50_s'], 2)} s, max {report._f(r['max_s'], 2)} s" if r["status"] == "ok"
                               else f"{r['status']} ({r.get('reason')})"), flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())
