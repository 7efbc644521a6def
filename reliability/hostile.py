"""Hostile input through the real flow (in-process ``process_one`` with real storage and a real
journal): attachment names that try to escape the store, header injection into outbound mail,
HTML and script, dangerous attachment types, and input that is not MIME at all."""

from __future__ import annotations

import email
import email.policy
import random
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

from reliability.env import Desk, Servers, make_desk
from reliability.mails import human
from reliability.result import ScenarioResult, Timer

HOSTILE_NAMES = [
    "../../../../../../tmp/cd-escape.txt", "..\\..\\..\\windows\\system32\\evil.dll",
    "/etc/cron.d/cd-escape", "C:\\Windows\\win.ini", "report\x00.pdf", "ctl\x01\x1b[31m\x7f.txt",
    "line\r\nContent-Type: text/html.txt", "CON", "con.txt", "NUL.pdf", "AUX", "COM1.doc",
    "LPT9.txt", "PRN", "a" * 1000 + ".pdf", unicodedata.normalize("NFC", "счёт-é.pdf"),
    unicodedata.normalize("NFD", "счёт-é.pdf"), "", ".", "..", ".htaccess",
    "~/.ssh/authorized_keys", "file:///etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "invoice\u202egpj.exe", "zero\u200bwidth.pdf", "trailing dot.", "trailing space.pdf ",
]
DANGEROUS_NAMES = [
    "invoice.exe", "script.js", "run.vbs", "macro.docm", "sheet.xlsm", "photo.jpg_.zip",
    "photo.jpg.exe", "archive.rar", "archive.7z", "setup.msi", "payload.ps1", "shortcut.lnk",
    "app.hta", "disk.iso", "run.bat", "run.cmd", "tool.scr", "lib.jar", "install.sh",
    "Счёт.pdf.exe", "report.PDF.EXE", "docs.tar.gz",
]
SAFE_NAMES = ["скан претензии.pdf", "photo.jpg", "letter.docx", "table.xlsx", "чек.png"]
NON_MIME = {
    "outlook .msg": bytes.fromhex("d0cf11e0a1b11ae1") + bytes(range(256)) * 8,
    "binary garbage": random.Random(5).randbytes(4096),
    "empty file": b"",
    "text without headers": "просто текст без заголовков\nвторая строка\n".encode(),
    "NUL bytes": b"\0" * 2048,
    "PDF file": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}
ZIP_BOMB_LIKE = (b"PK\x03\x04" + b"\0" * 26 + b"evil.exe" + b"\0" * 64)
_BLOB = re.compile(r"^[0-9a-f]{64}$")


def _deps(desk: Desk) -> Any:
    from base.config import load_config
    from pipeline.poll import build_deps

    return build_deps(load_config(desk.config_path), workers=0)


def _process(deps: Any, uid: int, data: bytes) -> Any:
    from pipeline.flow import process_one
    from ingest.types import RawMessage

    return process_one(RawMessage(deps.mailbox.name, 1, uid, data), deps)


def _storage_problems(root: Path) -> list[str]:
    """Every entry under the store: inside the root, no symlinks, content-addressed names,
    directories 0700 and files 0600."""
    problems = []
    resolved = root.resolve()
    for path in [root, *root.rglob("*")]:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            problems.append(f"symlink in the store: {path}")
            continue
        if resolved not in [path.resolve(), *path.resolve().parents]:
            problems.append(f"outside the store: {path}")
        mode = st.st_mode & 0o777
        if stat.S_ISDIR(st.st_mode) and mode != 0o700:
            problems.append(f"directory {path.relative_to(root)} has mode {oct(mode)}")
        if stat.S_ISREG(st.st_mode):
            if mode != 0o600:
                problems.append(f"file {path.relative_to(root)} has mode {oct(mode)}")
            if not _BLOB.match(path.name):
                problems.append(f"file not named by its content: {path.relative_to(root)}")
    return problems


def _attachments_mail(names: list[str], rng: random.Random, tag: str) -> tuple[str, bytes]:
    atts = [(name, "application/octet-stream", f"{tag}-{i}-".encode() + rng.randbytes(64))
            for i, name in enumerate(names)]
    return human(tag, 1, rng, attachments=atts)


