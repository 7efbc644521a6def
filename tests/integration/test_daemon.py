"""The daemon as it runs on a server: a real `complaintdesk run` process against the real
servers, woken by IMAP IDLE, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.mailfactory import russian_mail


def _start(desk, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CD_TEST_IMAP_PW": f"pw-{desk.user}", "CD_TEST_SMTP_PW": "secret-smtp"}
    exe = Path(sys.executable).with_name("complaintdesk")
    log = open(tmp_path / "daemon.log", "w")
    return subprocess.Popen([str(exe), "--config", str(desk.config_path), "run"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)


def test_idle_wakes_the_daemon_and_sigterm_stops_it(desk_factory, tmp_path: Path) -> None:
    desk = desk_factory(daemon={"poll_interval_seconds": 300}, mailbox={"idle": True})
    proc = _start(desk, tmp_path)
    try:
        time.sleep(3)  # started, first (empty) poll done, IDLE connection open
        assert proc.poll() is None, (tmp_path / "daemon.log").read_text()
        started = time.monotonic()
        desk.append(russian_mail(body="Письмо, которое должно прийти сразу."))
        desk.sink.wait_for(1, timeout=15)
        latency = time.monotonic() - started
        assert latency < 10, f"IDLE did not wake the daemon ({latency:.1f} s)"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    log = (tmp_path / "daemon.log").read_text()
    assert code == 0, log
    assert "daemon stopped" in log and "Traceback" not in log
    assert "outcome=registered appeal=1/2026" in log


def test_daemon_survives_a_dead_imap_server_with_one_line(desk_factory, tmp_path: Path) -> None:
    desk = desk_factory(daemon={"poll_interval_seconds": 0.5}, mailbox={"port": 1, "idle": False})
    proc = _start(desk, tmp_path)
    deadline = time.monotonic() + 60  # a loaded machine starts the daemon slowly
    while "unreachable" not in (tmp_path / "daemon.log").read_text() and time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "daemon.log").read_text()
        time.sleep(0.2)
    time.sleep(2)  # several more polls against the dead server: still one line
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    log = (tmp_path / "daemon.log").read_text()
    errors = [line for line in log.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "unreachable" in errors[0], log
    assert "Traceback" not in log
