"""Load and validate config.yaml once, into typed sections (house style 7).

Unknown key, wrong type or missing value raise ConfigError with one line naming the key.
Passwords never sit in the file: ``password_env`` names the environment variable.

The path rule: relative paths (storage, the SQLite file, templates, CA and password files) are
taken relative to the *working directory* of the process, never to the config file's folder.
Under systemd that is ``WorkingDirectory=`` (= ``StateDirectory=``, /var/lib/complaintdesk); in a
checkout it is the checkout. Every key outside the four contract sections (mailbox, smtp,
database, storage) has a default, so a config with only those four works.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from base.errors import ConfigError

ENV_CONFIG = "COMPLAINTDESK_CONFIG"
_S = TypeVar("_S", bound="_ServerSettings")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ServerSettings(_Section):
    host: str
    port: int = Field(ge=1, le=65535)
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    verify_tls: bool = True
    ca_file: Path | None = None
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    # at most 300 s: a dead connection must fail well before systemd's watchdog (10 min) fires
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    def password(self, section: str) -> str | None:
        """The password from the environment or a 0600 file; ConfigError naming the key when
        it cannot be had. The value itself never appears in a message."""
        if self.password_file is not None:
            return _read_secret_file(self.password_file, f"{section}.password_file")
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(
                f"{section}.password_env: environment variable {self.password_env} is not set"
            )
        return value


def _read_secret_file(path: Path, key: str) -> str:
    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            raise ConfigError(f"{key}: {path} must be readable by its owner only (chmod 600)")
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{key}: cannot read {path} ({exc.strerror})") from None


class ImapSettings(_ServerSettings):
    port: int = Field(default=993, ge=1, le=65535)
    username: str
    folder: str = "INBOX"
    done_keyword: str = "$Complaintdesk"
    done_folder: str | None = None
    quarantine_folder: str | None = None
    batch_size: int = Field(default=200, ge=1, le=5000)
    name: str = "pretenzii"
    idle: bool = True


class SmtpSettings(_ServerSettings):
    port: int = Field(default=465, ge=1, le=65535)
    sender: str
    max_attempts: int = Field(default=20, ge=1)
    retry_base_seconds: float = Field(default=60.0, gt=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/complaintdesk.sqlite3"


class StorageSettings(_Section):
    path: Path = Path("var")
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, ge=0)


PLACEHOLDER_DIRECTOR = "Директор филиала"
PLACEHOLDER_ORGANISATION = "Организация"


class DirectorSettings(_Section):
    name: str = PLACEHOLDER_DIRECTOR
    title: str = "Директор"


class OrganisationSettings(_Section):
    name: str = PLACEHOLDER_ORGANISATION
    branch: str = ""
    director: DirectorSettings = DirectorSettings()
    phone: str | None = None
    website: str | None = None
    own_domains: list[str] = []
    webform_senders: list[str] = []
    own_names: list[str] = []
    own_phones: list[str] = []
    timezone: str = "Europe/Moscow"


class JournalSettings(_Section):
    number_format: str = "{seq}/{year}"
    deadline_days: int = Field(default=10, ge=1, le=365)
    pause_clock_while_waiting: bool = False
    repeat_similarity: float = Field(default=0.5, gt=0, le=1)
    thanks_after_close_days: int = Field(default=14, ge=0, le=365)

    @field_validator("number_format")
    @classmethod
    def _has_seq(cls, value: str) -> str:
        try:
            value.format(seq=1, year=2026, yy="26")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only {{seq}}, {{year}} and {{yy}} may be used ({exc})") from exc
        if "{seq" not in value:
            raise ValueError("must contain {seq}")
        return value


class PersonSettings(_Section):
    name: str
    email: str | None = None


class StaffSettings(_Section):
    # OS login -> the staff member's name as the audit trail and the correspondence show it
    os_users: dict[str, str] = {}


class DigestSettings(_Section):
    enabled: bool = True
    at: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    days_ahead: int = Field(default=3, ge=0, le=60)
    all_appeals_to: str | None = None


class LimitsSettings(_Section):
    workers: int = Field(default=1, ge=0, le=16)
    commit_every: int = Field(default=50, ge=1, le=1000)
    mail_seconds: float = Field(default=60.0, gt=0)
    mail_bytes: int = Field(default=60_000_000, ge=0)
    auto_per_recipient_per_hour: int = Field(default=3, ge=0)
    auto_global_per_hour: int = Field(default=200, ge=0)


class AttachmentSettings(_Section):
    """Reading attachments' content (issue 15): bounds per mail; see config.yaml."""

    enabled: bool = True
    max_files: int = Field(default=10, ge=0, le=100)
    max_pages: int = Field(default=30, ge=1, le=1000)
    max_chars: int = Field(default=100_000, ge=1000)
    max_pixels: int = Field(default=40_000_000, ge=1_000_000)
    max_unpacked_bytes: int = Field(default=30_000_000, ge=1_000_000)
    seconds: float = Field(default=30.0, gt=0)
    ocr: bool = True
    ocr_pages: int = Field(default=3, ge=0, le=50)
    ocr_seconds: float = Field(default=20.0, gt=0)
    ocr_languages: str = "rus+eng"
    ocr_after_registration: bool = True


