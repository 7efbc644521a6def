"""The staff desk's benchmark (issue 12): with 100,000 appeals in the journal (bench/journal_fill),
the journal page, a full-text search and an appeal page, timed over HTTP against
`complaintdesk web` running in its own process, on SQLite and PostgreSQL.

    .venv/bin/python bench/web.py [--appeals 100000] [--requests 60] [--database sqlite|postgresql|both]

Prints a table of p50/p95 per page and writes bench/web_results.json. Targets: journal p95
<= 200 ms, search <= 300 ms, appeal page <= 150 ms. Building the search index for the
pre-filled journal (what the desk does once at start) is timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import yaml  # noqa: E402

from bench.journal_fill import prefill  # noqa: E402
from tests.servers import PostgresServer, free_port  # noqa: E402

TARGETS = {"journal": 200.0, "search": 300.0, "appeal": 150.0}
SEARCHES = ["транспортного модуля", "браком сканера", "оплату списали дважды", "жалобой",
            "Ивановым", "накладные ТТН", "возврата денег", "претензией"]
PASSWORD = "bench password 1"


def write_config(root: Path, url: str) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["database"] = {"url": url}
    data["storage"] = {**data["storage"], "path": str(root / "var")}
    data["templates"] = {"path": str(REPO / "templates")}
    data["daemon"] = {**data["daemon"], "log_level": "WARNING"}
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def store_raw_mail(url: str, root: Path, ids: set[int]) -> None:
    """journal_fill records no raw mail: store one per appeal, so that the appeal page reads
    and parses the client's mail as it does in production."""
    from sqlalchemy import text

    from ingest import storage
    from journal.db import make_engine
    from tests.mailfactory import russian_mail

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, raw_sha256, subject, text FROM appeal")).all()
    for appeal_id, sha, subject, body in rows:
        if appeal_id not in ids:
            continue
        storage.store_blob(root, storage.RAW, russian_mail(body=body, subject=subject), sha,
                           durable=False)
    engine.dispose()


def build_index(url: str) -> float:
    from journal.db import make_engine
    from operations.deskops import index_all

    engine = make_engine(url)
    started = time.perf_counter()
    index_all(engine)
    engine.dispose()
    return time.perf_counter() - started


def add_users(config: Path) -> None:
    exe = Path(sys.executable).with_name("complaintdesk")
    for login, role, dept in (("coord", "coordinator", None), ("egais", "assignee", "egais")):
        args = [str(exe), "--config", str(config), "users", "add", login, "--name",
                "Михайлов Дмитрий" if dept else "Координатор", "--role", role,
                "--password-stdin", *(["--department", dept] if dept else [])]
        subprocess.run(args, input=PASSWORD + "\n", text=True, check=True,
                       capture_output=True)


def serve(config: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    exe = Path(sys.executable).with_name("complaintdesk")
    proc = subprocess.Popen([str(exe), "--config", str(config), "--log-level", "WARNING", "web",
                             "--port", str(port)], env={**os.environ, "PYTHONPATH": str(REPO)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/login", timeout=2)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("complaintdesk web did not start")


def login(url: str, who: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post("/login", data={"login": who, "password": PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code in (200, 303), response.status_code
    return client


def timed(client: httpx.Client, path: str, params: dict[str, Any] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def measure(url: str, appeals: int, numbers: list[int],
            rng: random.Random) -> dict[str, dict[str, float]]:
    coord, egais = login(url, "coord"), login(url, "egais")
    for warm in ("/", "/?q=жалоба", "/appeals/1%2F2026"):
        coord.get(warm)
    samples: dict[str, list[float]] = {"journal": [], "journal_filtered": [], "search": [],
                                       "appeal": [], "journal_assignee": []}
    for i, number in enumerate(numbers):
        pages = max(1, appeals // 50)
        samples["journal"].append(timed(coord, "/", {"page": 1 if i % 3 == 0 else
                                                     rng.randint(1, pages)}))
        samples["journal_filtered"].append(timed(coord, "/", {
            "status": rng.choice(["registered", "closed", "answered"]),
            "department": rng.choice(["egais", "sales", "eias_fst"])}))
        samples["journal_assignee"].append(timed(egais, "/"))
        samples["search"].append(timed(coord, "/", {"q": SEARCHES[i % len(SEARCHES)]}))
        samples["appeal"].append(timed(coord, f"/appeals/{number}%2F2026"))
    return {k: {"p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(sorted(v)[int(len(v) * 0.95) - 1], 1), "n": len(v)}
            for k, v in samples.items()}


def run_one(database: str, appeals: int, n: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="cdwebbench-", dir="/tmp"))
    root.chmod(0o755)  # PostgreSQL's own user must reach its data folder
    pg = None
    try:
        if database == "postgresql":
            pg = PostgresServer(root / "pg").start()
            url = pg.create_database("webbench")
        else:
            url = f"sqlite:///{root / 'journal.sqlite3'}"
        started = time.perf_counter()
        prefill(url, appeals)
        fill_s = time.perf_counter() - started
        index_s = build_index(url)
        config = write_config(root, url)
        numbers = [random.Random(n).randint(1, appeals) for n in range(n)]
        store_raw_mail(url, root / "var", set(numbers) | {1})
        add_users(config)
        proc, base = serve(config)
        try:
            figures = measure(base, appeals, numbers, random.Random(2026))
        finally:
            proc.terminate()
            proc.wait(20)
        return {"database": database, "appeals": appeals, "fill_s": round(fill_s, 1),
                "index_s": round(index_s, 1), "pages": figures}
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def report(result: dict[str, Any]) -> str:
    lines = [f"{result['database']}: {result['appeals']} appeals (fill {result['fill_s']} s, "
             f"search index {result['index_s']} s)"]
    for page, f in result["pages"].items():
        target = TARGETS.get(page.split("_")[0])
        ok = "" if target is None else (" OK" if f["p95_ms"] <= target else " MISSED")
        lines.append(f"  {page:<18} p50 {f['p50_ms']:>7.1f} ms  p95 {f['p95_ms']:>7.1f} ms"
                     + (f"  (target {target:.0f}){ok}" if target else ""))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    for database in databases:
        result = run_one(database, args.appeals, args.requests)
        print(report(result), flush=True)
        results.append(result)
        out = REPO / "bench" / "web_results.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")


if __name__ == "__main__":
    main()
