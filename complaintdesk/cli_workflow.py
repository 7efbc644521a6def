"""CLI commands for the regulation's workflow: status, assign, escalate, close, measures,
and the schema migration. Thin shells over operations.staffops."""

from __future__ import annotations

import os
import pwd
from datetime import date, datetime
from typing import Any

import click
from sqlmodel import Session

from operations import staffops, validation
from base.errors import DaemonError
from base.timeutil import to_local, utcnow
from journal import register, workflow
from journal.models import OUTCOMES, STATUSES
from operations import correspondence as correspondence_ops


def login_name() -> str:
    """The OS account running this process (not $USER, which anyone can set)."""
    return pwd.getpwuid(os.getuid()).pw_name


def staff_actor(config: Any) -> str:
    """The staff member's name from the account (staff.os_users), or a one-line refusal."""
    return str(_run(lambda: validation.staff_name(config, login_name())))


def appeal_number(config: Any, typed: str) -> str:
    """``10`` is 10/<this year>."""
    return validation.appeal_number(config, typed, date.today())


def parse_date(value: str) -> date:
    """25.11.2026 or 2026-11-25."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date like 25.11.2026")


def _engine(ctx: click.Context) -> tuple[Any, Any]:
    from complaintdesk.cli import _app, _deps

    _, config = _app(ctx, logging_on=False)
    return config, _deps(config).engine


def _run(action: Any) -> Any:
    try:
        return action()
    except DaemonError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("status")
@click.argument("number")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", default=None, help="Why (recorded in the audit trail).")
@click.pass_context
def status_cmd(ctx: click.Context, number: str, status: str, note: str | None) -> None:
    """Move an appeal to another STATUS (escalated, answered, closed and correspondence_stopped
    have their own commands, which ask for what the regulation requires)."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    new = _run(lambda: staffops.set_status(engine, config, number, status, actor, utcnow(), note))
    click.echo(f"{number}: {new}")


@click.command("assign")
@click.argument("number")
@click.argument("target")
@click.option("--note", default=None, help="Why (recorded in the audit trail).")
@click.pass_context
def assign_cmd(ctx: click.Context, number: str, target: str, note: str | None) -> None:
    """Hand an appeal to a department (by key) or a person (by name), both from the config."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    dept, who = _run(lambda: staffops.assign(engine, config, number, target, actor, utcnow(), note))
    click.echo(f"{number}: {dept} / {who}")


@click.command("escalate")
@click.argument("number")
@click.option("--note", required=True, help="Why there is no common position (3.6).")
@click.pass_context
def escalate_cmd(ctx: click.Context, number: str, note: str) -> None:
    """Escalate an appeal to the head organisation (3.6)."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    _run(lambda: staffops.escalate(engine, config, number, actor, utcnow(), note))
    click.echo(f"{number}: escalated")


@click.command("close")
@click.argument("number")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None,
              help="The result (3.8); required unless already recorded.")
@click.option("--text", default=None, help="The outcome in words.")
@click.pass_context
def close_cmd(ctx: click.Context, number: str, outcome: str | None, text: str | None) -> None:
    """Close an answered appeal, recording its outcome (3.8)."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    _run(lambda: staffops.close(engine, config, number, actor, utcnow(), outcome, text))
    click.echo(f"{number}: closed")


@click.command("note")
@click.argument("number")
@click.argument("text")
@click.pass_context
def note_cmd(ctx: click.Context, number: str, text: str) -> None:
    """Add a staff note to the correspondence of appeal NUMBER (never mailed)."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    entry = _run(lambda: correspondence_ops.add_note(engine, number, text, actor, utcnow()))
    click.echo(f"{number}: note {entry} added")


