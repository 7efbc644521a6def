"""What the journal says about deadlines and results: the due list (3.7), the summary report
(4.3) and the rows of the Journal of received appeals (2.5). Queries only; the files are
written by journal/report_formats.py.

Every function takes the caller's session and the clock value ``now`` (aware UTC) and reads
nothing else: no config, no clock. Calendar questions ("due in 2 days", "received in
November") are asked in the organisation's time zone ``tz``.

    due soon        an open appeal due within ``days_ahead`` local days, not yet overdue
    overdue         an open appeal whose due moment (end of the local due day) has passed;
                    with the pause switch on, an appeal waiting for the client is overdue only
                    if it was so when the clock stopped
    on time / late  answered (or correspondence stopped) at or before / after the due moment
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from base.timeutil import as_utc, to_local
from journal.models import (
    ANSWERED,
    CLOSED,
    CORRESPONDENCE_STOPPED,
    ESCALATED,
    OPEN_STATUSES,
    REGISTERED,
    UNDER_REVIEW,
    WAITING_FOR_CLIENT,
    Appeal,
    AuditEvent,
    Measure,
)
from journal.types import DueAppeal, DueList, DueMeasure

KIND_LABELS = {"complaint": "жалоба", "claim": "претензия", "appeal": "обращение",
               "suggestion": "предложение", None: "не определён"}
OUTCOME_LABELS = {"upheld": "удовлетворено", "partly_upheld": "удовлетворено частично",
                  "rejected": "отказано", "answered": "дан ответ (разъяснение)",
                  None: "не указан"}
STATUS_LABELS = {REGISTERED: "зарегистрировано", UNDER_REVIEW: "на рассмотрении",
                 WAITING_FOR_CLIENT: "ожидание заявителя",
                 ESCALATED: "передано в головную организацию",
                 ANSWERED: "дан ответ", CLOSED: "закрыто",
                 CORRESPONDENCE_STOPPED: "переписка прекращена"}


def due_list(session: Session, now: datetime, days_ahead: int, tz: str,
             assignee: str | None = None) -> DueList:
    """Open appeals due within ``days_ahead`` days or overdue, and measures past their date."""
    today = local_date(now, tz)
    horizon = day_start(today + timedelta(days=days_ahead + 1), tz)
    query = select(Appeal).where(col(Appeal.status).in_(OPEN_STATUSES),
                                 col(Appeal.due_at) < horizon)
    if assignee:
        query = query.where(Appeal.assignee == assignee)
    soon, overdue = [], []
    for appeal in session.exec(query.order_by(col(Appeal.due_at), col(Appeal.id))):
        item = _due_appeal(appeal, today, tz)
        if is_overdue(appeal, now):
            overdue.append(item)
        elif not item.paused:
            soon.append(item)
    measures = overdue_measures(session, today, assignee)
    return DueList(today, days_ahead, tuple(soon), tuple(overdue), tuple(measures),
                   tuple(_news(session, today, tz, assignee)))


def _news(session: Session, today: date, tz: str, assignee: str | None) -> list[DueAppeal]:
    """Appeals with a client's message the assignee has not yet read (issue 11)."""
    query = select(Appeal).where(col(Appeal.news_since).is_not(None),
                                 col(Appeal.purged_at).is_(None))
    if assignee:
        query = query.where(Appeal.assignee == assignee)
    return [_due_appeal(a, today, tz) for a in session.exec(query.order_by(col(Appeal.news_since)))]


def overdue_measures(session: Session, today: date,
                     assignee: str | None = None) -> list[DueMeasure]:
    query = (select(Measure, Appeal).join(Appeal, col(Measure.appeal_id) == col(Appeal.id))
             .where(col(Measure.done_on).is_(None), col(Measure.due_on) < today)
             .order_by(col(Measure.due_on), col(Measure.id)))
    rows = [
        DueMeasure(appeal.number, appeal.assignee, appeal.department, m.what, m.who, m.due_on,
                   (today - m.due_on).days)
        for m, appeal in session.exec(query)
    ]
    return [m for m in rows if assignee is None or assignee in (m.who, m.appeal_assignee)]


def _due_appeal(appeal: Appeal, today: date, tz: str) -> DueAppeal:
    due_on = local_date(appeal.due_at, tz)
    return DueAppeal(appeal.number, appeal.subject, appeal.applicant_name, appeal.department,
                     appeal.assignee, appeal.status, due_on, (due_on - today).days,
                     appeal.paused_since is not None)


