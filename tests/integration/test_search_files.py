"""The staff desk's search finds an appeal by the words read out of its attachments (issue 15),
in every Russian word form, on a real journal (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import Session, select

from journal import search
from journal.db import create_schema, make_engine
from journal.models import Appeal, AppealSearch, Attachment, InboundMessage


def _appeal(session: Session, seq: int, text: str) -> Appeal:
    now = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    appeal = Appeal(number=f"{seq}/2026", year=2026, seq=seq, received_at=now, due_at=now,
                    subject="Обращение", text=text, status="registered", department="sales",
                    raw_sha256=f"{seq:064x}", created_at=now)
    session.add(appeal)
    session.flush()
    return appeal


def _file(session: Session, appeal: Appeal, text: str) -> None:
    inbound = InboundMessage(mailbox="m", uidvalidity=1, uid=appeal.seq, sha256=f"{appeal.seq:064x}",
                             size=1, outcome="registered", appeal_id=appeal.id,
                             received_at=appeal.received_at)
    session.add(inbound)
    session.flush()
    session.add(Attachment(inbound_id=inbound.id or 0, appeal_id=appeal.id, filename="Скан_001.pdf",
                           content_type="application/pdf", disposition="attachment", size=1,
                           sha256="0" * 64, text=text))


@pytest.mark.integration
def test_words_of_a_scan_are_found_and_refreshed(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    with Session(engine) as session:
        with_claim = _appeal(session, 1, "См. вложение.")
        _file(session, with_claim, "ПРЕТЕНЗИЯ. Трещина корпуса сканера, требуем замены.")
        other = _appeal(session, 2, "Вопрос по отчётности.")
        session.commit()
        assert search.catch_up(session) == 2
        session.commit()
        found = lambda q: {a.number for a in session.exec(  # noqa: E731
            select(Appeal).where(search.matching(session, q)))}
        assert found("трещиной корпуса") == {"1/2026"}  # another word form, only in the file
        assert found("отчётность") == {"2/2026"}
        # OCR read a later file of appeal 2: the indexed appeal is refreshed, not skipped
        _file(session, other, "Этикетка: серийный номер SN-4411")
        search.reindex_if_indexed(session, other)
        session.commit()
        assert found("этикетки") == {"2/2026"}
        assert session.get(AppealSearch, other.id) is not None
