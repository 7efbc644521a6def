"""Issue 2 end to end on real servers: Dovecot → journal (SQLite and PostgreSQL) → aiosmtpd."""

from __future__ import annotations

import email
import subprocess
import sys
from email.policy import default
from pathlib import Path

import pytest

from pipeline.poll import poll_mailbox
from ingest.imap import ImapMailbox
from journal.models import Appeal, Attachment, InboundMessage, Outbox
from tests.mailfactory import bounce_mail, russian_mail

REPO = Path(__file__).resolve().parents[2]


def _acks(desk, n: int) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m.data, policy=default) for m in desk.sink.wait_for(n)]


def test_n_mails_make_n_appeals_and_n_acknowledgements(desk) -> None:
    for i in range(5):
        desk.append(russian_mail(body=f"Прошу разобраться с обращением номер {i}.",
                                 from_addr=f"client{i}@example.ru"))
    out = desk.poll()
    assert "registered 5 / threaded 0 / set aside 0 / acks sent 5" in out
    appeals = desk.rows(Appeal)
    assert sorted(a.seq for a in appeals) == [1, 2, 3, 4, 5]
    acks = _acks(desk, 5)
    assert sorted(m["To"].addresses[0].addr_spec for m in acks) == \
        [f"client{i}@example.ru" for i in range(5)]
    for ack in acks:
        number = ack["Subject"].split("[№ ")[1].rstrip("]")
        assert number in {a.number for a in appeals}
        assert ack["Auto-Submitted"] == "auto-replied"
        assert ack["In-Reply-To"] and ack["References"]
        assert f"№ {number}" in ack.get_body(("plain",)).get_content()
    # a second poll finds nothing new and sends nothing more
    assert "registered 0 / threaded 0 / set aside 0 / acks sent 0" in desk.poll()
    assert len(desk.rows(Outbox)) == 5 and len(desk.sink.messages) == 5


def test_mail_already_read_by_staff_is_not_hidden(desk) -> None:
    desk.append(russian_mail(body="Письмо уже прочитано сотрудником."), flags=("\\Seen",))
    assert "registered 1" in desk.poll()


def test_done_keyword_set_and_nothing_deleted(desk) -> None:
    desk.append(russian_mail(body="Проверка пометки."))
    desk.poll()
    conn = desk.dovecot.imap(desk.user)
    conn.select("INBOX")
    typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
    conn.logout()
    assert typ == "OK" and len(data) == 1
    assert b"$Complaintdesk" in data[0]


def test_kill_between_commit_and_marking_makes_no_duplicate(desk) -> None:
    desk.append(russian_mail(body="Первое."))
    desk.append(russian_mail(body="Второе."))

    class Killed(BaseException):
        pass

    class DiesBeforeMarking(ImapMailbox):
        def mark_done(self, uids: list[int]) -> None:
            raise Killed()

    config = desk.config
    with DiesBeforeMarking(config.mailbox, config.mailbox.password("mailbox")) as client:
        with pytest.raises(Killed):
            poll_mailbox(client, desk.deps())
    assert len(desk.rows(Appeal)) == 2
    assert "registered 0" in desk.poll()
    assert len(desk.rows(Appeal)) == 2 and len(desk.rows(Outbox)) == 2
    assert all(m.marked_done for m in desk.rows(InboundMessage))


def test_uidvalidity_change_makes_no_duplicate(desk) -> None:
    for i in range(3):
        desk.append(russian_mail(body=f"Обращение {i}."))
    desk.poll()
    desk.dovecot.change_uidvalidity(desk.user)
    desk.append(russian_mail(body="Новое после смены UIDVALIDITY."))
    out = desk.poll()
    assert "registered 1" in out and "already known 3" in out
    assert len(desk.rows(Appeal)) == 4
    assert len(desk.sink.wait_for(4)) == 4


def test_automated_mail_is_set_aside_and_never_answered(desk) -> None:
    desk.append(bounce_mail())
    desk.append(russian_mail(body="Я в отпуске до 1 декабря.", subject="Автоматический ответ",
                             extra_headers={"Auto-Submitted": "auto-replied"}))
    desk.append(russian_mail(body="Новости ЕГАИС за ноябрь", subject="Рассылка",
                             extra_headers={"List-Id": "<news.example.ru>",
                                            "Precedence": "bulk"}))
    assert "registered 0 / threaded 0 / set aside 3 / acks sent 0" in desk.poll()
    rows = desk.rows(InboundMessage)
    assert all(r.outcome == "set_aside" and r.reason.startswith("automated") for r in rows)
    assert desk.rows(Appeal) == [] and desk.sink.messages == []


