"""The public form's signed stamp: token + issue time, HMAC-signed."""

from __future__ import annotations

from pathlib import Path

from web import formtoken


def test_a_stamp_we_issued_verifies(tmp_path: Path) -> None:
    key = formtoken.load_key(tmp_path / "form.key")
    value = formtoken.issue(key, 1000.0)
    stamp = formtoken.verify(key, value, 1005.0)
    assert stamp is not None and stamp.issued == 1000 and stamp.token == formtoken.token_of(value)


def test_forged_or_future_stamps_do_not(tmp_path: Path) -> None:
    key = formtoken.load_key(tmp_path / "form.key")
    token, issued, sig = formtoken.issue(key, 1000.0).split(".")
    assert formtoken.verify(key, f"{token}.{int(issued) - 100}.{sig}", 1005.0) is None  # older
    assert formtoken.verify(key, f"{token}.{issued}.{'0' * 32}", 1005.0) is None
    assert formtoken.verify(key, "", 1005.0) is None
    assert formtoken.verify(key, "../x.1.2", 1005.0) is None
    assert formtoken.verify(key, formtoken.issue(key, 5000.0), 1000.0) is None  # from the future
    other = formtoken.load_key(tmp_path / "other.key")
    assert formtoken.verify(other, f"{token}.{issued}.{sig}", 1005.0) is None


def test_the_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "form.key"
    first = formtoken.load_key(path)
    assert formtoken.load_key(path) == first and len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
