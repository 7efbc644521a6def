"""The daily digest of deadlines (3.7; measures 4.1, 4.2): who gets which list, and its text.

Pure: one digest per assignee (to their address in ``people``, else to their department's
address), one with everything to the sales department (``digest.all_appeals_to``, regulation
1.4), and nothing to anybody with nothing to report. Reading the due list from the journal and
queuing the digests is pipeline.digest's job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from journal.types import DueAppeal, DueList, DueMeasure
from replies.message import OutgoingMessage

log = logging.getLogger(__name__)

TEMPLATE = "digest.ru.txt.j2"
PURPOSE = "digest"


@dataclass(frozen=True)
class DigestPlan:
    """One digest: to whom, and what they have to act on."""

    address: str
    name: str | None  # the assignee; None for the digest of everything
    due: DueList
    everything: bool = False


def plan_digests(due: DueList, people: Mapping[str, str | None],
                 department_emails: Mapping[str, str | None],
                 all_to: str | None) -> list[DigestPlan]:
    """Who gets a digest. An assignee whose address is ``all_to`` gets only the full one."""
    plans = []
    for name in due.people():
        mine = due.for_person(name)
        address = people.get(name) or _department_address(mine, department_emails)
        if mine.empty or not address:
            if not mine.empty:
                log.warning("digest: no address for assignee %r (people or department email)", name)
            continue
        if address.lower() != (all_to or "").lower():
            plans.append(DigestPlan(address, name, mine))
    if all_to and not due.empty:
        plans.append(DigestPlan(all_to, None, due, everything=True))
    return plans


def _department_address(due: DueList, emails: Mapping[str, str | None]) -> str | None:
    departments = [a.department for a in (*due.overdue, *due.due_soon, *due.news)]
    departments += [m.appeal_department for m in due.overdue_measures]
    return next((emails[d] for d in departments if d and emails.get(d)), None)


def render_digest(plan: DigestPlan, env: Environment, organisation: Mapping[str, Any],
                  deadline_days: int) -> OutgoingMessage:
    due = plan.due
    values = {
        "recipient_name": plan.name, "everything": plan.everything,
        "today": f"{due.today:%d.%m.%Y}", "days_ahead": due.days_ahead,
        "overdue": [_appeal(a) for a in due.overdue],
        "due_soon": [_appeal(a) for a in due.due_soon],
        "overdue_measures": [_measure(m) for m in due.overdue_measures],
        "news": [_appeal(a) for a in due.news],
        "organisation": dict(organisation), "deadline_days": deadline_days,
    }
    return OutgoingMessage(purpose=PURPOSE, to_address=plan.address, to_name=plan.name,
                           subject=digest_subject(due),
                           text=env.get_template(TEMPLATE).render(values),
                           auto_submitted=True)


def digest_subject(due: DueList) -> str:
    parts = [f"просрочено — {len(due.overdue)}", f"срок истекает — {len(due.due_soon)}"]
    if due.overdue_measures:
        parts.append(f"просрочено мер — {len(due.overdue_measures)}")
    if due.news:
        parts.append(f"новые письма заявителей — {len(due.news)}")
    return f"Сроки по обращениям на {due.today:%d.%m.%Y}: " + ", ".join(parts)


def days_phrase(days_left: int) -> str:
    """«осталось 2 дня», «срок сегодня», «просрочено на 5 дней»."""
    if days_left == 0:
        return "срок сегодня"
    if days_left > 0:
        return f"{'остался' if _form(days_left) == 0 else 'осталось'} {count_days(days_left)}"
    return f"просрочено на {count_days(-days_left)}"


def count_days(n: int) -> str:
    return f"{n} {('день', 'дня', 'дней')[_form(n)]}"


def _form(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


def _appeal(a: DueAppeal) -> dict[str, Any]:
    return {"number": a.number, "subject": a.subject, "applicant": a.applicant,
            "assignee": a.assignee, "due_date": f"{a.due_on:%d.%m.%Y}",
            "when": days_phrase(a.days_left)}


def _measure(m: DueMeasure) -> dict[str, Any]:
    return {"appeal_number": m.appeal_number, "what": m.what, "who": m.who,
            "due_date": f"{m.due_on:%d.%m.%Y}", "when": days_phrase(-m.days_overdue)}
