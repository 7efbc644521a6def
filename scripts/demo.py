"""`make demo`: a local Dovecot and SMTP sink on loopback, a few demo mails, one poll, one appeal
through the public form, and what came of it: the journal and the acknowledgements the sink
received. Then the staff desk (`complaintdesk web`) with demo logins, until Enter or Ctrl-C (at a
terminal; otherwise it is checked to answer and stopped).

Everything lives under .demo/ and the servers stop when the demo ends.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
from email.policy import default
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import yaml  # noqa: E402

from scripts.demo_form import submit_demo_form  # noqa: E402
from scripts.demo_mails import demo_mails  # noqa: E402
from servers import DovecotServer, SmtpSink, make_ca, make_cert  # noqa: E402

DEMO = REPO / ".demo"
USER, IMAP_PW, SMTP_USER, SMTP_PW = "pretenzii", "demo-imap", "complaintdesk", "demo-smtp"


def write_config(dovecot: DovecotServer, sink: SmtpSink, ca_file: Path) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["mailbox"].update(host=dovecot.host, port=dovecot.port, security="ssl",
                           ca_file=str(ca_file), username=USER)
    data["smtp"].update(host=sink.host, port=sink.port, security="ssl", ca_file=str(ca_file),
                        username=SMTP_USER)
    data["database"]["url"] = f"sqlite:///{DEMO / 'var' / 'complaintdesk.sqlite3'}"
    data["storage"]["path"] = str(DEMO / "var")
    data["templates"]["path"] = str(REPO / "templates")
    path = DEMO / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def complaintdesk(config: Path, *args: str, stdin: str | None = None) -> None:
    env = {**os.environ, "COMPLAINTDESK_IMAP_PASSWORD": IMAP_PW,
           "COMPLAINTDESK_SMTP_PASSWORD": SMTP_PW}
    exe = Path(sys.executable).with_name("complaintdesk")
    print(f"\n$ complaintdesk --config .demo/config.yaml {' '.join(args)}", flush=True)
    subprocess.run([str(exe), "--config", str(config), *args], env=env, check=True, input=stdin,
                   text=True)


DEMO_PASSWORD = "demo-password"
DEMO_USERS = (("demo-assignee", "Отдел продаж", "assignee", "sales"),
              ("demo-coordinator", "Петрова Ольга", "coordinator", None),
              ("demo-director", "Директор филиала", "director", None),
              ("demo-admin", "Администратор", "admin", None))


def web_ui(config: Path) -> None:
    """Start the staff desk on a free loopback port with demo logins and print its address."""
    import time
    import urllib.request

    from servers import free_port

    for login, name, role, dept in DEMO_USERS:
        complaintdesk(config, "users", "add", login, "--name", name, "--role", role,
                      *(["--department", dept] if dept else []), "--password-stdin",
                      stdin=DEMO_PASSWORD + "\n")
    port = free_port()
    exe = Path(sys.executable).with_name("complaintdesk")
    proc = subprocess.Popen([str(exe), "--config", str(config), "web", "--port", str(port)])
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"\n=== the staff desk: {url} ===")
        for login, _, role, _ in DEMO_USERS:
            print(f"  login {login:<17} password {DEMO_PASSWORD}   ({role})")
        if sys.stdin.isatty():
            input("\nPress Enter to stop the demo. ")
    except KeyboardInterrupt:
        pass
    finally:
        proc.terminate()
        proc.wait(20)


def show_acknowledgements(sink: SmtpSink) -> None:
    print(f"\n=== the SMTP sink received {len(sink.messages)} acknowledgement(s) ===")
    for received in sink.messages:
        msg = email.message_from_bytes(received.data, policy=default)
        print(f"\nTo: {msg['To']}\nSubject: {msg['Subject']}\n")
        print(msg.get_body(("plain",)).get_content().rstrip())


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir(mode=0o755)
    ca = make_ca(DEMO / "tls")
    dovecot = DovecotServer(DEMO / "dovecot", {USER: IMAP_PW}, ssl=True, ca=ca).start()
    sink = SmtpSink(ssl_context=make_cert(DEMO / "tls", ca, "smtp").server_context(),
                    require_auth=(SMTP_USER, SMTP_PW)).start()
    try:
        config = write_config(dovecot, sink, ca.ca_file)
        for label, data in demo_mails():
            dovecot.append(USER, "INBOX", data)
            print(f"appended: {label}")
        complaintdesk(config, "poll", "--once")
        complaintdesk(config, "list")
        complaintdesk(config, "show", "1/" + str(__import__("datetime").date.today().year))
        number = submit_demo_form(config)  # the public form (issue 13): same journal, same path
        complaintdesk(config, "send")
        complaintdesk(config, "show", number)
        show_acknowledgements(sink)
        web_ui(config)
    finally:
        sink.stop()
        dovecot.stop()


if __name__ == "__main__":
    main()
