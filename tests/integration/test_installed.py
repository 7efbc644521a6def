"""Issue 9, as an administrator installs it: the wheel built from this checkout, installed into a
fresh venv outside the checkout, a config in a second folder (/etc), the state in a third (the
working directory, like systemd's StateDirectory=), polling real Dovecot and sending to a real
SMTP server. Then the service's own faults (a broken template in templates.path, a read-only
store, the database stopped, the schema one migration behind): each poll sets nothing aside and
marks nothing done; once repaired every mail is registered and acknowledged exactly once, and a
mail that really is broken is set aside in that same run.

How the venv gets its dependencies (an honest shortcut): the wheel is installed with
``--no-deps``, and a ``.pth`` file adds this test venv's site-packages *after* the fresh venv's
own, so third-party libraries come from there while every complaintdesk module, template and
migration must come from the installed wheel (asserted: nothing is imported from the checkout,
no PYTHONPATH, the working directory is elsewhere). ``pip check`` proves the wheel's declared
dependencies are all satisfied. The editable install's finder (a .pth in this venv) is not run:
.pth files are only processed in site directories, and a path added by .pth is not one.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.servers import PostgresServer, is_root

REPO = Path(__file__).resolve().parents[2]
_sites = itertools.count(1)
CLI_TIMEOUT = 600
BROKEN_MAIL = b"garbage line without headers\r\n"
_IGNORE = shutil.ignore_patterns(".venv", ".git", ".demo", "build", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests", "bench",
                                 "reliability", "var")


@dataclass
class Installed:
    venv: Path
    wheel: Path

    @property
    def exe(self) -> Path:
        return self.venv / "bin" / "complaintdesk"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _run(cmd: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    src = root / "src"  # building in a copy keeps build/ and *.egg-info out of the checkout
    shutil.copytree(REPO, src, ignore=_IGNORE)
    built = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                  "--no-index", "-w", root / "dist"], cwd=src)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((root / "dist").glob("complaintdesk-*.whl"))
    venv = root / "venv"
    assert _run([sys.executable, "-m", "venv", venv]).returncode == 0
    site_dir = next(venv.glob("lib/python*/site-packages"))
    (site_dir / "zz-test-dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    pip = _run([venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index",
                wheel])
    assert pip.returncode == 0, pip.stderr[-2000:]
    check = _run([venv / "bin" / "python", "-m", "pip", "check"])
    assert "complaintdesk" not in check.stdout, check.stdout  # its requirements are all met
    return Installed(venv, wheel)


def test_the_wheel_carries_templates_migrations_and_the_example_config(
        installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for template in (REPO / "templates").glob("*.j2"):
        assert f"complaintdesk/templates/{template.name}" in names, template.name
    for migration in (REPO / "journal" / "migrations" / "versions").glob("*.py"):
        assert f"journal/migrations/versions/{migration.name}" in names, migration.name
    assert "journal/migrations/env.py" in names and "complaintdesk/config.example.yaml" in names
    out = _run([installed.exe, "config-example"], cwd=installed.venv)
    assert out.stdout == (REPO / "config.yaml").read_text(encoding="utf-8")


@dataclass
class Site:
    """One branch's server: /etc (the config), the state folder (cwd), a mailbox, a sink."""

    installed: Installed
    etc: Path
    state: Path
    user: str
    dovecot: Any
    sink: Any
    env: dict[str, str]

    @property
    def config(self) -> Path:
        return self.etc / "complaintdesk.yaml"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run([self.installed.exe, "--config", self.config, *args], cwd=self.state,
                    env=self.env)

    def rewrite(self, **sections: Any) -> None:
        data = yaml.safe_load(self.config.read_text(encoding="utf-8"))
        for name, values in sections.items():
            data[name] = values if not isinstance(values, dict) else {**data.get(name, {}),
                                                                       **values}
        self.config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def append(self, data: bytes) -> None:
        self.dovecot.append(self.user, "INBOX", data)

    def marked(self) -> int:
        """How many mails carry the done keyword on the server."""
        conn = self.dovecot.imap(self.user)
        try:
            conn.select("INBOX")
            _, found = conn.uid("SEARCH", None, "KEYWORD", "$Complaintdesk")
            return len(found[0].split())
        finally:
            conn.logout()

    def journal(self) -> dict[str, int]:
        """Outcome counts, appeals, and appeals with an address to acknowledge to (an anonymous
    web-form appeal may have none), read with the installed package's own code."""
        code = ("import json,collections;from sqlmodel import Session,select;"
                "from base.config import load_config;from journal.db import make_engine;"
                "from journal.models import Appeal,InboundMessage;"
                f"c=load_config(__import__('pathlib').Path({str(self.config)!r}));"
                "s=Session(make_engine(c.database.url));"
                "n=collections.Counter(r.outcome for r in s.exec(select(InboundMessage)));"
                "a=list(s.exec(select(Appeal)));n['appeals']=len(a);"
                "n['reachable']=sum(1 for x in a if x.applicant_email);print(json.dumps(n))")
        out = _run([self.installed.python, "-c", code], cwd=self.state, env=self.env)
        assert out.returncode == 0, out.stderr[-2000:]
        return dict(json.loads(out.stdout))


