"""Repeat appeals (2.4): is a new appeal the same question, from the same applicant, as one that
was already fully answered? The journal only flags it, with the earlier appeal and how similar
the two are; staff decide whether to stop the correspondence.

Only the applicant's own earlier appeals are read, found through the indexed
``applicant_email`` and ``applicant_key`` columns (one indexed query each, newest first and
bounded), never by scanning the journal. Texts are compared on the lemmas stored with each
appeal at registration (classify.repeats computes them, and the similarity the caller passes
in), so nothing is re-analysed. Takes the caller's session; never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from journal.models import ANSWERED, CLOSED, CORRESPONDENCE_STOPPED, Appeal

ANSWERED_STATUSES = (ANSWERED, CLOSED, CORRESPONDENCE_STOPPED)
CANDIDATES_PER_KEY = 200  # an applicant's most recent answered appeals that are compared


Score = Callable[[frozenset[str], frozenset[str]], float]


def find_repeat(session: Session, appeal: Appeal, threshold: float,
                similarity: Score) -> tuple[Appeal, float] | None:
    """The most similar earlier, fully answered appeal of the same applicant (same e-mail or
    same applicant key) at or above ``threshold``, with its ``similarity`` (0..1, computed by
    classify.repeats on the stored lemmas); None otherwise. On a tie the most recent earlier
    appeal wins."""
    mine = frozenset(appeal.lemmas.split())
    if not mine:
        return None
    best: tuple[int, float] | None = None
    seen: set[int] = set()
    for query in candidate_queries(appeal):
        for earlier_id, lemmas in session.exec(query):
            if earlier_id is None or earlier_id in seen:
                continue
            seen.add(earlier_id)
            score = round(similarity(mine, frozenset(lemmas.split())), 3)
            if score >= threshold and _better(score, earlier_id, best):
                best = (earlier_id, score)
    if best is None:
        return None
    earlier = session.get(Appeal, best[0])
    return (earlier, best[1]) if earlier is not None else None


def candidate_queries(appeal: Appeal) -> list[Select[int | None, str]]:
    """One query per identifying column the appeal has; each is answered from that column's
    index (``ix_appeal_applicant_email``, ``ix_appeal_applicant_key``). The statements are
    built once; only their parameters change per mail."""
    before = appeal.id if appeal.id is not None else 2**62
    values = (appeal.applicant_email, appeal.applicant_key)
    return [statement.params(before=before, value=value)
            for statement, value in zip(_CANDIDATES, values) if value]


def _answered_earlier(column: Any) -> Select[int | None, str]:
    """Only the ids and lemmas: full rows (with their texts) are not loaded for comparing."""
    return (select(col(Appeal.id), col(Appeal.lemmas)).where(
        or_(col(Appeal.status).in_(ANSWERED_STATUSES), col(Appeal.outcome).is_not(None)),
        col(Appeal.purged_at).is_(None),
        col(Appeal.id) < bindparam("before"),
        column == bindparam("value"),
    ).order_by(col(Appeal.id).desc()).limit(CANDIDATES_PER_KEY))


_CANDIDATES = (_answered_earlier(col(Appeal.applicant_email)),
               _answered_earlier(col(Appeal.applicant_key)))


def _better(score: float, earlier_id: int, best: tuple[int, float] | None) -> bool:
    if best is None:
        return True
    if score != best[1]:
        return score > best[1]
    return earlier_id > best[0]
