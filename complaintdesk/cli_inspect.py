"""The `inspect` and `eval` commands: look at one mail as classify sees it; score classify on labels.

Plain click commands; the main group (complaintdesk/cli.py) adds them and puts a zero-argument
``load_config()`` callable in ``ctx.obj``. Only this module and cli.py import click.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from classify.rules import rules_from_config
from pipeline.inspect import evaluate, format_report, inspect_message


def _rules(ctx: click.Context) -> Any:
    return rules_from_config(ctx.obj.load_config())


def _extract(ctx: click.Context, by_name: bool = False) -> Any:
    from pipeline.deps import extract_limits

    return None if by_name else extract_limits(ctx.obj.load_config())


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the classification as JSON.")
@click.pass_context
def inspect_cmd(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Show how FILE.eml is classified: applicant, kind, route, checklist and the reasons."""
    result = inspect_message(file.read_bytes(), _rules(ctx), _extract(ctx))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(result))


@click.command("eval")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--by-name", is_flag=True,
              help="Judge attachments by name and type only (do not read their content).")
@click.pass_context
def eval_cmd(ctx: click.Context, labels: Path, directory: Path, by_name: bool) -> None:
    """Score classification of the mails in DIRECTORY against LABELS (labels.json)."""
    data = json.loads(labels.read_text(encoding="utf-8"))
    click.echo(format_report(evaluate(data, directory, _rules(ctx), _extract(ctx, by_name))))


def render_text(result: dict[str, Any]) -> str:
    """A readable rendering of ``inspect_message``'s result."""
    if result.get("set_aside"):
        return f"set aside: {result.get('reason')}"
    if result["automated"]:
        return "automated (not an appeal)\n" + _reasons(result)
    a = result["applicant"]
    name = " ".join(p for p in (a["last_name"], a["first_name"], a["middle_name"]) if p) or "—"
    rows = [
        ("kind", result["kind"]), ("applicant", f"{a['type']}: {name}"),
        ("organisation", a["organization"]), ("INN/KPP", "/".join(x for x in (a.get("inn"), a.get("kpp")) if x) or None),
        ("postal address", a["postal_address"]), ("e-mail", a["email"]), ("phone", a["phone"]),
        ("anonymous", ", ".join(result["anonymous_reasons"]) if result["anonymous"] else "no"),
        ("department", result["department"]), ("region", result["region"]), ("assignee", result["assignee"]),
        ("quality claim", "yes" if result["quality_claim"] else "no"),
        ("missing documents", ", ".join(result["missing_documents"]) or None),
        ("attachments", ", ".join(f"{x['filename']} ({x['content_type']}, {x['size']} B)" for x in result["attachments"]) or None),
    ]
    from complaintdesk.cli_format import finding_lines

    seen = "".join(f"\n  - {line}" for line in finding_lines(result.get("findings", [])))
    return "\n".join(f"{k:<18} {v if v is not None else '—'}" for k, v in rows) \
        + ("\nin the attachments:" + seen if seen else "") + "\n" + _reasons(result)


def _reasons(result: dict[str, Any]) -> str:
    return "reasons:\n" + "\n".join(f"  - {r}" for r in result.get("reasons", []))