def test_client_reply_is_threaded_into_its_appeal(desk) -> None:
    desk.append(russian_mail(body="Прошу вернуть деньги.", from_addr="c@example.ru"))
    desk.poll()
    (ack,) = _acks(desk, 1)
    (appeal,) = desk.rows(Appeal)
    desk.append(russian_mail(body="Высылаю чек.", from_addr="c@example.ru",
                             subject=f"Re: {ack['Subject']}",
                             extra_headers={"In-Reply-To": ack["Message-ID"],
                                            "References": ack["Message-ID"]}))
    desk.append(russian_mail(body="И ещё фото.", from_addr="c@example.ru",
                             subject=f"Дополнение [№ {appeal.number}]"))
    assert "registered 0 / threaded 2" in desk.poll()
    threaded = [r for r in desk.rows(InboundMessage) if r.outcome == "threaded"]
    assert {r.appeal_id for r in threaded} == {appeal.id}
    assert len(desk.sink.messages) == 1  # no acknowledgement for the correspondence


def test_attachments_and_cyrillic_names_round_trip(desk) -> None:
    pdf = b"%PDF-1.4 " + bytes(range(256)) * 40
    jpg = b"\xff\xd8\xff\xe0" + bytes(reversed(range(256))) * 40
    desk.append(russian_mail(body="Претензия во вложении.", attachments=[
        ("Претензия Иванова.pdf", "application/pdf", pdf),
        ("фото дефекта.jpg", "image/jpeg", jpg)]))
    desk.poll()
    stored = {a.filename: a for a in desk.rows(Attachment)}
    assert set(stored) == {"Претензия Иванова.pdf", "фото дефекта.jpg"}
    root = desk.config.storage.path
    assert (root / stored["Претензия Иванова.pdf"].stored_name).read_bytes() == pdf
    assert (root / stored["фото дефекта.jpg"].stored_name).read_bytes() == jpg
    assert all(a.appeal_id for a in stored.values())
    blob = root / stored["фото дефекта.jpg"].stored_name
    assert blob.stat().st_mode & 0o077 == 0 and blob.parent.stat().st_mode & 0o077 == 0


def test_oversize_attachment_stays_in_raw_mail_flagged(desk_factory) -> None:
    desk = desk_factory(storage={"max_attachment_bytes": 1000})
    desk.append(russian_mail(body="Большое вложение.",
                             attachments=[("scan.pdf", "application/pdf", b"x" * 5000)]))
    assert "registered 1" in desk.poll()
    (att,) = desk.rows(Attachment)
    assert att.stored_name is None and "oversize" in att.flags and att.size == 5000
    (appeal,) = desk.rows(Appeal)
    raw = desk.config.storage.path / "raw" / appeal.raw_sha256[:2] / appeal.raw_sha256[2:4] / appeal.raw_sha256
    assert b"scan.pdf" in raw.read_bytes()


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_old_russian_charsets_decode(desk_factory, charset: str) -> None:
    desk = desk_factory()
    text = "Прошу заменить неисправный принтер, купленный 12.11.2026."
    desk.append(russian_mail(body=text, charset=charset, cte="8bit", subject="Замена принтера"))
    desk.append(russian_mail(body=text, charset=charset, cte="8bit", declare_charset=False,
                             subject="Без кодировки"))
    desk.poll()
    appeals = desk.rows(Appeal)
    assert len(appeals) == 2 and all(text in a.text for a in appeals)
    assert {a.subject for a in appeals} == {"Замена принтера", "Без кодировки"}


def test_list_and_show(desk_factory) -> None:
    desk = desk_factory()
    desk.append(russian_mail(body="Обращение для списка.", subject="Вопрос по ЭЦП"))
    desk.poll()
    listed = desk.cli("list", "--json")
    assert listed.exit_code == 0 and '"subject": "Вопрос по ЭЦП"' in listed.output
    shown = desk.cli("show", "1/2026")
    assert shown.exit_code == 0 and "Обращение для списка." in shown.output
    missing = desk.cli("show", "999/2026")
    assert missing.exit_code == 1 and "no appeal with number" in missing.output


def _console(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("complaintdesk")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("edit, key", [
    ({"mailbox": {"port": "not-a-number"}}, "mailbox.port"),
    ({"smtp": {"colour": "blue"}}, "smtp.colour: unknown key"),
    ({"mailbox": {"security": "tls13"}}, "mailbox.security"),
    ({"journal": {"number_format": "{year}"}}, "journal.number_format"),
])
def test_bad_config_is_one_line_and_exit_2(tmp_path: Path, edit: dict, key: str) -> None:
    from tests.integration.conftest import write_config

    path = write_config(tmp_path / "bad.yaml", **edit)
    proc = _console("--config", str(path), "poll", "--once")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0] and "Traceback" not in proc.stderr


