"""Run the benchmark on a copy of the source taken at start.

Other work goes on in this tree while a 10-20 minute run measures it; without a copy, an edit
saved half-way through (a module renamed, an import not yet written) breaks the later parts or
mixes two versions in one table. The copy holds the packages, templates, config.yaml, bench/
and tests/; the venv is the tree's own (PYTHONPATH puts the copy first). results.json records
the commit and a hash of the uncommitted changes the copy was taken with.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ENV_ORIGIN = "CD_BENCH_ORIGIN"
COPY = ("base", "ingest", "classify", "journal", "replies", "pipeline", "operations", "web",
        "complaintdesk", "templates", "bench", "tests", "config.yaml", "pyproject.toml")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "results.json", ".pytest_cache")


def origin() -> Path | None:
    """The source tree a snapshot run was copied from (None when not in a snapshot)."""
    value = os.environ.get(ENV_ORIGIN)
    return Path(value) if value else None


def run_in_snapshot(repo: Path, argv: list[str]) -> int:
    """Copy the source, run bench/run.py from the copy with ``argv``, remove the copy."""
    snap = Path(tempfile.mkdtemp(prefix="cdbench-src-", dir="/tmp"))
    try:
        for name in COPY:
            src = repo / name
            if src.is_dir():
                shutil.copytree(src, snap / name, ignore=IGNORE)
            elif src.exists():
                shutil.copy2(src, snap / name)
        env = {**os.environ, ENV_ORIGIN: str(repo), "PYTHONPATH": str(snap)}
        return subprocess.call([sys.executable, str(snap / "bench" / "run.py"), *argv], env=env)
    finally:
        shutil.rmtree(snap, ignore_errors=True)


def changes_hash(repo: Path) -> str | None:
    """sha256 (12 hex) of `git diff HEAD` plus untracked files' names: which dirty tree it was."""
    try:
        diff = subprocess.run(["git", "-C", str(repo), "diff", "HEAD"], capture_output=True,
                              timeout=30).stdout
        untracked = subprocess.run(["git", "-C", str(repo), "ls-files", "--others",
                                    "--exclude-standard"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return hashlib.sha256(diff + b"\0" + untracked).hexdigest()[:12]
