"""Profile the full ingest of N mails under pyinstrument and print the top of the profile.

    .venv/bin/python bench/profile.py [--mails 500] [--workers 0] [--lines 60] [--html out.html]

Same corpus, Dovecot and config as `make bench` part 2, in this process. Parsing and
classifying run in analysis worker processes in production (limits.workers), where a profiler
in the main process cannot see them, so the profile runs them inline (--workers 0) by default:
the profile then shows every step of one mail, in one process.
Needs pyinstrument (`pip install pyinstrument`, the optional `bench` extra).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # this file is bench/profile.py: keep it from shadowing stdlib `profile`

from bench import corpus  # noqa: E402
from bench.env import BenchEnv  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mails", type=int, default=500)
    p.add_argument("--workers", type=int, default=0, help="analysis worker processes (0: inline)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--lines", type=int, default=60, help="lines of the call tree to print")
    p.add_argument("--flat", type=int, default=25, help="lines of the flat (self time) list")
    p.add_argument("--html", type=Path, default=None, help="also write pyinstrument's HTML here")
    args = p.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: .venv/bin/pip install pyinstrument", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    env = BenchEnv("sqlite")
    try:
        mails = corpus.generate(args.mails, args.seed)
        box = env.new_mailbox("prof", env.write_corpus("mix", [m.data for m in mails]))
        config_path = env.write_config("prof", box, env.journal_url("prof"))
        import os

        os.environ.update(env.worker_env())
        profiler, seconds, count = _profile(config_path, args.workers, Profiler)
    finally:
        env.close()
    print(f"full ingest of {count} mails in {seconds:.1f} s ({1000 * seconds / max(1, count):.1f} "
          f"ms/mail), analysis workers: {args.workers}\n")
    flat = _body(profiler.output_text(unicode=True, color=False, flat=True, time="percent_of_total"))
    print("top functions by self time:\n" + "\n".join(flat[:args.flat]))
    tree = _body(profiler.output_text(unicode=True, color=False, time="percent_of_total"))
    print("\ncall tree:\n" + "\n".join(tree[:args.lines]))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


def _body(text: str) -> list[str]:
    """pyinstrument's output without its banner."""
    lines = text.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Profile at")), 0)
    return [line for line in lines[start:] if line.strip()]


def _profile(config_path: Path, workers: int, profiler_class: Any) -> tuple[Any, float, int]:
    from base.config import load_config
    from base.morph import morph_analyzer
    from pipeline.poll import build_deps, poll_mailbox
    from ingest.imap import ImapMailbox

    config = load_config(config_path)
    deps = build_deps(config, workers=workers)
    morph_analyzer()
    sample = corpus.appeal(random.Random(1), "<warm@example.ru>",
                           datetime(2026, 1, 1, tzinfo=timezone.utc))
    deps.analyzer.result(deps.analyzer.submit(sample))
    profiler = profiler_class(interval=0.001)
    try:
        with ImapMailbox(config.mailbox, config.mailbox.password("mailbox")) as client:
            profiler.start()
            start = time.perf_counter()
            summary = poll_mailbox(client, deps)
            seconds = time.perf_counter() - start
            profiler.stop()
    finally:
        deps.analyzer.close()
    return profiler, seconds, summary.fetched


if __name__ == "__main__":
    sys.exit(main())
