"""Mutated real mail and arbitrary text through parse -> classify: parsing raises nothing but
ParseError, classify raises nothing at all (it has no catch-all: a bug fails here), and every
decision is well-formed: each field of the right type and in its domain, reasons present."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classify import classify_message
from classify.types import DOCUMENTS, KINDS, Applicant, Classification, ClassifyRules
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
    assert_well_formed(classify_message(parsed, RULES))
    assert_well_formed(classify_message(parsed, RULES, as_appeal=True))
    assert isinstance(inspect_message(data, RULES), dict)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_classify_arbitrary_text(text: str) -> None:
    from conftest import make_mail

    try:
        mail = make_mail(text or " ", subject=text[:40].replace("\n", " ").replace("\r", " "))
    except (ValueError, TypeError, IndexError):  # the stdlib refuses some header text
        return
    assert_well_formed(classify_message(mail, RULES))


_DEPARTMENTS = {d.key for d in RULES.departments}
_REGIONS = {r.key for r in RULES.regions}


def _optional_str(value: object) -> bool:
    return value is None or (isinstance(value, str) and value == value.strip() and value != "")


def assert_well_formed(c: Classification) -> None:
    """The properties every decision has, whatever the mail."""
    assert isinstance(c, Classification) and isinstance(c.automated, bool)
    assert isinstance(c.reasons, tuple) and c.reasons, "no reasons recorded"
    assert all(isinstance(r, str) and r.strip() for r in c.reasons), c.reasons
    if c.automated:
        assert c.kind is None and c.department is None
        return
    assert c.kind in KINDS
    a = c.applicant
    assert isinstance(a, Applicant) and a.type in ("individual", "legal_entity", "unknown")
    for name in ("last_name", "first_name", "middle_name", "organization", "inn", "kpp",
                 "postal_address", "email", "phone"):
        assert _optional_str(getattr(a, name)), (name, getattr(a, name))
    assert isinstance(c.anonymous, bool) and c.anonymous == bool(c.anonymous_reasons)
    assert all(isinstance(r, str) and r for r in c.anonymous_reasons)
    assert c.department in _DEPARTMENTS
    assert c.region is None or c.region in _REGIONS
    assert _optional_str(c.assignee)
    assert isinstance(c.quality_claim, bool)
    assert set(c.missing_documents) <= set(DOCUMENTS)
    assert c.quality_claim or not c.missing_documents


def test_rules_type() -> None:
    assert isinstance(RULES, ClassifyRules)


def test_the_property_check_can_fail() -> None:
    """The check above rejects a decision without reasons or with a foreign department."""
    import pytest

    with pytest.raises(AssertionError):
        assert_well_formed(Classification(automated=False, kind="complaint",
                                          department=next(iter(_DEPARTMENTS))))
    with pytest.raises(AssertionError):
        assert_well_formed(Classification(automated=False, kind="complaint", department="nowhere",
                                          reasons=("x",)))
