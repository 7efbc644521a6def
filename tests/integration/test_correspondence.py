"""Issue 11, the correspondence, on real Dovecot, aiosmtpd and the journal (SQLite and
PostgreSQL): a client's reply is read, noticed and never swallowed — not on a waiting appeal,
not on a closed one, and a stranger cannot write into someone else's appeal."""

from __future__ import annotations

import email
import json
from email.message import EmailMessage
from email.policy import default
from typing import Any

from journal.models import Appeal, InboundMessage, Outbox
from tests.integration.conftest import STAFF_NAME
from tests.mailfactory import russian_mail

CLIENT = "p.ivanov@example.ru"
CLAIM = ("Купил у вас принтер, через неделю он перестал печатать — заводской брак. Прошу "
         "заменить его по гарантии.\n\nИванов Пётр Сергеевич, тел. +7 910 000-00-00")


def _ok(desk: Any, *args: str) -> str:
    result = desk.cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def _show(desk: Any, number: str) -> dict[str, Any]:
    return json.loads(_ok(desk, "show", number, "--json"))  # type: ignore[no-any-return]


def _mails(desk: Any, n: int) -> list[EmailMessage]:
    return [email.message_from_bytes(m.data, policy=default)  # type: ignore[misc]
            for m in desk.sink.wait_for(n)]


def _reply(subject: str, text: str, sender: str = CLIENT, refs: str | None = None,
           attachments: list[tuple[str, str, bytes]] | None = None) -> bytes:
    headers = {"In-Reply-To": refs, "References": refs} if refs else {}
    return russian_mail(body=text, subject=subject, from_addr=sender, extra_headers=headers,
                        attachments=attachments or [])


def _waiting_appeal(desk: Any) -> tuple[str, EmailMessage]:
    """A quality claim without documents, and our request for them (3.3, 5)."""
    desk.append(russian_mail(body=CLAIM, subject="Неисправный принтер", from_addr=CLIENT,
                             message_id="<claim@example.ru>"))
    assert "registered 1" in desk.poll()
    (appeal,) = desk.rows(Appeal)
    assert {"defect_photos", "label_photos"} <= set(appeal.missing_documents.split(","))
    _ok(desk, "reply", appeal.number, "--template", "request_documents",
        "--set", "documents=фото дефекта", "--set", "documents=фото этикетки")
    _ok(desk, "send")
    return appeal.number, _mails(desk, 2)[1]


def test_reply_with_photos_is_readable_news_and_rejudges_the_checklist(desk: Any) -> None:
    number, request = _waiting_appeal(desk)
    photos = [("фото дефекта.jpg", "image/jpeg", b"\xff\xd8\xff" + b"1" * 300),
              ("фото этикетки с серийным номером.jpg", "image/jpeg", b"\xff\xd8\xff" + b"2" * 300)]
    quoted = "\n".join(f"> {line}" for line in request.get_body(("plain",)).get_content()
                       .splitlines())
    text = ("Добрый день! Высылаю фото дефекта и фото этикетки.\n\n"
            f"{request['Date']}, ЦентрИнформ пишет:\n{quoted}")
    desk.append(_reply(f"Re: {request['Subject']}", text, refs=request["Message-ID"],
                       attachments=photos))
    assert "threaded 1" in desk.poll()

    shown = _show(desk, number)
    entries = shown["correspondence"]
    assert [e["direction"] for e in entries] == ["in", "out", "out", "in"]
    first, ack, asked, answer = entries
    assert first["sender"] == CLIENT and "заводской брак" in first["text"]
    assert ack["recipient"] == CLIENT and number in ack["text"]
    assert "фото этикетки" in asked["text"]
    assert answer["text"] == "Добрый день! Высылаю фото дефекта и фото этикетки."
    assert "> " in answer["full_text"] and answer["raw"].startswith("raw/")
    assert sorted(a["filename"] for a in answer["attachments"]) == sorted(p[0] for p in photos)
    # the assignee is told, the appeal moves on, the checklist is judged again (5)
    assert shown["news"] and shown["status"] == "under_review"
    assert "defect_photos" not in shown["missing_documents"]
    assert "label_photos" not in shown["missing_documents"]
    actions = [e["action"] for e in shown["history"]]
    assert {"client_reply", "checklist"} <= set(actions)
    printed = _ok(desk, "show", number)
    assert "Высылаю фото дефекта и фото этикетки." in printed and "NEWS" in printed
    assert "фото дефекта.jpg" in printed
    assert number in _ok(desk, "list", "--news")
    assert f"Новые письма заявителей (1):\n  {number}" in _ok(desk, "due")
    # read: the news is gone, and the audit trail names who read it
    assert "news marked read" in _ok(desk, "seen", number)
    assert number not in _ok(desk, "list", "--news")
    seen = [e for e in _show(desk, number)["history"] if e["action"] == "news_seen"]
    assert [e["actor"] for e in seen] == [STAFF_NAME]


