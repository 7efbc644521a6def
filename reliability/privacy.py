"""Secrets and personal data: passwords only from the environment or a 0600 file and never in
output; logs without bodies, names, addresses or phones; the store and journal readable only by
the service's user; TLS verified by default for IMAP and SMTP."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import yaml

from reliability.env import Desk, Servers, complaintdesk_command, make_desk
from reliability.mails import BODIES, FIRST, SURNAMES
from reliability.result import ScenarioResult, Timer

# what the harness's human mails carry that must never reach a log
_PERSONAL = [re.compile(r"@client\.example\.org", re.IGNORECASE), re.compile(r"\+7 \(4722\) 3"),
             *(re.compile(re.escape(s)) for s in SURNAMES),
             *(re.compile(re.escape(f.split()[0])) for f in FIRST),
             *(re.compile(re.escape(b.split(".")[0][:40])) for b in BODIES)]


def _cli(desk: Desk, *args: str, env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*complaintdesk_command(), "--config", str(desk.config_path), *args],
                          capture_output=True, text=True, env={**desk.env(), **(env or {})},
                          cwd=desk.root, timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def _rewrite(desk: Desk, section: str, **values: object) -> None:
    data = yaml.safe_load(desk.config_path.read_text(encoding="utf-8"))
    for key, value in values.items():
        if value is None:
            data[section].pop(key, None)
        else:
            data[section][key] = value
    desk.config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def scan_logs(servers: Servers, result: ScenarioResult) -> None:
    """Every desk's daemon log of this run: no password, no personal data."""
    leaks: list[str] = []
    for desk in servers.desks:
        text_ = desk.log_text()
        for secret in (desk.imap_password, desk.smtp_password):
            if secret in text_:
                leaks.append(f"{desk.name}: a password in the log")
        for pattern in _PERSONAL:
            match = pattern.search(text_)
            if match:
                line = text_[text_.rfind("\n", 0, match.start()) + 1:text_.find("\n", match.end())]
                leaks.append(f"{desk.name}: {pattern.pattern!r} in: {line[:200]}")
                break
    result.figures["logs_scanned"] = len(servers.desks)
    result.figures["log_leaks"] = len(leaks)
    result.check(not leaks, f"personal data or secrets in logs: {leaks[:4]}")


def _modes(desk: Desk) -> list[str]:
    problems = []
    data = yaml.safe_load(desk.config_path.read_text(encoding="utf-8"))
    store = Path(data["storage"]["path"])
    for path in [store, *store.rglob("*")] if store.exists() else []:
        mode = path.lstat().st_mode
        want = 0o700 if stat.S_ISDIR(mode) else 0o600
        if mode & 0o777 != want:
            problems.append(f"{path} is {oct(mode & 0o777)}")
    url = data["database"]["url"]
    if url.startswith("sqlite:///"):
        db = Path(url[len("sqlite:///"):])
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            if path.exists() and path.stat().st_mode & 0o077:
                problems.append(f"journal {path.name} is {oct(path.stat().st_mode & 0o777)}")
    return problems