class RetentionSettings(_Section):
    closed_years: int = Field(default=5, ge=1, le=100)


class DaemonSettings(_Section):
    poll_interval_seconds: float = Field(default=60.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class TemplateSettings(_Section):
    path: Path | None = None  # the branch's own templates; None: the packaged ones only


class DepartmentSettings(_Section):
    key: str
    title: str
    assignee: str
    phone: str | None = None
    email: str | None = None
    keywords: list[str] = []
    priority_keywords: list[str] = []
    regional_assignees: dict[str, str] = {}


class RegionSettings(_Section):
    key: str
    title: str
    markers: list[str] = []
    phone_codes: list[str] = []
    postal_prefixes: list[str] = []


class Config(_Section):
    mailbox: ImapSettings
    mailboxes: list[ImapSettings] = []
    smtp: SmtpSettings
    database: DatabaseSettings = DatabaseSettings()
    storage: StorageSettings = StorageSettings()
    organisation: OrganisationSettings = OrganisationSettings()
    journal: JournalSettings = JournalSettings()
    digest: DigestSettings = DigestSettings()
    people: list[PersonSettings] = []
    staff: StaffSettings = StaffSettings()
    daemon: DaemonSettings = DaemonSettings()
    limits: LimitsSettings = LimitsSettings()
    attachments: AttachmentSettings = AttachmentSettings()
    retention: RetentionSettings = RetentionSettings()
    templates: TemplateSettings = TemplateSettings()
    default_department: str = "sales"
    departments: list[DepartmentSettings] = [
        DepartmentSettings(key="sales", title="Отдел продаж", assignee="Отдел продаж")]
    regions: list[RegionSettings] = []

    def all_mailboxes(self) -> list[ImapSettings]:
        """The main mailbox and any further ones, each polled on its own."""
        return [self.mailbox, *self.mailboxes]

    def department(self, key: str | None) -> DepartmentSettings | None:
        return next((d for d in self.departments if d.key == key), None)


def default_config_path() -> Path:
    """COMPLAINTDESK_CONFIG, else ./config.yaml."""
    return Path(os.environ.get(ENV_CONFIG) or "config.yaml")


def load_config(path: Path) -> Config:
    """Read, validate and resolve one config file. Raises ConfigError naming the key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from None
    _check_references(config, path)
    return _resolve_paths(config, Path.cwd())


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    if err["type"] == "missing":
        return f"{key}: missing value"
    return f"{key}: {err['msg']}"


def _check_references(config: Config, path: Path) -> None:
    names = [m.name for m in config.all_mailboxes()]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: mailboxes: each mailbox needs its own name")
    keys = [d.key for d in config.departments]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{path}: departments: duplicate key")
    if config.default_department not in keys:
        raise ConfigError(f"{path}: default_department: no department {config.default_department!r}")
    regions = {r.key for r in config.regions}
    for dept in config.departments:
        for region in dept.regional_assignees:
            if region not in regions:
                raise ConfigError(
                    f"{path}: departments.{dept.key}.regional_assignees.{region}: unknown region"
                )


def _resolve_paths(config: Config, base: Path) -> Config:
    def absolute(p: Path | None) -> Path | None:
        return p if p is None or p.is_absolute() else base / p

    url = config.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///"):]
        if rel and rel != ":memory:":
            url = f"sqlite:///{base / rel}"
    return config.model_copy(
        update={
            "database": DatabaseSettings(url=url),
            "storage": config.storage.model_copy(update={"path": absolute(config.storage.path)}),
            "templates": TemplateSettings(path=absolute(config.templates.path)),
            "mailbox": _resolve_server(config.mailbox, absolute),
            "mailboxes": [_resolve_server(m, absolute) for m in config.mailboxes],
            "smtp": _resolve_server(config.smtp, absolute),
        }
    )


def _resolve_server(section: _S, absolute: Any) -> _S:
    return section.model_copy(update={"ca_file": absolute(section.ca_file),
                                      "password_file": absolute(section.password_file)})
