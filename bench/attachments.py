"""Reading attachments (issue 15): per-mail reading cost with and without attachments, OCR per page.

    .venv/bin/python bench/attachments.py [--mails 20] [--pages 5]

Times ``pipeline.analysis.analyze`` (parse + read attachments + classify, as one worker runs it)
on mails built here: no attachments; a text-layer PDF claim + a DOCX; a scanned one-page PDF
claim + a label photo (OCR); the same with attachment reading off. Then Tesseract alone on one
scanned page. Prints median and p95 in milliseconds and writes bench/attachments.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)

from base.config import load_config  # noqa: E402
from classify.rules import rules_from_config  # noqa: E402
from ingest.extract import extract_attachments  # noqa: E402
from ingest.types import ExtractLimits, ParsedAttachment  # noqa: E402
from pipeline.analysis import analyze, warm_up  # noqa: E402
from tests.docfiles import (CLAIM_LINES, docx_file, label_photo, page_image, pdf_with_text,  # noqa: E402
                            scanned_pdf)

OUTPUT = REPO / "bench" / "attachments.json"


def mail(i: int, files: list[tuple[str, str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Клиент {i} <client{i}@example.ru>"
    msg["To"] = "pretenzii@r31.center-inform.ru"
    msg["Subject"] = f"Претензия по качеству {i}"
    msg["Message-ID"] = f"<bench-att-{i}@example.ru>"
    msg.set_content(f"Добрый день! Сканер из заказа {i} не включается. Претензию и фото прилагаю.")
    for name, ctype, data in files:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def timed(mails: list[bytes], rules: Any, extract: ExtractLimits | None) -> dict[str, float]:
    times = []
    for data in mails:
        start = time.perf_counter()
        analyze(data, rules, 0, extract)
        times.append((time.perf_counter() - start) * 1000)
    return summary(times)


def _total(mails: list[bytes], rules: Any, extract: ExtractLimits | None) -> dict[str, float]:
    start = time.perf_counter()
    for data in mails:
        analyze(data, rules, 0, extract)
    seconds = time.perf_counter() - start
    return {"n": len(mails), "median_ms": round(seconds * 1000, 1), "p95_ms": round(seconds * 1000, 1)}


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(times), "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def ocr_per_page(pages: int) -> dict[str, float]:
    scan = scanned_pdf([page_image(CLAIM_LINES, seed=n) for n in range(1, 2)])
    times = []
    for _ in range(pages):
        start = time.perf_counter()
        [found] = extract_attachments((ParsedAttachment("Скан.pdf", "application/pdf", "attachment", scan),),
                                      ExtractLimits(ocr_after_registration=False))
        assert found.ocr_pages == (1,), found.notes
        times.append((time.perf_counter() - start) * 1000)
    return summary(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mails", type=int, default=20)
    p.add_argument("--pages", type=int, default=5)
    args = p.parse_args(argv)
    rules = rules_from_config(load_config(REPO / "config.yaml"))
    warm_up(rules)
    text_files = [("Претензия.pdf", "application/pdf", pdf_with_text([CLAIM_LINES])),
                  ("Документ1.docx", "application/octet-stream", docx_file(CLAIM_LINES))]
    scan_files = [("Скан_001.pdf", "application/pdf", scanned_pdf([page_image(CLAIM_LINES)])),
                  ("IMG_4411.jpg", "image/jpeg", label_photo(["Зав. № SN8841207", "Дата изготовления: 03.2026"]))]
    on = ExtractLimits(ocr_after_registration=False)  # OCR in the timed call, as pipeline.reread runs it
    plain = [mail(i, []) for i in range(args.mails)]
    texts = [mail(i, text_files) for i in range(args.mails)]
    scans = [mail(i, scan_files) for i in range(max(3, args.mails // 4))]
    results = {
        "no attachments": timed(plain, rules, on),
        "text PDF + DOCX, reading on": timed(texts, rules, on),
        "text PDF + DOCX, reading off": timed(texts, rules, None),
        "scanned PDF + label photo (2 OCR pages), reading on": timed(scans, rules, on),
        "scanned PDF + label photo, reading off": timed(scans, rules, None),
        "OCR of one scanned A4 page (render + tesseract)": ocr_per_page(args.pages),
    }
    mix = plain + scans  # the plain mails and the scanned ones together
    label = f"mix of {len(mix)} mails, {len(scans)} with a scan + label photo: total"
    results[f"{label} (reading on)"] = _total(mix, rules, on)
    results[f"{label} (reading off)"] = _total(mix, rules, None)
    for name, r in results.items():
        if name.startswith("mix"):
            print(f"{name:<72} {r['median_ms'] / 1000:8.2f} s")
        else:
            print(f"{name:<55} median {r['median_ms']:8.1f} ms   p95 {r['p95_ms']:8.1f} ms   (n={r['n']})")
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
