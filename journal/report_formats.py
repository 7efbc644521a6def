"""The summary report (4.3) and the Journal of received appeals (2.5) as files: Markdown, CSV
(semicolon-separated, as Russian-locale spreadsheets expect) and XLSX (openpyxl). In Russian;
dates as 25.11.2026 (real date cells in XLSX). Pure except for writing to the target given.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any, TextIO

from journal.reports import DATE_COLUMNS, EXPORT_COLUMNS, KIND_LABELS, OUTCOME_LABELS, Report

DATE_FORMAT = "DD.MM.YYYY"
CSV_DELIMITER = ";"
REPORT_SHEET = "Сводный отчёт"
EXPORT_SHEET = "Журнал обращений"
_WIDTHS = {"Рег. №": 12, "Дата поступления": 14, "Заявитель": 30, "Адрес": 40, "Телефон": 16,
           "Анонимное": 11, "Вид обращения": 14, "Краткое содержание": 60, "Подразделение": 28,
           "Исполнитель": 22, "Срок ответа": 12, "Дата ответа": 12, "Состояние": 18,
           "Результат рассмотрения": 36, "Меры": 50, "Повторное к №": 14}
_WRAPPED = frozenset({"Краткое содержание", "Адрес", "Результат рассмотрения", "Меры"})

Section = tuple[str, list[tuple[str, int]]]


def report_title(report: Report) -> str:
    return (f"Сводный отчёт по обращениям за период с {report.date_from:%d.%m.%Y} "
            f"по {report.date_to:%d.%m.%Y}")


def report_sections(report: Report) -> list[Section]:
    """The report's figures, section by section, with Russian labels (shared by every format)."""
    titles = report.department_titles
    return [
        ("Обращения за период (2.5)", [("Поступило обращений", report.total)]),
        ("По видам", [(KIND_LABELS.get(k, k or ""), n) for k, n in report.by_kind.items()]),
        ("По подразделениям", [(titles.get(k or "", k or "не определено"), n)
                               for k, n in report.by_department.items()]),
        ("По исполнителям", [(k or "не назначен", n) for k, n in report.by_assignee.items()]),
        ("Анонимность (2.3)", [("Анонимные", report.anonymous),
                               ("С указанием заявителя", report.named)]),
        ("Сроки ответа (3.7)", [("Отвечено в срок", report.on_time),
                                ("Отвечено с нарушением срока", report.late),
                                ("Не отвечено", report.open),
                                ("в том числе просрочено", report.open_overdue)]),
        ("Результаты рассмотрения (3.8)",
         [(OUTCOME_LABELS.get(k, k or ""), n) for k, n in report.outcomes.items()]),
        ("Меры по устранению причин (4.1, 4.2)", [("Запланировано", report.measures_planned),
                                                  ("Выполнено", report.measures_done),
                                                  ("Просрочено", report.measures_overdue)]),
        ("Повторные обращения (2.4)", [("Повторные", report.repeats)]),
    ]


def report_markdown(report: Report) -> str:
    lines = [f"# {report_title(report)}", "", f"Сформирован {report.today:%d.%m.%Y}."]
    for title, rows in report_sections(report):
        lines += ["", f"## {title}", "", "| Показатель | Количество |", "|---|---:|"]
        lines += [f"| {_md(label)} | {n} |" for label, n in rows] or ["| — | 0 |"]
    return "\n".join(lines) + "\n"


def report_csv(report: Report, stream: TextIO) -> None:
    writer = csv.writer(stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(["Раздел", "Показатель", "Количество"])
    for title, rows in report_sections(report):
        writer.writerows([title, label, n] for label, n in rows)


def write_report_xlsx(report: Report, target: Path | IO[bytes]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = REPORT_SHEET
    sheet.append([report_title(report)])
    sheet.append(["Период с", report.date_from])
    sheet.append(["по", report.date_to])
    sheet.append(["Сформирован", report.today])
    sheet.append([])
    sheet.append(["Показатель", "Количество"])
    for title, rows in report_sections(report):
        sheet.append([title])
        _bold(sheet[sheet.max_row])
        for label, n in rows:
            sheet.append([label, n])
    _bold(sheet[1])
    _bold(sheet[6])
    for row in (2, 3, 4):
        sheet.cell(row, 2).number_format = DATE_FORMAT
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 48, 14
    sheet.freeze_panes = "A7"
    book.save(target)


def write_export_csv(rows: Iterable[dict[str, object]], stream: TextIO) -> None:
    writer = csv.writer(stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_text(row[c]) for c in EXPORT_COLUMNS])


def write_export_xlsx(rows: Iterable[dict[str, object]], target: Path | IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = EXPORT_SHEET
    sheet.append(list(EXPORT_COLUMNS))
    _bold(sheet[1])
    for row in rows:
        sheet.append([row[c] for c in EXPORT_COLUMNS])
    for i, name in enumerate(EXPORT_COLUMNS, 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16)
        for cell in sheet[letter][1:]:
            if name in DATE_COLUMNS:
                cell.number_format = DATE_FORMAT
            if name in _WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(target)


def _bold(cells: Any) -> None:
    from openpyxl.styles import Font

    for cell in cells:
        cell.font = Font(bold=True)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def _md(text: str) -> str:
    return text.replace("|", "\\|")
