"""CLI commands for the regulation's workflow: status, assign, escalate, close, measures,
set-aside mail, retention, notes and news, and the schema migration. Thin shells over operations.appeals,
operations.aside and operations.admin: parse, call, print."""

from __future__ import annotations

import click

from complaintdesk.cli_common import (
    app_config,
    guard,
    ops_context,
    parse_date,
    with_actor,
)
from journal.models import OUTCOMES, STATUSES
from base.timeutil import to_local
from operations import admin, appeals, aside, correspondence


@click.command("status")
@click.argument("number")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", default=None, help="Why (recorded in the audit trail).")
@with_actor
@click.pass_context
def status_cmd(ctx: click.Context, number: str, status: str, note: str | None, actor: str) -> None:
    """Move an appeal to another STATUS (escalated, answered, closed and correspondence_stopped
    have their own commands, which ask for what the regulation requires)."""
    ops = ops_context(ctx)
    new = guard(lambda: appeals.set_status(ops, number, status, actor, note))
    click.echo(f"{number}: {new}")


@click.command("assign")
@click.argument("number")
@click.argument("target")
@click.option("--note", default=None, help="Why (recorded in the audit trail).")
@with_actor
@click.pass_context
def assign_cmd(ctx: click.Context, number: str, target: str, note: str | None, actor: str) -> None:
    """Hand an appeal to a department (by key) or a person (by name), both from the config
    (case-insensitive)."""
    ops = ops_context(ctx)
    done = guard(lambda: appeals.assign(ops, number, target, actor, note))
    click.echo(f"{number}: {done.department} / {done.assignee}")


@click.command("escalate")
@click.argument("number")
@click.option("--note", required=True, help="Why there is no common position (3.6).")
@with_actor
@click.pass_context
def escalate_cmd(ctx: click.Context, number: str, note: str, actor: str) -> None:
    """Escalate an appeal to the head organisation (3.6)."""
    ops = ops_context(ctx)
    guard(lambda: appeals.escalate(ops, number, actor, note))
    click.echo(f"{number}: escalated")


@click.command("close")
@click.argument("number")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None,
              help="The result (3.8); required unless already recorded.")
@click.option("--text", default=None, help="The outcome in words.")
@with_actor
@click.pass_context
def close_cmd(ctx: click.Context, number: str, outcome: str | None, text: str | None,
              actor: str) -> None:
    """Close an answered appeal, recording its outcome (3.8)."""
    ops = ops_context(ctx)
    guard(lambda: appeals.close(ops, number, actor, outcome, text))
    click.echo(f"{number}: closed")


@click.group("measures")
def measures_cmd() -> None:
    """Remediation measures per appeal (4.1, 4.2)."""


@measures_cmd.command("add")
@click.argument("number")
@click.option("--what", required=True, help="The measure.")
@click.option("--who", required=True, help="Who is responsible.")
@click.option("--due", "due", required=True, help="By when (25.11.2026).")
@with_actor
@click.pass_context
def measures_add(ctx: click.Context, number: str, what: str, who: str, due: str,
                 actor: str) -> None:
    """Plan a measure for appeal NUMBER."""
    ops = ops_context(ctx)
    due_on = parse_date(due)
    measure_id = guard(lambda: appeals.add_measure(ops, number, what, who, due_on, actor))
    click.echo(f"measure {measure_id} added to {number}")


@measures_cmd.command("done")
@click.argument("measure_id", type=int)
@click.option("--on", "done_on", default=None, help="Done on (default today).")
@with_actor
@click.pass_context
def measures_done(ctx: click.Context, measure_id: int, done_on: str | None, actor: str) -> None:
    """Mark measure MEASURE_ID done."""
    ops = ops_context(ctx)
    day = parse_date(done_on) if done_on else to_local(ops.now(), ops.timezone).date()
    guard(lambda: appeals.complete_measure(ops, measure_id, day, actor))
    click.echo(f"measure {measure_id} done on {day.strftime('%d.%m.%Y')}")


