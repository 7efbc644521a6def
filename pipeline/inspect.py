"""Inspect one mail the way the pipeline would classify it, and score classify on labelled mail.

``inspect_message`` gives the JSON contract of ``complaintdesk inspect``; ``evaluate`` scores
it per field against a labels file (samples README schema); ``format_report`` renders the score
as a text table. Pure apart from reading the mail files in ``evaluate``; no click here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from classify import classify_message
from classify.types import Classification, ClassifyRules
from base.errors import ParseError
from ingest.extract import extract_attachments
from ingest.parse import parse_message
from ingest.types import ExtractLimits, ParsedMessage

APPLICANT_FIELDS = ("last_name", "first_name", "middle_name", "organization", "postal_address", "email", "phone")
FIELDS = ("automated", "kind", "applicant.type", *(f"applicant.{f}" for f in APPLICANT_FIELDS),
          "anonymous", "anonymous_reasons", "department", "region", "assignee", "quality_claim",
          "missing_documents", "attachment_count")


def inspect_message(data: bytes, rules: ClassifyRules,
                    extract: ExtractLimits | None = ExtractLimits()) -> dict[str, Any]:
    """The classification of raw mail bytes as a JSON-ready dict; set aside when unparseable.
    Attachments are read as the pipeline reads them (``extract``; None: by name only)."""
    try:
        parsed = parse_message(data)
    except ParseError as exc:
        return {"automated": False, "set_aside": True, "reason": str(exc)}
    # one mail looked at: OCR now rather than after a registration that does not happen here
    now = replace(extract, ocr_after_registration=False) if extract else None
    extracted = extract_attachments(parsed.attachments, now) if now else ()
    return classification_dict(parsed, classify_message(parsed, rules, extracted=extracted))


def classification_dict(parsed: ParsedMessage, c: Classification) -> dict[str, Any]:
    a = c.applicant
    applicant = {"type": a.type, **{f: getattr(a, f) for f in APPLICANT_FIELDS}, "inn": a.inn, "kpp": a.kpp}
    if c.automated:  # not an appeal: every applicant field null (samples README)
        applicant = {key: None for key in applicant}
    return {
        "automated": c.automated, "kind": c.kind, "applicant": applicant,
        "anonymous": c.anonymous, "anonymous_reasons": list(c.anonymous_reasons),
        "department": c.department, "region": c.region, "assignee": c.assignee,
        "quality_claim": c.quality_claim, "missing_documents": list(c.missing_documents),
        "attachments": [
            {"filename": att.filename, "content_type": att.content_type, "size": att.size, "sha256": att.sha256}
            for att in parsed.attachments if att.disposition == "attachment"
        ],
        "findings": [asdict(f) for f in c.attachments],
        "reasons": list(c.reasons),
    }


@dataclass(frozen=True)
class Miss:
    file: str
    field: str
    expected: Any
    got: Any


@dataclass(frozen=True)
class EvalReport:
    mails: int
    per_field: dict[str, float]
    overall: float
    misses: tuple[Miss, ...] = field(default=())


def evaluate(labels: dict[str, Any], mail_dir: Path, rules: ClassifyRules,
             extract: ExtractLimits | None = ExtractLimits()) -> EvalReport:
    """Score classification against ``labels`` (file name -> expected), per field and overall."""
    right = {f: 0 for f in FIELDS}
    misses: list[Miss] = []
    names = sorted(k for k in labels if not k.startswith("_"))
    for name in names:
        got = _flat(inspect_message((mail_dir / name).read_bytes(), rules, extract))
        want = _flat(labels[name])
        for f in FIELDS:
            if _same(want.get(f), got.get(f)):
                right[f] += 1
            else:
                misses.append(Miss(name, f, want.get(f), got.get(f)))
    n = len(names) or 1
    per_field = {f: right[f] / n for f in FIELDS}
    overall = sum(right.values()) / (n * len(FIELDS))
    return EvalReport(len(names), per_field, overall, tuple(misses))


def format_report(report: EvalReport) -> str:
    """The score as a text table, then the misses."""
    lines = [f"{'field':<28} accuracy", "-" * 38]
    lines += [f"{f:<28} {acc:6.1%}" for f, acc in report.per_field.items()]
    lines += ["-" * 38, f"{'overall':<28} {report.overall:6.1%}   ({report.mails} mails)"]
    if report.misses:
        lines += ["", "misses (file, field, expected, got):"]
        lines += [f"  {m.file}  {m.field}: expected {json.dumps(m.expected, ensure_ascii=False)}, "
                  f"got {json.dumps(m.got, ensure_ascii=False)}" for m in report.misses]
    return "\n".join(lines)


def _flat(result: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in result.items() if k != "applicant"}
    for key, value in (result.get("applicant") or {}).items():
        flat[f"applicant.{key}"] = value
    if "attachment_count" not in flat:
        flat["attachment_count"] = len(result.get("attachments") or [])
    return flat


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, list) or isinstance(got, list):
        return set(want or []) == set(got or [])
    return bool(want == got)
