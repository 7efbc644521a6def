"""Every real-world mail in ../shared (corpus and samples) through the real pipeline:
Dovecot → poll → journal. Zero crashes; every mail ends registered, threaded or set aside with a
reason; none lost."""

from __future__ import annotations

import time
from pathlib import Path

from sqlmodel import Session

from pipeline.flow import Outcome, process_one
from ingest.types import RawMessage
from journal.models import Appeal, InboundMessage

SKIP_NAMES = {"LICENSE", "LICENSE.txt", "NOTICE.txt", "MIT-LICENSE", "SOURCES.md",
              ".gitattributes", "expected-results.json", "README.md", "labels.json"}


def _mail_files(shared: Path) -> list[Path]:
    files = [p for p in sorted((shared / "corpus").rglob("*")) if p.is_file()]
    files += sorted((shared / "samples" / "emails").glob("*.eml"))
    return [p for p in files if p.name not in SKIP_NAMES]


def test_whole_corpus_through_real_pipeline(desk_factory, shared_dir: Path) -> None:
    files = _mail_files(shared_dir)
    assert len(files) > 1000, f"expected the whole corpus, found {len(files)} files"
    desk = desk_factory()
    appended: list[Path] = []
    refused: list[Path] = []
    for path in files:
        try:
            desk.append(path.read_bytes())
            appended.append(path)
        except Exception:  # Dovecot refuses some bytes (e.g. NUL); those go in directly below
            refused.append(path)
    started = time.perf_counter()
    desk.poll()
    seconds = time.perf_counter() - started
    print(f"\ncorpus poll: {len(appended)} mails in {seconds:.1f} s "
          f"({len(appended) / seconds:.0f} mails/s); {len(refused)} refused by Dovecot's APPEND")

    rows = desk.rows(InboundMessage)
    assert len(rows) == len(appended), "every UID fetched has exactly one journal row"
    assert {r.uid for r in rows} == set(range(1, len(appended) + 1))
    for row in rows:
        assert row.outcome in ("registered", "threaded", "set_aside")
        if row.outcome == "set_aside":
            assert row.reason, f"uid {row.uid} set aside without a reason"
        assert not (row.reason or "").startswith("internal error"), f"uid {row.uid}: {row.reason}"
    assert len(desk.rows(Appeal)) == sum(r.outcome == "registered" for r in rows)

    deps = desk.deps()
    for n, path in enumerate(refused, start=1):  # the same pipeline, minus the IMAP edge
        result = process_one(RawMessage("direct", 1, n, path.read_bytes()), deps)
        assert result.outcome in (Outcome.REGISTERED, Outcome.THREADED, Outcome.SET_ASIDE,
                                  Outcome.DUPLICATE)
        assert result.outcome != Outcome.SET_ASIDE or result.reason


def test_outlook_msg_and_garbage_are_set_aside_with_reason(desk_factory, shared_dir: Path) -> None:
    desk = desk_factory()
    deps = desk.deps()
    msg = shared_dir / "corpus" / "spamscope-mail-parser" / "mail_outlook_1"
    for uid, data in enumerate([msg.read_bytes(), b"", b"\x00\xff" * 100], start=1):
        result = process_one(RawMessage("direct", 1, uid, data), deps)
        assert result.outcome == Outcome.SET_ASIDE and result.reason.startswith("unreadable")
    with Session(deps.engine) as session:
        assert session.get(InboundMessage, 1) is not None
