"""The `due`, `report`, `export` and `digest` commands: deadlines (3.7), the summary report
(4.3), the Journal of received appeals (2.5) and the daily digest.

Plain click commands; the main group (complaintdesk/cli.py) adds them. Option parsing and
output only: the work is in operations.reports, the file formats in journal.report_formats.
Output files and mail are in Russian.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TextIO

import click

from complaintdesk.cli_common import date_option, guard, ops_context
from complaintdesk.cli_format import format_due
from journal import report_formats
from operations import reports


@click.command("due")
@click.option("--days", type=click.IntRange(0, 365), default=None,
              help="'Due soon' means within this many days (default: digest.days_ahead).")
@click.option("--assignee", default=None, help="Only this assignee's appeals and measures.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def due_cmd(ctx: click.Context, days: int | None, assignee: str | None, as_json: bool) -> None:
    """Open appeals due soon or overdue, and overdue measures (what the digest says)."""
    ops = ops_context(ctx)
    due = guard(lambda: reports.due(ops, days, assignee))
    click.echo(json.dumps(asdict(due), ensure_ascii=False, indent=2, default=str) if as_json
               else format_due(due))


@click.command("report")
@click.option("--from", "date_from", default=None, callback=date_option, metavar="DATE",
              help="First day (DD.MM.YYYY or YYYY-MM-DD; default: the 1st of --to's month).")
@click.option("--to", "date_to", default=None, callback=date_option, metavar="DATE",
              help="Last day, included (default: today).")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "xlsx"]), default="md",
              show_default=True, help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx; md and csv go to stdout without it).")
@click.pass_context
def report_cmd(ctx: click.Context, date_from: date | None, date_to: date | None, fmt: str,
               output: Path | None) -> None:
    """Summary report (4.3) on the appeals received in a period: kinds, departments, assignees,
    anonymity, answered on time / late / open, outcomes, measures, repeats."""
    ops = ops_context(ctx)
    date_from, date_to = guard(lambda: reports.report_period(ops, date_from, date_to))
    _need_output(fmt, output)
    report = guard(lambda: reports.report(ops, date_from, date_to))
    if fmt == "xlsx":
        _write(output, lambda path: report_formats.write_report_xlsx(report, path))
    elif fmt == "csv":
        _emit(output, lambda stream: report_formats.report_csv(report, stream), bom=True)
    else:
        _emit(output, lambda stream: stream.write(report_formats.report_markdown(report)))


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx; csv goes to stdout without it).")
@click.option("--from", "date_from", default=None, callback=date_option, metavar="DATE",
              help="Received on or after this day.")
@click.option("--to", "date_to", default=None, callback=date_option, metavar="DATE",
              help="Received on or before this day.")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, output: Path | None, date_from: date | None,
               date_to: date | None) -> None:
    """The Journal of received appeals (2.5) as a spreadsheet: number, dates, applicant,
    address, kind, summary, department, assignee, due, answered, outcome, measures."""
    guard(lambda: reports.check_period(date_from, date_to))
    _need_output(fmt, output)
    rows = guard(lambda: reports.export(ops_context(ctx), date_from, date_to))
    if fmt == "xlsx":
        _write(output, lambda path: report_formats.write_export_xlsx(rows, path))
    else:
        _emit(output, lambda stream: report_formats.write_export_csv(rows, stream), bom=True)


@click.command("digest")
@click.option("--dry-run", is_flag=True, help="Print today's digests instead of queuing them.")
@click.pass_context
def digest_cmd(ctx: click.Context, dry_run: bool) -> None:
    """Queue today's deadline digests in the outbox (at most once a day); `send` sends them."""
    ops = ops_context(ctx)
    if dry_run:
        messages = guard(lambda: reports.preview_digest(ops))
        for out in messages:
            click.echo(f"To: {out.to_address}\nSubject: {out.subject}\n\n{out.text}\n")
        click.echo(f"{len(messages)} digest(s) would be queued")
        return
    queued = guard(lambda: reports.queue_digest(ops))
    click.echo(f"{queued} digest(s) queued" if queued else
               "no digest queued (already queued today, or nothing to report)")


def _need_output(fmt: str, output: Path | None) -> None:
    if fmt == "xlsx" and output is None:
        raise click.ClickException("xlsx needs --output FILE")


def _write(output: Path | None, write: Callable[[Path], None]) -> None:
    assert output is not None
    try:
        write(output)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"written {output}", err=True)


def _emit(output: Path | None, write: Callable[[TextIO], object], bom: bool = False) -> None:
    """Text to ``output`` (CSV with a UTF-8 BOM, so spreadsheets read the Cyrillic) or stdout."""
    if output is None:
        buffer = io.StringIO()
        write(buffer)
        click.echo(buffer.getvalue(), nl=False)
        return
    try:
        with output.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
            write(stream)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"written {output}", err=True)
