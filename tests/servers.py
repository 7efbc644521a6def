"""Start and stop real loopback servers (Dovecot IMAP, aiosmtpd SMTP, PostgreSQL) for tests.

Plain helper classes, importable without pytest. Every server lives in a private
directory, listens on 127.0.0.1 on a free port and can be stopped and started
again on the same port with the same data (for outage tests).
"""

from __future__ import annotations

import atexit
import glob
import grp
import imaplib
import logging
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 10.0
MAIL_UID = 65534  # "nobody": owns the maildirs when we run as root


# --------------------------------------------------------------------------
# small process / socket helpers


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on *host* that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float, describe: Callable[[], str]) -> None:
    """Block until host:port accepts connections; raise with describe() text otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_accepts(host, port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{host}:{port} did not accept connections within {timeout}s\n{describe()}")


def tail(path: Path, lines: int = 30) -> str:
    """Last *lines* lines of a log file (or a note that it does not exist)."""
    if not path.exists():
        return f"(log {path} does not exist)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- tail of {path} ---\n" + "\n".join(text)


def is_root() -> bool:
    return os.geteuid() == 0


def require_traversable(path: Path, uid: int) -> None:
    """Fail clearly when a non-root *uid* could not reach *path* (e.g. under a 0700 dir)."""
    if uid == os.geteuid():
        return
    for parent in [path, *path.parents]:
        if parent.exists() and not os.stat(parent).st_mode & 0o001:
            raise RuntimeError(
                f"{parent} is not traversable by others (mode "
                f"{oct(os.stat(parent).st_mode & 0o777)}); uid {uid} needs to reach {path}. "
                "Put server roots under a 0755 directory (e.g. tempfile.mkdtemp + chmod 0o755)."
            )


def run(cmd: Sequence[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, raising with its output when it fails."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def find_binary(name: str) -> str:
    """*name* on PATH, else in /usr/sbin or /sbin (not on a normal user's PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{name} not found on PATH or in /usr/sbin — "
                           "run scripts/setup-system.sh as root")
    return found


def client_ssl_context(ca_file: Path) -> ssl.SSLContext:
    """Client context that verifies servers against our test CA (hostname checks on)."""
    return ssl.create_default_context(cafile=str(ca_file))


# --------------------------------------------------------------------------
# TLS: one self-signed CA, server certs for 127.0.0.1 / localhost


@dataclass(frozen=True)
class CertificateAuthority:
    """A test CA on disk: ca_file is what clients pass as cafile."""

    ca_file: Path
    key_file: Path


@dataclass(frozen=True)
class ServerCert:
    """A server certificate + key signed by a CertificateAuthority."""

    cert_file: Path
    key_file: Path
    ca_file: Path

    def server_context(self) -> ssl.SSLContext:
        """Server-side SSLContext (for aiosmtpd ssl_context / tls_context)."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert_file), str(self.key_file))
        return ctx


def _ec_key_args(key_file: Path) -> list[str]:
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key_file)]


def make_ca(directory: Path) -> CertificateAuthority:
    """Create (or reuse) ca.pem/ca.key in *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = CertificateAuthority(directory / "ca.pem", directory / "ca.key")
    if ca.ca_file.exists() and ca.key_file.exists():
        return ca
    run(["openssl", "req", "-x509", *_ec_key_args(ca.key_file), "-out", ca.ca_file,
         "-days", "3650", "-subj", "/CN=complaintdesk test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign",
         "-addext", "subjectKeyIdentifier=hash"])
    return ca


_LEAF_EXTENSIONS = """\
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
"""


def make_cert(directory: Path, ca: CertificateAuthority, name: str = "server") -> ServerCert:
    """Create (or reuse) NAME.pem/NAME.key for IP:127.0.0.1 and DNS:localhost."""
    directory.mkdir(parents=True, exist_ok=True)
    cert = ServerCert(directory / f"{name}.pem", directory / f"{name}.key", ca.ca_file)
    if cert.cert_file.exists() and cert.key_file.exists():
        return cert
    csr, ext = directory / f"{name}.csr", directory / f"{name}.ext"
    ext.write_text(_LEAF_EXTENSIONS)
    run(["openssl", "req", "-new", *_ec_key_args(cert.key_file), "-out", csr,
         "-subj", "/CN=localhost"])
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca.ca_file, "-CAkey", ca.key_file,
         "-CAcreateserial", "-out", cert.cert_file, "-days", "825", "-sha256",
         "-extfile", ext])
    return cert


