"""The public form's speed (issue 13): time from POST /appeal to the page with the number.

Serves the form with uvicorn on loopback (tests/publicapp.py) against a fresh journal, then
for each sample GETs a fresh form (not timed) and POSTs a filled one (timed until the receipt
with its number has arrived): text only, and with a photo. Everything the real path does is in
the time: parsing the post, building and storing the raw message, parse → classify, the
registration transaction with the acknowledgement queued. Prints p50/p95/max, writes
bench/form.json.

    .venv/bin/python bench/form.py [--samples 100] [--photo-kb 800] [--database postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import yaml  # noqa: E402

from base.config import load_config  # noqa: E402
from tests.publicapp import public_app, serve  # noqa: E402
from tests.servers import PostgresServer, free_port  # noqa: E402

TEXTS = ["Не уходит отчёт 6-НДФЛ через сервис, ошибка подписи. Прошу помочь.",
         "После обновления УТМ не отправляются акты в ЕГАИС, ошибка связи с сервером.",
         "Купили у вас токен, он оказался неисправен. Прошу заменить или вернуть деньги."]


def _config(root: Path, url: str) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["database"]["url"] = url
    data["storage"]["path"] = str(root / "var")
    data["templates"]["path"] = str(REPO / "templates")
    data["form"].update(min_fill_seconds=0, per_address_per_hour=100000)
    data["limits"].update(auto_per_recipient_per_hour=100000, auto_global_per_hour=1000000)
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _photo(kb: int) -> bytes:
    from PIL import Image

    side = 64
    while True:  # a noisy picture so JPEG cannot shrink it below the wanted size
        buffer = BytesIO()
        Image.effect_noise((side, side), 90).convert("RGB").save(buffer, "JPEG", quality=95)
        if buffer.tell() >= kb * 1024:
            return buffer.getvalue()
        side = int(side * 1.4)


def _one(client: httpx.Client, url: str, i: int, photo: bytes | None) -> float:
    page = client.get(f"{url}/appeal")
    stamp = re.search(r'name="stamp" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    fields = {"stamp": stamp, "last_name": "Иванов", "first_name": "Иван",
              "email": f"client{i}@example.ru", "postal_address": "308000, г. Белгород, ул. Ленина, 1",
              "subject": "other", "text": TEXTS[i % len(TEXTS)], "consent": "yes"}
    files = [("files", ("Фото дефекта.jpg", photo, "image/jpeg"))] if photo else None
    start = time.perf_counter()
    reply = client.post(f"{url}/appeal", data=fields, files=files)
    took = time.perf_counter() - start
    if reply.status_code != 200 or 'class="number"' not in reply.text:
        raise SystemExit(f"sample {i}: no number (HTTP {reply.status_code})")
    return took


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return {"samples": len(times), "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}


def run(samples: int, photo_kb: int, database: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-form-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)
        pg = PostgresServer(root / "pg").start() if database == "postgresql" else None
        try:
            url = pg.create_database("form") if pg else f"sqlite:///{root / 'journal.sqlite3'}"
            config = load_config(_config(root, url))
            with serve(public_app(config), free_port()) as base, httpx.Client(timeout=60) as client:
                _one(client, base, 0, None)  # warm-up: language models load on the first appeal
                photo = _photo(photo_kb)
                results = {"text_only": _stats([_one(client, base, i, None) for i in range(samples)]),
                           f"with_photo_{len(photo) // 1024}kb":
                               _stats([_one(client, base, i, photo) for i in range(samples)])}
        finally:
            if pg:
                pg.stop()
    return {"database": database, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_1min": round(os.getloadavg()[0], 1), **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--photo-kb", type=int, default=800)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    result = run(args.samples, args.photo_kb, args.database)
    print(f"{args.database}, load average {result['load_average_1min']} on {os.cpu_count()} cores")
    for name, row in result.items():
        if isinstance(row, dict):
            print(f"{name:<22} p50 {row['p50_ms']:>7} ms   p95 {row['p95_ms']:>7} ms   "
                  f"max {row['max_ms']:>7} ms   ({row['samples']} submissions)")
    out = REPO / "bench" / "form.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous[args.database] = result
    out.write_text(json.dumps(previous, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