def _closed_appeal(desk: Any) -> str:
    desk.append(russian_mail(body=CLAIM, subject="Неисправный принтер", from_addr=CLIENT))
    desk.poll()
    (appeal,) = desk.rows(Appeal)
    _ok(desk, "reply", appeal.number, "--template", "answer",
        "--set", "answer=Принтер будет заменён на исправный.")
    _ok(desk, "close", appeal.number, "--outcome", "upheld", "--text", "Принтер заменён")
    _ok(desk, "send")
    return appeal.number


def test_after_closing_thanks_are_added_and_a_new_complaint_is_not_lost(desk: Any) -> None:
    number = _closed_appeal(desk)
    sent_before = len(desk.sink.wait_for(2))

    desk.append(_reply(f"Re: Неисправный принтер [№ {number}]", "Спасибо, принтер получил!"))
    assert "threaded 1" in desk.poll()
    shown = _show(desk, number)
    assert shown["status"] == "closed" and shown["news"]
    thanks = shown["correspondence"][-1]
    assert thanks["flag"] == "thanks_after_close" and thanks["text"] == "Спасибо, принтер получил!"
    assert "[thanks_after_close]" in _ok(desk, "show", number)

    desk.append(_reply(f"Re: Неисправный принтер [№ {number}]", "Замену так и не выдали."))
    assert "registered 1" in desk.poll()
    new = next(a for a in desk.rows(Appeal) if a.number != number)
    assert new.status == "registered" and new.text.startswith("Замену так и не выдали")
    shown_new = _show(desk, new.number)
    assert shown_new["linked_to"] == number and shown_new["repeat_of"] == number
    assert shown_new["news"]
    assert new.number in _show(desk, number)["linked_appeals"]
    assert _show(desk, number)["status"] == "closed"  # the closed appeal's record stays as it was
    # its own acknowledgement, with its own number, to the client (1.3)
    _ok(desk, "send")
    ack = _mails(desk, sent_before + 1)[-1]
    assert ack["To"].addresses[0].addr_spec == CLIENT and new.number in ack["Subject"]
    assert new.number in _ok(desk, "list", "--news")


def test_a_stranger_citing_an_appeal_gets_an_own_linked_appeal(desk: Any) -> None:
    desk.append(russian_mail(body=CLAIM, subject="Неисправный принтер", from_addr=CLIENT))
    desk.poll()
    (appeal,) = desk.rows(Appeal)
    desk.append(_reply(f"Re: Неисправный принтер [№ {appeal.number}]",
                       "У меня такой же принтер и та же беда, прошу заменить.",
                       sender="stranger@example.org"))
    assert "registered 1 / threaded 0" in desk.poll()
    own = next(a for a in desk.rows(Appeal) if a.number != appeal.number)
    assert own.applicant_email == "stranger@example.org"
    shown = _show(desk, own.number)
    assert shown["linked_to"] == appeal.number and shown["repeat_of"] is None
    assert "not a correspondent" in shown["link_reason"]
    original = _show(desk, appeal.number)
    assert all(e["sender"] != "stranger@example.org" for e in original["correspondence"])
    assert original["linked_appeals"] == [own.number]


def test_register_aside_of_an_auto_reply_sends_nothing(desk_factory: Any) -> None:
    desk = desk_factory()
    desk.append(russian_mail(body="Я в отпуске до 10 декабря. Прошу вернуть деньги за роутер.",
                             subject="Автоматический ответ: Ваше обращение",
                             from_addr="client@example.ru", extra_headers={"X-Autoreply": "yes"}))
    assert "set aside 1" in desk.poll()
    (inbound,) = desk.rows(InboundMessage)
    refused = desk.cli("register-aside", str(inbound.id), "--acknowledge")
    assert refused.exit_code == 1 and "never acknowledged" in refused.output
    assert len(refused.output.strip().splitlines()) == 1 and desk.rows(Appeal) == []
    out = _ok(desk, "register-aside", str(inbound.id))
    assert "no acknowledgement" in out
    assert "sent 0 /" in _ok(desk, "send")
    assert desk.rows(Outbox) == [] and desk.sink.messages == []
    (appeal,) = desk.rows(Appeal)
    registered = [e for e in _show(desk, appeal.number)["history"]
                  if e["action"] == "registered_from_set_aside"]
    assert [e["actor"] for e in registered] == [STAFF_NAME]


def test_note_is_part_of_the_correspondence(desk_factory: Any) -> None:
    desk = desk_factory()
    desk.append(russian_mail(body="Принтер не печатает, прошу заменить.\n\nС уважением, "
                             "Петров Иван Сергеевич.", subject="Неисправный принтер",
                             from_addr="petrov@example.ru", from_name="Петров Иван"))
    desk.poll()
    (appeal,) = desk.rows(Appeal)
    assert appeal.applicant_name == "Петров Иван Сергеевич"  # the patronymic is kept
    _ok(desk, "note", appeal.number, "Клиент позвонил, фото пришлёт завтра.")
    note = _show(desk, appeal.number)["correspondence"][-1]
    assert note["direction"] == "note" and note["sender"] == STAFF_NAME
    assert note["text"] == "Клиент позвонил, фото пришлёт завтра."
    assert desk.rows(Outbox)[0].purpose == "acknowledgement" and len(desk.rows(Outbox)) == 1

