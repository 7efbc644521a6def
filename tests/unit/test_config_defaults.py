"""Issue 9: a config with only the four contract sections works, relative paths follow the
working directory, placeholders are warned about, and the guard tells a mail's fault from the
service's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jinja2 import TemplateNotFound

from base.config import load_config
from base.errors import ConfigError, StorageError
from base.placeholders import placeholder_warnings
from pipeline.faults import STREAK, FaultGuard

REPO = Path(__file__).resolve().parents[2]
FOUR = {
    "mailbox": {"host": "imap.branch.local", "username": "pretenzii"},
    "smtp": {"host": "smtp.branch.local", "sender": "Претензии <pretenzii@branch.local>"},
    "database": {"url": "sqlite:///journal.sqlite3"},
    "storage": {"path": "store"},
}


def _write(path: Path, data: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_four_contract_keys_are_enough(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path / "c.yaml", FOUR))
    assert config.organisation.director.name == "Директор филиала"
    assert [d.key for d in config.departments] == [config.default_department] == ["sales"]
    assert config.templates.path is None  # the packaged templates


def test_relative_paths_follow_the_working_directory(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    etc, state = tmp_path / "etc", tmp_path / "state"
    etc.mkdir(), state.mkdir()
    cfg = _write(etc / "complaintdesk.yaml", {**FOUR, "templates": {"path": "mine"}})
    monkeypatch.chdir(state)
    config = load_config(cfg)
    assert config.storage.path == state / "store"
    assert config.database.url == f"sqlite:///{state / 'journal.sqlite3'}"
    assert config.templates.path == state / "mine"
    assert [p.name for p in etc.iterdir()] == ["complaintdesk.yaml"]


def test_placeholders_are_warned_about_one_line_each(tmp_path: Path) -> None:
    four = load_config(_write(tmp_path / "c.yaml", FOUR))
    lines = placeholder_warnings(four)
    assert any(line.startswith("organisation.director.name:") for line in lines)
    assert any(line.startswith("organisation.name:") for line in lines)
    assert all("\n" not in line for line in lines)
    example = {**FOUR, "smtp": {**FOUR["smtp"], "sender": "desk@example.com"}}
    assert any(line.startswith("smtp.sender:") for line in
               placeholder_warnings(load_config(_write(tmp_path / "e.yaml", example))))
    real = {**FOUR, "organisation": {"name": "ООО «Ромашка»", "branch": "Курский филиал",
                                     "director": {"name": "Петров П. П.", "title": "Директор"}}}
    assert placeholder_warnings(load_config(_write(tmp_path / "r.yaml", real))) == []


def test_the_shipped_config_warns_about_its_director() -> None:
    lines = placeholder_warnings(load_config(REPO / "config.yaml"))
    assert [line.split(":")[0] for line in lines] == ["organisation.director.name"]


def test_systemic_by_kind_stops_at_once() -> None:
    guard = FaultGuard()
    assert guard.judge(TemplateNotFound("acknowledgement.ru.txt.j2")) is not None
    fault = guard.judge(StorageError("cannot store raw blob: disk full"))
    assert fault is not None and "storage.path" in str(fault) and "nothing was set aside" in str(fault)


def test_one_mails_crash_is_its_own_the_same_crash_in_a_row_is_ours() -> None:
    guard = FaultGuard()
    assert guard.judge(KeyError("x")) is None and guard.open
    guard.succeeded()  # the next mail went through: that KeyError was the mail's
    assert not guard.open
    verdicts = [guard.judge(ValueError(f"mail {i}")) for i in range(STREAK)]
    assert verdicts[:-1] == [None] * (STREAK - 1) and verdicts[-1] is not None
    assert guard.judge(KeyError("a")) is None and guard.judge(ValueError("b")) is None


def test_a_timeout_beyond_the_watchdog_is_refused_naming_the_key(tmp_path: Path) -> None:
    slow = {**FOUR, "mailbox": {**FOUR["mailbox"], "timeout_seconds": 900}}
    with pytest.raises(ConfigError, match=r"mailbox\.timeout_seconds"):
        load_config(_write(tmp_path / "c.yaml", slow))
