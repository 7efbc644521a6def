"""Reading a mail: parse → classify, as one pure step, and the worker processes that run it.

``analyze`` is pure; bad input is an outcome (``set_aside`` with the reason), only a bug
raises. ``Analyzer`` runs it in worker processes (pebble) so that the main process fetches and commits while another core parses and classifies, and so that a
mail that takes too long (or kills its worker) is set aside with its reason instead of blocking
the mails behind it. With ``workers == 0`` it runs inline, when the result is asked for,
without a time limit. ``read_ahead`` keeps a few mails submitted ahead of the one recorded.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Any, Protocol

from classify import classify_message
from classify.attachments import defers_to_attachments
from classify.repeats import prepare_repeat_fields
from classify.spam import spam_verdict
from classify.types import Classification, ClassifyRules
from base.errors import ParseError
from ingest.extract import extract_attachments
from ingest.parse import parse_message
from ingest.types import ExtractedAttachment, ExtractLimits, ParsedMessage, RawMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    """What reading one mail decided; ``set_aside`` holds the reason when it is not an appeal."""

    parsed: ParsedMessage | None
    decision: Classification | None
    set_aside: str | None = None
    # (applicant_key, lemmas) for repeat detection, computed here, off the committing process
    repeat_fields: tuple[str | None, str] | None = None
    # what was read out of the attachments (issue 15), by ParsedMessage.attachments index
    extracted: tuple[ExtractedAttachment, ...] = ()


def analyze(data: bytes, rules: ClassifyRules, max_bytes: int = 0,
            extract: ExtractLimits | None = None) -> Analysis:
    """Parse, read the attachments (within ``extract``'s bounds) and classify one raw mail. Pure; a mail that is not one is set aside, with the
    reason; anything else raised is a bug (the runner sets the mail aside with it)."""
    if max_bytes and len(data) > max_bytes:
        return Analysis(None, None, f"too large: {len(data)} bytes > limit {max_bytes}")
    try:
        parsed = parse_message(data)
    except ParseError as exc:
        return Analysis(None, None, f"unreadable: {exc}")
    except RecursionError:
        return Analysis(None, None, "unreadable: MIME nested too deeply")
    extracted = read_attachments(parsed, extract)
    decision = classify_message(parsed, rules, extracted=extracted)
    if decision.automated:
        return Analysis(parsed, decision, "automated: " + "; ".join(decision.reasons[:3]), None, extracted)
    spam = spam_verdict(parsed)
    if spam:
        return Analysis(parsed, decision, spam, None, extracted)
    fields = prepare_repeat_fields(f"{parsed.subject}\n{parsed.text}", decision.applicant)
    return Analysis(parsed, decision, None, fields, extracted)


def read_attachments(parsed: ParsedMessage, extract: ExtractLimits | None
                      ) -> tuple[ExtractedAttachment, ...]:
    """Issue 15: read the attachments here, in the worker, inside mail_seconds. OCR waits for
    after registration, except for a mail that says nothing itself («см. вложение»): its
    scans are its content, so they are read now and the acknowledgement can rely on them."""
    if extract is None:
        return ()
    extracted = extract_attachments(parsed.attachments, extract)
    if any(x.ocr_wanted for x in extracted) and defers_to_attachments(parsed.text):
        extracted = extract_attachments(parsed.attachments, replace(extract, ocr_after_registration=False))
    return extracted


def _with_ocr(extract: ExtractLimits | None) -> ExtractLimits | None:
    """The limits for reading a registered mail again, OCR included (pipeline.reread)."""
    return replace(extract, ocr_after_registration=False) if extract else None


class Pending(Protocol):
    """An analysis under way: a worker's future, or one to run inline."""

    def result(self) -> Analysis: ...


@dataclass(frozen=True)
class _Inline:
    data: bytes
    rules: ClassifyRules
    max_bytes: int
    extract: ExtractLimits | None = None

    def result(self) -> Analysis:
        return analyze(self.data, self.rules, self.max_bytes, self.extract)


_worker_rules: ClassifyRules | None = None
_worker_max_bytes = 0
_worker_extract: ExtractLimits | None = None


def _worker_init(rules: ClassifyRules, max_bytes: int, extract: ExtractLimits | None = None) -> None:
    """Runs once per worker process: keep the rules and load the language models."""
    global _worker_rules, _worker_max_bytes, _worker_extract
    _worker_rules, _worker_max_bytes, _worker_extract = rules, max_bytes, extract
    warm_up(rules)


def warm_up(rules: ClassifyRules) -> None:
    """Load natasha and pymorphy3 now rather than on the first real mail."""
    sample = ("From: Иванов Иван <i@example.ru>\r\nSubject: Жалоба\r\n\r\n"
              "Я, Иванов Иван Иванович, 308000, г. Белгород, ул. Ленина, д. 1. "
              "Тел. 8 (4722) 00-00-00\r\n").encode()
    analyze(sample, rules)


def _worker_analyze(data: bytes) -> Analysis:
    assert _worker_rules is not None
    return analyze(data, _worker_rules, _worker_max_bytes, _worker_extract)


def _worker_reread(data: bytes) -> Analysis:
    assert _worker_rules is not None
    return analyze(data, _worker_rules, _worker_max_bytes, _with_ocr(_worker_extract))


class Analyzer:
    """Runs ``analyze`` with a per-mail time limit in ``workers`` processes (0: inline)."""

    def __init__(self, rules: ClassifyRules, workers: int, seconds: float, max_bytes: int,
                 extract: ExtractLimits | None = None) -> None:
        self.rules, self.workers, self.seconds, self.max_bytes = rules, workers, seconds, max_bytes
        self.extract = extract  # issue 15: None reads no attachments
        self._pool: Any = None

    def inline(self) -> Analyzer:
        """The same analysis run in this process, without a time limit (one mail at a time)."""
        return self if self.workers <= 0 else \
            Analyzer(self.rules, 0, self.seconds, self.max_bytes, self.extract)

    def submit(self, data: bytes) -> Pending:
        if self.workers <= 0:
            return _Inline(data, self.rules, self.max_bytes, self.extract)
        future: Future[Analysis] = self._ensure_pool().schedule(
            _worker_analyze, args=(data,), timeout=self.seconds)
        return future

    def reread(self, data: bytes) -> Analysis:
        """Issue 15: a registered mail read again with OCR, in a worker, within the time limit."""
        if self.workers <= 0:
            return analyze(data, self.rules, self.max_bytes, _with_ocr(self.extract))
        future: Future[Analysis] = self._ensure_pool().schedule(
            _worker_reread, args=(data,), timeout=self.seconds)
        return self.result(future)

    def result(self, future: Pending) -> Analysis:
        """The analysis, or a set-aside reason when the worker timed out or died. A bug in
        parse or classify is raised here, for the runner (pipeline.batch) to handle."""
        from pebble import ProcessExpired

        try:
            return future.result()
        except (TimeoutError, FutureTimeout):
            return Analysis(None, None, f"time limit: analysis took over {self.seconds:g} s")
        except ProcessExpired as exc:
            return Analysis(None, None, f"analysis crashed its worker (exit {exc.exitcode})")

    def _ensure_pool(self) -> Any:
        if self._pool is None:
            from pebble import ProcessPool

            self._pool = ProcessPool(max_workers=self.workers, initializer=_worker_init,
                                     initargs=(self.rules, self.max_bytes, self.extract))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None


_AHEAD_MAILS = 8
_AHEAD_BYTES = 64 * 1024 * 1024


def read_ahead(raws: Iterable[RawMessage], analyzer: Analyzer
               ) -> Iterator[tuple[RawMessage, Pending]]:
    """Submit mails to the analyzer a few ahead of the consumer, bounded in count and bytes."""
    pending: deque[tuple[RawMessage, Pending]] = deque()
    in_flight = 0
    for raw in raws:
        pending.append((raw, analyzer.submit(raw.data)))
        in_flight += len(raw.data)
        while pending and (len(pending) > _AHEAD_MAILS or in_flight > _AHEAD_BYTES):
            item = pending.popleft()
            in_flight -= len(item[0].data)
            yield item
    while pending:
        yield pending.popleft()
