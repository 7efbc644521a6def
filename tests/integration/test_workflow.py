"""The regulation's workflow on a real journal (SQLite and PostgreSQL): transitions, outcome
rule, the insert-only audit trail, measures, the clock switch, and schema migration."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from classify.types import Applicant, Classification
from base.errors import JournalError
from journal import register, workflow
from journal.db import create_schema, make_engine
from journal.models import Appeal, Attachment, AuditEvent
from journal.schema import current_revision, head_revision, upgrade
from journal.workflow import TransitionError

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _appeal(session: Session, n: int = 1) -> Appeal:
    seq, number = register.next_number(session, 2026, "{seq}/{year}")
    appeal = register.build_appeal(
        number=number, year=2026, seq=seq, received_at=T0, due_at=T0 + timedelta(days=10),
        decision=Classification(automated=False, kind="complaint",
                                applicant=Applicant(type="individual", last_name="Орлов",
                                                    first_name="Илья", email="i@example.ru")),
        sender_email="i@example.ru", subject=f"Жалоба {n}", body="Текст", message_id=None,
        raw_sha256="0" * 64, now=T0)
    session.add(appeal)
    session.flush()
    return appeal


@pytest.fixture
def engine(database_url: str):
    eng = make_engine(database_url)
    create_schema(eng)
    return eng


def test_the_regulation_path_and_its_audit_trail(engine) -> None:
    with Session(engine) as s:
        a = _appeal(s)
        workflow.change_status(s, a, "under_review", "ivanova", T0)
        workflow.change_status(s, a, "waiting_for_client", "ivanova", T0, "нужен чек")
        workflow.change_status(s, a, "answered", "ivanova", T0 + timedelta(days=3))
        with pytest.raises(TransitionError, match="without an outcome"):
            workflow.change_status(s, a, "closed", "ivanova", T0)
        workflow.close(s, a, "ivanova", T0 + timedelta(days=4), "upheld", "Деньги возвращены")
        s.commit()
        assert a.status == "closed" and a.answered_at == T0 + timedelta(days=3)
        events = workflow.history(s, a.id)
        assert [(e.action, e.to_value) for e in events] == [
            ("status", "under_review"), ("status", "waiting_for_client"), ("status", "answered"),
            ("outcome", "upheld"), ("status", "closed")]
        with pytest.raises(TransitionError, match="closed -> under_review is not allowed"):
            workflow.change_status(s, a, "under_review", "ivanova", T0)


def test_audit_trail_cannot_be_edited(engine) -> None:
    with Session(engine) as s:
        a = _appeal(s)
        workflow.change_status(s, a, "under_review", "ivanova", T0)
        s.commit()
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="cannot be changed"):
            conn.execute(text(statement))
            conn.commit()
    with Session(engine) as s:
        (event,) = list(s.exec(__import__("sqlmodel").select(AuditEvent)))
        assert event.actor == "ivanova"


def test_measures_and_escalation(engine) -> None:
    with Session(engine) as s:
        a = _appeal(s)
        with pytest.raises(TransitionError, match="needs a note"):
            workflow.escalate(s, a, "ivanova", T0, " ")
        workflow.escalate(s, a, "ivanova", T0, "нет общей позиции с поставщиком")
        m = workflow.add_measure(s, a, "Провести инструктаж", "Отдел продаж", date(2026, 11, 20),
                                 "ivanova", T0)
        workflow.complete_measure(s, m.id, date(2026, 11, 18), "ivanova", T0)
        with pytest.raises(TransitionError, match="already done"):
            workflow.complete_measure(s, m.id, date(2026, 11, 19), "ivanova", T0)
        s.commit()
        assert a.status == "escalated"
        assert [e.action for e in workflow.history(s, a.id)] == \
            ["status", "measure_added", "measure_done"]


def test_waiting_pauses_the_clock_only_when_switched_on(engine) -> None:
    with Session(engine) as s:
        paused, plain = _appeal(s, 1), _appeal(s, 2)
        for appeal, pause in ((paused, True), (plain, False)):
            due = appeal.due_at
            workflow.change_status(s, appeal, "waiting_for_client", "x", T0 + timedelta(days=1),
                                   pause_clock=pause)
            workflow.change_status(s, appeal, "under_review", "x", T0 + timedelta(days=4),
                                   pause_clock=pause)
            assert appeal.due_at == due + (timedelta(days=3) if pause else timedelta(0))


def test_migration_from_the_first_schema_keeps_data(database_url: str) -> None:
    eng = make_engine(database_url)
    upgrade(eng, "0001")
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO appeal (number, year, seq, received_at, due_at, status, anonymous, "
            "anonymous_reasons, applicant_type, applicant_json, subject, text, quality_claim, "
            "missing_documents, classification_json, raw_sha256, created_at) VALUES "
            "('7/2026', 2026, 7, :t, :t, 'registered', false, '', 'individual', '{}', "
            "'Старое', 'Текст', false, '', '{}', 'ab', :t)"), {"t": T0})
    with pytest.raises(JournalError, match="complaintdesk migrate"):
        create_schema(eng)
    upgrade(eng)
    assert current_revision(eng) == head_revision()
    with Session(eng) as s:
        old = register.appeal_by_number(s, "7/2026")
        assert old is not None and old.subject == "Старое" and old.lemmas == ""
        workflow.change_status(s, old, "under_review", "x", T0)
        s.commit()


def test_cli_refuses_forbidden_moves_with_one_line(desk_factory) -> None:
    from tests.mailfactory import russian_mail

    desk = desk_factory()
    desk.append(russian_mail(body="Прошу разобраться."))
    desk.poll()
    result = desk.cli("close", "1/2026")
    assert result.exit_code == 1 and "registered -> closed is not allowed" in result.output
    result = desk.cli("status", "1/2026", "answered", "--note", "ответ по телефону")
    assert result.exit_code == 1 and "use `complaintdesk reply" in result.output  # 3.4
    assert desk.cli("reply", "1/2026", "--template", "answer", "--set",
                    "answer=Ответ по телефону.").exit_code == 0
    result = desk.cli("close", "1/2026")
    assert result.exit_code == 1 and "cannot close without an outcome" in result.output
    assert desk.cli("close", "1/2026", "--outcome", "answered", "--text", "Разъяснено").exit_code == 0
    result = desk.cli("assign", "1/2026", "egais")
    assert result.exit_code == 1 and "is closed" in result.output
    assert desk.cli("status", "99/2026", "under_review").output.strip().endswith("no appeal with number '99/2026'")
    shown = json.loads(desk.cli("show", "1/2026", "--json").output)
    assert shown["status"] == "closed" and shown["outcome"] == "answered"
    assert [h["to"] for h in shown["history"]] == ["answered", "answer", "answered", "closed"]


def test_cli_measures(desk_factory) -> None:
    from tests.mailfactory import russian_mail

    desk = desk_factory()
    desk.append(russian_mail(body="Грубый сотрудник."))
    desk.poll()
    due = (date.today() + timedelta(days=7)).strftime("%d.%m.%Y")
    out = desk.cli("measures", "add", "1/2026", "--what", "Беседа с сотрудником",
                   "--who", "Отдел продаж", "--due", due)
    assert out.exit_code == 0, out.output
    listed = desk.cli("measures", "list").output
    assert "Беседа с сотрудником" in listed and due in listed and "open" in listed
    today = date.today().strftime("%d.%m.%Y")
    assert desk.cli("measures", "done", "1", "--on", today).exit_code == 0
    assert f"done {today}" in desk.cli("measures", "list", "1/2026").output
    assert desk.cli("measures", "add", "1/2026", "--what", "x", "--who", "y",
                    "--due", "32.13.2026").exit_code == 2


def test_purge_removes_personal_data_and_files_keeps_statistics(desk_factory) -> None:
    from tests.docfiles import pdf_with_text
    from tests.mailfactory import russian_mail

    desk = desk_factory()
    receipt = pdf_with_text([["Кассовый чек", "Покупатель Иванов Пётр"]])
    desk.append(russian_mail(body="Моя претензия, Иванов Пётр, +7 910 000-00-00.",
                             attachments=[("чек.pdf", "application/pdf", receipt)]))
    desk.append(russian_mail(body="Второе, ещё открытое.", from_addr="other@example.ru",
                             from_name="Сидорова Мария"))
    desk.poll()
    assert "Иванов" in desk.rows(Attachment)[0].text  # read out of the PDF (issue 15)
    desk.cli("reply", "1/2026", "--template", "answer", "--set", "answer=Отказано.")
    assert desk.cli("close", "1/2026", "--outcome", "rejected", "--text", "Отказано").exit_code == 0
    _closed_years_ago(desk, "1/2026", 6)  # past the 5-year retention period
    root = desk.config.storage.path
    files_before = sorted(p for p in root.rglob("*") if p.is_file())
    result = desk.cli("purge", "--yes")
    assert result.exit_code == 0 and "purged 1 appeals" in result.output
    appeals = {a.number: a for a in desk.rows(Appeal)}
    gone = appeals["1/2026"]
    assert gone.purged_at and gone.text == "" and gone.applicant_name is None
    assert gone.kind and gone.outcome == "rejected" and gone.received_at  # statistics stay
    assert appeals["2/2026"].text.startswith("Второе")
    assert [a.text for a in desk.rows(Attachment)] == [""]  # the attachment's text is personal data too
    files_after = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files_after) == len(files_before) - 2  # its raw mail and its attachment
    report = desk.cli("report", "--from", "01.01.2026", "--to", "31.12.2026")
    assert report.exit_code == 0 and "Иванов" not in report.output
    export = desk.cli("export", "--format", "csv")
    assert export.exit_code == 0 and "Иванов" not in export.output and "2/2026" in export.output


def _closed_years_ago(desk, number: str, years: int) -> None:
    """Test set-up: the appeal was closed ``years`` ago (time cannot be waited for)."""
    with Session(desk.deps().engine) as s:
        appeal = s.exec(select(Appeal).where(Appeal.number == number)).one()
        appeal.closed_at = appeal.closed_at.replace(year=appeal.closed_at.year - years)
        s.commit()


def test_migration_0004_gives_old_appeals_their_correspondence(database_url: str) -> None:
    """A journal from before issue 11: the first mail and queued mail of each appeal become
    correspondence entries, so `show` has something to read for old appeals too."""
    from journal.correspondence import entries_of

    eng = make_engine(database_url)
    upgrade(eng, "0003")
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO appeal (number, year, seq, received_at, due_at, status, anonymous, "
            "anonymous_reasons, applicant_type, applicant_json, subject, text, quality_claim, "
            "missing_documents, classification_json, raw_sha256, created_at, lemmas, "
            "sender_email) VALUES ('8/2026', 2026, 8, :t, :t, 'registered', false, '', "
            "'individual', '{}', 'Старое', 'Текст жалобы', false, '', '{}', 'ab', :t, '', "
            "'old@example.ru')"), {"t": T0})
        appeal_id = conn.execute(text("SELECT id FROM appeal")).scalar_one()
        conn.execute(text(
            "INSERT INTO outbox (appeal_id, purpose, message_id, recipient, subject, raw, state, "
            "attempts, next_attempt_at, created_at) VALUES (:a, 'acknowledgement', '<m@x>', "
            "'old@example.ru', 'Re: Старое', :raw, 'sent', 1, :t, :t)"),
            {"a": appeal_id, "t": T0 + timedelta(minutes=1), "raw": b"x"})
    upgrade(eng)
    with Session(eng) as s:
        entries = entries_of(s, appeal_id)
        assert [(e.direction, e.sender, e.recipient, e.text) for e in entries] == [
            ("in", "old@example.ru", "", "Текст жалобы"), ("out", "", "old@example.ru", "")]
        old = register.appeal_by_number(s, "8/2026")
        assert old is not None and old.news_since is None and old.linked_to_id is None


def test_migration_of_a_journal_holding_mail(database_url: str) -> None:
    """Upgrading a journal whose appeals have mail: on SQLite the batch copy of `appeal` (0002)
    must not be refused by the inbound mail's foreign keys, and no reference may break."""
    eng = make_engine(database_url)
    upgrade(eng, "0001")
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO appeal (number, year, seq, received_at, due_at, status, anonymous, "
            "anonymous_reasons, applicant_type, applicant_json, subject, text, quality_claim, "
            "missing_documents, classification_json, raw_sha256, created_at) VALUES "
            "('9/2026', 2026, 9, :t, :t, 'registered', false, '', 'individual', '{}', "
            "'Старое', 'Текст', false, '', '{}', 'ab', :t)"), {"t": T0})
        appeal_id = conn.execute(text("SELECT id FROM appeal")).scalar_one()
        conn.execute(text(
            "INSERT INTO inbound_message (mailbox, uidvalidity, uid, sha256, size, outcome, "
            "appeal_id, marked_done, received_at) VALUES ('m', 1, 1, 'ab', 1, 'registered', :a, "
            "true, :t)"), {"a": appeal_id, "t": T0})
    upgrade(eng)
    assert current_revision(eng) == head_revision()
    with Session(eng) as s:
        from journal.correspondence import entries_of

        assert [e.inbound_id for e in entries_of(s, appeal_id)] == [1]
        if eng.dialect.name == "sqlite":  # the keys are on again for the service
            assert s.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
