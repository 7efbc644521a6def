"""Threading: what becomes of a client's mail that names an existing appeal. Pure: facts in,
a decision with its reasons out (house style 10.1); journal/correspondence.py and the flow act.

    matched by our Message-ID in References/In-Reply-To → anyone may join (they hold our mail)
    matched by the subject tag [№ …] alone:
        the applicant or a known co-correspondent        → joins the appeal
        a stranger                                       → NEW_LINKED: its own appeal, linked
    the appeal is closed (1.3: never swallowed):
        within ``thanks_days`` of closing and only thanks/confirms → THREAD, flagged
        anything else                                    → NEW_REPEAT: a new appeal linked as a
                                                           repeat (2.4), with its acknowledgement
    an open appeal                                       → THREAD with news for the assignee;
        waiting_for_client moves on to under_review (the clock runs again, 3.7)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from journal.models import CLOSED, UNDER_REVIEW, WAITING_FOR_CLIENT

THREAD, NEW_LINKED, NEW_REPEAT = "thread", "new_linked", "new_repeat"
BY_REFERENCES, BY_SUBJECT = "references", "subject"
THANKS_AFTER_CLOSE = "thanks_after_close"

_THANKS = re.compile(r"спасибо|благодар|получил|подтвержда|вс[её]\s+в\s+порядке|вопрос\s+(решен|решён|снят)"
                     r"|претензий\s+(больше\s+)?не\s+имею|thank", re.I)
# a complaint or a question hiding behind a «спасибо»
_MORE = re.compile(r"\?|так\s+и\s+не|\bне\s+(выдал|получил|заменил|вернул|работает|решен|решён|"
                   r"устраивает|согласе?н)|опять|снова|однако|\bно\b|прошу|требую|жалоб|верните|"
                   r"почему|до\s+сих\s+пор|возмущ|безобраз|брак|дефект|сломал|не\s+соответств", re.I)
_IGNORED = re.compile(r"претензий\s+(больше\s+)?не\s+имею", re.I)
_MAX_THANKS_WORDS = 40


@dataclass(frozen=True)
class ThreadFacts:
    """The appeal the mail names, as far as threading cares."""

    number: str
    status: str
    closed_at: datetime | None
    correspondents: frozenset[str]  # lower-case addresses: applicant, sender, earlier writers


@dataclass(frozen=True)
class IncomingReply:
    sender: str | None
    matched_by: str  # BY_REFERENCES or BY_SUBJECT
    text: str  # the writer's own words (quoted history trimmed)
    received_at: datetime


@dataclass(frozen=True)
class ThreadDecision:
    action: str  # THREAD, NEW_LINKED, NEW_REPEAT
    news: bool = False
    resume: str | None = None  # the status the appeal moves on to
    flag: str | None = None
    reasons: tuple[str, ...] = ()


def decide_thread(facts: ThreadFacts, mail: IncomingReply, thanks_days: int) -> ThreadDecision:
    sender = (mail.sender or "").lower()
    known = bool(sender) and sender in facts.correspondents
    if mail.matched_by == BY_SUBJECT and not known:
        return ThreadDecision(NEW_LINKED, reasons=(
            f"subject tag [№ {facts.number}] from a sender who is not a correspondent of the "
            "appeal: registered as its own appeal, linked",))
    via = ("our Message-ID in its references" if mail.matched_by == BY_REFERENCES
           else f"subject tag [№ {facts.number}] from a known correspondent")
    if facts.status == CLOSED:
        return _after_close(facts, mail, thanks_days, via)
    resume = UNDER_REVIEW if facts.status == WAITING_FOR_CLIENT else None
    why = f"reply to {facts.number} ({via}); news for the assignee"
    return ThreadDecision(THREAD, news=True, resume=resume,
                          reasons=(why, *((f"{facts.status} -> {resume}",) if resume else ())))


def _after_close(facts: ThreadFacts, mail: IncomingReply, thanks_days: int,
                 via: str) -> ThreadDecision:
    recent = facts.closed_at is not None and \
        mail.received_at - facts.closed_at <= timedelta(days=thanks_days)
    if recent and is_thanks(mail.text):
        return ThreadDecision(THREAD, news=True, flag=THANKS_AFTER_CLOSE, reasons=(
            f"thanks or confirmation within {thanks_days} days of closing {facts.number} ({via}): "
            "added to the closed appeal and flagged",))
    why = "more than thanks" if recent else f"more than {thanks_days} days after closing"
    return ThreadDecision(NEW_REPEAT, reasons=(
        f"mail on closed appeal {facts.number} ({via}), {why}: a new appeal linked as a "
        "repeat (1.3, 2.4)",))


def is_thanks(text: str) -> bool:
    """A short mail that only thanks or confirms (nothing to answer, nothing to complain of)."""
    words = text.split()
    if not words or len(words) > _MAX_THANKS_WORDS:
        return False
    plain = _IGNORED.sub(" ", text)
    return bool(_THANKS.search(text)) and not _MORE.search(plain)