def is_overdue(appeal: Appeal, now: datetime) -> bool:
    """Open and past its due moment; a paused clock (3.7 switch) counts up to the pause only."""
    if appeal.status not in OPEN_STATUSES:
        return False
    if appeal.paused_since is not None:
        return as_utc(appeal.due_at) < as_utc(appeal.paused_since)
    return as_utc(appeal.due_at) < now


def local_date(moment: datetime, tz: str) -> date:
    return to_local(moment, tz).date()


def day_start(day: date, tz: str) -> datetime:
    """The first moment of local ``day``, in UTC."""
    return as_utc(datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz)))


@dataclass(frozen=True)
class Report:
    """The summary report (4.3) on the appeals received from ``date_from`` to ``date_to``
    (local dates, both included), as of ``today``. Measures are those of these appeals."""

    date_from: date
    date_to: date
    today: date
    total: int = 0
    by_kind: dict[str | None, int] = field(default_factory=dict)
    by_department: dict[str | None, int] = field(default_factory=dict)
    by_assignee: dict[str | None, int] = field(default_factory=dict)
    anonymous: int = 0
    named: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    open_overdue: int = 0
    outcomes: dict[str | None, int] = field(default_factory=dict)
    measures_planned: int = 0
    measures_done: int = 0
    measures_overdue: int = 0
    repeats: int = 0
    department_titles: dict[str, str] = field(default_factory=dict)


def build_report(session: Session, date_from: date, date_to: date, now: datetime, tz: str,
                 department_titles: dict[str, str] | None = None) -> Report:
    appeals = appeals_received(session, date_from, date_to, tz)
    done = answered_times(session, appeals)
    timing = Counter(_timing(a, done.get(a.id or 0), now) for a in appeals)
    measures = _measures_received(session, date_from, date_to, tz)
    today = local_date(now, tz)
    return Report(
        date_from=date_from, date_to=date_to, today=today, total=len(appeals),
        by_kind=_count(a.kind for a in appeals),
        by_department=_count(a.department for a in appeals),
        by_assignee=_count(a.assignee for a in appeals),
        anonymous=sum(a.anonymous for a in appeals), named=sum(not a.anonymous for a in appeals),
        on_time=timing["on_time"], late=timing["late"],
        open=timing["open"] + timing["open_overdue"], open_overdue=timing["open_overdue"],
        outcomes=_count(a.outcome for a in appeals),
        measures_planned=len(measures),
        measures_done=sum(m.done_on is not None for m in measures),
        measures_overdue=sum(m.done_on is None and m.due_on < today for m in measures),
        repeats=sum(a.repeat_of_id is not None for a in appeals),
        department_titles=dict(department_titles or {}),
    )


def appeals_received(session: Session, date_from: date | None, date_to: date | None,
                     tz: str) -> list[Appeal]:
    """Appeals received on local dates ``date_from``..``date_to`` (either open), by number."""
    query = select(Appeal)
    if date_from is not None:
        query = query.where(col(Appeal.received_at) >= day_start(date_from, tz))
    if date_to is not None:
        query = query.where(col(Appeal.received_at) < day_start(date_to + timedelta(days=1), tz))
    return list(session.exec(query.order_by(col(Appeal.year), col(Appeal.seq))))


def answered_times(session: Session, appeals: list[Appeal]) -> dict[int, datetime]:
    """When each finished appeal got its answer: ``answered_at``; else, for correspondence
    stopped (2.4), the moment of that status change from the audit trail; else ``closed_at``."""
    times = {a.id or 0: as_utc(a.answered_at) for a in appeals if a.answered_at}
    missing = [a.id for a in appeals if not a.answered_at and a.status not in OPEN_STATUSES]
    if missing:
        query = select(AuditEvent).where(col(AuditEvent.appeal_id).in_(missing),
                                         AuditEvent.action == "status",
                                         AuditEvent.to_value == CORRESPONDENCE_STOPPED)
        for event in session.exec(query.order_by(col(AuditEvent.id))):
            times.setdefault(event.appeal_id, as_utc(event.at))
    for a in appeals:
        if a.id not in times and a.closed_at and a.status not in OPEN_STATUSES:
            times[a.id or 0] = as_utc(a.closed_at)
    return times


def _timing(appeal: Appeal, done_at: datetime | None, now: datetime) -> str:
    if appeal.status in OPEN_STATUSES or done_at is None:
        return "open_overdue" if is_overdue(appeal, now) else "open"
    return "on_time" if done_at <= as_utc(appeal.due_at) else "late"