@click.command("seen")
@click.argument("number")
@click.pass_context
def seen_cmd(ctx: click.Context, number: str) -> None:
    """Mark the client's news on appeal NUMBER as read."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    had = _run(lambda: correspondence_ops.mark_seen(engine, number, actor, utcnow()))
    click.echo(f"{number}: news marked read" if had else f"{number}: no news")


@click.group("measures")
def measures_cmd() -> None:
    """Remediation measures per appeal (4.1, 4.2)."""


@measures_cmd.command("add")
@click.argument("number")
@click.option("--what", required=True, help="The measure.")
@click.option("--who", required=True, help="Who is responsible.")
@click.option("--due", "due", required=True, help="By when (25.11.2026).")
@click.pass_context
def measures_add(ctx: click.Context, number: str, what: str, who: str, due: str) -> None:
    """Plan a measure for appeal NUMBER."""
    config, engine = _engine(ctx)
    actor, number = staff_actor(config), appeal_number(config, number)
    due_on = parse_date(due)
    measure_id = _run(lambda: staffops.add_measure(engine, number, what, who, due_on, actor,
                                                   utcnow()))
    click.echo(f"measure {measure_id} added to {number}")


@measures_cmd.command("done")
@click.argument("measure_id", type=int)
@click.option("--on", "done_on", default=None, help="Done on (default today).")
@click.pass_context
def measures_done(ctx: click.Context, measure_id: int, done_on: str | None) -> None:
    """Mark measure MEASURE_ID done."""
    config, engine = _engine(ctx)
    actor, tz = staff_actor(config), config.organisation.timezone
    day = parse_date(done_on) if done_on else to_local(utcnow(), tz).date()
    _run(lambda: staffops.complete_measure(engine, measure_id, day, actor, utcnow(), tz))
    click.echo(f"measure {measure_id} done on {day.strftime('%d.%m.%Y')}")


@measures_cmd.command("list")
@click.argument("number", required=False)
@click.pass_context
def measures_list(ctx: click.Context, number: str | None) -> None:
    """Measures of one appeal, or every open measure."""
    config, engine = _engine(ctx)
    with Session(engine) as session:
        if number:
            number = appeal_number(config, number)
            appeal = register.appeal_by_number(session, number)
            if appeal is None or appeal.id is None:
                raise click.ClickException(f"no appeal with number {number!r}")
            rows = [(appeal.number, m) for m in workflow.measures_of(session, appeal.id)]
        else:
            rows = workflow.open_measures(session)
    for appeal_number_, m in rows:
        done = f"done {m.done_on.strftime('%d.%m.%Y')}" if m.done_on else "open"
        click.echo(f"{m.id:>5} {appeal_number_:<12} due {m.due_on.strftime('%d.%m.%Y')}  "
                   f"{done:<16} {m.who}: {m.what}")
    if not rows:
        click.echo("no measures")


@click.command("migrate")
@click.pass_context
def migrate_cmd(ctx: click.Context) -> None:
    """Upgrade the journal's schema in place to this version."""
    from complaintdesk.cli import _app
    from journal.db import make_engine
    from journal.schema import current_revision, head_revision, upgrade

    _, config = _app(ctx, logging_on=False)
    engine = make_engine(config.database.url)
    before = _run(lambda: current_revision(engine))
    _run(lambda: upgrade(engine))
    click.echo(f"journal schema: {before or 'empty'} -> {head_revision()}")


@click.command("purge")
@click.option("--before", "before", default=None,
              help="Purge appeals closed before this date (default and latest allowed: "
                   "retention.closed_years ago).")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
@click.option("--yes", is_flag=True, help="Do it without asking.")
@click.pass_context
def purge_cmd(ctx: click.Context, before: str | None, dry_run: bool, yes: bool) -> None:
    """Remove personal data and files of appeals closed before a date (152-FZ retention)."""
    from operations import purge

    config, engine = _engine(ctx)
    staff_actor(config)
    day = parse_date(before) if before else None
    cutoff, found = _run(lambda: purge.preview(engine, config, day, utcnow()))
    click.echo(f"closed before {to_local(cutoff, config.organisation.timezone):%d.%m.%Y}: "
               f"{found.appeals} appeals, {found.mails} mails, {found.attachments} attachments")
    if dry_run or not found.appeals:
        return
    if not yes:
        click.confirm("Purge their personal data and files?", abort=True)
    report = _run(lambda: purge.purge(engine, config, cutoff, utcnow()))
    click.echo(f"purged {report.appeals} appeals, removed {report.files_removed} files")


@click.command("aside")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest first, at most.")
@click.option("--all", "show_all", is_flag=True, help="Include duplicates and automated mail.")
@click.pass_context
def aside_cmd(ctx: click.Context, limit: int, show_all: bool) -> None:
    """Mail set aside (unreadable, spam, too large, ...): kept, with the reason."""
    from base.timeutil import format_datetime

    config, engine = _engine(ctx)
    with Session(engine) as session:
        rows, for_review, other = register.set_aside_mail(session, show_all, limit)
    click.echo(f"set aside: {for_review} for review, {other} automated or duplicate"
               + ("" if show_all else " (--all shows them)"))
    for row in rows:
        click.echo(f"{row.id:>6}  {format_datetime(row.received_at, config.organisation.timezone)}"
                   f"  {row.mailbox} uid {row.uid}  {row.size} B  {row.reason}")


@click.command("register-aside")
@click.argument("inbound_id", type=int)
@click.option("--acknowledge/--no-acknowledge", default=None,
              help="Send the client an acknowledgement. Default: yes for human mail, no for "
                   "automated mail (which is never acknowledged: the loop guard).")
@click.pass_context
def register_aside_cmd(ctx: click.Context, inbound_id: int, acknowledge: bool | None) -> None:
    """Register a set-aside mail as an appeal after all (regulation 1.3)."""
    from complaintdesk.cli import _app, _deps
    from pipeline.flow import register_set_aside
    from journal.models import InboundMessage

    _, config = _app(ctx, logging_on=False)
    actor = staff_actor(config)
    deps = _deps(config)
    with Session(deps.engine) as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None:
            raise click.ClickException(f"no inbound mail {inbound_id} (see `complaintdesk aside`)")
        result = _run(lambda: register_set_aside(session, inbound, deps, actor, acknowledge))
        session.commit()
    ack = "acknowledgement queued" if result.ack_queued else "no acknowledgement"
    click.echo(f"inbound {inbound_id} registered as {result.number}; {ack}")
