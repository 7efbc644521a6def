"""Showing a mail to staff without letting it do anything: the HTML is cleaned with nh3 (no
script, no style, no images, no forms, no attributes), links become their text followed by the
address as plain text, and everything else is escaped text. The correspondence of an appeal is
read from the kept raw mail (incoming) and the outbox (outgoing), in time order."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nh3

from base.errors import DaemonError
from base.timeutil import as_utc
from ingest import storage
from ingest.parse import parse_message
from journal.models import OUTCOME_REGISTERED, OUTCOME_THREADED, InboundMessage, Outbox

log = logging.getLogger(__name__)
_TAGS = {"p", "br", "div", "span", "b", "i", "u", "s", "strong", "em", "ul", "ol", "li",
         "table", "thead", "tbody", "tr", "td", "th", "blockquote", "pre", "code", "h1", "h2",
         "h3", "h4", "h5", "h6", "hr", "a", "sub", "sup", "small"}
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_A_TAG = re.compile(r"</?a\b[^>]*>")


def clean_html(markup: str) -> str:
    """Markup that can neither run nor load anything; links shown as text."""
    cleaned = nh3.clean(markup, tags=_TAGS, attributes={"a": {"href"}}, link_rel=None,
                        url_schemes={"http", "https", "mailto"}, strip_comments=True)
    shown = _LINK.sub(lambda m: f'{m.group(2)} <span class="link">[{m.group(1)}]</span>', cleaned)
    return _A_TAG.sub("", shown)


@dataclass(frozen=True)
class Letter:
    """One entry of the correspondence."""

    at: datetime
    direction: str  # incoming, outgoing, note
    title: str
    text: str
    html: str | None = None
    state: str | None = None


def incoming(root: Path, rows: list[InboundMessage]) -> list[Letter]:
    letters = []
    for row in rows:
        if row.outcome not in (OUTCOME_REGISTERED, OUTCOME_THREADED):
            continue
        text, html, subject = _read(root, row.sha256)
        title = "Обращение" if row.outcome == OUTCOME_REGISTERED else "Письмо заявителя"
        letters.append(Letter(as_utc(row.received_at), "incoming", f"{title}: {subject}", text,
                              html))
    return letters


def outgoing(rows: list[Outbox]) -> list[Letter]:
    letters = []
    for row in rows:
        try:
            parsed = parse_message(row.raw)
            text = parsed.text
        except DaemonError:
            text = ""
        letters.append(Letter(as_utc(row.created_at), "outgoing", row.subject, text,
                              state=row.state))
    return letters


def _read(root: Path, sha256: str) -> tuple[str, str | None, str]:
    try:
        data = storage.read_blob(root, storage.relative_name(storage.RAW, sha256))
        parsed = parse_message(data)
    except (OSError, DaemonError) as exc:
        log.warning("raw mail %s cannot be shown: %s", sha256[:12], type(exc).__name__)
        return "(письмо не найдено в хранилище)", None, ""
    return parsed.text, clean_html(parsed.html) if parsed.html else None, parsed.subject