def _measures_received(session: Session, date_from: date, date_to: date, tz: str) -> list[Measure]:
    """The measures of the appeals received in the period."""
    query = (select(Measure).join(Appeal, col(Measure.appeal_id) == col(Appeal.id))
             .where(col(Appeal.received_at) >= day_start(date_from, tz),
                    col(Appeal.received_at) < day_start(date_to + timedelta(days=1), tz)))
    return list(session.exec(query.order_by(col(Measure.appeal_id), col(Measure.id))))


def _count(values: object) -> dict[str | None, int]:
    counts = Counter(values)  # type: ignore[call-overload]
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or "")))


EXPORT_COLUMNS = ("Рег. №", "Дата поступления", "Заявитель", "Адрес", "Телефон", "Анонимное",
                  "Вид обращения", "Краткое содержание", "Подразделение", "Исполнитель",
                  "Срок ответа", "Дата ответа", "Состояние", "Результат рассмотрения", "Меры",
                  "Повторное к №")
DATE_COLUMNS = frozenset({"Дата поступления", "Срок ответа", "Дата ответа"})


def export_rows(session: Session, tz: str, date_from: date | None = None,
                date_to: date | None = None,
                department_titles: dict[str, str] | None = None) -> list[dict[str, object]]:
    """The Journal of received appeals (2.5): one dict per appeal keyed by EXPORT_COLUMNS;
    dates are local ``date`` values, empty cells None."""
    appeals = appeals_received(session, date_from, date_to, tz)
    done = answered_times(session, appeals)
    measures = _measures_by_appeal(session, [a.id or 0 for a in appeals])
    earlier = _numbers(session, {a.repeat_of_id for a in appeals if a.repeat_of_id})
    titles = department_titles or {}
    return [_export_row(a, tz, done.get(a.id or 0), measures.get(a.id or 0, []), earlier, titles)
            for a in appeals]


def _export_row(a: Appeal, tz: str, done_at: datetime | None, measures: list[Measure],
                earlier: dict[int, str], titles: dict[str, str]) -> dict[str, object]:
    who = json.loads(a.applicant_json or "{}")
    address = "; ".join(v for v in (who.get("postal_address"), who.get("email")) if v)
    outcome = OUTCOME_LABELS.get(a.outcome, a.outcome) if a.outcome else None
    values = (a.number, local_date(a.received_at, tz), a.applicant_name, address or None,
              who.get("phone"), "да" if a.anonymous else "нет", KIND_LABELS.get(a.kind, a.kind),
              summary(a.subject, a.text), titles.get(a.department or "", a.department),
              a.assignee, local_date(a.due_at, tz), local_date(done_at, tz) if done_at else None,
              STATUS_LABELS.get(a.status, a.status),
              f"{outcome}: {a.outcome_text}" if outcome and a.outcome_text else outcome,
              "\n".join(_measure_text(i, m) for i, m in enumerate(measures, 1)) or None,
              earlier.get(a.repeat_of_id or 0))
    return dict(zip(EXPORT_COLUMNS, values, strict=True))


def summary(subject: str, text: str, limit: int = 200) -> str:
    """«Subject»: the first words of the text, on one line, at most ``limit`` characters."""
    body = " ".join(text.split())
    if len(body) > limit:
        body = body[:limit].rsplit(" ", 1)[0] + "…"
    subject = " ".join(subject.split())
    return f"«{subject}»: {body}" if subject and body else subject or body


def _measure_text(i: int, m: Measure) -> str:
    done = f", выполнено {m.done_on:%d.%m.%Y}" if m.done_on else ""
    return f"{i}. {m.what} — {m.who}, срок {m.due_on:%d.%m.%Y}{done}"


def _measures_by_appeal(session: Session, appeal_ids: list[int]) -> dict[int, list[Measure]]:
    found: dict[int, list[Measure]] = {}
    for chunk in range(0, len(appeal_ids), 500):
        query = select(Measure).where(col(Measure.appeal_id).in_(appeal_ids[chunk:chunk + 500]))
        for m in session.exec(query.order_by(col(Measure.id))):
            found.setdefault(m.appeal_id, []).append(m)
    return found


def _numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Appeal.id, Appeal.number).where(col(Appeal.id).in_(sorted(ids)))
    return {i: n for i, n in session.exec(query) if i is not None}
