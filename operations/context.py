"""The context every staff operation takes: how to open a transaction, the templates, the
clock, and the config sections the operations read (nothing else of the config).

Build it once per process (the CLI per command, the web app at start-up) and pass it to any
operation::

    ctx = OpsContext.from_config(config)          # opens the journal (schema checked)
    operations.appeals.assign(ctx, "12/2026", "egais", actor="ivanova")

``ctx.transaction()`` is the one way operations touch the journal: a session that commits when
the block ends normally and rolls back when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment
from sqlalchemy import Engine
from sqlmodel import Session

from base.config import (
    Config,
    DepartmentSettings,
    JournalSettings,
    OrganisationSettings,
    PersonSettings,
    RetentionSettings,
    StaffSettings,
)
from base.timeutil import utcnow
from pipeline.digest import DigestSources
from pipeline.deps import Deps, build_deps


@dataclass(frozen=True)
class OpsContext:
    """What staff operations need; ``pipeline`` is the mail path's Deps (register-aside
    registers a kept mail exactly as the pipeline would)."""

    engine: Engine
    env: Environment
    organisation: OrganisationSettings
    journal: JournalSettings
    departments: tuple[DepartmentSettings, ...]
    retention: RetentionSettings
    storage_path: Path
    sender: str
    digest: DigestSources
    pipeline: Deps
    now: Callable[[], datetime] = utcnow
    staff: StaffSettings = StaffSettings()  # OS login -> staff name (issue 11)
    people: tuple[PersonSettings, ...] = ()

    @classmethod
    def from_deps(cls, deps: Deps, retention: RetentionSettings,
                  staff: StaffSettings | None = None) -> OpsContext:
        return cls(engine=deps.engine, env=deps.env, organisation=deps.organisation,
                   journal=deps.journal, departments=deps.departments, retention=retention,
                   storage_path=deps.storage.path, sender=deps.smtp.sender,
                   digest=DigestSources.from_deps(deps), pipeline=deps, now=deps.now,
                   staff=staff or StaffSettings(), people=deps.people)

    @classmethod
    def from_config(cls, config: Config) -> OpsContext:
        """Open the journal (refusing an old schema) and the templates; no worker processes."""
        return cls.from_deps(build_deps(config, workers=0), config.retention, config.staff)

    @property
    def timezone(self) -> str:
        return self.organisation.timezone

    def department(self, key: str | None) -> DepartmentSettings | None:
        return next((d for d in self.departments if d.key == key), None)

    def department_titles(self) -> dict[str, str]:
        return {d.key: d.title for d in self.departments}

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with Session(self.engine) as session:
            yield session
            session.commit()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: whatever the block did is rolled back."""
        with Session(self.engine) as session:
            yield session
            session.rollback()
