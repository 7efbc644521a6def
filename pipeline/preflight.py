"""What the daemon needs before it touches a mail, checked without touching one: every template
renders with a sample appeal (text and HTML, StrictUndefined), the store is writable, the journal
is reachable and its schema current. ``check-config`` runs these; so does every poll, before
anything is fetched, so a fault of the service never reaches a mail (pipeline.faults).

Each problem is one line that names the key or the file and says what to do.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from jinja2 import Environment, TemplateError
from sqlalchemy import Engine

from base.config import Config
from pipeline.deps import Deps
from base.errors import DaemonError
from classify.types import Applicant
from pipeline.faults import NOTHING_LOST
from journal.types import DueAppeal, DueList
from journal.db import make_engine
from journal.schema import current_revision, head_revision
from replies.acknowledge import TEMPLATE, AckContext, render_acknowledgement
from replies.compose import EarlierReply, MeasureItem, ReplyContext, render_reply
from replies.digest import DigestPlan, render_digest
from replies.render import make_environment, template_origins
from replies.templates import scan_templates

SAMPLE_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
# the sections read here (organisation, departments, journal, storage): the whole Config of
# `check-config`, or the Deps of a poll
Sections = Config | Deps


def template_problems(env: Environment, config: Sections) -> list[str]:
    """Render the acknowledgement, the digest and every reply template with a sample appeal."""
    org = config.organisation.model_dump()
    problems = []
    renders: list[tuple[str, Callable[[], object]]] = [
        (TEMPLATE, lambda: render_acknowledgement(_ack_context(config), env)),
        ("digest.ru.txt.j2", lambda: render_digest(_digest_plan(), env, org, 10)),
    ]
    for name, render in renders:
        try:
            render()
        except (TemplateError, DaemonError) as exc:
            problems.append(f"template {name}: {_describe(exc)}")
    problems += _compile_problems(env)
    found, broken = scan_templates(env)
    problems += [f"templates: {line}" for line in broken]
    context = _reply_context(config)
    for template in found:
        values = {n: f"пример ({n})" for n, _ in (*template.fields, *template.optional)}
        try:
            render_reply(template, context, values, env, SAMPLE_NOW)
        except (TemplateError, DaemonError) as exc:
            problems.append(f"template {template.name}: {_describe(exc)}")
    return problems


def _compile_problems(env: Environment) -> list[str]:
    """Every template file, the branch's and the packaged ones, must at least compile."""
    problems = []
    for name, path in template_origins(env).items():
        try:
            env.get_template(name)
        except TemplateError as exc:
            problems.append(f"template {path}: {_describe(exc)}")
    return problems


def store_problem(config: Sections) -> str | None:
    """None when a file can be created, synced and removed in storage.path."""
    root = config.storage.path
    probe = root / f".complaintdesk-write-test-{uuid.uuid4().hex}"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"x")
            os.fsync(fd)
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as exc:
        return f"storage.path: {root} is not writable ({exc.strerror}); fix its owner or mode"
    return None


def journal_problem(engine: Engine) -> str | None:
    """None when the journal answers and is at the schema this version needs."""
    try:
        current = current_revision(engine)
    except DaemonError as exc:
        return f"database.url: {exc}"
    if current is not None and current != head_revision():
        return (f"database.url: the journal schema is at revision {current}, this version needs "
                f"{head_revision()}: run `complaintdesk migrate`")
    return None


def preflight_problems(config: Sections, env: Environment, engine: Engine) -> list[str]:
    """Everything above, in the order an administrator would fix it."""
    problems = template_problems(env, config)
    problems += [p for p in (store_problem(config), journal_problem(engine)) if p]
    return problems


def service_problems(config: Config) -> list[str]:
    """The checks of `check-config` on a config alone: it opens (and closes) its own journal
    engine and template environment."""
    problems = template_problems(make_environment(config.templates.path), config)
    problems += [p for p in (store_problem(config),) if p]
    try:
        engine = make_engine(config.database.url)
    except (OSError, DaemonError) as exc:
        return [*problems, f"database.url: cannot open the journal ({exc})"]
    try:
        problems += [p for p in (journal_problem(engine),) if p]
    finally:
        engine.dispose()
    return problems


def preflight_fault(deps: Deps) -> str | None:
    """The line a poll stops with when the service cannot work (see pipeline.faults)."""
    problems = preflight_problems(deps, deps.env, deps.engine)
    if not problems:
        return None
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"not polled: {problems[0]}{more}; {NOTHING_LOST}; `complaintdesk check-config` lists all"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if type(exc).__name__ == "TemplateNotFound":
        text = f"template {text} not found (templates.path or the packaged set)"
    return text.splitlines()[0][:240]


def _applicant() -> Applicant:
    return Applicant(type="individual", last_name="Иванова", first_name="Мария",
                     middle_name="Петровна", email="m.ivanova@mail.invalid")


def _ack_context(config: Sections) -> AckContext:
    return AckContext(
        number="1/2026", received_at=SAMPLE_NOW, due_at=SAMPLE_NOW + timedelta(days=10),
        timezone=config.organisation.timezone, applicant=_applicant(),
        to_address="m.ivanova@mail.invalid", subject="Жалоба на качество товара",
        department_title=config.departments[0].title, missing_documents=("claim_form", "defect_photos"),
        client_message_id="<sample@mail.invalid>", client_references=(),
        organisation=config.organisation.model_dump(),
        deadline_days=config.journal.deadline_days)


def _reply_context(config: Sections) -> ReplyContext:
    return ReplyContext(
        number="1/2026", received_at=SAMPLE_NOW, due_at=SAMPLE_NOW + timedelta(days=10),
        timezone=config.organisation.timezone, applicant=_applicant(),
        to_address="m.ivanova@mail.invalid", subject="Жалоба на качество товара",
        department_title=config.departments[0].title, assignee=config.departments[0].assignee,
        organisation=config.organisation.model_dump(), in_reply_to="<sample@mail.invalid>",
        references=("<sample@mail.invalid>",), missing_documents=("claim_form", "defect_photos"),
        measures=(MeasureItem("Проведена проверка", "Отдел продаж", date(2026, 12, 1)),),
        earlier=(EarlierReply("1/2026", SAMPLE_NOW, "Re: Жалоба [№ 1/2026]", "answer", True),),
        earlier_appeal=("1/2025", SAMPLE_NOW - timedelta(days=300)),
        deadline_days=config.journal.deadline_days)


def _digest_plan() -> DigestPlan:
    appeal = DueAppeal("1/2026", "Жалоба", "Иванова Мария Петровна", "sales", "Отдел продаж",
                       "registered", date(2026, 12, 5), 2)
    due = DueList(today=date(2026, 12, 3), days_ahead=3, due_soon=(appeal,), overdue=(appeal,))
    return DigestPlan("otdel@mail.invalid", "Отдел продаж", due)

