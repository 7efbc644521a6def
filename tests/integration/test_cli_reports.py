"""The `due`, `report`, `export` and `digest` commands through click's CliRunner, on a journal
whose appeals are placed around the real clock (the commands read it)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from complaintdesk.cli import AppContext
from complaintdesk.cli_reports import digest_cmd, due_cmd, export_cmd, report_cmd
from base.config import load_config
from base.timeutil import to_local, utcnow
from journal.db import create_schema, make_engine
from journal.models import Outbox
from tests.integration.conftest import write_config
from tests.integration.test_reports import BILLING, TOKEN, add_appeal

REPO = Path(__file__).resolve().parents[2]


@click.group()
@click.option("--config", "config_path", type=click.Path(path_type=Path))
@click.pass_context
def root(ctx: click.Context, config_path: Path) -> None:
    ctx.obj = AppContext(config_path)


for _command in (due_cmd, report_cmd, export_cmd, digest_cmd):
    root.add_command(_command)


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = write_config(tmp_path / "config.yaml",
                        database={"url": f"sqlite:///{tmp_path / 'journal.sqlite3'}"},
                        storage={"path": str(tmp_path / "var")},
                        templates={"path": str(REPO / "templates")})
    config = load_config(path)
    engine = make_engine(config.database.url)
    create_schema(engine)
    now = utcnow()
    with Session(engine) as session:
        add_appeal(session, 1, now - timedelta(days=15), BILLING, subject="Просрочено")
        add_appeal(session, 2, now - timedelta(days=9), TOKEN, subject="Скоро срок",
                   department="sales", assignee="Отдел продаж")
        session.commit()
    engine.dispose()

    def run(*args: str) -> Result:
        return CliRunner().invoke(root, ["--config", str(path), *args])

    run.engine = make_engine(config.database.url)  # type: ignore[attr-defined]
    return run


def test_due_text_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("due")
    assert result.exit_code == 0, result.output
    assert "Просрочены (1):" in result.output and "просрочено на 5 дней" in result.output
    assert "Срок истекает в ближайшие 3 дн. (1):" in result.output
    assert "Просрочены меры (0):\n  нет" in result.output
    data = json.loads(cli("due", "--json", "--assignee", "Михайлов Дмитрий").output)
    assert [a["number"] for a in data["overdue"]] == ["1/2026"] and data["due_soon"] == []


def test_report_md_csv_and_xlsx(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    today = to_local(utcnow(), "Europe/Moscow").date()
    start = (today - timedelta(days=20)).strftime("%d.%m.%Y")
    md = cli("report", "--from", start, "--to", today.isoformat())
    assert md.exit_code == 0, md.output
    assert "| Поступило обращений | 2 |" in md.output and "| Не отвечено | 2 |" in md.output
    rows = list(csv.reader(io.StringIO(cli("report", "--from", start, "--format", "csv").output),
                           delimiter=";"))
    assert ["Сроки ответа (3.7)", "в том числе просрочено", "1"] in rows
    assert ["По подразделениям", "Отдел продаж", "1"] in rows  # the department's title
    target = tmp_path / "report.xlsx"
    assert cli("report", "--from", start, "--format", "xlsx", "--output", str(target)).exit_code == 0
    assert openpyxl.load_workbook(target)["Сводный отчёт"]["B8"].value == 2


def test_export_csv_to_a_file_and_xlsx(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "journal.csv"
    assert cli("export", "--format", "csv", "--output", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())  # BOM: spreadsheets read the Cyrillic right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows] == ["Рег. №", "1/2026", "2/2026"]
    xlsx = tmp_path / "journal.xlsx"
    assert cli("export", "--output", str(xlsx)).exit_code == 0
    assert openpyxl.load_workbook(xlsx)["Журнал обращений"]["A3"].value == "2/2026"


def test_digest_dry_run_then_queue_once(cli) -> None:  # type: ignore[no-untyped-def]
    dry = cli("digest", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "To: d.mikhailov@r31.center-inform.ru" in dry.output
    assert "To: otdel.prodazh@r31.center-inform.ru" in dry.output
    assert dry.output.rstrip().endswith("2 digest(s) would be queued")
    assert cli("digest").output.strip() == "2 digest(s) queued"
    assert cli("digest").output.startswith("no digest queued")
    with Session(cli.engine) as session:
        assert len(list(session.exec(select(Outbox)))) == 2


@pytest.mark.parametrize(("args", "message"), [
    (("report", "--format", "xlsx"), "Error: xlsx needs --output FILE"),
    (("export",), "Error: xlsx needs --output FILE"),
    (("report", "--from", "02.11.2026", "--to", "01.11.2026"),
     "Error: --from 02.11.2026 is after --to 01.11.2026"),
])
def test_errors_are_one_line(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.exit_code == 1 and result.output.strip() == message


def test_a_bad_date_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--from", "32.13.2026")
    assert result.exit_code == 2 and "is not a date (DD.MM.YYYY or YYYY-MM-DD)" in result.output


def test_daemon_step_queues_the_digest_once_a_day_after_its_time(desk_factory) -> None:
    from datetime import UTC, datetime

    from pipeline.digest import queue_daily_digest
    from pipeline.poll import build_deps
    from tests.mailfactory import russian_mail

    desk = desk_factory(digest={"at": "08:00", "days_ahead": 30})
    desk.append(russian_mail(body="Прошу ответить по существу."))
    desk.poll()
    clock = [datetime(2026, 11, 26, 4, 0, tzinfo=UTC)]  # 07:00 in Moscow: too early
    deps = build_deps(desk.config, now=lambda: clock[0], workers=0)
    assert queue_daily_digest(deps) == 0
    clock[0] = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    assert queue_daily_digest(deps) >= 1
    assert queue_daily_digest(deps) == 0  # once a day
