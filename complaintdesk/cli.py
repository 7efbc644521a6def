"""The command line: option parsing, logging set-up, and errors turned into exit codes.

The daemon's and the mail path's commands live here (run, poll, import, send, check-config);
staff commands are thin shells over operations (cli_workflow, cli_replies, cli_reports) and
list/show below. Logging is configured in cli_common only.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from base.config import Config, default_config_path
from base.errors import DaemonError
from complaintdesk import __version__
from complaintdesk.cli_common import (
    AppContext,
    app_config,
    guard,
    ops_context,
    parse_date,
    pipeline_deps,
)
from complaintdesk.cli_format import format_details, format_rows
from operations import appeals

log = logging.getLogger("complaintdesk")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Config file (default: $COMPLAINTDESK_CONFIG or ./config.yaml).")
@click.option("--log-level", default=None,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Override daemon.log_level from the config.")
@click.version_option(__version__, prog_name="complaintdesk")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, log_level: str | None) -> None:
    """Run the complaints mailbox the way the branch's regulation says it must be run."""
    ctx.obj = AppContext(config_path or default_config_path())
    ctx.meta["log_level"] = log_level
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # it warns on every odd MIME part
    for noisy in ("alembic", "pymorphy3", "natasha"):  # schema steps and model loading
        logging.getLogger(noisy).setLevel(logging.WARNING)




