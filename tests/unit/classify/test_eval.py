"""Classify scored on the public samples (issue 3 target: overall >= 0.97, every field >= 0.95),
and the `inspect` / `eval` commands."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from classify.types import ClassifyRules
from complaintdesk.cli_inspect import eval_cmd, inspect_cmd
from base.config import load_config
from pipeline.inspect import evaluate, format_report, inspect_message

from conftest import REPO, shared_dir


def test_samples_score(rules: ClassifyRules) -> None:
    samples = shared_dir() / "samples"
    report = evaluate(json.loads((samples / "labels.json").read_text()), samples / "emails", rules)
    assert report.mails == 20
    assert report.overall >= 0.97, format_report(report)
    assert min(report.per_field.values()) >= 0.95, format_report(report)


def test_unparseable_is_set_aside(rules: ClassifyRules) -> None:
    result = inspect_message(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not mime", rules)
    assert result["set_aside"] is True and result["automated"] is False and result["reason"]


def _obj() -> SimpleNamespace:
    return SimpleNamespace(load_config=lambda: load_config(REPO / "config.yaml"))


def test_inspect_command_json_contract() -> None:
    mail = shared_dir() / "samples" / "emails" / "001.eml"
    result = CliRunner().invoke(inspect_cmd, [str(mail), "--json"], obj=_obj())
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("automated", "kind", "applicant", "anonymous", "anonymous_reasons", "department", "region",
                "assignee", "quality_claim", "missing_documents", "attachments", "reasons"):
        assert key in data
    assert set(data["applicant"]) >= {"type", "last_name", "first_name", "middle_name", "organization",
                                      "postal_address", "email", "phone"}


def test_inspect_command_text_and_eval_command(tmp_path: Path) -> None:
    samples = shared_dir() / "samples"
    text = CliRunner().invoke(inspect_cmd, [str(samples / "emails" / "011.eml")], obj=_obj())
    assert text.exit_code == 0 and "reasons:" in text.output
    scored = CliRunner().invoke(eval_cmd, [str(samples / "labels.json"), str(samples / "emails")], obj=_obj())
    assert scored.exit_code == 0 and "overall" in scored.output


def test_inspect_reads_attachments_and_by_name_does_not(tmp_path: Path) -> None:
    """`inspect` reads a DOCX claim the way the pipeline does; `eval --by-name` judges by name."""
    from tests.docfiles import CLAIM_LINES, docx_file
    from tests.mailfactory import russian_mail

    mail = tmp_path / "scan.eml"
    mail.write_bytes(russian_mail(body="См. вложение.", subject="Документы", from_addr="buh@example.ru",
                                  attachments=[("Документ1.docx", "application/octet-stream",
                                                docx_file(CLAIM_LINES))]))
    shown = CliRunner().invoke(inspect_cmd, [str(mail)], obj=_obj())
    assert shown.exit_code == 0 and "in the attachments:" in shown.output
    assert "claim_form: Документ1.docx: „ПРЕТЕНЗИЯ … ООО «Вектор»“" in shown.output
    data = json.loads(CliRunner().invoke(inspect_cmd, [str(mail), "--json"], obj=_obj()).output)
    assert data["kind"] == "claim" and data["quality_claim"] and data["findings"][0]["role"] == "claim_form"
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"scan.eml": {"kind": "claim"}}), encoding="utf-8")
    read = CliRunner().invoke(eval_cmd, [str(labels), str(tmp_path)], obj=_obj()).output
    by_name = CliRunner().invoke(eval_cmd, [str(labels), str(tmp_path), "--by-name"], obj=_obj()).output
    assert "kind                         100.0%" in read and "kind                           0.0%" in by_name
