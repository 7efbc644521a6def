"""Mutated real mail never makes parse -> classify raise anything but ParseError from parsing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classify import classify_message
from classify.types import ClassifyRules
from base.errors import ParseError
from pipeline.inspect import inspect_message
from ingest.parse import parse_message

from conftest import REPO, shared_dir
from base.config import load_config
from classify.rules import rules_from_config

SAMPLES = sorted((shared_dir() / "samples" / "emails").glob("*.eml"))
RULES = rules_from_config(load_config(REPO / "config.yaml"))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(Path(draw(st.sampled_from(SAMPLES))).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(("flip", "cut", "insert", "dup")))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[pos:pos + draw(st.integers(1, 200))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=40) | st.sampled_from(
                [b"\r\n\r\n", b"--", b"=?utf-8?b?0J/RgA==?=", b"Content-Type: multipart/report\r\n", b">", "Я, ".encode()]))
        else:
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 300))]
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_parse_then_classify_never_raises(data: bytes) -> None:
    try:
        parsed = parse_message(data)
    except ParseError:
        return
    classify_message(parsed, RULES)
    assert isinstance(inspect_message(data, RULES), dict)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_classify_arbitrary_text(text: str) -> None:
    from conftest import make_mail

    try:
        mail = make_mail(text or " ", subject=text[:40].replace("\n", " ").replace("\r", " "))
    except Exception:  # the stdlib refuses some header text; not what is tested here
        return
    classify_message(mail, RULES)


def test_rules_type() -> None:
    assert isinstance(RULES, ClassifyRules)