@main.command("run")
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the daemon: poll the mailbox and send the outbox every poll interval."""
    from pipeline.daemon import Daemon

    app, config = app_config(ctx)
    app.check_passwords("mailbox", "smtp")
    daemon = Daemon(pipeline_deps(config))
    daemon.install_signal_handlers()
    daemon.run_forever()


@main.command("poll")
@click.option("--once", is_flag=True, default=True, help="One cycle (the default).")
@click.option("--no-send", is_flag=True, help="Register only; leave the outbox for later.")
@click.pass_context
def poll(ctx: click.Context, once: bool, no_send: bool) -> None:
    """One cycle: fetch everything new, register it, send the outbox, print a summary."""
    from pipeline.poll import poll_all, send_outbox

    app, config = app_config(ctx)
    app.check_passwords("mailbox", *(() if no_send else ("smtp",)))
    deps = pipeline_deps(config)
    try:
        with _Progress() as bar:
            summary, errors = poll_all(deps, progress=bar.update, on_total=bar.start)
        if not no_send:
            report = send_outbox(deps)
            summary.acks_sent = report.sent
            if report.error:
                click.echo(f"outbox: {report.error}; mail stays queued", err=True)
    finally:
        deps.analyzer.close()
    click.echo(summary.line())
    if errors:
        raise click.ClickException("; ".join(errors))


@main.command("import")
@click.option("--since", "since", default=None,
              help="Only mail received on or after this date (25.11.2026 or 2026-11-25).")
@click.option("--mbox", "dump", type=click.Path(exists=True, path_type=Path), default=None,
              help="Import an mbox file or a Maildir folder instead of the IMAP mailbox.")
@click.option("--mailbox", "mailbox_name", default=None,
              help="Which configured mailbox (by name) to import; default the main one.")
@click.pass_context
def import_cmd(ctx: click.Context, since: str | None, dump: Path | None,
               mailbox_name: str | None) -> None:
    """Backfill: import old mail (no acknowledgements), resumable after an interruption."""
    from pipeline.backfill import import_dump, import_imap
    from ingest.imap import ImapMailbox

    app, config = app_config(ctx)
    day = parse_date(since) if since else None
    if dump is None and day is None:
        raise click.UsageError("give --since DATE (IMAP) or --mbox PATH (a dump)")
    deps = pipeline_deps(config)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())  # finish the batch in hand, then stop
    try:
        with _Progress(always=True) as bar:
            if dump is not None:
                summary = import_dump(dump, deps, day, bar.start, bar.update, stop.is_set)
            else:
                settings = _mailbox_settings(config, mailbox_name)
                app.check_passwords("mailbox")
                with ImapMailbox(settings, settings.password("mailbox")) as client:
                    assert day is not None
                    summary = import_imap(client, deps, settings, day, bar.start, bar.update,
                                          stop.is_set)
    except DaemonError as exc:
        raise click.ClickException(f"{exc} (run the import again to resume)") from None
    finally:
        deps.analyzer.close()
    click.echo(f"imported: {summary.line()}")


def _mailbox_settings(config: Config, name: str | None) -> Any:
    for settings in config.all_mailboxes():
        if name is None or settings.name == name:
            return settings
    raise click.BadParameter(f"no mailbox named {name!r}", param_hint="--mailbox")


class _Progress:
    """A tqdm progress bar with an ETA, shown when many mails wait (or always, for imports)
    and stderr is a terminal."""

    def __init__(self, always: bool = False) -> None:
        self._bar: Any = None
        self._always = always

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def start(self, total: int) -> None:
        if (total >= 20 or self._always) and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="mail", file=sys.stderr)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)


@main.command("send")
@click.pass_context
def send(ctx: click.Context) -> None:
    """Send the mail waiting in the outbox (due ones only)."""
    from pipeline.poll import send_outbox

    app, config = app_config(ctx)
    app.check_passwords("smtp")
    report = send_outbox(pipeline_deps(config))
    click.echo(f"sent {report.sent} / deferred {report.deferred} / failed {report.failed}")
    if report.error:
        raise click.ClickException(f"outbox: {report.error}")


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--limit", type=int, default=None, help="At most this many appeals (newest first).")
@click.option("--status", default=None, help="Only appeals in this status.")
@click.option("--assignee", default=None, help="Only appeals of this person (from the config).")
@click.option("--overdue", is_flag=True, help="Only open appeals past their due date.")
@click.option("--news", is_flag=True, help="Only appeals with a client message not yet read.")
@click.option("--search", default=None,
              help="Text in the number, subject, text, applicant or attachments' text.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool, limit: int | None, status: str | None,
             assignee: str | None, overdue: bool, news: bool, search: str | None) -> None:
    """The journal, newest first: number, received, due, status, news, assignee, applicant,
    subject."""
    where = appeals.ListFilter(status=status, assignee=assignee, overdue=overdue, news=news,
                               search=search, limit=limit)
    rows = guard(lambda: appeals.list_appeals(ops_context(ctx), where=where))
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2) if as_json
               else "\n".join(format_rows(rows)))


@main.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, number: str, as_json: bool) -> None:
    """One appeal with its whole correspondence (mail in, mail out, notes) and attachments.
    NUMBER may be given without the year (10 is 10/<this year>)."""
    details = guard(lambda: appeals.show_appeal(ops_context(ctx), number))
    click.echo(json.dumps(details, ensure_ascii=False, indent=2) if as_json
               else format_details(details))


def _register_plugins() -> None:
    from complaintdesk import cli_workflow
    from complaintdesk.cli_check import check_config_cmd, config_example_cmd
    from complaintdesk.cli_inspect import eval_cmd, inspect_cmd
    from complaintdesk.cli_replies import reply_cmd, templates_cmd
    from complaintdesk.cli_reports import digest_cmd, due_cmd, export_cmd, report_cmd
    from complaintdesk.cli_web import users_cmd, web_cmd

    for command in (check_config_cmd, config_example_cmd, inspect_cmd, eval_cmd, reply_cmd, templates_cmd, due_cmd, report_cmd,
                    export_cmd, digest_cmd, cli_workflow.status_cmd, cli_workflow.assign_cmd,
                    cli_workflow.escalate_cmd, cli_workflow.close_cmd, cli_workflow.measures_cmd,
                    cli_workflow.migrate_cmd, cli_workflow.purge_cmd, cli_workflow.aside_cmd,
                    cli_workflow.register_aside_cmd, cli_workflow.note_cmd,
                    cli_workflow.seen_cmd, users_cmd, web_cmd):
        main.add_command(command)


_register_plugins()


def entry() -> None:
    """The console script: files this process creates (mail, attachments, the journal, exports)
    hold personal data (152-FZ), so they are readable by the service's user only."""
    os.umask(0o077)
    main()
