"""TLS contexts for the IMAP and SMTP edges: verified by default, a CA file when given."""

from __future__ import annotations

import ssl
from pathlib import Path


def make_ssl_context(verify: bool, ca_file: Path | None) -> ssl.SSLContext:
    """A client context that verifies the server unless ``verify`` is false."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
