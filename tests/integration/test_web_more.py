"""The rest of the desk over HTTP against a live server: corrections and `eval --journal`,
the set-aside mail registered by an admin (1.3), the due list, the reports, returning a draft,
and the `users` commands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from complaintdesk.cli import main
from journal.models import Appeal, Correction, InboundMessage, SignoffDraft
from tests.integration.webdesk import LiveDesk, appeal_path, csrf_of, start_live_desk
from tests.mailfactory import russian_mail

pytestmark = pytest.mark.integration


@pytest.fixture
def live(desk: Any) -> Iterator[LiveDesk]:
    desk.append(russian_mail(body="Менеджер нагрубил мне при покупке принтера. Прошу разобраться."
                             "\n\nИванов Пётр Сергеевич", subject="Жалоба на менеджера"))
    desk.append(russian_mail(body="Выгодное предложение", extra_headers={"X-Spam-Flag": "YES"},
                             from_addr="spam@example.ru"))
    desk.poll()
    server = start_live_desk(desk)
    yield server
    server.stop()


def _appeal(live: LiveDesk) -> Appeal:
    (appeal,) = live.desk.rows(Appeal)
    return appeal


def test_corrections_are_recorded_and_scored(live: LiveDesk) -> None:
    number = _appeal(live).number
    client = live.login("sales1")
    for field, value in (("name", "Иванов Павел Сергеевич"), ("kind", "claim"),
                         ("address", "308000, г. Белгород, ул. Попова, д. 5")):
        response = client.post("/act/correct/" + number, data={
            "csrf_token": csrf_of(client), "field": field, "value": value})
        assert response.status_code == 303 and "notice=" in response.headers["location"]
    bad = client.post("/act/correct/" + number, data={"csrf_token": csrf_of(client),
                                                       "field": "kind", "value": "жалобище"})
    assert "error=" in bad.headers["location"]
    appeal = _appeal(live)
    assert appeal.kind == "claim" and appeal.applicant_name == "Иванов Павел Сергеевич"
    rows = live.desk.rows(Correction)
    assert {(c.field, c.actor) for c in rows} == {("name", "sales1"), ("kind", "sales1"),
                                                 ("address", "sales1")}
    name = next(c for c in rows if c.field == "name")
    assert name.read_value == "Иванов Пётр Сергеевич"
    page = client.get(appeal_path(number)).text
    assert "Иванов Павел Сергеевич" in page
    assert number in client.get("/", params={"q": "Павлом"}).text  # reindexed
    report = live.desk.cli("eval", "--journal")
    assert report.exit_code == 0, report.output
    lines = {line.split()[0]: line.split() for line in report.output.splitlines()[1:]}
    assert lines["name"][1:3] == ["1", "1"] and lines["name"][3] == "0.0%"
    assert lines["department"][1:3] == ["1", "0"] and lines["department"][3] == "100.0%"


def test_admin_registers_set_aside_mail(live: LiveDesk) -> None:
    admin = live.login("admin")
    page = admin.get("/aside").text
    assert "spam: x-spam-flag" in page
    (spam,) = [m for m in live.desk.rows(InboundMessage) if m.outcome == "set_aside"]
    response = admin.post(f"/aside/{spam.id}/register", data={"csrf_token": csrf_of(admin,
                                                                                     "/aside")})
    assert response.status_code == 303 and "notice=" in response.headers["location"]
    assert len(live.desk.rows(Appeal)) == 2
    assert live.login("coord").post(f"/aside/{spam.id}/register", data={
        "csrf_token": "x"}).status_code == 403


def test_due_and_reports(live: LiveDesk) -> None:
    number = _appeal(live).number
    coord = live.login("coord")
    due = coord.get("/due")
    assert due.status_code == 200 and "Сроки по всем обращениям" in due.text
    summary = coord.get("/reports/summary", params={"date_from": "01.01.2026",
                                                    "date_to": "31.12.2026", "format": "csv"})
    assert summary.status_code == 200 and "attachment" in summary.headers["content-disposition"]
    assert "Поступило обращений;1" in summary.text
    journal = coord.get("/reports/journal", params={"date_from": "01.01.2026",
                                                    "date_to": "31.12.2026", "format": "csv"})
    assert number in journal.text
    bad = coord.get("/reports/summary", params={"date_from": "вчера", "date_to": "сегодня"})
    assert bad.status_code == 422
    assert "Мои сроки" in live.login("sales1").get("/due").text


def test_director_returns_a_draft_with_a_comment(live: LiveDesk) -> None:
    number = _appeal(live).number
    seller = live.login("sales1")
    response = seller.post("/reply/" + number, data={
        "csrf_token": csrf_of(seller), "template": "answer", "action": "send",
        "f_answer": "Менеджер получил замечание."})
    assert response.status_code == 303
    (draft,) = live.desk.rows(SignoffDraft)
    director = live.login("director")
    token = csrf_of(director, "/signoff")
    empty = director.post(f"/signoff/{draft.id}/return", data={"csrf_token": token,
                                                               "comment": " "})
    assert "error=" in empty.headers["location"]
    director.post(f"/signoff/{draft.id}/return", data={"csrf_token": token,
                                                       "comment": "Добавьте извинения"})
    (draft,) = live.desk.rows(SignoffDraft)
    assert draft.state == "returned" and draft.decided_by == "director"
    assert "Добавьте извинения" in seller.get(appeal_path(number)).text
    assert _appeal(live).status == "registered"
    assert seller.post(f"/signoff/{draft.id}/approve",
                       data={"csrf_token": csrf_of(seller)}).status_code == 403


def test_users_commands(desk: Any) -> None:
    def cli(*args: str, stdin: str | None = None) -> Any:
        return CliRunner().invoke(main, ["--config", str(desk.config_path), *args], input=stdin)

    added = cli("users", "add", "ivanova", "--name", "Иванова Анна", "--role", "assignee",
                "--department", "sales", "--password-stdin", stdin="long enough pw\n")
    assert added.exit_code == 0, added.output
    assert cli("users", "add", "ivanova", "--name", "X", "--role", "admin", "--password-stdin",
               stdin="long enough pw\n").exit_code == 1
    assert cli("users", "add", "x", "--name", "X", "--role", "admin", "--password-stdin",
               stdin="short\n").exit_code == 1
    assert cli("users", "add", "y", "--name", "Y", "--role", "assignee", "--department",
               "nope", "--password-stdin", stdin="long enough pw\n").exit_code == 2
    listed = cli("users", "list").output
    assert "ivanova" in listed and "assignee" in listed and "active" in listed
    assert "long enough" not in listed
    assert cli("users", "passwd", "ivanova", "--password-stdin",
               stdin="another long pw\n").exit_code == 0
    assert cli("users", "disable", "ivanova").exit_code == 0
    assert "disabled" in cli("users", "list").output
    from operations.users import authenticate
    engine = desk.deps().engine
    assert authenticate(engine, "ivanova", "another long pw") is None  # disabled


def test_purge_forgets_the_desks_copies(live: LiveDesk) -> None:
    from journal.models import AppealSearch, AuditEvent

    number = _appeal(live).number
    client = live.login("sales1")
    client.post("/act/correct/" + number, data={"csrf_token": csrf_of(client), "field": "name",
                                                 "value": "Иванов Павел Сергеевич"})
    assert number in client.get("/", params={"q": "Павлом"}).text
    from datetime import UTC, datetime

    from sqlmodel import Session, select

    from journal import workflow
    from journal.retention import purge_closed_before

    now = datetime.now(UTC)  # closed long ago in effect: the retention period is the CLI's rule
    with Session(live.deps.engine) as session:
        appeal = session.exec(select(Appeal)).one()
        workflow.change_status(session, appeal, "answered", "test", now)
        workflow.close(session, appeal, "test", now, "rejected", "Нет")
        report = purge_closed_before(session, datetime(2100, 1, 1, tzinfo=UTC),
                                     live.desk.config.storage.path, now)
        session.commit()
    assert report.appeals == 1
    assert [r.lemmas for r in live.desk.rows(AppealSearch)] == [""]
    (fix,) = live.desk.rows(Correction)
    assert fix.read_value is None and fix.corrected_value is None and fix.field == "name"
    trail = " ".join(f"{e.from_value} {e.to_value} {e.note}" for e in live.desk.rows(AuditEvent))
    assert "Павел" not in trail
    assert "Ничего не найдено" in client.get("/", params={"q": "Павлом"}).text
