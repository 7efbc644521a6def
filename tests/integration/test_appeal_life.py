"""Issue 4, staff replies: the whole life of an appeal through the CLI, on real Dovecot, aiosmtpd
and the journal (SQLite and PostgreSQL), from the client's mail to the final answer in the
client's mailbox and the closed journal entry; forbidden moves refused with a clear message."""

from __future__ import annotations

import email
import json
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from journal.models import Appeal, AuditEvent, Outbox
from tests.integration.conftest import STAFF_NAME
from tests.mailfactory import russian_mail

CLIENT = "p.ivanov@example.ru"


def _mails(desk: Any, n: int) -> list[EmailMessage]:
    return [email.message_from_bytes(m.data, policy=default)  # type: ignore[misc]
            for m in desk.sink.wait_for(n)]


def _ok(desk: Any, *args: str) -> str:
    result = desk.cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def _fail(desk: Any, *args: str) -> str:
    result = desk.cli(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    return result.output


def _appeal(desk: Any) -> Appeal:
    (appeal,) = desk.rows(Appeal)
    return appeal


def _register(desk: Any) -> tuple[str, EmailMessage]:
    desk.append(russian_mail(body="Купил у вас принтер, он не печатает. Прошу заменить.\n\n"
                             "Иванов Пётр Сергеевич, тел. +7 910 000-00-00",
                             subject="Неисправный принтер", from_addr=CLIENT,
                             message_id="<first@example.ru>"))
    assert "registered 1" in desk.poll()
    (ack,) = _mails(desk, 1)
    return _appeal(desk).number, ack


def test_appeal_life_from_mail_to_closed_entry(desk: Any, tmp_path: Path) -> None:
    number, ack = _register(desk)
    assert ack["Auto-Submitted"] == "auto-replied"

    # request for missing documents (3.3, 5)
    out = _ok(desk, "reply", number, "--template", "request_documents",
              "--set", "documents=фотографии дефекта (общий вид и крупным планом)",
              "--set", "documents=фотографию этикетки с заводским номером")
    assert "outbox" in out and "complaintdesk send" in out
    assert _appeal(desk).status == "waiting_for_client"
    assert len(desk.sink.messages) == 1  # queued, not sent yet
    assert "sent 1 /" in _ok(desk, "send")
    request = _mails(desk, 2)[1]
    assert request["In-Reply-To"] == "<first@example.ru>"
    assert "<first@example.ru>" in request["References"]
    assert request["Subject"] == f"Re: Неисправный принтер [№ {number}]"
    assert request["Auto-Submitted"] is None
    assert request["To"].addresses[0].addr_spec == CLIENT
    text = request.get_body(("plain",)).get_content()
    assert text.startswith("Уважаемый Пётр Сергеевич!")
    assert "— фотографии дефекта (общий вид и крупным планом);" in text
    assert "— фотографию этикетки с заводским номером." in text
    director = desk.config.organisation.director
    assert director.name in text and director.title in text
    assert "фотографию этикетки" in request.get_body(("html",)).get_content()

    # the client answers our request: threaded into the appeal by In-Reply-To
    desk.append(russian_mail(body="Высылаю фото.", subject=f"Re: {request['Subject']}",
                             from_addr=CLIENT, message_id="<second@example.ru>",
                             extra_headers={"In-Reply-To": request["Message-ID"],
                                            "References": f"<first@example.ru> "
                                                          f"{request['Message-ID']}"},
                             attachments=[("фото дефекта.jpg", "image/jpeg", b"\xff\xd8" * 50)]))
    assert "registered 0 / threaded 1" in desk.poll()

    # a measure, then the reasoned answer with it and an attachment (3.4, 3.5, 4.1)
    _ok(desk, "measures", "add", number, "--what", "Принтер заменён на исправный",
        "--who", "Отдел продаж", "--due", (date.today() + timedelta(days=5)).strftime("%d.%m.%Y"))
    act = tmp_path / "Акт проверки.pdf"
    act.write_bytes(b"%PDF-1.4 " + bytes(range(256)))
    _ok(desk, "reply", number, "--template", "answer", "--attach", str(act),
        "--set", "answer=Проверка подтвердила заводской дефект печатающей головки.")
    assert _appeal(desk).status == "answered"
    assert "sent 1 /" in _ok(desk, "send")
    answer = _mails(desk, 3)[2]
    assert answer["In-Reply-To"] == "<second@example.ru>"
    refs = answer["References"].split()
    assert refs[0] == "<first@example.ru>" and request["Message-ID"] in refs
    text = answer.get_body(("plain",)).get_content()
    assert "заводской дефект" in text and "Принтер заменён на исправный" in text
    assert director.name in text
    (att,) = list(answer.iter_attachments())
    assert att.get_filename() == "Акт проверки.pdf" and att.get_content_type() == "application/pdf"

    # closed with its outcome (3.8); the journal holds the whole correspondence and trail
    _ok(desk, "close", number, "--outcome", "upheld", "--text", "Принтер заменён")
    shown = json.loads(_ok(desk, "show", number, "--json"))
    assert shown["status"] == "closed" and shown["outcome"] == "upheld"
    assert [o["purpose"] for o in shown["outbox"]] == ["acknowledgement", "request_documents",
                                                       "answer"]
    assert all(o["state"] == "sent" for o in shown["outbox"])
    assert [m["outcome"] for m in shown["inbound"]] == ["registered", "threaded"]
    actions = [(e["action"], e["to"]) for e in shown["history"]]
    for step in [("status", "waiting_for_client"), ("reply", "request_documents"),
                 ("measure_added", None), ("status", "answered"), ("reply", "answer"),
                 ("outcome", "upheld"), ("status", "closed")]:
        assert any(a == step[0] and (step[1] is None or t == step[1]) for a, t in actions), step
    replies = [e for e in shown["history"] if e["action"] == "reply"]
    assert {e["actor"] for e in replies} == {STAFF_NAME}  # the account's name (staff.os_users)

    # nothing more can go out on a closed appeal
    refused = _fail(desk, "reply", number, "--template", "final_answer", "--set", "answer=x")
    assert "closed" in refused
    assert len(desk.rows(Outbox)) == 3


def test_forbidden_transition_queues_nothing(desk_factory: Any) -> None:
    desk = desk_factory()
    number, _ = _register(desk)
    _ok(desk, "reply", number, "--template", "answer", "--set", "answer=Ответ по существу.")
    # answered may only go back to under_review, on to escalated, or be closed
    refused = _fail(desk, "reply", number, "--template", "correspondence_stopped")
    assert "answered -> correspondence_stopped, which is not allowed" in refused
    assert [o.purpose for o in desk.rows(Outbox)] == ["acknowledgement", "answer"]
    assert _appeal(desk).status == "answered"


def test_escalation_notice_then_final_answer(desk_factory: Any) -> None:
    desk = desk_factory()
    number, _ = _register(desk)
    _ok(desk, "escalate", number, "--note", "Нет единой позиции отдела продаж и ЕГАИС")
    # already escalated: the notice keeps the status (no escalated -> escalated move)
    _ok(desk, "reply", number, "--template", "escalation_notice",
        "--set", "reason=Вопрос требует решения головной организации.")
    assert _appeal(desk).status == "escalated"
    _ok(desk, "reply", number, "--template", "final_answer",
        "--set", "answer=Головная организация приняла решение заменить принтер.")
    assert _appeal(desk).status == "answered"
    assert "sent 2 /" in _ok(desk, "send")
    notice, final = _mails(desk, 3)[1:]
    assert "головной организации" in notice.get_body(("plain",)).get_content()
    assert "окончательное решение" in final.get_body(("plain",)).get_content()
    _ok(desk, "close", number, "--outcome", "upheld", "--text", "Принтер заменён")
    assert _appeal(desk).status == "closed"


def test_clear_errors(desk_factory: Any, tmp_path: Path) -> None:
    desk = desk_factory()
    number, _ = _register(desk)
    assert "no appeal with number '999/2026'" in _fail(
        desk, "reply", "999/2026", "--template", "answer", "--set", "answer=x")
    assert "needs field 'documents'" in _fail(desk, "reply", number, "--template",
                                              "request_documents")
    assert "no template 'answr'" in _fail(desk, "reply", number, "--template", "answr")
    assert "cannot read attachment" in _fail(
        desk, "reply", number, "--template", "answer", "--set", "answer=x",
        "--attach", str(tmp_path / "missing.pdf"))
    assert "--set expects KEY=VALUE" in _fail(desk, "reply", number, "--template", "answer",
                                              "--set", "answer")
    assert "correspondence_stopped" in _fail(desk, "reply", number, "--template",
                                             "correspondence_stopped")  # nothing answered yet
    assert len(desk.rows(Outbox)) == 1 and _appeal(desk).status == "registered"


def test_preview_edit_and_templates(desk_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = desk_factory()
    number, _ = _register(desk)
    preview = _ok(desk, "reply", number, "--template", "escalation_notice", "--preview")
    assert f"Subject: Re: Неисправный принтер [№ {number}]" in preview
    assert "In-Reply-To: <first@example.ru>" in preview and "головной организации" in preview
    assert len(desk.rows(Outbox)) == 1 and _appeal(desk).status == "registered"

    monkeypatch.setenv("EDITOR", "sed -i -e 's/Ответ по существу/Исправленный ответ/'")
    _ok(desk, "reply", number, "--template", "answer", "--edit", "--set",
        "answer=Ответ по существу.")
    _ok(desk, "send")
    sent = _mails(desk, 2)[1]
    assert "Исправленный ответ." in sent.get_body(("plain",)).get_content()
    assert sent.get_body(("html",)) is None  # an edited text goes out as plain text only

    monkeypatch.setenv("EDITOR", "sed -i -e '/С уважением/,$d'")
    assert "signature block" in _fail(desk, "reply", number, "--template", "final_answer",
                                      "--edit", "--set", "answer=x")

    listed = _ok(desk, "templates")
    for name in ("request_documents", "request_explanation", "answer", "escalation_notice",
                 "correspondence_stopped", "final_answer"):
        assert name in listed
    replies_part, _, others = listed.partition("other templates")
    assert "required: documents" in replies_part and "acknowledgement" not in replies_part
    assert "acknowledgement.ru.txt.j2" in others  # not a reply, but its file is shown
    assert any(e.action == "reply" for e in desk.rows(AuditEvent))
