"""Issue 11: staff actions validate the way the workflow does. Each refusal is one clear line and
exit code 1, and changes nothing: the appeal and its audit trail are exactly as before."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from journal.models import Appeal, AuditEvent, Measure
from tests.integration.conftest import STAFF_NAME
from tests.mailfactory import russian_mail


def _ok(desk: Any, *args: str) -> str:
    result = desk.cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def _state(desk: Any) -> tuple[Any, ...]:
    """Everything a staff action could change."""
    appeals = sorted((a.number, a.status, a.department, a.assignee, a.outcome, a.closed_at,
                      a.purged_at) for a in desk.rows(Appeal))
    events = sorted((e.id, e.action, e.to_value) for e in desk.rows(AuditEvent))
    measures = sorted((m.id, m.due_on, m.done_on) for m in desk.rows(Measure))
    return appeals, events, measures


def _refused(desk: Any, *args: str) -> str:
    before = _state(desk)
    result = desk.cli(*args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in lines[0]
    assert _state(desk) == before  # nothing changed: the audit trail has no new event
    return lines[0]


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def registered(desk: Any) -> tuple[Any, str]:
    desk.append(russian_mail(body="Сотрудник отдела продаж был груб со мной. Прошу разобраться.",
                             subject="Грубость"))
    desk.poll()
    (appeal,) = desk.rows(Appeal)
    return desk, appeal.number


def test_assignees_and_departments_come_from_config(registered: tuple[Any, str]) -> None:
    desk, number = registered
    line = _refused(desk, "assign", number, "Петров Пётр")
    assert "'Петров Пётр' is neither a department (" in line and "egais" in line
    assert "Михайлов Дмитрий" in line  # the valid assignees are listed
    assert _refused(desk, "assign", number, "Sale").count("sales") == 1
    # case-insensitive: a department key and a person as configured
    assert f"{number}: sales / " in _ok(desk, "assign", number, "SALES")
    assert _ok(desk, "assign", number, "михайлов дмитрий").strip().endswith("Михайлов Дмитрий")
    assigned = [e for e in json.loads(_ok(desk, "show", number, "--json"))["history"]
                if e["action"] == "assign"]
    assert [e["actor"] for e in assigned] == [STAFF_NAME, STAFF_NAME]


@pytest.mark.parametrize(("status", "command"), [
    ("escalated", "complaintdesk escalate"), ("answered", "complaintdesk reply"),
    ("closed", "complaintdesk close"), ("correspondence_stopped", "correspondence_stopped"),
])
def test_status_cannot_skip_what_dedicated_commands_require(
        registered: tuple[Any, str], status: str, command: str) -> None:
    desk, number = registered
    line = _refused(desk, "status", number, status, "--note", "по телефону")
    assert f"status {status} cannot be set directly" in line and command in line


def test_close_on_a_closed_appeal_says_so(registered: tuple[Any, str]) -> None:
    desk, number = registered
    _ok(desk, "reply", number, "--template", "answer", "--set", "answer=Беседа проведена.")
    _ok(desk, "close", number, "--outcome", "upheld", "--text", "Беседа проведена")
    line = _refused(desk, "close", number, "--outcome", "rejected", "--text", "x")
    assert f"appeal {number} is already closed" in line and "upheld" in line


def test_dates_that_cannot_be_true_are_refused(registered: tuple[Any, str]) -> None:
    desk, number = registered
    today = date.today()
    line = _refused(desk, "measures", "add", number, "--what", "Беседа", "--who", "Отдел продаж",
                    "--due", _fmt(today - timedelta(days=400)))
    assert "is before the appeal was received" in line
    _ok(desk, "measures", "add", number, "--what", "Беседа", "--who", "Отдел продаж",
        "--due", _fmt(today + timedelta(days=3)))
    (measure,) = desk.rows(Measure)
    line = _refused(desk, "measures", "done", str(measure.id), "--on",
                    _fmt(today + timedelta(days=2)))
    assert "is in the future" in line
    _refused(desk, "measures", "done", str(measure.id), "--on", _fmt(today - timedelta(days=400)))
    _ok(desk, "measures", "done", str(measure.id), "--on", _fmt(today))


def test_purge_dry_run_counts_and_retention_is_respected(registered: tuple[Any, str]) -> None:
    desk, number = registered
    line = _refused(desk, "purge", "--before", _fmt(date.today() + timedelta(days=30)), "--yes")
    assert "within the retention period" in line and "retention.closed_years = 5" in line
    _refused(desk, "purge", "--before", _fmt(date.today() - timedelta(days=365)), "--yes")
    before = _state(desk)
    out = _ok(desk, "purge", "--dry-run")
    assert ": 0 appeals, 0 mails, 0 attachments" in out and _state(desk) == before


def test_an_account_not_mapped_to_staff_changes_nothing(desk_factory: Any) -> None:
    desk = desk_factory(staff={"os_users": {"someone-else": "Кто-то Другой"}})
    desk.append(russian_mail(body="Прошу разобраться с доставкой."))
    desk.poll()
    line = _refused(desk, "assign", "1/2026", "sales")
    assert "is not a staff member" in line and "someone-else" in line
    _refused(desk, "reply", "1/2026", "--template", "answer", "--set", "answer=x")
    assert desk.cli("show", "1/2026").exit_code == 0  # reading needs no staff name


def test_list_is_newest_first_with_a_header_and_filters(desk_factory: Any) -> None:
    desk = desk_factory()
    for n, who in enumerate(("a@example.ru", "b@example.ru", "c@example.ru"), 1):
        desk.append(russian_mail(body=f"Обращение номер {n}: принтер не печатает.",
                                 subject=f"Тема {n}", from_addr=who))
    desk.poll()
    year = date.today().year
    lines = _ok(desk, "list", "--limit", "2").splitlines()
    assert lines[0].split()[:4] == ["NUMBER", "RECEIVED", "DUE", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == [f"3/{year}", f"2/{year}"]
    _ok(desk, "assign", f"1/{year}", "Михайлов Дмитрий")
    mine = _ok(desk, "list", "--assignee", "михайлов дмитрий").splitlines()[1:]
    assert [line.split()[0] for line in mine] == [f"1/{year}"]
    assert [r["number"] for r in json.loads(_ok(desk, "list", "--json", "--search", "тема 2"))] \
        == [f"2/{year}"]
    assert _ok(desk, "list", "--status", "closed").splitlines()[1:] == []
    assert _ok(desk, "list", "--overdue").splitlines()[1:] == []  # all due in 10 days
    assert "unknown status 'shut'" in _refused(desk, "list", "--status", "shut")
    assert "nor an assignee" in _refused(desk, "list", "--assignee", "Никто")
    # `show 2` is 2/<this year>
    assert json.loads(_ok(desk, "show", "2", "--json"))["number"] == f"2/{year}"
    assert "no appeal with number '9/" in _refused(desk, "show", "9")