@pytest.fixture
def make_site(installed: Installed, dovecot: Any, smtp_sink_factory: Callable[..., Any],
              ca_file: Path, tmp_path: Path) -> Callable[..., Site]:
    def make(four_keys: bool = False, database_url: str | None = None) -> Site:
        n = next(_sites)  # one counter for the module: tmp_path names are cut alike
        user = f"inst{os.getpid()}x{n}x{tmp_path.name[-10:].replace('_', '')}"
        dovecot.add_user(user, f"pw-{user}")
        sink = smtp_sink_factory("smtps", auth=("complaintdesk", "secret-smtp"))
        etc, state = tmp_path / f"etc{n}", tmp_path / f"state{n}"
        etc.mkdir(), state.mkdir()
        servers = {
            "mailbox": {"host": "127.0.0.1", "port": dovecot.port, "security": "ssl",
                        "ca_file": str(ca_file), "username": user},
            "smtp": {"host": "127.0.0.1", "port": sink.port, "security": "ssl",
                     "ca_file": str(ca_file), "username": "complaintdesk"},
        }
        if four_keys:
            data: dict[str, Any] = {
                **servers, "database": {"url": "sqlite:///journal.sqlite3"},
                "storage": {"path": "store"}}
            data["mailbox"]["password_env"] = "COMPLAINTDESK_IMAP_PASSWORD"
            data["smtp"]["password_env"] = "COMPLAINTDESK_SMTP_PASSWORD"
            data["smtp"]["sender"] = "Претензии <pretenzii@branch.local>"
        else:  # the project's config.yaml with only the servers changed
            data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
            for name, values in servers.items():
                data[name].update(values)
        if database_url:
            data["database"] = {"url": database_url}
        (etc / "complaintdesk.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "COMPLAINTDESK_CONFIG", "VIRTUAL_ENV")}
        env.update(COMPLAINTDESK_IMAP_PASSWORD=f"pw-{user}",
                   COMPLAINTDESK_SMTP_PASSWORD="secret-smtp", HOME=str(state))
        return Site(installed, etc, state, user, dovecot, sink, env)

    return make


def _samples(shared_dir: Path) -> tuple[list[bytes], int]:
    """The sample mails and how many of them a person wrote (labels read, never copied)."""
    labels = json.loads((shared_dir / "samples" / "labels.json").read_text(encoding="utf-8"))
    paths = sorted((shared_dir / "samples" / "emails").glob("*.eml"))
    assert len(paths) == 20
    return [p.read_bytes() for p in paths], sum(not labels[p.name]["automated"] for p in paths)


def _human_samples(shared_dir: Path, n: int) -> list[bytes]:
    """The first ``n`` sample mails a person wrote (the robots' are set aside, rightly)."""
    labels = json.loads((shared_dir / "samples" / "labels.json").read_text(encoding="utf-8"))
    paths = sorted((shared_dir / "samples" / "emails").glob("*.eml"))
    return [p.read_bytes() for p in paths if not labels[p.name]["automated"]][:n]


def _poll(site: Site) -> subprocess.CompletedProcess[str]:
    return site.cli("poll", "--once")


def _assert_everything_went_through(site: Site, mails: int, broken: int = 0) -> None:
    counts = site.journal()
    appeals = counts["appeals"]
    assert counts.get("set_aside", 0) == broken, counts
    assert appeals + counts.get("threaded", 0) + broken == mails, counts
    assert site.marked() == mails
    site.sink.wait_for(counts["reachable"], timeout=30)
    assert len(site.sink.messages) == counts["reachable"]  # one per appeal, none twice


def test_installed_service_polls_from_its_state_folder(make_site: Callable[..., Site],
                                                        shared_dir: Path) -> None:
    site = make_site()
    out = site.cli("check-config", "--connect")
    assert out.returncode == 0, out.stderr
    assert "warning: organisation.director.name" in out.stderr  # the placeholder signs answers
    mails, human = _samples(shared_dir)
    for data in mails:
        site.append(data)
    out = _poll(site)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    counts = site.journal()
    assert counts.get("set_aside", 0) == len(mails) - human, counts  # only the robots' mail
    assert counts["appeals"] + counts.get("threaded", 0) == human
    assert counts["reachable"] >= human - 1  # at most the one anonymous form has no address
    site.sink.wait_for(counts["reachable"], timeout=30)
    assert len(site.sink.messages) == counts["reachable"]  # every one acknowledged, once
    assert site.marked() == len(mails)
    assert [p.name for p in site.etc.iterdir()] == ["complaintdesk.yaml"]  # nothing beside it
    assert (site.state / "var" / "complaintdesk.sqlite3").is_file()
    assert (site.state / "var" / "raw").is_dir()
    where = _run([site.installed.python, "-c", "import pipeline,replies.render as r;"
                  "print(pipeline.__file__);print(r.packaged_templates())"], cwd=site.state,
                 env=site.env)
    assert all(line.startswith(str(site.installed.venv)) for line in where.stdout.split()), \
        where.stdout  # the code and the templates came from the wheel, not the checkout


def test_four_contract_keys_are_enough(make_site: Callable[..., Site],
                                       shared_dir: Path) -> None:
    site = make_site(four_keys=True)
    out = site.cli("check-config")
    assert out.returncode == 0, out.stderr
    assert "organisation.director.name" in out.stderr and "organisation.name" in out.stderr
    site.env["COMPLAINTDESK_IMAP_PASSWORD"] = "wrong"
    refused = site.cli("check-config", "--connect")
    assert refused.returncode == 2, refused.stderr
    assert [line for line in refused.stderr.splitlines() if line.startswith("mailbox:")]
    site.env["COMPLAINTDESK_IMAP_PASSWORD"] = f"pw-{site.user}"
    mails, _ = _samples(shared_dir)
    site.append(mails[0])
    assert _poll(site).returncode == 0
    assert site.journal()["appeals"] == 1 and site.marked() == 1
    assert (site.state / "journal.sqlite3").is_file() and (site.state / "store").is_dir()
    assert [p.name for p in site.etc.iterdir()] == ["complaintdesk.yaml"]


def _fault_run(site: Site, shared_dir: Path, expect: str) -> int:
    """Deliver some samples and one broken mail; the poll must stop on the fault."""
    for data in [*_human_samples(shared_dir, 5), BROKEN_MAIL]:
        site.append(data)
    out = _poll(site)
    assert out.returncode != 0 and expect in out.stderr, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    assert site.marked() == 0 and len(site.sink.messages) == 0
    return 6


def _assert_repaired(site: Site, delivered: int) -> None:
    out = _poll(site)
    assert out.returncode == 0, out.stderr[-3000:]
    _assert_everything_went_through(site, delivered, broken=1)
    again = _poll(site)  # exactly once: nothing new, nothing sent twice
    assert again.returncode == 0 and site.marked() == delivered
    assert len(site.sink.messages) == site.journal()["reachable"]


def test_a_broken_template_is_the_services_fault(make_site: Callable[..., Site],
                                                  shared_dir: Path) -> None:
    site = make_site()
    own = site.state / "branch-templates"
    own.mkdir()
    (own / "acknowledgement.ru.txt.j2").write_text("{{ salutation }\n", encoding="utf-8")
    site.rewrite(templates={"path": "branch-templates"})
    check = site.cli("check-config")
    assert check.returncode == 2 and "acknowledgement.ru.txt.j2" in check.stderr
    listing = site.cli("templates")  # which file each purpose comes from
    assert listing.returncode == 0, listing.stderr
    files = dict(line.split() for line in listing.stdout.splitlines()
                 if line.startswith("  ") and len(line.split()) == 2)
    assert files["acknowledgement.ru.txt.j2"] == str(own / "acknowledgement.ru.txt.j2")
    assert files["digest.ru.txt.j2"].startswith(str(site.installed.venv))
    delivered = _fault_run(site, shared_dir, "acknowledgement.ru.txt.j2")
    assert site.journal().get("set_aside", 0) == 0
    (own / "acknowledgement.ru.txt.j2").unlink()  # repaired: the packaged one is used again
    _assert_repaired(site, delivered)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Make a folder read-only for the service: a read-only bind mount when running as root
    (root ignores file modes), mode 0500 otherwise; undone after the test."""
    undo: list[Callable[[], None]] = []

    def make(folder: Path) -> None:
        if is_root():
            for cmd in (["mount", "--bind", folder, folder],
                        ["mount", "-o", "remount,bind,ro", folder]):
                done = _run(cmd)
                if done.returncode != 0:
                    pytest.fail(f"cannot make {folder} read-only: {done.stderr.strip()}")
            undo.append(lambda: _run(["umount", folder]) and None)
        else:
            folder.chmod(0o500)
            undo.append(lambda: folder.chmod(0o700))

    yield make
    for action in reversed(undo):
        action()


def test_a_read_only_store_is_the_services_fault(make_site: Callable[..., Site],
                                                 shared_dir: Path,
                                                 read_only: Callable[[Path], None]) -> None:
    site = make_site()
    assert site.cli("check-config").returncode == 0  # creates the store and the journal
    store = site.state / "var" / "store"
    site.rewrite(storage={"path": "var/store"})
    store.mkdir(parents=True)
    read_only(store)
    check = site.cli("check-config")
    assert check.returncode == 2 and "storage.path" in check.stderr
    delivered = _fault_run(site, shared_dir, "storage.path")
    assert site.journal().get("set_aside", 0) == 0
    if is_root():
        _run(["umount", store])
    else:
        store.chmod(0o700)
    _assert_repaired(site, delivered)


def test_a_stopped_database_is_the_services_fault(make_site: Callable[..., Site],
                                                  shared_dir: Path,
                                                  servers_root: Path) -> None:
    server = PostgresServer(servers_root / f"pg-installed-{os.getpid()}")
    server.start()
    try:
        site = make_site(database_url=server.url)
        assert site.cli("check-config").returncode == 0
        assert _poll(site).returncode == 0  # the daemon's first start creates the journal
        server.stop()
        check = site.cli("check-config")
        assert check.returncode == 2 and "database.url" in check.stderr
        for data in [*_human_samples(shared_dir, 5), BROKEN_MAIL]:
            site.append(data)
        out = _poll(site)
        assert out.returncode != 0 and "journal" in out.stderr, out.stderr[-3000:]
        assert site.marked() == 0 and len(site.sink.messages) == 0
        server.start()
        assert site.journal().get("set_aside", 0) == 0 and site.journal()["appeals"] == 0
        _assert_repaired(site, 6)
    finally:
        server.stop()


def test_an_old_schema_is_the_services_fault(make_site: Callable[..., Site],
                                             shared_dir: Path) -> None:
    site = make_site()
    behind = ("from alembic.script import ScriptDirectory;from journal import schema;"
              "from base.config import load_config;from journal.db import make_engine;"
              "import pathlib,sys;"
              "head=ScriptDirectory(str(schema.MIGRATIONS)).get_revision(schema.head_revision());"
              f"c=load_config(pathlib.Path({str(site.config)!r}));"
              "schema.upgrade(make_engine(c.database.url),str(head.down_revision));"
              "print(head.down_revision)")
    out = _run([site.installed.python, "-c", behind], cwd=site.state, env=site.env)
    assert out.returncode == 0, out.stderr[-2000:]
    check = site.cli("check-config")
    assert check.returncode == 2 and "complaintdesk migrate" in check.stderr, check.stderr
    delivered = _fault_run(site, shared_dir, "migrate")
    assert site.cli("migrate").returncode == 0
    assert site.journal().get("set_aside", 0) == 0
    _assert_repaired(site, delivered)
