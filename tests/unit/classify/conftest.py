"""Shared helpers for classify tests: build small Russian mails in memory, load the rules."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from classify.types import ClassifyRules
from base.config import load_config
from classify.rules import rules_from_config
from ingest.parse import parse_message
from ingest.types import ParsedMessage

REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """/work/shared (or $COMPLAINTDESK_SHARED); tests that need it fail when it is missing."""
    path = Path(os.environ.get("COMPLAINTDESK_SHARED") or REPO.parent / "shared")
    assert path.is_dir(), f"shared test data not found at {path} (set COMPLAINTDESK_SHARED)"
    return path


@pytest.fixture(scope="session")
def rules() -> ClassifyRules:
    return rules_from_config(load_config(REPO / "config.yaml"))


def make_mail(body: str, *, subject: str = "Обращение", sender: str = "Петров Иван <ivan.petrov@mail.ru>",
              headers: dict[str, str] | None = None, html: bool = False,
              attachments: list[tuple[str, str, bytes]] = (), inline: list[tuple[str, str, bytes]] = ()) -> ParsedMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "pretenzii@r31.center-inform.ru"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 09 Nov 2026 11:05:47 +0300"
    msg["Message-ID"] = "<test@example.ru>"
    for key, value in (headers or {}).items():
        msg[key] = value
    if html:
        markup = "<html><body>" + "".join(f"<p>{line}</p>" for line in body.splitlines()) + "</body></html>"
        msg.set_content(markup, subtype="html")
    else:
        msg.set_content(body)
    for name, ctype, payload in inline:
        if not msg.is_multipart():
            msg.make_related()
        maintype, subtype = ctype.split("/")
        msg.add_related(payload, maintype=maintype, subtype=subtype, cid="<img1@x>", filename=name, disposition="inline")
    for name, ctype, payload in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=name)
    return parse_message(msg.as_bytes())