# --------------------------------------------------------------------------
# Dovecot


_DOVECOT_CONF = """\
# private test instance written by tests/servers.py
base_dir = {base_dir}
state_dir = {state_dir}
instance_name = complaintdesk-test-{imap_port}
protocols = imap
listen = 127.0.0.1
log_path = {log}
info_log_path = {log}
debug_log_path = {log}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
mail_location = maildir:{mail_root}/%u
mail_privileged_group =
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
imap_idle_notify_interval = 1 secs
mailbox_idle_check_interval = 1 secs
shutdown_clients = yes
ssl = {ssl}
{ssl_files}
passdb {{
  driver = passwd-file
  # one file per user: a new user's file is read fresh (a shared file is only
  # re-checked once per second, so users added at runtime would be missed)
  args = scheme=PLAIN username_format=%u {passwd}/%u
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={mail_root}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}
# no anvil auth penalty: failed logins (tests do them on purpose) must not slow later ones
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
# chroot needs root: without it one config serves root and non-root runs
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"""


def _process_identity() -> tuple[str, str, int, int]:
    """(internal user, internal group, mail uid, mail gid) for the current privileges."""
    if is_root():
        return "dovecot", "dovecot", MAIL_UID, MAIL_UID
    me = pwd.getpwuid(os.getuid())
    return me.pw_name, grp.getgrgid(os.getgid()).gr_name, os.getuid(), os.getgid()


