"""The public form's signed token: an idempotency token and the moment the form was served.

``token.issued.signature``: the token names the submission (its Message-ID), the issue time
tells how fast the form was filled in, and the HMAC keeps both from being forged. The key is a
file (``form.secret_file``, else ``<storage.path>/form.key``), made on first use, mode 0600, so
every process of the web app and every restart accept the same forms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True)
class Stamp:
    token: str
    issued: int


def load_key(path: Path) -> bytes:
    """The signing key at ``path``, created (32 random bytes, 0600) when missing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        key = secrets.token_bytes(32)
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    return key


def issue(key: bytes, now: float) -> str:
    """A fresh signed stamp for a form served at ``now``."""
    token, issued = secrets.token_urlsafe(16), int(now)
    return f"{token}.{issued}.{_sign(key, token, issued)}"


def verify(key: bytes, value: str, now: float) -> Stamp | None:
    """The stamp when ``value`` is one we issued (not from the future); None otherwise."""
    token, _, rest = value.partition(".")
    issued, _, signature = rest.partition(".")
    if not _TOKEN.match(token) or not issued.isdigit() or len(issued) > 12:
        return None
    if not hmac.compare_digest(signature, _sign(key, token, int(issued))):
        return None
    if int(issued) > now + 60:
        return None
    return Stamp(token, int(issued))


def token_of(value: str) -> str:
    """The idempotency token of a stamp (its first part)."""
    return value.partition(".")[0]


def _sign(key: bytes, token: str, issued: int) -> str:
    return hmac.new(key, f"{token}.{issued}".encode(), hashlib.sha256).hexdigest()[:32]
