"""Run the reliability scenarios of issue 5 and print the summary.

    python reliability/run.py            # full: 500 mails / 20 kills per database, 10,000 robots
    python reliability/run.py --quick    # reduced, a few minutes (what CI runs through pytest)
    python reliability/run.py --seed 7 --only crash,outage --keep

Exit code 0 when every scenario passed (skips allowed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reliability import plan, privacy, report
from reliability.env import Servers

DEFAULT_SEED = 20261125


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes (CI)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of every random choice")
    parser.add_argument("--only", default="", help="comma-separated groups or scenario keys")
    parser.add_argument("--results", type=Path,
                        default=Path(__file__).resolve().parent / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep server dirs and logs")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = plan.QUICK if args.quick else plan.FULL
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    chosen = [s for s in plan.scenarios(sizes, args.seed)
              if not wanted or s[0] in wanted or s[1] in wanted]
    started = time.monotonic()
    results = []
    with Servers(keep=args.keep) as servers:
        print(f"servers under {servers.root}; seed {args.seed}; "
              f"{'quick' if args.quick else 'full'} run of {len(chosen)} scenarios", flush=True)
        for key, group, fn in chosen:
            print(f"  {key} ...", end=" ", flush=True)
            result = plan.run_one(key, group, fn, servers)
            if group == "secrets":
                privacy.scan_logs(servers, result)
            results.append(result)
            print("skipped" if result.skipped else ("ok" if result.passed else "FAILED"),
                  f"({result.seconds:.1f}s)", flush=True)
    summary = report.summarise(results)
    meta = {"seed": args.seed, "mode": "quick" if args.quick else "full",
            "seconds": round(time.monotonic() - started, 1), "python": platform.python_version(),
            "only": sorted(wanted)}
    report.write_json(args.results, summary, results, meta)
    print(report.format_table(summary, results))
    print(f"\nresults: {args.results}  ({meta['seconds']}s)")
    return 0 if all(r.passed or r.skipped for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
