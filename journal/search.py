"""Full-text search over appeals that understands Russian word forms: the subject, text and
applicant of each appeal are stored as lemmas (pymorphy3) in appeal_search, and a query matches
when every lemma of the query is among them (FTS5 on SQLite, a stored tsvector with a GIN index on PostgreSQL).

The index is kept in step by the web desk: appeals registered since the last indexed one are
indexed before a search (``catch_up``), a corrected appeal is indexed again, and a purged one is
forgotten. Functions take the caller's session and never commit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    column,
    func,
    insert,
    literal_column,
    text,
)
from sqlmodel import Session, col, select

from base.morph import morph_analyzer
from journal.models import Appeal, AppealSearch, Attachment

_WORD = re.compile(r"[0-9a-zа-яё]+", re.I)


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of one word, lower case, ё as е (numbers and Latin as they are)."""
    word = word.lower().replace("ё", "е")
    if not re.search("[а-я]", word):
        return word
    return str(morph_analyzer().parse(word)[0].normal_form).replace("ё", "е")


def lemmas_of(*texts: str | None) -> list[str]:
    """Distinct lemmas of the texts, in order of first appearance."""
    seen: dict[str, None] = {}
    for chunk in texts:
        for word in _WORD.findall(chunk or ""):
            seen.setdefault(lemma(word), None)
    return list(seen)


def appeal_lemmas(appeal: Appeal, file_texts: Sequence[str] = ()) -> str:
    """The appeal's words, and those read out of its attachments (issue 15)."""
    return " ".join(lemmas_of(appeal.subject, appeal.text, appeal.applicant_name,
                              appeal.applicant_email, appeal.number, *file_texts))


def _file_texts(session: Session, appeal_ids: Sequence[int]) -> dict[int, list[str]]:
    """The text read out of each appeal's attachments (its first mail and the replies)."""
    found: dict[int, list[str]] = {}
    if not appeal_ids:
        return found
    rows = session.exec(select(Attachment.appeal_id, Attachment.text).where(
        col(Attachment.appeal_id).in_(appeal_ids), Attachment.text != ""))
    for appeal_id, text_ in rows:
        if appeal_id is not None:
            found.setdefault(appeal_id, []).append(text_)
    return found


def index_appeal(session: Session, appeal: Appeal) -> None:
    """(Re)index one appeal."""
    assert appeal.id is not None
    lemmas = appeal_lemmas(appeal, _file_texts(session, [appeal.id]).get(appeal.id, ()))
    row = session.get(AppealSearch, appeal.id)
    if row is None:
        session.add(AppealSearch(appeal_id=appeal.id, lemmas=lemmas))
    else:
        row.lemmas = lemmas


def reindex_if_indexed(session: Session, appeal: Appeal) -> None:
    """Refresh an appeal already in the index (its files were read later, by OCR); one not yet
    indexed is left to ``catch_up``, which indexes by ascending id."""
    if appeal.id is not None and session.get(AppealSearch, appeal.id) is not None:
        index_appeal(session, appeal)


def forget(session: Session, appeal_id: int) -> None:
    row = session.get(AppealSearch, appeal_id)
    if row is not None:
        session.delete(row)


def catch_up(session: Session, limit: int = 2000) -> int:
    """Index appeals registered after the newest indexed one; returns how many were indexed."""
    last = session.exec(select(func.coalesce(func.max(AppealSearch.appeal_id), 0))).one()
    appeals = list(session.exec(select(Appeal).where(col(Appeal.id) > last)
                                .order_by(col(Appeal.id)).limit(limit)))
    texts = _file_texts(session, [a.id for a in appeals if a.id is not None])
    rows = [{"appeal_id": a.id,
             "lemmas": "" if a.purged_at else appeal_lemmas(a, texts.get(a.id or 0, ()))}
            for a in appeals]
    if rows:  # all new (above the newest indexed id): one bulk INSERT
        session.execute(insert(AppealSearch), rows)
    return len(appeals)


def matching(session: Session, query: str) -> ColumnElement[bool] | None:
    """A condition on Appeal.id: every lemma of ``query`` is in the appeal; None for no words."""
    words = lemmas_of(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        simple: ColumnElement[str] = literal_column("'simple'::regconfig")
        tsv: ColumnElement[str] = literal_column("appeal_search.tsv")  # stored, GIN-indexed
        ids = select(AppealSearch.appeal_id).where(
            tsv.op("@@")(func.plainto_tsquery(simple, " ".join(words))))
        return col(Appeal.id).in_(ids)
    fts = " ".join('"' + w.replace('"', "") + '"' for w in words)
    ids_sql = text("SELECT rowid FROM appeal_fts WHERE appeal_fts MATCH :fts").bindparams(
        bindparam("fts", fts))
    return col(Appeal.id).in_(ids_sql.columns(column("rowid", Integer)))
