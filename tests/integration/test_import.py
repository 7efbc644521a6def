"""Backfill (issue 6): `complaintdesk import --since DATE` over real Dovecot, and `--mbox` over
an mbox dump; resumable, no acknowledgements, dates as written."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

from journal.models import Appeal, InboundMessage, MailboxState, Outbox
from tests.mailfactory import russian_mail


def _old(i: int, day: int) -> bytes:
    return russian_mail(body=f"Старое обращение номер {i}.", from_addr=f"old{i}@example.ru",
                        subject=f"Обращение {i}", date=datetime(2025, 3, day, 10, tzinfo=UTC))


def test_import_since_a_date_then_the_daemon_carries_on(desk_factory) -> None:
    desk = desk_factory()
    for i, (day, internal) in enumerate([(1, "01-Mar-2025"), (10, "10-Mar-2025"),
                                         (20, "20-Mar-2025")]):
        desk.dovecot.append(desk.user, "INBOX", _old(i, day),
                            date_time=f'"{internal[:2]}-{internal[3:6]}-{internal[7:]} 10:00:00 +0300"')
    result = desk.cli("import", "--since", "05.03.2025")
    assert result.exit_code == 0, result.output
    assert "registered 2" in result.output
    appeals = desk.rows(Appeal)
    assert sorted(a.subject for a in appeals) == ["Обращение 1", "Обращение 2"]
    assert {a.received_at.date().isoformat() for a in appeals} == {"2025-03-10", "2025-03-20"}
    assert desk.rows(Outbox) == []  # old mail is not acknowledged
    again = desk.cli("import", "--since", "05.03.2025")
    assert "registered 0" in again.output  # resumable: nothing twice
    (state,) = desk.rows(MailboxState)
    assert state.last_uid == 3
    desk.append(russian_mail(body="Новое письмо после импорта."))
    assert "registered 1" in desk.poll()  # the oldest mail (before --since) stays untouched
    assert len(desk.rows(Appeal)) == 3 and len(desk.rows(Outbox)) == 1


def test_import_an_mbox_dump_resumes_after_interruption(desk_factory, tmp_path: Path) -> None:
    desk = desk_factory()
    dump = tmp_path / "old.mbox"
    box = mailbox.mbox(dump)
    for i in range(6):
        box.add(_old(i, i + 1))
    box.add(b"not a mail at all\x00\x01")
    box.close()
    from pipeline.backfill import import_dump

    seen = []
    interrupted = import_dump(dump, desk.deps(), None, lambda n: None, seen.append,
                              should_stop=lambda: len(seen) >= 3)  # Ctrl-C after 3 mails
    assert interrupted.stopped_by == "signal" and len(desk.rows(InboundMessage)) == 3
    result = desk.cli("import", "--mbox", str(dump))
    assert result.exit_code == 0 and "registered 3 / threaded 0 / set aside 1" in result.output
    assert len(desk.rows(InboundMessage)) == 7
    assert "registered 0" in desk.cli("import", "--mbox", str(dump)).output
    assert len(desk.rows(Appeal)) == 6 and desk.rows(Outbox) == []
    since = desk.cli("import", "--mbox", str(dump), "--since", "01.01.2026")
    assert "registered 0" in since.output
