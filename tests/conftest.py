"""Pytest fixtures that start real loopback servers (Dovecot, aiosmtpd, PostgreSQL).

A missing server is a failure with a clear message, never a skip. Tests under
tests/integration/ are marked ``integration`` automatically.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

from tests.servers import (
    CertificateAuthority,
    DovecotServer,
    PostgresServer,
    ServerCert,
    SmtpSink,
    make_ca,
    make_cert,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
INTEGRATION_DIR = Path(__file__).resolve().parent / "integration"

IMAP_USER = "pretenzii"
IMAP_PASSWORD = "secret-imap"
CLIENT_USER = "client"
CLIENT_PASSWORD = "secret-client"
SMTP_USER = "complaintdesk"
SMTP_PASSWORD = "secret-smtp"

_fresh_users = itertools.count(1)
T = TypeVar("T")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/integration/ as ``integration``."""
    for item in items:
        if INTEGRATION_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def servers_root() -> Iterator[Path]:
    """A 0755 temp dir: Dovecot's mail user and postgres must be able to reach it.

    (pytest's own tmp dirs are 0700 root-owned, which those users cannot traverse.)
    Kept after the run when COMPLAINTDESK_KEEP_SERVERS is set, for reading logs.
    """
    root = Path(tempfile.mkdtemp(prefix="complaintdesk-servers-"))
    root.chmod(0o755)
    yield root
    if not os.environ.get("COMPLAINTDESK_KEEP_SERVERS"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def test_ca(servers_root: Path) -> CertificateAuthority:
    """The one self-signed CA every test server's certificate is signed by."""
    return _or_fail("create the test CA with openssl", lambda: make_ca(servers_root / "tls"))


@pytest.fixture(scope="session")
def ca_file(test_ca: CertificateAuthority) -> Path:
    """CA file to pass as cafile to clients of the test servers."""
    return test_ca.ca_file


@pytest.fixture(scope="session")
def dovecot(servers_root: Path, test_ca: CertificateAuthority) -> Iterator[DovecotServer]:
    """Real Dovecot: users pretenzii/secret-imap and client/secret-client, imaps on .port."""
    server = DovecotServer(
        servers_root / "dovecot",
        {IMAP_USER: IMAP_PASSWORD, CLIENT_USER: CLIENT_PASSWORD},
        ssl=True, ca=test_ca,
    )
    _or_fail("start Dovecot (apt-get install dovecot-imapd; see scripts/setup-system.sh)",
             server.start)
    yield server
    server.stop()


@pytest.fixture
def fresh_imap_user(dovecot: DovecotServer) -> str:
    """A new Dovecot user with an empty mailbox; its password is dovecot.users[name]."""
    name = f"user{next(_fresh_users)}-{os.getpid()}"
    dovecot.add_user(name, f"pw-{name}")
    return name


@pytest.fixture(scope="session")
def smtp_cert(servers_root: Path, test_ca: CertificateAuthority) -> ServerCert:
    return _or_fail("create the SMTP certificate",
                    lambda: make_cert(servers_root / "tls", test_ca, "smtp"))


@pytest.fixture
def smtp_sink_factory(smtp_cert: ServerCert) -> Iterator[Callable[..., SmtpSink]]:
    """Start SmtpSinks: factory(mode="plain"|"starttls"|"smtps", auth=(user, pw)|None)."""
    started: list[SmtpSink] = []

    def factory(mode: str = "starttls", auth: tuple[str, str] | None = None,
                **kwargs: object) -> SmtpSink:
        tls = {"plain": {}, "starttls": {"tls_context": smtp_cert.server_context()},
               "smtps": {"ssl_context": smtp_cert.server_context()}}[mode]
        sink = SmtpSink(require_auth=auth, **tls, **kwargs)  # type: ignore[arg-type]
        started.append(sink)
        return _or_fail(f"start the aiosmtpd sink ({mode})", sink.start)

    yield factory
    for sink in started:
        sink.stop()


@pytest.fixture
def smtp_sink(smtp_sink_factory: Callable[..., SmtpSink]) -> SmtpSink:
    """SMTP sink on a plain port offering STARTTLS, no AUTH required."""
    return smtp_sink_factory("starttls")


@pytest.fixture(scope="session")
def postgres(servers_root: Path) -> Iterator[PostgresServer]:
    """Real PostgreSQL cluster on loopback with database ``complaintdesk``."""
    server = PostgresServer(servers_root / "postgres")
    _or_fail("start PostgreSQL (initdb/pg_ctl; see scripts/setup-system.sh)", server.start)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """SQLAlchemy URL: $COMPLAINTDESK_TEST_PG_URL, else a private server's database."""
    url = os.environ.get("COMPLAINTDESK_TEST_PG_URL")
    if url:
        return url
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.url


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared material dir ($COMPLAINTDESK_SHARED, else ../shared next to the repo)."""
    path = Path(os.environ.get("COMPLAINTDESK_SHARED") or REPO_ROOT.parent / "shared")
    if not path.is_dir():
        pytest.fail(f"shared directory {path} is missing: check out the shared material "
                    "next to the repo or set COMPLAINTDESK_SHARED", pytrace=False)
    return path


def _or_fail(what: str, action: Callable[[], T]) -> T:
    """Run *action*; turn any exception into a clear pytest failure."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - reported, not swallowed
        problem = f"could not {what}:\n{type(exc).__name__}: {exc}"
    pytest.fail(problem, pytrace=False)
