"""The `check-config` and `config-example` commands: is this installation able to run?

`check-config` checks, before anything is fetched: the config (keys, types, references), the
password variables or files, that every template renders with a sample appeal (text and HTML),
that the store is writable, that the journal is reachable and at the current schema; with
``--connect`` it also logs in to IMAP (selecting each mailbox's folder) and to SMTP. Every
failure is one line naming the key or file; any failure exits 2. Placeholders still in the
config are warnings (one line each, exit 0).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import click

from base.config import Config
from base.errors import ConfigError, DaemonError


@click.command("check-config")
@click.option("--connect", is_flag=True,
              help="Also log in to IMAP (and select the folder) and to SMTP.")
@click.pass_context
def check_config_cmd(ctx: click.Context, connect: bool) -> None:
    """Check the config and everything the daemon needs, before any mail is fetched."""
    from base.placeholders import placeholder_warnings
    from complaintdesk.cli_common import ConfigProblem
    from pipeline.preflight import service_problems

    app = ctx.find_root().obj
    config: Config = app.load_config()
    app.check_passwords("mailbox", "smtp")
    for line in placeholder_warnings(config):
        click.echo(f"warning: {line}", err=True)
    problems = service_problems(config) + (_connect_problems(config) if connect else [])
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise ConfigProblem(f"{app.config_path}: {len(problems)} problem(s), see above")
    click.echo(f"{app.config_path}: OK (mailbox {config.mailbox.username}@{config.mailbox.host}, "
               f"database {config.database.url.split(':', 1)[0]}, store {config.storage.path}"
               f"{', servers answered' if connect else ''})")


def _connect_problems(config: Config) -> list[str]:
    from ingest.imap import ImapMailbox
    from replies.smtp import SmtpSender

    problems = []
    for i, box in enumerate(config.all_mailboxes()):
        key = "mailbox" if i == 0 else f"mailboxes.{i - 1}"
        try:
            with ImapMailbox(box, box.password(key)) as client:
                client.uidvalidity()  # the folder is selected at login; this reads it
        except (ConfigError, DaemonError) as exc:
            problems.append(f"{key}: {exc} (folder {box.folder!r})")
    try:
        with SmtpSender(config.smtp, config.smtp.password("smtp")):
            pass
    except (ConfigError, DaemonError) as exc:
        problems.append(f"smtp: {exc}")
    return problems


@click.command("config-example")
def config_example_cmd() -> None:
    """Print the documented default config.yaml (a start for /etc/complaintdesk.yaml)."""
    click.echo(example_config_text(), nl=False)


def example_config_text() -> str:
    """The packaged copy (a wheel), else the checkout's config.yaml (an editable install)."""
    packaged = importlib.resources.files("complaintdesk") / "config.example.yaml"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[1] / "config.yaml").read_text(encoding="utf-8")