@dataclass
class DovecotServer:
    """A private Dovecot IMAP server: imap (STARTTLS) on plain_port, imaps on port."""

    root: Path
    users: dict[str, str]
    ssl: bool = True
    ca: CertificateAuthority | None = None
    host: str = LOOPBACK
    plain_port: int = field(default_factory=free_port)
    imaps_port: int = field(default_factory=free_port)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.users = dict(self.users)
        for name, password in self.users.items():
            _check_passwd_field(name, password)
        self.ca = self.ca or make_ca(self.root / "tls")
        self.cert = make_cert(self.root / "tls", self.ca, "dovecot")
        self._layout()
        atexit.register(self.stop)

    # -- public attributes -------------------------------------------------

    @property
    def port(self) -> int:
        """imaps port when ssl, otherwise the plain imap port."""
        return self.imaps_port if self.ssl else self.plain_port

    @property
    def ca_file(self) -> Path:
        assert self.ca is not None
        return self.ca.ca_file

    @property
    def conf_file(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def log_file(self) -> Path:
        return self.root / "dovecot.log"

    @property
    def mail_root(self) -> Path:
        return self.root / "mail"

    def maildir(self, user: str) -> Path:
        """Maildir (INBOX) of *user*."""
        return self.mail_root / user

    def folder_dir(self, user: str, folder: str) -> Path:
        """Maildir++ directory of *folder* ("INBOX", "Archive", "A/B")."""
        if folder.upper() == "INBOX":
            return self.maildir(user)
        return self.maildir(user) / ("." + folder.replace("/", "."))

    def ssl_context(self) -> ssl.SSLContext:
        """Client SSLContext that verifies this server's certificate."""
        return client_ssl_context(self.ca_file)

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "DovecotServer":
        """Start dovecot -F in the foreground and wait until the ports accept."""
        if self.running:
            return self
        self._write_config()
        log = open(self.root / "dovecot.stderr", "ab")
        self._proc = subprocess.Popen(
            [find_binary("dovecot"), "-F", "-c", str(self.conf_file)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        for port in self._ports():
            wait_for_port(self.host, port, START_TIMEOUT, self._describe_failure)
        self._wait_greeting()
        return self

    def stop(self) -> None:
        """Stop the server (clients are disconnected); data stays for start()."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is not None:  # master died on its own: clear leftover children
            _signal_group(proc.pid, signal.SIGKILL)
            return
        _signal_group(proc.pid, signal.SIGTERM)  # master and children shut down together
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        self._wait_ports_closed()

    def restart(self) -> "DovecotServer":
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> "DovecotServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- mailbox helpers ---------------------------------------------------

    def add_user(self, user: str, password: str) -> None:
        """Add a user; usable at once, also while running (one passwd-file per user).

        Changing an existing user's password may take Dovecot up to a second to see.
        """
        _check_passwd_field(user, password)
        self.users[user] = password
        self._write_user(user)

    def imap(self, user: str) -> imaplib.IMAP4:
        """Logged-in imaplib connection over the plain port (for test set-up only)."""
        conn = imaplib.IMAP4(self.host, self.plain_port, timeout=10)
        conn.login(user, self.users[user])
        return conn

    def append(self, user: str, folder: str, data: bytes,
               flags: Iterable[str] = (), date_time: Any = None) -> int | None:
        """APPEND raw bytes to ASCII-named *folder* (created if missing); return the new UID.

        flags: e.g. ("\\Seen", "$Complaint"); date_time: INTERNALDATE as imaplib takes it.
        """
        conn = self.imap(user)
        try:
            if folder.upper() != "INBOX":
                conn.create(_quote(folder))  # "already exists" is fine
            flag_list = "(" + " ".join(flags) + ")" if flags else None
            typ, resp = conn.append(_quote(folder), flag_list, date_time, data)
            if typ != "OK":
                raise RuntimeError(f"APPEND to {folder!r} failed: {resp!r}")
            return _appenduid(resp)
        finally:
            conn.logout()

    def uidvalidity(self, user: str, folder: str = "INBOX") -> int:
        """Current UIDVALIDITY of *folder* via STATUS."""
        conn = self.imap(user)
        try:
            typ, resp = conn.status(_quote(folder), "(UIDVALIDITY)")
            if typ != "OK":
                raise RuntimeError(f"STATUS {folder!r} failed: {resp!r}")
            match = re.search(rb"UIDVALIDITY (\d+)", resp[0] or b"")
            assert match, resp
            return int(match.group(1))
        finally:
            conn.logout()

    def change_uidvalidity(self, user: str, folder: str = "INBOX") -> int:
        """Force a new UIDVALIDITY (messages get new UIDs); return the new value.

        Stops the server, deletes the folder's dovecot-uidlist and index files and
        the mailbox list index, and starts it again on the same ports.
        """
        old = self.uidvalidity(user, folder)
        self.stop()
        # dovecot-uidvalidity in the maildir root keeps new values strictly increasing
        self._forget_uids(user, folder)
        self.start()
        new = self.uidvalidity(user, folder)
        if new == old:
            raise RuntimeError(f"UIDVALIDITY of {user}/{folder} did not change ({old})")
        return new

    set_uidvalidity_change = change_uidvalidity

    # -- internals ---------------------------------------------------------

    def _ports(self) -> list[int]:
        return [self.plain_port, self.imaps_port] if self.ssl else [self.plain_port]

    def _layout(self) -> None:
        if len(str(self.root)) > 60:  # unix sockets under base_dir are limited to 107 bytes
            raise ValueError(f"dovecot root path too long for its sockets: {self.root}")
        _, _, uid, gid = _process_identity()
        for sub in ("run", "state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.mail_root.mkdir(exist_ok=True)
        if is_root():
            require_traversable(self.mail_root, uid)
            os.chown(self.mail_root, uid, gid)
            os.chmod(self.root / "run", 0o755)

    def _write_passwd(self) -> None:
        for user in self.users:
            self._write_user(user)

    def _write_user(self, user: str) -> None:
        users_dir = self.root / "users"
        users_dir.mkdir(exist_ok=True)
        tmp = users_dir / f".{user}.tmp"
        tmp.write_text(f"{user}:{self.users[user]}\n")
        os.chmod(tmp, 0o644)
        tmp.replace(users_dir / user)

    def _write_config(self) -> None:
        self._write_passwd()
        internal_user, internal_group, uid, gid = _process_identity()
        ssl_files = (
            f"ssl_cert = <{self.cert.cert_file}\nssl_key = <{self.cert.key_file}"
            if self.ssl else ""
        )
        self.conf_file.write_text(_DOVECOT_CONF.format(
            base_dir=self.root / "run", state_dir=self.root / "state", log=self.log_file,
            internal_user=internal_user, internal_group=internal_group,
            login_user=internal_user if not is_root() else "dovenull",
            mail_uid=uid, mail_gid=gid, mail_root=self.mail_root,
            ssl="yes" if self.ssl else "no", ssl_files=ssl_files,
            passwd=self.root / "users",
            imap_port=self.plain_port,
            imaps_port=self.imaps_port if self.ssl else 0,
        ))

    def _forget_uids(self, user: str, folder: str) -> None:
        folder_dir = self.folder_dir(user, folder)
        doomed = [folder_dir / "dovecot-uidlist"]
        doomed += [Path(p) for p in glob.glob(str(folder_dir / "dovecot.index*"))]
        doomed += [Path(p) for p in glob.glob(str(self.maildir(user) / "dovecot.list.index*"))]
        for path in doomed:
            path.unlink(missing_ok=True)

    def _wait_greeting(self) -> None:
        """Wait for "* OK" on the plain port: auth is up, so stop() right after is fast."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if _imap_greeting(self.host, self.plain_port).startswith(b"* OK"):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot sent no IMAP greeting\n{self._describe_failure()}")

    def _wait_ports_closed(self) -> None:
        deadline = time.monotonic() + 5
        while any(port_accepts(self.host, p, 0.2) for p in self._ports()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"dovecot ports still open after stop\n{tail(self.log_file)}")
            time.sleep(0.05)

    def _describe_failure(self) -> str:
        code = self._proc.poll() if self._proc else None
        state = "running" if self.running else f"exited with {code}"
        return (f"dovecot ({self.conf_file}) {state}\n"
                f"{tail(self.root / 'dovecot.stderr', 15)}\n{tail(self.log_file)}")


def _imap_greeting(host: str, port: int) -> bytes:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            sock.sendall(b"a LOGOUT\r\n")
            return data
    except OSError:
        return b""


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _check_passwd_field(user: str, password: str) -> None:
    for value in (user, password):
        if ":" in value or "\n" in value or not value:
            raise ValueError(f"passwd-file values must be non-empty without ':' or newline: {value!r}")
    if "/" in user or user.startswith("."):
        raise ValueError(f"user names become file names: no '/' or leading '.': {user!r}")


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _appenduid(resp: list[Any]) -> int | None:
    text = b" ".join(r for r in resp if isinstance(r, bytes))
    match = re.search(rb"APPENDUID \d+ (\d+)", text)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------
# SMTP sink (aiosmtpd)


@dataclass(frozen=True)
class ReceivedMessage:
    """One message accepted by SmtpSink."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str]
    tls: bool
    auth_login: str | None


_AIOSMTPD_NOISE = ("auth_required == True but auth_require_tls == False",
                   "Session.login_data is deprecated")


def _drop_aiosmtpd_noise(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(_AIOSMTPD_NOISE)


def _smtp_class() -> type:
    from aiosmtpd.smtp import SMTP

    mail_log = logging.getLogger("mail.log")
    if _drop_aiosmtpd_noise not in mail_log.filters:
        mail_log.addFilter(_drop_aiosmtpd_noise)

    class LongLineSMTP(SMTP):  # type: ignore[misc]
        """aiosmtpd SMTP that accepts real-world 8-bit lines longer than 998 bytes."""

        line_length_limit = 1_000_000

    return LongLineSMTP


class SmtpSink:
    """A real aiosmtpd SMTP server that records every message it accepts."""

    def __init__(self, host: str = LOOPBACK, port: int = 0,
                 ssl_context: ssl.SSLContext | None = None,
                 require_auth: tuple[str, str] | None = None,
                 tls_context: ssl.SSLContext | None = None,
                 auth_require_tls: bool | None = None,
                 data_size_limit: int = 200 * 1024 * 1024) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.ssl_context = ssl_context  # implicit TLS (SMTPS)
        self.tls_context = tls_context  # STARTTLS offered, not required
        self.require_auth = require_auth
        # AUTH only after STARTTLS when STARTTLS is offered; aiosmtpd cannot see
        # implicit TLS, so SMTPS and plain sinks accept AUTH directly.
        self.auth_require_tls = (bool(tls_context) and not ssl_context
                                 if auth_require_tls is None else auth_require_tls)
        self.data_size_limit = data_size_limit
        self.fail_with: str | None = None  # e.g. "451 4.3.0 try later"
        self.refused: list[ReceivedMessage] = []
        self._messages: list[ReceivedMessage] = []
        self._cond = threading.Condition()
        self._controller: Any = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        """Snapshot of accepted messages, oldest first."""
        with self._cond:
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()
            self.refused.clear()

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        if self._controller is not None:
            return self
        smtp_class = _smtp_class()
        controller = Controller(
            self, hostname=self.host, port=self.port, ssl_context=self.ssl_context,
            server_hostname="localhost", **self._smtp_kwargs(),
        )
        controller.factory = lambda: _quietly(smtp_class, controller.handler,
                                              **controller.SMTP_kwargs)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until at least *n* messages were accepted; return them."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._messages) >= n, timeout):
                raise TimeoutError(
                    f"SmtpSink got {len(self._messages)} of {n} messages within {timeout}s "
                    f"({len(self.refused)} refused)")
            return list(self._messages)

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- aiosmtpd hooks ----------------------------------------------------

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = ReceivedMessage(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
            data=bytes(envelope.original_content), mail_options=list(envelope.mail_options),
            tls=session.ssl is not None or self.ssl_context is not None,
            auth_login=_auth_login(session),
        )
        with self._cond:
            if self.fail_with:
                self.refused.append(message)
                return self.fail_with
            self._messages.append(message)
            self._cond.notify_all()
        return "250 2.0.0 OK queued"

    def _authenticate(self, server: Any, session: Any, envelope: Any,
                      mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert self.require_auth is not None
        user, password = (s.encode() for s in self.require_auth)
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user and auth_data.password == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def _smtp_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = dict(
            data_size_limit=self.data_size_limit, enable_SMTPUTF8=True, decode_data=False,
            tls_context=self.tls_context, require_starttls=False,
        )
        if self.require_auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.auth_require_tls)
        return kwargs


def _quietly(factory: Any, *args: Any, **kwargs: Any) -> Any:
    """Build the SMTP instance without aiosmtpd's "AUTH without TLS" UserWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return factory(*args, **kwargs)


def _auth_login(session: Any) -> str | None:
    data = getattr(session, "auth_data", None)
    login = getattr(data, "login", None)
    return login.decode() if isinstance(login, bytes) else login


# --------------------------------------------------------------------------
# PostgreSQL


def find_pg_bin(name: str) -> Path:
    """Locate a PostgreSQL server binary via PATH or /usr/lib/postgresql/*/bin (newest)."""
    found = shutil.which(name)
    if found:
        return Path(found).resolve()  # PATH may hold symlinks; siblings live next to the target
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not candidates:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found on PATH or in "
                           "/usr/lib/postgresql/*/bin — run scripts/setup-system.sh")
    return Path(candidates[-1])


class PostgresServer:
    """A private PostgreSQL cluster on 127.0.0.1 with trust auth and a database."""

    def __init__(self, root: Path, database: str = "complaintdesk",
                 port: int | None = None) -> None:
        self.root = Path(root).resolve()
        self.host = LOOPBACK
        self.port = port or free_port()
        self.database = database
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log_file = self.root / "postgres.log"
        self.bin_dir = find_pg_bin("pg_ctl").parent
        self._started = False
        atexit.register(self.stop)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database."""
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def start(self) -> "PostgresServer":
        if self._started:
            return self
        fresh = not (self.data_dir / "PG_VERSION").exists()
        if fresh:
            self._initdb()
        self._pg_ctl("start", "-w", "-t", str(int(START_TIMEOUT)), "-l", self.log_file,
                     "-o", f"-p {self.port} -k {self.socket_dir} "
                           f"-c listen_addresses={self.host} -c fsync=off "
                           "-c synchronous_commit=off -c full_page_writes=off")
        self._started = True
        if fresh:
            self.create_database(self.database)
        return self

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        self._pg_ctl("stop", "-m", "fast", "-w")

    def create_database(self, name: str) -> str:
        """CREATE DATABASE *name*; return its SQLAlchemy URL."""
        self._as_postgres([self.bin_dir / "createdb", "-h", self.host, "-p", str(self.port),
                           "-U", "postgres", name])
        return self.url_for(name)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _initdb(self) -> None:
        for directory in (self.data_dir, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        if is_root():
            postgres = pwd.getpwnam("postgres")
            require_traversable(self.data_dir, postgres.pw_uid)
            for path in (self.data_dir, self.socket_dir, self.log_file):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
        os.chmod(self.data_dir, 0o700)
        self._as_postgres([self.bin_dir / "initdb", "-D", self.data_dir, "-U", "postgres",
                           "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])

    def _pg_ctl(self, *args: str | Path) -> None:
        try:
            self._as_postgres([self.bin_dir / "pg_ctl", "-D", self.data_dir, *args])
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{tail(self.log_file)}") from None

    def _as_postgres(self, cmd: list[str | Path]) -> None:
        prefix: list[str | Path] = (
            [find_binary("runuser"), "-u", "postgres", "--"] if is_root() else [])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        run([*prefix, *cmd], env=env, cwd="/", stdin=subprocess.DEVNULL)