@measures_cmd.command("list")
@click.argument("number", required=False)
@click.pass_context
def measures_list(ctx: click.Context, number: str | None) -> None:
    """Measures of one appeal, or every open measure."""
    ops = ops_context(ctx)
    rows = guard(lambda: appeals.list_measures(ops, number))
    for m in rows:
        done = f"done {m.done_on.strftime('%d.%m.%Y')}" if m.done_on else "open"
        click.echo(f"{m.id:>5} {m.appeal_number:<12} due {m.due_on.strftime('%d.%m.%Y')}  {done:<16} "
                   f"{m.who}: {m.what}")
    if not rows:
        click.echo("no measures")


@click.command("migrate")
@click.pass_context
def migrate_cmd(ctx: click.Context) -> None:
    """Upgrade the journal's schema in place to this version."""
    _, config = app_config(ctx, logging_on=False)
    before, after = guard(lambda: admin.migrate(config.database.url))
    click.echo(f"journal schema: {before or 'empty'} -> {after}")


@click.command("purge")
@click.option("--before", "before", default=None,
              help="Purge appeals closed before this date (default and latest allowed: "
                   "retention.closed_years ago).")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
@click.option("--yes", is_flag=True, help="Do it without asking.")
@with_actor
@click.pass_context
def purge_cmd(ctx: click.Context, before: str | None, dry_run: bool, yes: bool,
              actor: str) -> None:
    """Remove personal data and files of appeals closed before a date (152-FZ retention)."""
    ops = ops_context(ctx)
    cutoff = guard(lambda: admin.purge_cutoff(ops, parse_date(before) if before else None))
    found = guard(lambda: admin.purge_preview(ops, cutoff))
    click.echo(f"closed before {to_local(cutoff, ops.timezone):%d.%m.%Y}: {found.appeals} "
               f"appeals, {found.mails} mails, {found.attachments} attachments")
    if dry_run or not found.appeals:
        return
    if not yes:
        click.confirm("Purge their personal data and files?", abort=True)
    report = guard(lambda: admin.purge(ops, cutoff))
    click.echo(f"purged {report.appeals} appeals, removed {report.files_removed} files")


@click.command("aside")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest first, at most.")
@click.option("--all", "show_all", is_flag=True, help="Include duplicates and automated mail.")
@click.pass_context
def aside_cmd(ctx: click.Context, limit: int, show_all: bool) -> None:
    """Mail set aside (unreadable, spam, too large, ...): kept, with the reason. Counted the
    way `poll` counts it."""
    ops = ops_context(ctx)
    found = guard(lambda: aside.list_set_aside(ops, limit, show_all))
    click.echo(f"set aside: {found.for_review} for review, {found.automated_or_duplicate} "
               "automated or duplicate" + ("" if show_all else " (--all shows them)"))
    for row in found.rows:
        click.echo(f"{row.id:>6}  {row.received}  {row.mailbox} uid {row.uid}  {row.size} B  "
                   f"{row.reason}")


@click.command("register-aside")
@click.argument("inbound_id", type=int)
@click.option("--acknowledge/--no-acknowledge", default=None,
              help="Send the client an acknowledgement. Default: yes for human mail, no for "
                   "automated mail (which is never acknowledged: the loop guard).")
@with_actor
@click.pass_context
def register_aside_cmd(ctx: click.Context, inbound_id: int, acknowledge: bool | None,
                       actor: str) -> None:
    """Register a set-aside mail as an appeal after all (regulation 1.3)."""
    ops = ops_context(ctx)
    done = guard(lambda: aside.register_aside(ops, inbound_id, actor, acknowledge))
    ack = "acknowledgement queued" if done.ack_queued else "no acknowledgement"
    click.echo(f"inbound {inbound_id} registered as {done.number}; {ack}")


@click.command("note")
@click.argument("number")
@click.argument("text")
@with_actor
@click.pass_context
def note_cmd(ctx: click.Context, number: str, text: str, actor: str) -> None:
    """Add a staff note to the correspondence of appeal NUMBER (never mailed)."""
    ops = ops_context(ctx)
    entry = guard(lambda: correspondence.add_note(ops, number, text, actor))
    click.echo(f"{number}: note {entry} added")


@click.command("seen")
@click.argument("number")
@with_actor
@click.pass_context
def seen_cmd(ctx: click.Context, number: str, actor: str) -> None:
    """Mark the client's news on appeal NUMBER as read."""
    ops = ops_context(ctx)
    had = guard(lambda: correspondence.mark_seen(ops, number, actor))
    click.echo(f"{number}: news marked read" if had else f"{number}: no news")
