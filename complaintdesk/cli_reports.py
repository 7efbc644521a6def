"""The `due`, `report`, `export` and `digest` commands: deadlines (3.7), the summary report
(4.3), the Journal of received appeals (2.5) and the daily digest.

Plain click commands; the main group (complaintdesk/cli.py) adds them and puts an object with
``load_config()`` in ``ctx.obj``. Option parsing only: the work is in journal.reports,
journal.report_formats and replies.digest. Output files and mail are in Russian.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

from base.errors import DaemonError
from base.timeutil import utcnow


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A calendar date as 25.11.2026 or 2026-11-25 (an option callback)."""
    if value is None:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date (DD.MM.YYYY or YYYY-MM-DD)", ctx, param)


def _setup(ctx: click.Context) -> tuple[Any, Any]:
    from pipeline.poll import build_deps

    config = ctx.find_root().obj.load_config()
    try:
        return config, build_deps(config)
    except DaemonError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("due")
@click.option("--days", type=click.IntRange(0, 365), default=None,
              help="'Due soon' means within this many days (default: digest.days_ahead).")
@click.option("--assignee", default=None, help="Only this assignee's appeals and measures.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def due_cmd(ctx: click.Context, days: int | None, assignee: str | None, as_json: bool) -> None:
    """Open appeals due soon or overdue, and overdue measures (what the digest says)."""
    from journal.reports import due_list

    config, deps = _setup(ctx)
    days = config.digest.days_ahead if days is None else days
    with Session(deps.engine) as session:
        due = _guard(lambda: due_list(session, utcnow(), days, config.organisation.timezone,
                                      assignee))
    click.echo(json.dumps(asdict(due), ensure_ascii=False, indent=2, default=str) if as_json
               else format_due(due))


def format_due(due: Any) -> str:
    """The due list for the terminal, in Russian like the digest."""
    from replies.digest import days_phrase

    def appeal_line(a: Any) -> str:
        return (f"  {a.number:<12} {a.due_on:%d.%m.%Y}  {days_phrase(a.days_left):<22} "
                f"{(a.assignee or '—')[:22]:<22} {(a.applicant or 'анонимное')[:30]:<30} "
                f"{a.subject[:50]}")

    def measure_line(m: Any) -> str:
        return (f"  {m.appeal_number:<12} {m.due_on:%d.%m.%Y}  "
                f"{days_phrase(-m.days_overdue):<22} {m.who[:22]:<22} {m.what[:80]}")

    sections = ((f"Просрочены ({len(due.overdue)})", [appeal_line(a) for a in due.overdue]),
                (f"Срок истекает в ближайшие {due.days_ahead} дн. ({len(due.due_soon)})",
                 [appeal_line(a) for a in due.due_soon]),
                (f"Просрочены меры ({len(due.overdue_measures)})",
                 [measure_line(m) for m in due.overdue_measures]))
    lines = [f"Сроки на {due.today:%d.%m.%Y}"]
    for title, rows in sections:
        lines += ["", title + ":", *(rows or ["  нет"])]
    return "\n".join(lines)


@click.command("report")
@click.option("--from", "date_from", default=None, callback=_date, metavar="DATE",
              help="First day (DD.MM.YYYY or YYYY-MM-DD; default: the 1st of --to's month).")
@click.option("--to", "date_to", default=None, callback=_date, metavar="DATE",
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
    from journal import report_formats
    from journal.reports import build_report, local_date

    config, deps = _setup(ctx)
    tz, now = config.organisation.timezone, utcnow()
    date_to = date_to or local_date(now, tz)
    date_from = date_from or date_to.replace(day=1)
    _check_period(date_from, date_to, fmt, output)
    titles = {d.key: d.title for d in config.departments}
    with Session(deps.engine) as session:
        report = _guard(lambda: build_report(session, date_from, date_to, now, tz, titles))
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
@click.option("--from", "date_from", default=None, callback=_date, metavar="DATE",
              help="Received on or after this day.")
@click.option("--to", "date_to", default=None, callback=_date, metavar="DATE",
              help="Received on or before this day.")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, output: Path | None, date_from: date | None,
               date_to: date | None) -> None:
    """The Journal of received appeals (2.5) as a spreadsheet: number, dates, applicant,
    address, kind, summary, department, assignee, due, answered, outcome, measures."""
    from journal import report_formats
    from journal.reports import export_rows

    config, deps = _setup(ctx)
    if date_from and date_to:
        _check_period(date_from, date_to, fmt, output)
    elif fmt == "xlsx" and output is None:
        raise click.ClickException("xlsx needs --output FILE")
    titles = {d.key: d.title for d in config.departments}
    with Session(deps.engine) as session:
        rows = _guard(lambda: export_rows(session, config.organisation.timezone, date_from,
                                          date_to, titles))
    if fmt == "xlsx":
        _write(output, lambda path: report_formats.write_export_xlsx(rows, path))
    else:
        _emit(output, lambda stream: report_formats.write_export_csv(rows, stream), bom=True)


@click.command("digest")
@click.option("--dry-run", is_flag=True, help="Print today's digests instead of queuing them.")
@click.pass_context
def digest_cmd(ctx: click.Context, dry_run: bool) -> None:
    """Queue today's deadline digests in the outbox (at most once a day); `send` sends them."""
    from replies.digest import collect_digests, queue_digests

    config, deps = _setup(ctx)
    with Session(deps.engine) as session:
        if dry_run:
            messages = _guard(lambda: collect_digests(session, config, deps.env, utcnow()))
            for out in messages:
                click.echo(f"To: {out.to_address}\nSubject: {out.subject}\n\n{out.text}\n")
            click.echo(f"{len(messages)} digest(s) would be queued")
            return
        queued = _guard(lambda: queue_digests(session, config, deps.env, utcnow()))
        session.commit()
    click.echo(f"{queued} digest(s) queued" if queued else
               "no digest queued (already queued today, or nothing to report)")


def _check_period(date_from: date, date_to: date, fmt: str, output: Path | None) -> None:
    if date_from > date_to:
        raise click.ClickException(f"--from {date_from:%d.%m.%Y} is after --to {date_to:%d.%m.%Y}")
    if fmt == "xlsx" and output is None:
        raise click.ClickException("xlsx needs --output FILE")


def _guard(work: Any) -> Any:
    try:
        return work()
    except DaemonError as exc:
        raise click.ClickException(str(exc)) from None


def _write(output: Path | None, write: Any) -> None:
    assert output is not None
    try:
        write(output)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"written {output}", err=True)


def _emit(output: Path | None, write: Any, bom: bool = False) -> None:
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
