"""Pre-fill a journal with n realistic appeals, fast (bulk INSERT through SQLAlchemy core).

Each appeal gets its inbound mail (an earlier UIDVALIDITY, marked done) and its sent
acknowledgement; numbers run 1..n in one year and number_counter continues from n. Applicants
are mostly distinct (one or two appeals each, by key and by e-mail), and each applicant of the
benchmark corpus has exactly one earlier appeal at any journal size, so repeat detection has the
same candidates whether the journal holds 1,000 or 100,000 appeals: only the table size changes.

Columns are filled from the live table definitions, so a column added by a migration later is
given a neutral value instead of breaking the benchmark.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, Table, insert, text

from bench import corpus
from journal.db import create_schema, make_engine
from journal.models import Appeal, InboundMessage, MailboxState, NumberCounter, Outbox

YEAR = 2026
CHUNK = 5000
_WORDS = sorted(set(
    w.lower().strip(".,:;!«»()") for _, t in corpus.TOPICS for w in t.split() if len(w) > 3
) | set(w.lower().strip(".,") for f in corpus.FILLER for w in f.split() if len(w) > 3))
_DEPARTMENTS = ["egais", "alcohol_reporting", "eias_fst", "eds_trading", "internet_reporting", "sales"]
_STATUSES = ["closed"] * 6 + ["answered"] * 2 + ["registered", "under_review"]


def prefill(url: str, n: int, seed: int = 2026) -> None:
    """Create the schema at head and insert n appeals (with inbound mail and acknowledgements)."""
    engine = make_engine(url)
    create_schema(engine)
    rng = random.Random(f"{seed}:journal")
    keys = _corpus_keys()
    tables = [_table(Appeal), _table(InboundMessage), _table(Outbox)]
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            rows: list[list[dict[str, Any]]] = [[], [], []]
            for i in range(start, min(n, start + CHUNK)):
                key = keys[i] if i < len(keys) else None
                for bucket, row in zip(rows, _rows(rng, i + 1, n, key)):
                    bucket.append(row)
            for table, bucket in zip(tables, rows):
                conn.execute(insert(table), [_complete(table, r) for r in bucket])
        conn.execute(insert(_table(NumberCounter)), [{"year": YEAR, "last_seq": n}])
        if engine.dialect.name == "postgresql":
            for table in tables:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM {table.name}))"))
    engine.dispose()
    if url.startswith("sqlite"):  # fold the WAL into the file, so that copying the file copies all
        with closing(sqlite3.connect(url.split("///", 1)[1])) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:  # autovacuum would have analysed a journal this old
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()


def set_mailbox_state(url: str, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    """As if every mail up to last_uid had been processed (for the idle poll)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(_table(MailboxState)), [
            {"mailbox": mailbox, "folder": folder, "uidvalidity": uidvalidity, "last_uid": last_uid}])
    engine.dispose()


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _rows(rng: random.Random, i: int, n: int, key: str | None) -> tuple[dict[str, Any], ...]:
    received = datetime(YEAR, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=int(i * (320 * 24 * 60) / max(n, 1)))
    last, first, middle, addr = corpus.person(rng)
    if key is None:  # someone the corpus never writes as: one or two appeals each
        key = f"{last} {first} {i // 2}".lower().replace("ё", "е")
        addr = addr.replace("@example.ru", f".{i // 2}@earlier.example.ru")
    subject, problem = rng.choice(corpus.TOPICS)
    body = f"Здравствуйте!\n\nЯ, {last} {first} {middle}, обращаюсь с жалобой.\n{problem}\n" \
           f"{' '.join(rng.sample(corpus.FILLER, 3))}\n\nС уважением,\n{last} {first}"
    status = rng.choice(_STATUSES)
    department = rng.choice(_DEPARTMENTS)
    number = f"{i}/{YEAR}"
    sha = hashlib.sha256(f"journal:{i}".encode()).hexdigest()
    applicant = (f'{{"type": "individual", "last_name": "{last}", "first_name": "{first}", '
                 f'"middle_name": "{middle}", "email": "{addr}"}}')
    appeal = {
        "id": i, "number": number, "year": YEAR, "seq": i, "received_at": received,
        "due_at": received + timedelta(days=10), "status": status, "kind": "complaint",
        "department": department, "region": "belgorod", "assignee": "Михайлов Дмитрий",
        "anonymous": False, "anonymous_reasons": "", "applicant_type": "individual",
        "applicant_name": f"{last} {first} {middle}", "applicant_email": addr,
        "applicant_json": applicant, "sender_email": addr, "subject": subject, "text": body,
        "message_id": f"<journal.{i}@example.ru>", "quality_claim": False, "missing_documents": "",
        "classification_json": '{"automated": false, "kind": "complaint", "reasons": ["bench"], '
                               f'"department": "{department}", "applicant": {applicant}}}',
        "raw_sha256": sha, "created_at": received, "applicant_key": key,
        "lemmas": " ".join(sorted(rng.sample(_WORDS, min(len(_WORDS), 25)))),
        "outcome": "answered" if status in ("closed", "answered") else None,
        "answered_at": received + timedelta(days=5) if status in ("closed", "answered") else None,
        "closed_at": received + timedelta(days=6) if status == "closed" else None,
    }
    inbound = {
        "id": i, "mailbox": "pretenzii", "uidvalidity": 1, "uid": i,
        "message_id": appeal["message_id"], "sha256": sha, "size": 3000 + len(body),
        "outcome": "registered", "appeal_id": i, "marked_done": True, "received_at": received,
    }
    ack = f"Subject: ack {number}\r\n\r\n".encode() + body.encode() * 2
    outbox = {
        "id": i, "appeal_id": i, "purpose": "acknowledgement",
        "message_id": f"<ack.journal.{i}@r31.center-inform.ru>", "recipient": addr,
        "subject": f"Обращение № {number} зарегистрировано", "raw": ack, "state": "sent",
        "attempts": 1, "next_attempt_at": received, "created_at": received,
        "sent_at": received + timedelta(seconds=30),
    }
    return appeal, inbound, outbox


def _corpus_keys() -> list[str]:
    """applicant_key of every person the corpus can make ("фамилия имя", ё→е)."""
    keys = []
    for pair in corpus.LAST:
        for female, last in enumerate(pair):
            for first in (corpus.FIRST_F if female else corpus.FIRST_M):
                keys.append(f"{last} {first}".lower().replace("ё", "е"))
    return keys


_NEUTRAL = {Integer: 0, Float: 0.0, Boolean: False, LargeBinary: b""}


def _complete(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Only the table's columns; required columns the bench does not know get a neutral value."""
    out = {k: v for k, v in row.items() if k in table.c}
    for column in table.c:
        if column.name in out or column.nullable or column.default is not None \
                or column.server_default is not None or column.primary_key:
            continue
        out[column.name] = _neutral(column.type)
    return out


def _neutral(kind: Any) -> Any:
    for base, value in _NEUTRAL.items():
        if isinstance(kind, base):
            return value
    if isinstance(kind, DateTime):
        return datetime(YEAR, 1, 1, tzinfo=timezone.utc)
    if isinstance(kind, Date):
        return date(YEAR, 1, 1)
    return ""
