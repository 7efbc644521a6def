"""What every CLI module shares: the click context object, the operations context and the
mail path's Deps built from it, common options and input parsing, and errors turned into
one-line messages and exit codes (house style 5: only the CLI does that)."""

from __future__ import annotations

import functools
import logging
import os
import pwd
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from base.config import Config, load_config
from base.errors import ConfigError, DaemonError
from operations.context import OpsContext
from operations.validation import staff_name
from pipeline.deps import Deps

T = TypeVar("T")


class ConfigProblem(click.ClickException):
    """A bad config: one line naming the key, exit code 2."""

    exit_code = 2


@dataclass
class AppContext:
    config_path: Path
    _config: Config | None = field(default=None, repr=False)

    def load_config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                raise ConfigProblem(str(exc)) from None
        return self._config

    def check_passwords(self, *sections: str) -> None:
        config = self.load_config()
        try:
            for section in sections:
                if section == "mailbox":
                    for i, box in enumerate(config.all_mailboxes()):
                        box.password("mailbox" if i == 0 else f"mailboxes.{i - 1}")
                else:
                    getattr(config, section).password(section)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def app_config(ctx: click.Context, *, logging_on: bool = True) -> tuple[AppContext, Config]:
    """The root's AppContext and the loaded config; logging set up unless ``logging_on`` is off."""
    app: AppContext = ctx.find_root().obj
    config = app.load_config()
    if logging_on:
        setup_logging(ctx.find_root().meta.get("log_level") or config.daemon.log_level)
    return app, config


def pipeline_deps(config: Config) -> Deps:
    """The mail path's Deps (opens the journal); a failure is one line."""
    from pipeline.deps import build_deps

    return guard(lambda: build_deps(config))


def ops_context(ctx: click.Context) -> OpsContext:
    """The operations' context for a staff command (no logging set-up, no worker processes)."""
    _, config = app_config(ctx, logging_on=False)
    return guard(lambda: OpsContext.from_config(config))


def guard(work: Callable[[], T]) -> T:
    """Run ``work``; a DaemonError becomes a one-line message and exit code 1."""
    try:
        return work()
    except DaemonError as exc:
        raise click.ClickException(str(exc)) from None


def login_name() -> str:
    """The OS account running this process (not $USER, which anyone can set)."""
    return pwd.getpwuid(os.getuid()).pw_name


def with_actor(fn: Callable[..., T]) -> Callable[..., T]:
    """Pass the command ``actor``: the staff member's name, from the OS account mapped in
    ``staff.os_users`` (issue 11: never a free option). An unmapped account is refused with
    one line before anything is done."""
    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> T:
        _, config = app_config(click.get_current_context(), logging_on=False)
        kwargs["actor"] = guard(lambda: staff_name(config.staff.os_users, login_name()))
        return fn(*args, **kwargs)

    return command


def parse_date(value: str) -> date:
    """25.11.2026 or 2026-11-25."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date like 25.11.2026")


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A calendar date as 25.11.2026 or 2026-11-25 (an option callback)."""
    if value is None:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date (DD.MM.YYYY or YYYY-MM-DD)", ctx, param)
