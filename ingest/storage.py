"""Content-addressed storage of raw mail and attachments under storage.path.

A blob lives at ``<root>/<kind>/<sha[:2]>/<sha[2:4]>/<sha>``: the name comes from the bytes,
never from what the sender called the file, so no attachment name can reach the file system.
Written to a temporary file, fsynced and renamed; directories 0700, files 0600.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from base.errors import StorageError

RAW = "raw"
ATTACHMENTS = "attachments"


def blob_path(root: Path, kind: str, sha256: str) -> Path:
    return root / kind / sha256[:2] / sha256[2:4] / sha256


def relative_name(kind: str, sha256: str) -> str:
    """The stored name recorded in the journal (relative to the storage root)."""
    return f"{kind}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_blob(root: Path, kind: str, data: bytes, sha256: str | None = None,
               durable: bool = True) -> str:
    """Store ``data`` once; return its relative stored name. Raises StorageError (disk full...).

    ``durable=False`` skips the per-file fsync: the caller must call ``make_durable(root)``
    before it commits anything that refers to the file."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    target = blob_path(root, kind, digest)
    if target.exists() and target.stat().st_size == len(data):
        return relative_name(kind, digest)
    try:
        _make_dirs(target.parent, root)
        _write_atomically(target, data, durable)
    except OSError as exc:
        what = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or type(exc).__name__)
        raise StorageError(f"cannot store {kind} blob {digest[:12]}: {what}") from exc
    return relative_name(kind, digest)


def read_blob(root: Path, stored_name: str) -> bytes:
    path = (root / stored_name).resolve()
    if not str(path).startswith(str(root.resolve()) + os.sep):
        raise StorageError("stored name outside the storage root")
    return path.read_bytes()


def _make_dirs(directory: Path, root: Path) -> None:
    """Every level below the root 0700 (mkdir's mode applies to the last level only)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    current = root
    for part in directory.relative_to(root).parts:
        current = current / part
        if not current.is_dir():
            current.mkdir(mode=0o700, exist_ok=True)


def make_durable(root: Path) -> None:
    """Flush every file written under ``root`` to disk at once: syncfs(2) on its filesystem
    where the C library has it, sync(2) elsewhere. One call per batch instead of two fsyncs
    per stored file."""
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError as exc:
        raise StorageError(f"cannot sync the store: {exc.strerror}") from exc
    try:
        if _syncfs is None or _syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _load_syncfs() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


def _write_atomically(target: Path, data: bytes, durable: bool = True) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
