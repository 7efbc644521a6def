"""Opening the journal database: SQLite (WAL, synchronous writes, immediate transactions) or
PostgreSQL, by URL. Only this module knows the dialect differences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from journal import models  # noqa: F401  (registers the tables)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and BEGIN IMMEDIATE so two workers serialise."""
    if url.startswith("sqlite"):
        _make_parent(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _make_parent(url: str) -> None:
    """The journal holds personal data: its folder 0700, the file 0600 (SQLite gives its -wal
    and -shm files the database file's permissions)."""
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = Path(path)
        target.touch(mode=0o600, exist_ok=True)
        target.chmod(0o600)


def describe_db_error(exc: BaseException) -> str:
    """One line about a database failure, without SQL parameters (they hold personal data)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    return f"{type(orig).__name__}: {text[:200]}" if text else type(orig).__name__


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_schema(engine: Engine) -> None:
    """Create the journal at the newest schema when empty; refuse an old one with a hint."""
    from journal.schema import ensure_current

    ensure_current(engine)
