"""The receiving server's spam verdict (SpamAssassin, rspamd, Exchange headers).

Spam is not "automated" in the regulation's sense (the inspect contract keeps that for bounces,
auto-replies, lists and no-reply senders), but it must never be answered: acknowledging it is
backscatter. The flow sets such mail aside, kept with its reason. Pure.
"""

from __future__ import annotations

import re

from ingest.types import ParsedMessage

_YES = re.compile(r"^\s*(yes|true)\b", re.IGNORECASE)
_RSPAMD_ACTION = re.compile(r"^\s*(reject|add header|rewrite subject)\s*$", re.IGNORECASE)
_SCL = re.compile(r"SCL:\s*([5-9])\b", re.IGNORECASE)


def spam_verdict(parsed: ParsedMessage) -> str | None:
    """Why the receiving server called this mail spam, or None."""
    for name in ("x-spam-flag", "x-spam-status", "x-spam"):
        for value in parsed.header_all(name):
            if _YES.match(value):
                return f"spam: {name}: {value.strip()[:40]}"
    for value in parsed.header_all("x-rspamd-action"):
        if _RSPAMD_ACTION.match(value):
            return f"spam: x-rspamd-action: {value.strip()}"
    for value in parsed.header_all("x-forefront-antispam-report"):
        match = _SCL.search(value)
        if match:
            return f"spam: Exchange spam confidence level {match.group(1)}"
    return None
