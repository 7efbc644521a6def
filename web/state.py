"""What the desk's handlers share, built once per app: config, the journal engine, the reply
templates, the page templates, the login limiters and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from base.config import Config
from base.timeutil import format_date, format_datetime
from operations.context import OpsContext
from web.ratelimit import RateLimiter

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@dataclass
class DeskState:
    config: Config
    ops: OpsContext  # what every operation takes: the journal, the reply templates, the clock
    pages: Environment = field(default_factory=lambda: page_environment("Europe/Moscow"))
    per_login: RateLimiter = field(default_factory=lambda: RateLimiter(5, 900))
    per_address: RateLimiter = field(default_factory=lambda: RateLimiter(20, 900))
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> str:
        return self.config.organisation.timezone

    @property
    def engine(self) -> Any:
        return self.ops.engine

    def now(self) -> datetime:
        return self.ops.now()


def page_environment(tz: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = lambda v: format_date(v, tz) if v else "—"
    env.filters["datetime"] = lambda v: format_datetime(v, tz) if v else "—"
    env.filters["ddmmyyyy"] = lambda v: v.strftime("%d.%m.%Y") if v else "—"
    return env


def desk(request: Request) -> DeskState:
    state: DeskState = request.app.state.desk
    return state
