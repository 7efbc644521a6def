"""A complete complaintdesk wired to the real servers: a fresh Dovecot user, an aiosmtpd sink,
and a journal on SQLite or PostgreSQL. Each test gets its own."""

from __future__ import annotations

import itertools
import os
import pwd
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from complaintdesk.cli import main
from base.config import Config, load_config
from pipeline.poll import build_deps

REPO = Path(__file__).resolve().parents[2]
STAFF_LOGIN = pwd.getpwuid(os.getuid()).pw_name
STAFF_NAME = "Михайлов Дмитрий"
_databases = itertools.count(1)


@dataclass
class Desk:
    config_path: Path
    user: str
    dovecot: Any
    sink: Any

    @property
    def config(self) -> Config:
        return load_config(self.config_path)

    def deps(self) -> Any:
        return build_deps(self.config)

    def append(self, data: bytes, flags: tuple[str, ...] = ()) -> int | None:
        return self.dovecot.append(self.user, "INBOX", data, flags)

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config_path), *args],
                                  catch_exceptions=False)

    def poll(self) -> str:
        result = self.cli("poll", "--once")
        assert result.exit_code == 0, result.output
        return result.output

    def rows(self, model: Any) -> list[Any]:
        with Session(self.deps().engine) as session:
            return list(session.exec(select(model)))


def write_config(path: Path, **sections: dict[str, Any]) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    server = request.getfixturevalue("postgres")
    return server.create_database(f"desk_{os.getpid()}_{next(_databases)}")


@pytest.fixture
def desk_factory(dovecot: Any, smtp_sink_factory: Callable[..., Any], ca_file: Path,
                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Desk]:
    counter = itertools.count(1)

    def make(database_url: str | None = None, **overrides: dict[str, Any]) -> Desk:
        n = next(counter)
        user = f"desk{os.getpid()}x{n}x{tmp_path.name[-12:].replace('_', '')}"
        dovecot.add_user(user, f"pw-{user}")
        sink = smtp_sink_factory("smtps", auth=("complaintdesk", "secret-smtp"))
        monkeypatch.setenv("CD_TEST_IMAP_PW", f"pw-{user}")
        monkeypatch.setenv("CD_TEST_SMTP_PW", "secret-smtp")
        root = tmp_path / f"desk{n}"
        root.mkdir()
        sections: dict[str, dict[str, Any]] = {
            "mailbox": {"host": "127.0.0.1", "port": dovecot.port, "security": "ssl",
                        "ca_file": str(ca_file), "username": user,
                        "password_env": "CD_TEST_IMAP_PW"},
            "smtp": {"host": "127.0.0.1", "port": sink.port, "security": "ssl",
                     "ca_file": str(ca_file), "username": "complaintdesk",
                     "password_env": "CD_TEST_SMTP_PW", "retry_base_seconds": 1},
            "database": {"url": database_url or f"sqlite:///{root / 'journal.sqlite3'}"},
            "storage": {"path": str(root / "var")},
            "templates": {"path": str(REPO / "templates")},
            # tests send many mails from one address; the limits have tests of their own
            "limits": {"auto_per_recipient_per_hour": 1000, "auto_global_per_hour": 100000},
            # the account running the tests is a staff member (issue 11: the actor's name)
            "staff": {"os_users": {STAFF_LOGIN: STAFF_NAME}},
        }
        for key, values in overrides.items():
            sections[key] = {**sections.get(key, {}), **values}
        path = write_config(root / "config.yaml", **sections)
        return Desk(path, user, dovecot, sink)

    return make


@pytest.fixture
def desk(desk_factory: Callable[..., Desk], database_url: str) -> Iterator[Desk]:
    yield desk_factory(database_url)
