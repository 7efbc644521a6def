"""The digest (3.7): who gets what, the Russian day counts, and the template (StrictUndefined)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from journal.types import DueAppeal, DueList, DueMeasure
from replies.digest import days_phrase, plan_digests, render_digest
from replies.render import make_environment

REPO = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 25)
ORG = {"name": "АО «ЦентрИнформ»", "branch": "Белгородский филиал"}


def _appeal(number: str, assignee: str | None, days_left: int, dept: str = "egais") -> DueAppeal:
    return DueAppeal(number, f"Тема {number}", "Иванов Иван", dept, assignee, "registered",
                     date.fromordinal(TODAY.toordinal() + days_left), days_left)


DUE = DueList(
    TODAY, 3,
    due_soon=(_appeal("4/2026", "Михайлов Дмитрий", 1),),
    overdue=(_appeal("1/2026", "Михайлов Дмитрий", -5), _appeal("6/2026", None, -2, "sales")),
    overdue_measures=(DueMeasure("2/2026", "Отдел продаж", "eias_fst", "Заменить ключ",
                                 "Легкий Валерий", date(2026, 11, 22), 3),),
)
PEOPLE = {"Михайлов Дмитрий": "d@x.ru", "Отдел продаж": "sales@x.ru"}


@pytest.mark.parametrize(("days", "text"), [
    (0, "срок сегодня"), (1, "остался 1 день"), (3, "осталось 3 дня"), (5, "осталось 5 дней"),
    (11, "осталось 11 дней"), (21, "остался 21 день"), (-1, "просрочено на 1 день"),
    (-12, "просрочено на 12 дней"), (-22, "просрочено на 22 дня"),
])
def test_days_phrase(days: int, text: str) -> None:
    assert days_phrase(days) == text


def test_each_assignee_gets_their_own_and_sales_gets_everything() -> None:
    departments = {"egais": "egais@x.ru", "eias_fst": "eias@x.ru", "sales": "sales@x.ru"}
    plans = plan_digests(DUE, PEOPLE, departments, "sales@x.ru")
    by_address = {p.address: p for p in plans}
    # Отдел продаж's own address is the all-appeals one: it gets only the full digest
    assert [p.address for p in plans] == ["eias@x.ru", "d@x.ru", "sales@x.ru"]
    mine = by_address["d@x.ru"].due
    assert [a.number for a in mine.overdue + mine.due_soon] == ["1/2026", "4/2026"]
    assert not mine.overdue_measures
    # Легкий is in no `people` entry: the address of his measure's department is used
    legkiy = by_address["eias@x.ru"]
    assert legkiy.name == "Легкий Валерий" and not legkiy.due.overdue
    assert [m.what for m in legkiy.due.overdue_measures] == ["Заменить ключ"]
    assert by_address["sales@x.ru"].everything and by_address["sales@x.ru"].due == DUE


def test_nobody_with_nothing_to_report_gets_mail() -> None:
    assert plan_digests(DueList(TODAY, 3), PEOPLE, {}, "sales@x.ru") == []


def test_template_renders_strictly() -> None:
    env = make_environment(REPO / "templates")
    plan = plan_digests(DUE, PEOPLE, {}, "sales@x.ru")[-1]
    out = render_digest(plan, env, ORG, 10)
    assert out.purpose == "digest" and out.to_address == "sales@x.ru" and out.auto_submitted
    assert out.subject == ("Сроки по обращениям на 25.11.2026: просрочено — 2, "
                           "срок истекает — 1, просрочено мер — 1")
    assert "ПРОСРОЧЕНЫ (2):" in out.text
    assert "№ 1/2026 — «Тема 1/2026», Иванов Иван" in out.text
    assert "срок ответа 20.11.2026, просрочено на 5 дней; исполнитель: Михайлов Дмитрий" in out.text
    assert "СРОК ИСТЕКАЕТ В БЛИЖАЙШИЕ 3 ДН. (1):" in out.text
    assert "№ 2/2026: Заменить ключ" in out.text
    assert "ответственный: Легкий Валерий, срок 22.11.2026, просрочено на 3 дня" in out.text
    assert "{{" not in out.text and "в течение 10 календарных дней" in out.text


def test_news_reaches_the_assignee_in_the_digest() -> None:
    """A client's unread reply (issue 11) is reason enough for a digest, to the assignee."""
    due = DueList(TODAY, 3, news=(_appeal("7/2026", "Михайлов Дмитрий", 6),))
    (mine, everything) = plan_digests(due, PEOPLE, {}, "sales@x.ru")
    assert mine.address == "d@x.ru" and [a.number for a in mine.due.news] == ["7/2026"]
    out = render_digest(mine, make_environment(REPO / "templates"), ORG, 10)
    assert "НОВЫЕ ПИСЬМА ЗАЯВИТЕЛЕЙ, ЕЩЁ НЕ ПРОЧИТАННЫЕ (1):" in out.text
    assert "№ 7/2026 — «Тема 7/2026», Иванов Иван" in out.text
    assert out.subject.endswith("новые письма заявителей — 1")
    assert everything.everything
