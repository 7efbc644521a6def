"""The journal's schema version (Alembic): create a fresh journal at the newest revision,
upgrade an existing one in place, and tell whether a journal is current.

A journal made before migrations existed (tables but no alembic_version) is taken to be at the
first revision, which is exactly that schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from base.errors import JournalError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"


def _alembic(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The journal's revision; None for an empty database."""
    try:
        with engine.connect() as conn:
            rev = MigrationContext.configure(conn).get_current_revision()
            if rev is None and inspect(conn).has_table("appeal"):
                return BASELINE
            return rev
    except SQLAlchemyError as exc:
        raise JournalError(f"cannot open the journal database: {_first_line(exc)}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the journal to ``revision`` (creating it when empty)."""
    try:
        with engine.connect() as conn:
            # SQLite: a batch migration copies a table and drops the old one, which the rows
            # pointing at it would refuse; the keys are off for the migration (switched on the
            # driver's connection, outside any transaction, where SQLite honours it) and every
            # reference is checked after it
            raw: Any = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                _upgrade_in(conn, engine, revision)
            if raw is not None:
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                raw.execute("PRAGMA foreign_keys = ON")
                if broken:
                    raise JournalError(f"journal migration left {len(broken)} broken references")
    except SQLAlchemyError as exc:
        raise JournalError(f"journal migration failed: {_first_line(exc)}") from exc


def _upgrade_in(conn: Connection, engine: Engine, revision: str) -> None:
    cfg = _alembic(engine)
    cfg.attributes["connection"] = conn
    if MigrationContext.configure(conn).get_current_revision() is None and \
            inspect(conn).has_table("appeal"):
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, revision)


def ensure_current(engine: Engine) -> None:
    """A fresh database is created at head; an old one is refused with a one-line hint."""
    current = current_revision(engine)
    if current is None:
        upgrade(engine)
        return
    if current != head_revision():
        raise JournalError(f"the journal schema is at revision {current}, this version needs "
                           f"{head_revision()}: run `complaintdesk migrate` first")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).splitlines()[0][:200] if str(orig) else type(exc).__name__
