"""Staff accounts and their browser sessions: add, list, disable, change the password, sign
in and out. Passwords are hashed with argon2; a session token is given to the browser once and
only its sha256 is stored. Each function is one transaction."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from base.errors import JournalError, NotFoundError
from base.timeutil import as_utc
from journal.models import ROLES, StaffSession, StaffUser

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")
MIN_PASSWORD = 10


class AccountError(JournalError):
    """An account change that cannot be made; the message says why."""


@dataclass(frozen=True)
class Staff:
    """Who is signed in: what the web desk needs to decide what they may see and do."""

    id: int
    login: str
    name: str
    role: str
    department: str | None


def _staff(user: StaffUser) -> Staff:
    assert user.id is not None
    return Staff(user.id, user.login, user.name, user.role, user.department)


def add_user(engine: Engine, login: str, name: str, role: str, department: str | None,
             password: str, now: datetime) -> Staff:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    if not login.strip() or not name.strip():
        raise AccountError("a login and a name are needed")
    _check_password(password)
    with Session(engine) as session:
        if session.exec(select(StaffUser).where(StaffUser.login == login)).first():
            raise AccountError(f"login {login!r} exists already")
        user = StaffUser(login=login, name=name, role=role, department=department,
                         password_hash=_hasher.hash(password), created_at=now)
        session.add(user)
        session.commit()
        session.refresh(user)
        return _staff(user)


def list_users(engine: Engine) -> list[StaffUser]:
    with Session(engine) as session:
        return list(session.exec(select(StaffUser).order_by(col(StaffUser.login))))


def disable_user(engine: Engine, login: str) -> None:
    """Disable the account and end its sessions."""
    with Session(engine) as session:
        user = _by_login(session, login)
        user.disabled = True
        session.execute(delete(StaffSession).where(col(StaffSession.user_id) == user.id))
        session.commit()


def set_password(engine: Engine, login: str, password: str) -> None:
    _check_password(password)
    with Session(engine) as session:
        user = _by_login(session, login)
        user.password_hash = _hasher.hash(password)
        session.execute(delete(StaffSession).where(col(StaffSession.user_id) == user.id))
        session.commit()


def authenticate(engine: Engine, login: str, password: str) -> Staff | None:
    """The account when the password is right and it is enabled; the same work when not."""
    with Session(engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.login == login)).first()
        try:
            _hasher.verify(user.password_hash if user else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        return _staff(user)


def start_session(engine: Engine, staff: Staff, now: datetime, hours: float) -> tuple[str, str]:
    """A new session: (token for the cookie, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.execute(delete(StaffSession).where(col(StaffSession.expires_at) < now))
        session.add(StaffSession(token_sha256=_sha(token), user_id=staff.id, csrf_token=csrf,
                                 created_at=now, expires_at=now + timedelta(hours=hours)))
        session.commit()
    return token, csrf


def session_staff(engine: Engine, token: str, now: datetime) -> tuple[Staff, str] | None:
    """(who, CSRF token) of a live session of an enabled account; None otherwise."""
    with Session(engine) as session:
        row = session.get(StaffSession, _sha(token))
        if row is None or as_utc(row.expires_at) <= now:
            return None
        user = session.get(StaffUser, row.user_id)
        if user is None or user.disabled:
            return None
        return _staff(user), row.csrf_token


def end_session(engine: Engine, token: str) -> None:
    with Session(engine) as session:
        session.execute(delete(StaffSession).where(col(StaffSession.token_sha256) == _sha(token)))
        session.commit()


def _by_login(session: Session, login: str) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.login == login)).first()
    if user is None:
        raise NotFoundError(f"no user {login!r}")
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