def run_privacy(servers: Servers, *, seed: int) -> ScenarioResult:
    result = ScenarioResult("secrets: passwords, logs, file modes, TLS", "secrets")
    timer = Timer()
    desk = make_desk(servers, "secrets")
    checks = 0
    # 1. wrong IMAP password: the refusal names the user, never the password
    wrong = f"wrong-{desk.imap_password}-X"
    out = _cli(desk, "poll", "--once", "--no-send", env={"CD_REL_IMAP_PW": wrong})
    checks += 1
    result.check(wrong not in out.stdout + out.stderr, "the wrong IMAP password was printed")
    result.check("Traceback" not in out.stderr, "a traceback for a refused IMAP login")
    # 2. a good poll and a send: the real passwords never printed
    import random

    from reliability.mails import human
    from tests.servers import SmtpSink  # noqa: F401  (the sink is desk.sink)

    mid, data = human("secret", 1, random.Random(seed))
    desk.servers.dovecot.append(desk.user, "INBOX", data)
    out = _cli(desk, "poll", "--once")
    checks += 1
    both = out.stdout + out.stderr
    result.check(out.returncode == 0, f"poll failed: {both[-300:]}")
    result.check(desk.imap_password not in both and desk.smtp_password not in both,
                 "a password printed by poll")
    leaked = [p.pattern for p in _PERSONAL if p.search(out.stderr)]
    result.check(not leaked, f"personal data in the log of poll --once: {leaked[:3]}")
    # 3. wrong SMTP password
    out = _cli(desk, "send", env={"CD_REL_SMTP_PW": "wrong-smtp-" + desk.smtp_password})
    checks += 1
    result.check(desk.smtp_password not in out.stdout + out.stderr, "SMTP password printed")
    # 4. password_file: 0600 accepted, 0644 refused with one line (exit 2), content never shown
    pw_file = desk.root / "imap.password"
    pw_file.write_text(desk.imap_password + "\n")
    os.chmod(pw_file, 0o600)
    _rewrite(desk, "mailbox", password_file=str(pw_file), password_env=None)
    out_ok = _cli(desk, "check-config", env={"CD_REL_IMAP_PW": ""})
    os.chmod(pw_file, 0o644)
    out_bad = _cli(desk, "check-config")
    checks += 2
    result.check(out_ok.returncode == 0, f"password_file 0600 refused: {out_ok.stderr.strip()[-200:]}")
    result.check(out_bad.returncode == 2 and "600" in out_bad.stderr,
                 f"password_file 0644 not refused with exit 2 (got {out_bad.returncode}: "
                 f"{out_bad.stderr.strip()[-200:]})")
    result.check(desk.imap_password not in out_ok.stdout + out_ok.stderr + out_bad.stdout
                 + out_bad.stderr, "the password file's content was printed")
    os.chmod(pw_file, 0o600)
    # 5. TLS verified by default (IMAP and SMTP against the self-signed test CA)
    checks += _tls(desk, result)
    # 6. file modes of the store and the journal
    problems = _modes(desk)
    checks += 1
    result.check(not problems, f"store/journal readable by others: {problems[:4]}")
    result.figures.update(secret_checks=checks, mode_problems=len(problems))
    result.seconds = timer.elapsed()
    return result


def _tls(desk: Desk, result: ScenarioResult) -> int:
    from base.config import ImapSettings, SmtpSettings
    from base.errors import DeliveryError, MailboxError
    from ingest.imap import ImapMailbox
    from replies.smtp import SmtpSender

    dovecot = desk.servers.dovecot
    base = dict(host="127.0.0.1", username=desk.user, timeout_seconds=5)
    outcomes = {}
    for label, settings in {
        "imap default (no CA)": ImapSettings(port=dovecot.imaps_port, **base),
        "imap with CA file": ImapSettings(port=dovecot.imaps_port, ca_file=desk.servers.ca_file,
                                          **base),
        "imap starttls default": ImapSettings(port=dovecot.plain_port, security="starttls", **base),
        "imap plain when asked": ImapSettings(port=dovecot.plain_port, security="plain", **base),
    }.items():
        try:
            with ImapMailbox(settings, desk.imap_password):
                outcomes[label] = "connected"
        except MailboxError as exc:
            outcomes[label] = f"refused: {exc}"
    sbase = dict(host="127.0.0.1", port=desk.sink.port, username="complaintdesk",
                 sender="Desk <desk@example.org>", timeout_seconds=5)
    for label, ssettings in {"smtp default (no CA)": SmtpSettings(**sbase),
                             "smtp with CA file": SmtpSettings(ca_file=desk.servers.ca_file,
                                                               **sbase)}.items():
        try:
            with SmtpSender(ssettings, desk.smtp_password):
                outcomes[label] = "connected"
        except DeliveryError as exc:
            outcomes[label] = f"refused: {exc}"
    result.figures["tls"] = outcomes
    expect = {"imap default (no CA)": "refused", "imap with CA file": "connected",
              "imap starttls default": "refused", "imap plain when asked": "connected",
              "smtp default (no CA)": "refused", "smtp with CA file": "connected"}
    for label, want in expect.items():
        result.check(outcomes[label].startswith(want), f"TLS: {label}: {outcomes[label]}")
    for label, got in outcomes.items():
        result.check(desk.imap_password not in got and desk.smtp_password not in got,
                     f"TLS: {label}: password in the error")
    return len(expect)
