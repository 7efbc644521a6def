"""CLI commands for the regulation's workflow: status, assign, escalate, close, measures,
and the schema migration. Thin shells over operations.staffops."""

from __future__ import annotations

import getpass
import os
from datetime import date, datetime
from typing import Any

import click
from sqlmodel import Session

from operations import staffops
from base.errors import DaemonError
from base.timeutil import utcnow
from journal import register, workflow
from journal.models import OUTCOMES, STATUSES


def actor_option(fn: Any) -> Any:
    return click.option("--actor", default=lambda: os.environ.get("COMPLAINTDESK_ACTOR")
                        or getpass.getuser(), show_default="$COMPLAINTDESK_ACTOR or $USER",
                        help="Who makes the change (recorded in the audit trail).")(fn)


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
@actor_option
@click.pass_context
def status_cmd(ctx: click.Context, number: str, status: str, note: str | None, actor: str) -> None:
    """Move an appeal to another STATUS."""
    config, engine = _engine(ctx)
    new = _run(lambda: staffops.set_status(engine, config, number, status, actor, utcnow(), note))
    click.echo(f"{number}: {new}")


@click.command("assign")
@click.argument("number")
@click.argument("target")
@click.option("--note", default=None, help="Why (recorded in the audit trail).")
@actor_option
@click.pass_context
def assign_cmd(ctx: click.Context, number: str, target: str, note: str | None, actor: str) -> None:
    """Hand an appeal to a department (by key) or a person (by name)."""
    config, engine = _engine(ctx)
    dept, who = _run(lambda: staffops.assign(engine, config, number, target, actor, utcnow(), note))
    click.echo(f"{number}: {dept} / {who}")


@click.command("escalate")
@click.argument("number")
@click.option("--note", required=True, help="Why there is no common position (3.6).")
@actor_option
@click.pass_context
def escalate_cmd(ctx: click.Context, number: str, note: str, actor: str) -> None:
    """Escalate an appeal to the head organisation (3.6)."""
    config, engine = _engine(ctx)
    _run(lambda: staffops.escalate(engine, config, number, actor, utcnow(), note))
    click.echo(f"{number}: escalated")


@click.command("close")
@click.argument("number")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None,
              help="The result (3.8); required unless already recorded.")
@click.option("--text", default=None, help="The outcome in words.")
@actor_option
@click.pass_context
def close_cmd(ctx: click.Context, number: str, outcome: str | None, text: str | None,
              actor: str) -> None:
    """Close an answered appeal, recording its outcome (3.8)."""
    _, engine = _engine(ctx)
    _run(lambda: staffops.close(engine, number, actor, utcnow(), outcome, text))
    click.echo(f"{number}: closed")


@click.group("measures")
def measures_cmd() -> None:
    """Remediation measures per appeal (4.1, 4.2)."""


@measures_cmd.command("add")
@click.argument("number")
@click.option("--what", required=True, help="The measure.")
@click.option("--who", required=True, help="Who is responsible.")
@click.option("--due", "due", required=True, help="By when (25.11.2026).")
@actor_option
@click.pass_context
def measures_add(ctx: click.Context, number: str, what: str, who: str, due: str,
                 actor: str) -> None:
    """Plan a measure for appeal NUMBER."""
    _, engine = _engine(ctx)
    due_on = parse_date(due)
    measure_id = _run(lambda: staffops.add_measure(engine, number, what, who, due_on, actor,
                                                   utcnow()))
    click.echo(f"measure {measure_id} added to {number}")


@measures_cmd.command("done")
@click.argument("measure_id", type=int)
@click.option("--on", "done_on", default=None, help="Done on (default today).")
@actor_option
@click.pass_context
def measures_done(ctx: click.Context, measure_id: int, done_on: str | None, actor: str) -> None:
    """Mark measure MEASURE_ID done."""
    _, engine = _engine(ctx)
    day = parse_date(done_on) if done_on else date.today()
    _run(lambda: staffops.complete_measure(engine, measure_id, day, actor, utcnow()))
    click.echo(f"measure {measure_id} done on {day.strftime('%d.%m.%Y')}")