def test_missing_password_variable_is_named(tmp_path: Path) -> None:
    from tests.integration.conftest import write_config

    path = write_config(tmp_path / "c.yaml", mailbox={"password_env": "CD_SURELY_UNSET_VAR"})
    proc = _console("--config", str(path), "poll", "--once", env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert "mailbox.password_env" in proc.stderr and "CD_SURELY_UNSET_VAR" in proc.stderr


def test_unreachable_imap_server_is_one_clear_line(desk_factory) -> None:
    desk = desk_factory(mailbox={"port": 1})
    result = desk.cli("poll", "--once")
    assert result.exit_code == 1
    assert "IMAP 127.0.0.1:1 unreachable" in result.output and "Traceback" not in result.output


def test_repeat_of_an_answered_appeal_is_flagged(desk_factory) -> None:
    desk = desk_factory()
    question = ("Прошу объяснить, почему в счёте за ноябрь дважды выставлена абонентская плата "
                "за сопровождение программы и вернуть переплату на расчётный счёт.")
    desk.append(russian_mail(body=question, from_addr="buh@example.ru", subject="Двойной счёт"))
    desk.poll()
    assert desk.cli("reply", "1/2026", "--template", "answer", "--set", "answer=Ошибка в счёте.").exit_code == 0
    desk.append(russian_mail(body="Повторно прошу объяснить, почему в счёте за ноябрь дважды "
                             "выставлена абонентская плата за сопровождение и вернуть переплату.",
                             from_addr="buh@example.ru", subject="Снова двойной счёт"))
    desk.append(russian_mail(body="Подскажите, как установить УТМ ЕГАИС на новый компьютер.",
                             from_addr="buh@example.ru", subject="УТМ"))
    desk.poll()
    appeals = {a.number: a for a in desk.rows(Appeal)}
    assert appeals["2/2026"].repeat_of_id == appeals["1/2026"].id
    assert appeals["2/2026"].repeat_similarity >= 0.5
    assert appeals["3/2026"].repeat_of_id is None
    assert "REPEAT of 1/2026" in desk.cli("show", "2/2026").output


def test_done_folder_and_quarantine_folder(desk_factory) -> None:
    desk = desk_factory(mailbox={"done_folder": "Обработано", "quarantine_folder": "Отложено"})
    desk.append(russian_mail(body="Обычное обращение."))
    desk.append(bounce_mail())
    assert "registered 1 / threaded 0 / set aside 1" in desk.poll()
    conn = desk.dovecot.imap(desk.user)

    def count(folder: str) -> int:
        from imap_tools.imap_utf7 import utf7_encode

        typ, data = conn.select('"' + utf7_encode(folder).decode() + '"', readonly=True)
        assert typ == "OK", data
        return int(data[0])

    assert count("INBOX") == 0          # moved, never deleted: both are in the done folder
    assert count("Обработано") == 2
    assert count("Отложено") == 1       # a copy of the set-aside bounce
    conn.logout()
    assert "registered 0" in desk.poll()


def test_staff_can_register_a_set_aside_mail_after_all(desk_factory) -> None:
    desk = desk_factory()
    desk.append(russian_mail(body="Я в отпуске, но прошу вернуть деньги за сломанный роутер.",
                             from_addr="real.person@example.ru", subject="Автоответ: возврат",
                             extra_headers={"Auto-Submitted": "auto-replied"}))
    desk.append(russian_mail(body="Выгодное предложение", extra_headers={"X-Spam-Flag": "YES"},
                             from_addr="spam@example.ru"))
    assert "set aside 2" in desk.poll()
    listed = desk.cli("aside").output
    assert "spam: x-spam-flag" in listed and "automated:" not in listed
    assert "1 for review, 1 automated or duplicate" in listed  # poll and aside count alike
    assert "automated:" in desk.cli("aside", "--all").output
    auto_id = next(r.id for r in desk.rows(InboundMessage) if r.reason.startswith("automated"))
    result = desk.cli("register-aside", str(auto_id))
    # the loop guard: an auto-reply registered by hand is never acknowledged (issue 11)
    assert result.exit_code == 0 and "registered as 1/2026; no acknowledgement" in result.output
    assert desk.rows(Outbox) == []
    (appeal,) = desk.rows(Appeal)
    assert appeal.kind and appeal.department and appeal.applicant_email == "real.person@example.ru"
    again = desk.cli("register-aside", str(auto_id))
    assert again.exit_code == 1 and "not set aside" in again.output
    assert "registered_from_set_aside" in desk.cli("show", "1/2026").output
