"""The `users` and `web` commands: staff accounts of the web desk, and serving it (uvicorn).

Plain click commands; the main group (complaintdesk/cli.py) adds them. The work is in
operations.users and web.app."""

from __future__ import annotations

import sys
from typing import Any

import click

from base.errors import DaemonError
from base.timeutil import utcnow
from journal.models import ROLES


def _engine(ctx: click.Context) -> tuple[Any, Any]:
    from complaintdesk.cli_common import app_config, ops_context

    _, config = app_config(ctx, logging_on=False)
    return config, ops_context(ctx).engine


def _password() -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise click.ClickException("no password on standard input")
    return value


def _run(action: Any) -> Any:
    try:
        return action()
    except DaemonError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("users")
def users_cmd() -> None:
    """Staff accounts of the web desk (roles: assignee, coordinator, director, admin)."""


@users_cmd.command("add")
@click.argument("login")
@click.option("--name", required=True, help='Full name as in departments[].assignee, e.g. '
              '"Михайлов Дмитрий".')
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--department", default=None, help="Department key (assignees see its appeals).")
@click.option("--password-stdin", "from_stdin", is_flag=True, required=True,
              help="Read the password from standard input (one line).")
@click.pass_context
def users_add(ctx: click.Context, login: str, name: str, role: str, department: str | None,
              from_stdin: bool) -> None:
    """Add an account LOGIN."""
    from operations.users import add_user

    config, engine = _engine(ctx)
    if department and config.department(department) is None:
        raise click.BadParameter(f"no department {department!r}", param_hint="--department")
    staff = _run(lambda: add_user(engine, login, name, role, department, _password(), utcnow()))
    click.echo(f"user {staff.login} added ({staff.role})")


@users_cmd.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Every account with its role and department."""
    from operations.users import list_users

    _, engine = _engine(ctx)
    rows = list_users(engine)
    for u in rows:
        state = "disabled" if u.disabled else "active"
        click.echo(f"{u.login:<20} {u.role:<12} {u.department or '-':<20} {state:<9} {u.name}")
    if not rows:
        click.echo("no users")


@users_cmd.command("disable")
@click.argument("login")
@click.pass_context
def users_disable(ctx: click.Context, login: str) -> None:
    """Disable account LOGIN and end its sessions."""
    from operations.users import disable_user

    _, engine = _engine(ctx)
    _run(lambda: disable_user(engine, login))
    click.echo(f"user {login} disabled")


@users_cmd.command("passwd")
@click.argument("login")
@click.option("--password-stdin", "from_stdin", is_flag=True, required=True,
              help="Read the new password from standard input (one line).")
@click.pass_context
def users_passwd(ctx: click.Context, login: str, from_stdin: bool) -> None:
    """Set a new password for LOGIN (its sessions end)."""
    from operations.users import set_password

    _, engine = _engine(ctx)
    _run(lambda: set_password(engine, login, _password()))
    click.echo(f"password of {login} changed")


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              help="Port to listen on.")
@click.pass_context
def web_cmd(ctx: click.Context, host: str, port: int) -> None:
    """Serve the staff desk (and the public form) over HTTP; put nginx with TLS in front."""
    import uvicorn

    from complaintdesk.cli_common import app_config, guard
    from pipeline.poll import build_deps

    _, config = app_config(ctx)
    deps = guard(lambda: build_deps(config, workers=0))  # register-aside reads mail inline
    app = build_web_app(config, deps)
    uvicorn.run(app, host=host, port=port, access_log=False, proxy_headers=True,
                forwarded_allow_ips=",".join(config.web.trusted_proxies), log_config=None)


def build_web_app(config: Any, deps: Any) -> Any:
    """The staff desk, with the public form (web.public, issue 13) unless form.enabled is off."""
    from operations.context import OpsContext
    from web.app import create_app
    from web.public import make_public_router

    routers = [make_public_router(config, deps)] if config.form.enabled else []
    ops = OpsContext.from_deps(deps, config.retention, config.staff)
    return create_app(config, ops=ops, extra_routers=routers)