@measures_cmd.command("list")
@click.argument("number", required=False)
@click.pass_context
def measures_list(ctx: click.Context, number: str | None) -> None:
    """Measures of one appeal, or every open measure."""
    _, engine = _engine(ctx)
    with Session(engine) as session:
        if number:
            appeal = register.appeal_by_number(session, number)
            if appeal is None or appeal.id is None:
                raise click.ClickException(f"no appeal with number {number!r}")
            rows = [(appeal.number, m) for m in workflow.measures_of(session, appeal.id)]
        else:
            rows = workflow.open_measures(session)
    for appeal_number, m in rows:
        done = f"done {m.done_on.strftime('%d.%m.%Y')}" if m.done_on else "open"
        click.echo(f"{m.id:>5} {appeal_number:<12} due {m.due_on.strftime('%d.%m.%Y')}  {done:<16} "
                   f"{m.who}: {m.what}")
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
              help="Purge appeals closed before this date (default: retention.closed_years ago).")
@click.option("--yes", is_flag=True, help="Do it without asking.")
@click.pass_context
def purge_cmd(ctx: click.Context, before: str | None, yes: bool) -> None:
    """Remove personal data and files of appeals closed before a date (152-FZ retention)."""
    from datetime import UTC

    from journal.retention import purge_closed_before

    config, engine = _engine(ctx)
    if before:
        cutoff = datetime.combine(parse_date(before), datetime.min.time(), tzinfo=UTC)
    else:
        now = utcnow()
        cutoff = now.replace(year=now.year - config.retention.closed_years)
    if not yes:
        click.confirm(f"Purge personal data of appeals closed before "
                      f"{cutoff.strftime('%d.%m.%Y')}?", abort=True)
    with Session(engine) as session:
        report = purge_closed_before(session, cutoff, config.storage.path, utcnow())
        session.commit()
    click.echo(f"purged {report.appeals} appeals, removed {report.files_removed} files")


@click.command("aside")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest first, at most.")
@click.option("--all", "show_all", is_flag=True, help="Include duplicates and automated mail.")
@click.pass_context
def aside_cmd(ctx: click.Context, limit: int, show_all: bool) -> None:
    """Mail set aside (unreadable, spam, too large, ...): kept, with the reason."""
    from sqlmodel import col, select

    from base.timeutil import format_datetime
    from journal.models import OUTCOME_SET_ASIDE, InboundMessage

    config, engine = _engine(ctx)
    query = select(InboundMessage).where(InboundMessage.outcome == OUTCOME_SET_ASIDE)
    if not show_all:
        query = query.where(col(InboundMessage.appeal_id).is_(None),
                            ~col(InboundMessage.reason).startswith("automated"))
    with Session(engine) as session:
        rows = list(session.exec(query.order_by(col(InboundMessage.id).desc()).limit(limit)))
    for row in rows:
        click.echo(f"{row.id:>6}  {format_datetime(row.received_at, config.organisation.timezone)}"
                   f"  {row.mailbox} uid {row.uid}  {row.size} B  {row.reason}")
    if not rows:
        click.echo("nothing set aside")


@click.command("register-aside")
@click.argument("inbound_id", type=int)
@actor_option
@click.pass_context
def register_aside_cmd(ctx: click.Context, inbound_id: int, actor: str) -> None:
    """Register a set-aside mail as an appeal after all (regulation 1.3)."""
    from complaintdesk.cli import _app, _deps
    from pipeline.flow import register_set_aside
    from journal.models import InboundMessage

    _, config = _app(ctx, logging_on=False)
    deps = _deps(config)
    with Session(deps.engine) as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None:
            raise click.ClickException(f"no inbound mail {inbound_id} (see `complaintdesk aside`)")
        result = _run(lambda: register_set_aside(session, inbound, deps, actor))
        session.commit()
    ack = "; acknowledgement queued" if result.ack_queued else ""
    click.echo(f"inbound {inbound_id} registered as {result.number}{ack}")
