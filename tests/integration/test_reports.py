"""Issue 4 on a real journal (SQLite file and PostgreSQL): repeat appeals (2.4), the due list and
the digest (3.7, 4.1), the summary report (4.3) and the journal export (2.5), with a set clock."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from classify.types import Applicant, Classification
from base.config import Config, load_config
from base.timeutil import due_at
from journal import register, workflow
from journal.db import create_schema, make_engine
from journal.models import Appeal, Outbox
from journal.report_formats import (
    report_csv,
    report_markdown,
    write_export_csv,
    write_export_xlsx,
    write_report_xlsx,
)
from classify.repeats import prepare_repeat_fields, similarity
from journal.repeats import candidate_queries, find_repeat
from journal.reports import EXPORT_COLUMNS, build_report, due_list, export_rows
from pipeline.digest import DigestSources, collect_digests, queue_digests
from replies.render import make_environment

REPO = Path(__file__).resolve().parents[2]
TZ = "Europe/Moscow"
MSK = ZoneInfo(TZ)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=MSK).astimezone(UTC)  # the clock of these tests
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))

TOKEN = ("Здравствуйте! Я купил у вас рутокен для ЕГАИС, но УТМ не видит ключ, транспортный "
         "модуль выдаёт ошибку сертификата. Переустанавливал драйверы, не помогло. Прошу "
         "заменить ключ или помочь с настройкой.\n\nС уважением,\nИванов Иван\n+7 910 000-00-00")
TOKEN_AGAIN = ("Добрый день. Повторно обращаюсь: транспортный модуль УТМ так и не видит рутокен, "
               "ошибка сертификата осталась. Ключ для ЕГАИС покупали у вас. Просим заменить ключ.")
BILLING = ("Здравствуйте. В счёте за октябрь нам выставили двойную оплату за сопровождение, "
           "деньги списали дважды. Прошу сделать перерасчёт и вернуть переплату.")
IVAN = Applicant(type="individual", last_name="Иванов", first_name="Иван",
                 email="ivan@example.ru", postal_address="308000, г. Белгород, ул. Мира, 1",
                 phone="+79100000000")


def msk(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=MSK).astimezone(UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml")


def add_appeal(session: Session, seq: int, received: datetime, text_: str = TOKEN, *,
               applicant: Applicant = IVAN, kind: str = "complaint", department: str = "egais",
               assignee: str | None = "Михайлов Дмитрий", subject: str | None = None,
               anonymous: bool = False) -> Appeal:
    """Register one appeal the way flow does: build it, the repeat fields, flush, the repeat."""
    decision = Classification(automated=False, kind=kind, applicant=applicant,
                              anonymous=anonymous, department=department, assignee=assignee)
    appeal = register.build_appeal(
        number=f"{seq}/2026", year=2026, seq=seq, received_at=received,
        due_at=due_at(received, 10, TZ), decision=decision, sender_email=applicant.email,
        subject=subject if subject is not None else f"Обращение {seq}", body=text_,
        message_id=f"<m{seq}@example.ru>", raw_sha256=f"{seq:064d}", now=received)
    appeal.applicant_key, appeal.lemmas = prepare_repeat_fields(text_, applicant)
    session.add(appeal)
    session.flush()
    found = find_repeat(session, appeal, 0.5, similarity)
    if found:
        appeal.repeat_of_id, appeal.repeat_similarity = found[0].id, found[1]
    return appeal


def answer(session: Session, appeal: Appeal, at: datetime, outcome: str = "answered") -> None:
    workflow.set_outcome(session, appeal, outcome, "Ответ дан", "staff", at)
    workflow.change_status(session, appeal, "answered", "staff", at)


# --- repeats (2.4) -------------------------------------------------------------------------

def test_repeat_of_an_answered_appeal_is_flagged(engine: Engine) -> None:
    with Session(engine) as session:
        first = add_appeal(session, 1, msk(2))
        answer(session, first, msk(5))
        again = add_appeal(session, 2, msk(20), TOKEN_AGAIN)
        assert again.repeat_of_id == first.id
        assert 0.6 <= (again.repeat_similarity or 0) < 1
        session.commit()
        stored = session.get(Appeal, again.id)
        assert stored is not None and stored.repeat_of_id == first.id


def test_different_question_or_different_applicant_is_not_a_repeat(engine: Engine) -> None:
    petrov = Applicant(type="individual", last_name="Петров", first_name="Пётр",
                       email="petrov@example.ru")
    with Session(engine) as session:
        first = add_appeal(session, 1, msk(2))
        answer(session, first, msk(5))
        billing = add_appeal(session, 2, msk(20), BILLING)
        stranger = add_appeal(session, 3, msk(21), TOKEN, applicant=petrov)
        assert billing.repeat_of_id is None and billing.repeat_similarity is None
        assert stranger.repeat_of_id is None


def test_repeat_found_by_name_from_another_address_but_not_of_an_unanswered_one(engine: Engine) -> None:
    other_mailbox = Applicant(type="individual", last_name="Иванов", first_name="Иван",
                              middle_name="Петрович", email="ivanov.work@example.ru")
    with Session(engine) as session:
        open_one = add_appeal(session, 1, msk(2))
        assert add_appeal(session, 2, msk(3), TOKEN_AGAIN).repeat_of_id is None  # not answered
        answer(session, open_one, msk(6))
        by_name = add_appeal(session, 3, msk(20), TOKEN_AGAIN, applicant=other_mailbox)
        assert by_name.repeat_of_id == open_one.id


def test_repeat_lookup_uses_the_indexes(engine: Engine) -> None:
    probe = Appeal(id=10, number="x", year=2026, seq=10, received_at=NOW, due_at=NOW,
                   raw_sha256="0", created_at=NOW, applicant_email="ivan@example.ru",
                   applicant_key="иванов иван", lemmas="ключ")
    queries = candidate_queries(probe)
    assert len(queries) == 2
    with engine.connect() as conn:
        plans = [_plan(conn, q) for q in queries]
    assert "ix_appeal_applicant_email" in plans[0], plans[0]
    assert "ix_appeal_applicant_key" in plans[1], plans[1]


def _plan(conn, query) -> str:  # type: ignore[no-untyped-def]
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    conn.execute(text("SET enable_seqscan = off"))  # tiny tables: ask whether the index *can* serve
    return " | ".join(row[0] for row in conn.execute(text("EXPLAIN " + sql)))


# --- the November journal: due list, digest, report, export ---------------------------------

SALES = {"department": "sales", "assignee": "Отдел продаж"}


def november(session: Session) -> dict[str, Appeal]:
    """Eight appeals at known moments (see each line); the clock is NOW = 25.11.2026 09:00 MSK."""
    a: dict[str, Appeal] = {}
    a["A7"] = add_appeal(session, 1, msk(1, month=10), BILLING, subject="Старое")  # open, due 11.10
    a["A1"] = add_appeal(session, 2, msk(10), BILLING, subject="Не работает УТМ")  # open, due 20.11
    workflow.change_status(session, a["A1"], "under_review", "staff", msk(11))
    a["A2"] = add_appeal(session, 3, msk(13), kind="claim", subject="Ключ не работает", **SALES)
    answer(session, a["A2"], msk(20), "upheld")  # due 23.11: on time
    workflow.close(session, a["A2"], "staff", msk(21))
    m1 = workflow.add_measure(session, a["A2"], "Проверить партию ключей", "Легкий Валерий",
                              date(2026, 11, 22), "staff", msk(20))  # overdue
    m2 = workflow.add_measure(session, a["A2"], "Заменить ключ", "Отдел продаж",
                              date(2026, 11, 30), "staff", msk(20))
    workflow.complete_measure(session, m2.id or 0, date(2026, 11, 24), "staff", msk(24))
    a["A3"] = add_appeal(session, 4, msk(14), BILLING, assignee="Легкий Валерий",
                         applicant=Applicant(type="legal_entity", organization="ООО «Ромашка»",
                                             email="info@romashka.ru"))
    answer(session, a["A3"], msk(25, 8), "rejected")  # due 24.11: late
    a["A4"] = add_appeal(session, 5, msk(16), "Не приходят квитанции из ФНС.", kind="appeal",
                         department="internet_reporting", applicant=Applicant(), anonymous=True,
                         subject="Квитанции")  # open, due 26.11
    a["A5"] = add_appeal(session, 6, msk(20), "Предлагаю добавить оплату картой.",
                         kind="suggestion", **SALES)  # open, due 30.11
    a["A6"] = add_appeal(session, 7, msk(15), BILLING, **SALES)  # waiting, due 25.11 (today)
    workflow.change_status(session, a["A6"], "waiting_for_client", "staff", msk(16))
    a["A8"] = add_appeal(session, 8, msk(22), TOKEN_AGAIN, kind="claim", **SALES)  # repeat of A2
    workflow.change_status(session, a["A8"], "correspondence_stopped", "staff", msk(23))
    workflow.add_measure(session, a["A8"], "Позвонить клиенту", "Отдел продаж",
                         date(2026, 12, 1), "staff", msk(23))
    assert m1.done_on is None and a["A8"].repeat_of_id == a["A2"].id
    session.commit()
    return a


def test_due_list_sorts_due_soon_and_overdue(engine: Engine) -> None:
    with Session(engine) as session:
        november(session)
        due = due_list(session, NOW, 3, TZ)
        mine = due_list(session, NOW, 3, TZ, assignee="Михайлов Дмитрий")
    assert due.today == date(2026, 11, 25)
    assert [(a.number, a.due_on, a.days_left) for a in due.overdue] == [
        ("1/2026", date(2026, 10, 11), -45), ("2/2026", date(2026, 11, 20), -5)]
    assert [(a.number, a.days_left) for a in due.due_soon] == [("7/2026", 0), ("5/2026", 1)]
    assert [(m.appeal_number, m.what, m.who, m.days_overdue) for m in due.overdue_measures] == [
        ("3/2026", "Проверить партию ключей", "Легкий Валерий", 3)]
    assert [a.number for a in mine.overdue + mine.due_soon] == ["1/2026", "2/2026", "5/2026"]
    assert not mine.overdue_measures


def test_digests_per_assignee_and_everything_to_sales(engine: Engine, config: Config) -> None:
    env = make_environment(REPO / "templates")
    with Session(engine) as session:
        november(session)
        mails = {m.to_address: m for m in collect_digests(session, DigestSources.from_config(config, env), NOW)}
    assert set(mails) == {"d.mikhailov@r31.center-inform.ru", "v.legkiy@r31.center-inform.ru",
                          "otdel.prodazh@r31.center-inform.ru"}
    mikhailov = mails["d.mikhailov@r31.center-inform.ru"]
    assert mikhailov.subject == "Сроки по обращениям на 25.11.2026: просрочено — 2, срок истекает — 1"
    assert mikhailov.text.startswith("Михайлов Дмитрий, добрый день.\n\nСроки по Вашим обращениям "
                                     "на 25.11.2026.\n")
    assert ("  № 2/2026 — «Не работает УТМ», Иванов Иван\n"
            "      срок ответа 20.11.2026, просрочено на 5 дней\n") in mikhailov.text
    assert ("  № 5/2026 — «Квитанции», анонимное\n"
            "      срок ответа 26.11.2026, остался 1 день\n") in mikhailov.text
    assert "МЕРЫ" not in mikhailov.text and "7/2026" not in mikhailov.text
    legkiy = mails["v.legkiy@r31.center-inform.ru"].text
    assert ("  № 3/2026: Проверить партию ключей\n"
            "      ответственный: Легкий Валерий, срок 22.11.2026, просрочено на 3 дня\n") in legkiy
    assert "ПРОСРОЧЕНЫ (" not in legkiy and "СРОК ИСТЕКАЕТ" not in legkiy
    sales = mails["otdel.prodazh@r31.center-inform.ru"]
    assert sales.subject.endswith("просрочено — 2, срок истекает — 2, просрочено мер — 1")
    assert "Сроки по всем обращениям в журнале на 25.11.2026." in sales.text
    assert "срок ответа 25.11.2026, срок сегодня; исполнитель: Отдел продаж" in sales.text


def test_digests_are_queued_once_a_local_day(engine: Engine, config: Config) -> None:
    env = make_environment(REPO / "templates")
    with Session(engine) as session:
        november(session)
        assert queue_digests(session, DigestSources.from_config(config, env), NOW) == 3
        session.commit()
        assert queue_digests(session, DigestSources.from_config(config, env), msk(25, 23)) == 0  # still 25.11 in Moscow
        assert queue_digests(session, DigestSources.from_config(config, env), msk(26, 0)) == 3  # the next local day
        session.commit()
        rows = list(session.exec(select(Outbox)))
    assert len(rows) == 6
    assert {(r.purpose, r.appeal_id, r.state) for r in rows} == {("digest", None, "pending")}
    assert b"Auto-Submitted: auto-replied" in rows[0].raw


def test_report_counts(engine: Engine) -> None:
    with Session(engine) as session:
        november(session)
        report = build_report(session, *NOVEMBER, NOW, TZ, {"sales": "Отдел продаж"})
    assert report.total == 7  # A7 came in October
    assert report.by_kind == {"complaint": 3, "claim": 2, "appeal": 1, "suggestion": 1}
    assert report.by_department == {"sales": 4, "egais": 2, "internet_reporting": 1}
    assert report.by_assignee == {"Отдел продаж": 4, "Михайлов Дмитрий": 2, "Легкий Валерий": 1}
    assert (report.anonymous, report.named) == (1, 6)
    assert (report.on_time, report.late, report.open, report.open_overdue) == (2, 1, 4, 1)
    assert report.outcomes == {None: 5, "rejected": 1, "upheld": 1}
    assert (report.measures_planned, report.measures_done, report.measures_overdue) == (3, 1, 1)
    assert report.repeats == 1


def test_report_files(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        november(session)
        report = build_report(session, *NOVEMBER, NOW, TZ, {"sales": "Отдел продаж"})
    md = report_markdown(report)
    assert md.startswith("# Сводный отчёт по обращениям за период с 01.11.2026 по 30.11.2026\n")
    assert "| Отвечено с нарушением срока | 1 |" in md and "| Отдел продаж | 4 |" in md
    stream = io.StringIO()
    report_csv(report, stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue()), delimiter=";"))
    assert rows[0] == ["Раздел", "Показатель", "Количество"]
    assert rows[1] == ["Обращения за период (2.5)", "Поступило обращений", "7"]
    assert ["По видам", "жалоба", "3"] in rows and ["По подразделениям", "egais", "2"] in rows
    assert ["Сроки ответа (3.7)", "в том числе просрочено", "1"] in rows
    assert ["Результаты рассмотрения (3.8)", "не указан", "5"] in rows
    assert ["Меры по устранению причин (4.1, 4.2)", "Просрочено", "1"] in rows
    assert rows[-1] == ["Повторные обращения (2.4)", "Повторные", "1"]
    write_report_xlsx(report, tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx")["Сводный отчёт"]
    assert sheet["B2"].value == datetime(2026, 11, 1) and sheet["B2"].number_format == "DD.MM.YYYY"
    assert [sheet["A6"].value, sheet["B6"].value] == ["Показатель", "Количество"]
    assert sheet["A6"].font.bold and sheet.freeze_panes == "A7"
    assert [c.value for c in sheet[7]][:1] == ["Обращения за период (2.5)"] and sheet["A7"].font.bold
    assert [c.value for c in sheet[8]] == ["Поступило обращений", 7]
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=sheet.max_row)] == [["Повторные", 1]]


EXPECTED_A2 = {
    "Рег. №": "3/2026", "Дата поступления": date(2026, 11, 13), "Заявитель": "Иванов Иван",
    "Адрес": "308000, г. Белгород, ул. Мира, 1; ivan@example.ru", "Телефон": "+79100000000",
    "Анонимное": "нет", "Вид обращения": "претензия",
    "Краткое содержание": "«Ключ не работает»: Здравствуйте! Я купил у вас рутокен для ЕГАИС, но "
                          "УТМ не видит ключ, транспортный модуль выдаёт ошибку сертификата. "
                          "Переустанавливал драйверы, не помогло. Прошу заменить ключ или помочь "
                          "с настройкой.…",  # 200 characters of the text at most
    "Подразделение": "Отдел продаж", "Исполнитель": "Отдел продаж",
    "Срок ответа": date(2026, 11, 23), "Дата ответа": date(2026, 11, 20), "Состояние": "закрыто",
    "Результат рассмотрения": "удовлетворено: Ответ дан",
    "Меры": "1. Проверить партию ключей — Легкий Валерий, срок 22.11.2026\n"
            "2. Заменить ключ — Отдел продаж, срок 30.11.2026, выполнено 24.11.2026",
    "Повторное к №": None,
}
EXPECTED_A4 = {
    "Рег. №": "5/2026", "Дата поступления": date(2026, 11, 16), "Заявитель": None, "Адрес": None,
    "Телефон": None, "Анонимное": "да", "Вид обращения": "обращение",
    "Краткое содержание": "«Квитанции»: Не приходят квитанции из ФНС.",
    "Подразделение": "internet_reporting", "Исполнитель": "Михайлов Дмитрий",
    "Срок ответа": date(2026, 11, 26), "Дата ответа": None, "Состояние": "зарегистрировано",
    "Результат рассмотрения": None, "Меры": None, "Повторное к №": None,
}


def test_export_rows_cell_by_cell(engine: Engine) -> None:
    with Session(engine) as session:
        november(session)
        rows = export_rows(session, TZ, *NOVEMBER, department_titles={"sales": "Отдел продаж"})
    assert [r["Рег. №"] for r in rows] == [f"{i}/2026" for i in range(2, 9)]
    by_number = {r["Рег. №"]: r for r in rows}
    for column in EXPORT_COLUMNS:
        assert by_number["3/2026"][column] == EXPECTED_A2[column], column
        assert by_number["5/2026"][column] == EXPECTED_A4[column], column
    a8 = by_number["8/2026"]
    assert (a8["Повторное к №"], a8["Дата ответа"], a8["Состояние"]) == \
        ("3/2026", date(2026, 11, 23), "переписка прекращена")
    assert by_number["4/2026"]["Заявитель"] == "ООО «Ромашка»"
    assert by_number["4/2026"]["Дата ответа"] == date(2026, 11, 25)


def test_export_csv_and_xlsx_read_back(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        november(session)
        rows = export_rows(session, TZ, department_titles={"sales": "Отдел продаж"})
    stream = io.StringIO()
    write_export_csv(rows, stream)
    parsed = list(csv.reader(io.StringIO(stream.getvalue()), delimiter=";"))
    assert parsed[0] == list(EXPORT_COLUMNS) and len(parsed) == 9  # A7 too: no period given
    a2 = dict(zip(parsed[0], parsed[3], strict=True))
    for column in EXPORT_COLUMNS:
        assert a2[column] == _as_text(EXPECTED_A2[column]), column
    write_export_xlsx(rows, tmp_path / "journal.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "journal.xlsx")["Журнал обращений"]
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    for column, cell in zip(EXPORT_COLUMNS, sheet[4], strict=True):
        expected = EXPECTED_A2[column]
        if isinstance(expected, date):
            assert cell.value == datetime.combine(expected, datetime.min.time()), column
            assert cell.number_format == "DD.MM.YYYY"
        else:
            assert cell.value == expected, column
    assert sheet.column_dimensions["H"].width == 60


def _as_text(value: object) -> str:
    if value is None:
        return ""
    return f"{value:%d.%m.%Y}" if isinstance(value, date) else str(value)


# --- LibreOffice opens the XLSX files (headless) -------------------------------------------

def test_libreoffice_reads_the_xlsx_files(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: apt-get install -y libreoffice-calc-nogui"
    engine = make_engine(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    create_schema(engine)
    with Session(engine) as session:
        november(session)
        rows = export_rows(session, TZ, department_titles={"sales": "Отдел продаж"})
        report = build_report(session, *NOVEMBER, NOW, TZ)
    write_export_xlsx(rows, tmp_path / "journal.xlsx")
    write_report_xlsx(report, tmp_path / "report.xlsx")
    out = tmp_path / "lo"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true",
         "--outdir", str(out), str(tmp_path / "journal.xlsx"), str(tmp_path / "report.xlsx")],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and (out / "journal.csv").exists(), done.stdout + done.stderr
    expected = io.StringIO()
    write_export_csv(rows, expected)
    assert _read_csv(out / "journal.csv") == list(csv.reader(io.StringIO(expected.getvalue()),
                                                             delimiter=";"))
    lo_report = _read_csv(out / "report.csv")
    assert lo_report[:4] == [[report_title_text(), ""], ["Период с", "01.11.2026"],
                             ["по", "30.11.2026"], ["Сформирован", "25.11.2026"]]
    assert ["Поступило обращений", "7"] in lo_report and lo_report[-1] == ["Повторные", "1"]


def report_title_text() -> str:
    return "Сводный отчёт по обращениям за период с 01.11.2026 по 30.11.2026"


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