def _raw_name_mail(names: list[str], rng: random.Random) -> bytes:
    """Names sent raw in quoted filename= (NUL, CR and control characters survive the
    RFC 2231 encoder of mailfactory only this way)."""
    boundary = "hostile-b"
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nЖалоба.\r\n".encode()]
    for i, name in enumerate(names):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8", "surrogateescape")
        parts.append(f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Disposition: attachment; filename=\"".encode() + quoted
                     + b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUkFXe3tpfX0=\r\n")
    head = ("From: Raw Names <raw.names@client.example.org>\r\nTo: desk@example.org\r\n"
            "Subject: raw names\r\nMessage-ID: <raw-names@client.example.org>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    return head.encode() + b"".join(parts) + f"--{boundary}--\r\n".encode()


def run_hostile(servers: Servers, *, seed: int) -> ScenarioResult:
    result = ScenarioResult("hostile: names, injection, HTML, dangerous types, non-MIME", "hostile")
    timer = Timer()
    rng = random.Random(seed)
    desk = make_desk(servers, "hostile")
    deps = _deps(desk)
    store = deps.storage.path
    outside_before = set(Path("/tmp").iterdir()) | set(Path("/etc/cron.d").glob("*"))
    tried = 0
    # 1. hostile and dangerous attachment names
    _, mail = _attachments_mail(HOSTILE_NAMES, rng, "hostnames")
    _process(deps, 1, mail)
    _process(deps, 2, _raw_name_mail(HOSTILE_NAMES[:12], rng))
    _, mail = _attachments_mail(DANGEROUS_NAMES + SAFE_NAMES, rng, "dangerous")
    _process(deps, 3, mail)
    _, mail = human("zip", 1, rng, attachments=[("docs.zip", "application/zip", ZIP_BOMB_LIKE)])
    _process(deps, 4, mail)
    tried += len(HOSTILE_NAMES) + 12 + len(DANGEROUS_NAMES) + len(SAFE_NAMES) + 1
    journal = desk.journal()
    names = [a["filename"] for a in journal.attachments]
    flags = {a["filename"]: a["flags"] or "" for a in journal.attachments}
    unflagged = [n for n in DANGEROUS_NAMES + ["docs.zip"] if "dangerous" not in flags.get(n, "")]
    false_alarms = [n for n in SAFE_NAMES if "dangerous" in flags.get(n, "")]
    long_kept = any(n and len(n) >= 1000 for n in names)
    nf = {unicodedata.normalize("NFC", "счёт-é.pdf"), unicodedata.normalize("NFD", "счёт-é.pdf")}
    both_forms = nf <= set(names)
    escaped = sorted(str(p) for p in (set(Path("/tmp").iterdir())
                                      | set(Path("/etc/cron.d").glob("*"))) - outside_before
                     if "escape" in p.name or p.name in ("evil.dll", "win.ini"))
    result.check(not escaped, f"files written outside the store: {escaped}")
    result.check(not unflagged, f"dangerous attachments not flagged: {unflagged}")
    result.check(not false_alarms, f"safe attachments flagged dangerous: {false_alarms}")
    result.check(long_kept, "the 1,000-character name was not kept as data")
    result.check(both_forms, "names differing only in Unicode normalisation were not both kept")
    bad_stored = [a["stored_name"] for a in journal.attachments if a["stored_name"]
                  and not re.match(r"^attachments/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$",
                                   a["stored_name"])]
    result.check(not bad_stored, f"stored names not content-addressed: {bad_stored[:3]}")
    unpacked = [p for p in store.rglob("*") if p.is_file() and "evil" in p.name]
    result.check(not unpacked, "an archive was unpacked into the store")
    # 2. header injection through names and subjects; HTML and script
    inj_name = "=?utf-8?b?" + _b64("Иван\r\nBcc: victim@evil.example\r\nX-Injected: yes") + "?="
    inj_subject = "=?utf-8?b?" + _b64("Жалоба\r\nBcc: victim2@evil.example\r\nX-Injected: 1") + "?="
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    for uid, (frm, subject, body, html) in enumerate((
            (f"{inj_name} <inject.one@client.example.org>", inj_subject, "Жалоба на менеджера.", False),
            ("\"<b>Evil</b>\" <inject.two@client.example.org>",
             "=?utf-8?b?" + _b64(script) + "?=", f"Жалоба {script}", True),
    ), start=10):
        mail = _raw_mail(frm, subject, body, html, f"<inject-{uid}@client.example.org>")
        _process(deps, uid, mail)
        tried += 1
    journal = desk.journal()
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(desk.db_url, poolclass=NullPool)
    with engine.connect() as conn:
        raws = [bytes(r[0]) for r in conn.execute(text("SELECT raw FROM outbox"))]
    engine.dispose()
    injected, unescaped = [], []
    for raw in raws:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if msg.get_all("Bcc") or msg.get_all("X-Injected") or b"\nBcc:" in raw or b"\nX-Injected" in raw:
            injected.append(msg.get("To"))
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                html = part.get_content()
                if "<script" in html.lower() or "onerror=" in html.lower() or "<b>evil" in html.lower():
                    unescaped.append(msg.get("To"))
    result.check(not injected, f"header injection reached outbound mail: {injected}")
    result.check(not unescaped, f"client HTML/script unescaped in outbound HTML: {unescaped}")
    # 3. not MIME at all
    set_aside_ok, outcomes = 0, {}
    for uid, (label, data) in enumerate(NON_MIME.items(), start=100):
        try:
            res = _process(deps, uid, data)
            outcomes[label] = f"{res.outcome.value}: {res.reason}"
            set_aside_ok += int(res.outcome.value == "set_aside" and bool(res.reason))
        except Exception as exc:  # noqa: BLE001 - the finding itself
            outcomes[label] = f"raised {type(exc).__name__}: {exc}"
        tried += 1
    result.check(set_aside_ok == len(NON_MIME),
                 f"non-MIME input not set aside with a reason: "
                 f"{ {k: v for k, v in outcomes.items() if not v.startswith('set_aside')} }")
    store_problems = _storage_problems(store)
    result.check(not store_problems, f"store problems: {store_problems[:4]}")
    result.figures.update(hostile_inputs_tried=tried, attachments_recorded=len(names),
                          dangerous_unflagged=unflagged, safe_flagged=false_alarms,
                          non_mime_outcomes=outcomes, outbound_checked=len(raws),
                          store_problems=len(store_problems))
    deps.engine.dispose()
    result.seconds = timer.elapsed()
    return result


def _b64(text_: str) -> str:
    import base64

    return base64.b64encode(text_.encode()).decode()


def _raw_mail(frm: str, subject: str, body: str, html: bool, mid: str) -> bytes:
    ctype = "text/html" if html else "text/plain"
    payload = f"<html><body><p>{body}</p></body></html>" if html else body
    return (f"From: {frm}\r\nTo: desk@example.org\r\nSubject: {subject}\r\nMessage-ID: {mid}\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: {ctype}; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{payload}\r\n").encode()
