"""What the mail path needs, passed in (no global config): the edges it opens once (the
journal's engine, the templates, the analysis workers), the clock, and the config sections
each step reads, not the whole Config (house style 7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from sqlalchemy import Engine

from base.config import (
    Config,
    DaemonSettings,
    DepartmentSettings,
    DigestSettings,
    ImapSettings,
    JournalSettings,
    LimitsSettings,
    OrganisationSettings,
    PersonSettings,
    SmtpSettings,
    StorageSettings,
)
from base.timeutil import utcnow
from classify.rules import rules_from_config
from classify.types import ClassifyRules
from ingest.types import ExtractLimits
from journal.db import create_schema, make_engine
from pipeline.analysis import Analyzer
from replies.message import new_message_id
from replies.render import make_environment


@dataclass(frozen=True)
class Deps:
    """The edges, the clock and the sections: ``storage`` (store), ``journal`` and
    ``organisation``/``departments`` (record, acknowledge), ``limits`` (analysis, batches,
    automatic-mail limits), ``smtp`` (send), ``mailboxes`` (fetch; the main one first),
    ``daemon`` and ``digest``/``people`` (the daemon loop)."""

    engine: Engine
    env: Environment
    rules: ClassifyRules
    now: Callable[[], datetime]
    new_message_id: Callable[[], str]
    analyzer: Analyzer
    storage: StorageSettings
    journal: JournalSettings
    organisation: OrganisationSettings
    departments: tuple[DepartmentSettings, ...]
    limits: LimitsSettings
    smtp: SmtpSettings
    mailboxes: tuple[ImapSettings, ...]
    daemon: DaemonSettings
    digest: DigestSettings
    people: tuple[PersonSettings, ...] = ()
    # False when the caller makes stored files durable itself before committing (a batch)
    durable_blobs: bool = True
    # importing old mail: dates as written, and no acknowledgement to long-answered clients
    backfill: bool = False

    @property
    def mailbox(self) -> ImapSettings:
        """The main mailbox."""
        return self.mailboxes[0]

    def department(self, key: str | None) -> DepartmentSettings | None:
        return next((d for d in self.departments if d.key == key), None)


def build_deps(config: Config, now: Callable[[], datetime] = utcnow,
               workers: int | None = None) -> Deps:
    """Open the journal (refusing an old schema) and make everything the flow needs."""
    engine = make_engine(config.database.url)
    create_schema(engine)
    config.storage.path.mkdir(mode=0o700, parents=True, exist_ok=True)
    limits, rules, sender = config.limits, rules_from_config(config), config.smtp.sender
    return Deps(
        engine=engine, env=make_environment(config.templates.path), rules=rules, now=now,
        new_message_id=lambda: new_message_id(sender),
        analyzer=Analyzer(rules, limits.workers if workers is None else workers,
                          limits.mail_seconds, limits.mail_bytes, extract_limits(config)),
        storage=config.storage, journal=config.journal, organisation=config.organisation,
        departments=tuple(config.departments), limits=limits, smtp=config.smtp,
        mailboxes=tuple(config.all_mailboxes()), daemon=config.daemon, digest=config.digest,
        people=tuple(config.people),
    )


def extract_limits(config: Config) -> ExtractLimits | None:
    """Issue 15: the bounds on reading attachments, or None when it is switched off."""
    settings = config.attachments
    return ExtractLimits(**settings.model_dump()) if settings.enabled else None
