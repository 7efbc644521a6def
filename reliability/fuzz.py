"""Fuzzing parse → classify (and the attachment flags) with hypothesis over mutated real mail:
no exception but ParseError may escape parsing, and classify raises nothing (it has no catch-all)."""

from __future__ import annotations

import os
import random
from pathlib import Path

from reliability.env import REPO
from reliability.mails import human, robot
from reliability.result import ScenarioResult, Timer


def seed_mails(seed: int) -> list[bytes]:
    """Real sample mail from shared/ when present, plus mail the harness builds."""
    rng = random.Random(seed)
    shared = Path(os.environ.get("COMPLAINTDESK_SHARED") or REPO.parent / "shared")
    mails = [p.read_bytes() for p in sorted((shared / "samples" / "emails").glob("*.eml"))]
    mails += [human("fuzz", i, rng, attachments=[("скан.pdf", "application/pdf", b"%PDF-1.4 x")])[1]
              for i in range(3)]
    mails += [robot("fuzz", i, rng)[2] for i in range(5)]
    return mails


def run_fuzz(*, examples: int, seed: int) -> ScenarioResult:
    import logging

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    from classify import classify_message
    from base.config import load_config
    from classify.rules import rules_from_config
    from base.errors import ParseError
    from ingest.attachments import attachment_flags
    from ingest.parse import parse_message

    logging.getLogger("mailparser").setLevel(logging.CRITICAL)  # it warns on odd MIME parts
    result = ScenarioResult(f"fuzz: parse → classify over mutated mail ({examples} examples)",
                            "fuzz")
    timer = Timer()
    samples = seed_mails(seed)
    rules = rules_from_config(load_config(REPO / "config.yaml"))
    counter = {"examples": 0, "parse_errors": 0}

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(samples)))
        for _ in range(draw(st.integers(1, 10))):
            op = draw(st.sampled_from(("flip", "cut", "insert", "dup", "header")))
            pos = draw(st.integers(0, max(len(data) - 1, 0)))
            if op == "flip" and data:
                data[pos] = draw(st.integers(0, 255))
            elif op == "cut":
                del data[pos:pos + draw(st.integers(1, 400))]
            elif op == "insert":
                data[pos:pos] = draw(st.binary(max_size=60) | st.sampled_from([
                    b"\r\n\r\n", b"--", b"=?utf-8?b?0J/RgA==?=", b"=?koi8-r?q?=F0=D2?=", b"\x00",
                    b"Content-Type: multipart/mixed; boundary=x\r\n", b"\r\n--x\r\n",
                    b"Content-Transfer-Encoding: base64\r\n", b"filename*=utf-8''..%2F..%2Fx",
                    "Я, Иванов".encode(), b"<script>", b"Auto-Submitted: auto-replied\r\n"]))
            elif op == "dup":
                data[pos:pos] = data[pos:pos + draw(st.integers(1, 300))]
            else:
                data[0:0] = draw(st.sampled_from([b"From: <>\r\n", b"Subject: \r\n",
                                                  b"Content-Type: text/plain; charset=bogus\r\n",
                                                  b"Received: ; Thu, 99 Foo 9999\r\n"]))
        return bytes(data)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated())
    def check(data: bytes) -> None:
        counter["examples"] += 1
        try:
            parsed = parse_message(data)
        except ParseError:
            counter["parse_errors"] += 1
            return
        classify_message(parsed, rules)
        for att in parsed.attachments:
            attachment_flags(att, 25 * 1024 * 1024)

    failure = None
    try:
        hypothesis_seed(seed)(check)()
    except Exception as exc:  # noqa: BLE001 - the falsifying example is the finding
        failure = f"{type(exc).__name__}: {str(exc)[:300]}"
    result.figures.update(fuzz_examples_run=counter["examples"], seed_mails=len(samples),
                          parse_errors=counter["parse_errors"])
    result.check(failure is None, f"an exception escaped parse → classify: {failure}")
    result.seconds = timer.elapsed()
    return result
