"""Reading a mail: parse → classify, as one pure step, and the worker processes that run it.

``analyze`` is pure and never raises. ``Analyzer`` runs it in worker processes (pebble) so that
the main process fetches and commits while another core parses and classifies, and so that a
mail that takes too long (or kills its worker) is set aside with its reason instead of blocking
the mails behind it. With ``workers == 0`` it runs inline, without a time limit.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from classify import classify_message
from classify.spam import spam_verdict
from classify.types import Classification, ClassifyRules
from base.errors import ParseError
from ingest.parse import parse_message
from ingest.types import ParsedMessage
from classify.repeats import prepare_repeat_fields

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    """What reading one mail decided; ``set_aside`` holds the reason when it is not an appeal."""

    parsed: ParsedMessage | None
    decision: Classification | None
    set_aside: str | None = None
    # (applicant_key, lemmas) for repeat detection, computed here, off the committing process
    repeat_fields: tuple[str | None, str] | None = None


def analyze(data: bytes, rules: ClassifyRules, max_bytes: int = 0) -> Analysis:
    """Parse and classify one raw mail. Pure; never raises."""
    if max_bytes and len(data) > max_bytes:
        return Analysis(None, None, f"too large: {len(data)} bytes > limit {max_bytes}")
    try:
        parsed = parse_message(data)
    except ParseError as exc:
        return Analysis(None, None, f"unreadable: {exc}")
    except RecursionError:
        return Analysis(None, None, "unreadable: MIME nested too deeply")
    decision = classify_message(parsed, rules)
    if decision.automated:
        return Analysis(parsed, decision, "automated: " + "; ".join(decision.reasons[:3]))
    spam = spam_verdict(parsed)
    if spam:
        return Analysis(parsed, decision, spam)
    fields = prepare_repeat_fields(f"{parsed.subject}\n{parsed.text}", decision.applicant)
    return Analysis(parsed, decision, None, fields)


_worker_rules: ClassifyRules | None = None
_worker_max_bytes = 0


def _worker_init(rules: ClassifyRules, max_bytes: int) -> None:
    """Runs once per worker process: keep the rules and load the language models."""
    global _worker_rules, _worker_max_bytes
    _worker_rules, _worker_max_bytes = rules, max_bytes
    warm_up(rules)


def warm_up(rules: ClassifyRules) -> None:
    """Load natasha and pymorphy3 now rather than on the first real mail."""
    sample = ("From: Иванов Иван <i@example.ru>\r\nSubject: Жалоба\r\n\r\n"
              "Я, Иванов Иван Иванович, 308000, г. Белгород, ул. Ленина, д. 1. "
              "Тел. 8 (4722) 00-00-00\r\n").encode()
    analyze(sample, rules)


def _worker_analyze(data: bytes) -> Analysis:
    assert _worker_rules is not None
    return analyze(data, _worker_rules, _worker_max_bytes)


class Analyzer:
    """Runs ``analyze`` with a per-mail time limit in ``workers`` processes (0: inline)."""

    def __init__(self, rules: ClassifyRules, workers: int, seconds: float, max_bytes: int) -> None:
        self.rules, self.workers, self.seconds, self.max_bytes = rules, workers, seconds, max_bytes
        self._pool: Any = None

    def submit(self, data: bytes) -> Future[Analysis]:
        if self.workers <= 0:
            done: Future[Analysis] = Future()
            done.set_result(analyze(data, self.rules, self.max_bytes))
            return done
        future: Future[Analysis] = self._ensure_pool().schedule(
            _worker_analyze, args=(data,), timeout=self.seconds)
        return future

    def result(self, future: Future[Analysis]) -> Analysis:
        """The analysis, or a set-aside reason when the worker timed out or died."""
        from pebble import ProcessExpired

        try:
            return future.result()
        except (TimeoutError, FutureTimeout):
            return Analysis(None, None, f"time limit: analysis took over {self.seconds:g} s")
        except ProcessExpired as exc:
            return Analysis(None, None, f"analysis crashed its worker (exit {exc.exitcode})")
        except Exception as exc:  # a bug in parse/classify: never lose the mail over it
            log.exception("analysis failed")
            return Analysis(None, None, f"internal error in analysis: {type(exc).__name__}")

    def _ensure_pool(self) -> Any:
        if self._pool is None:
            from pebble import ProcessPool

            self._pool = ProcessPool(max_workers=self.workers, initializer=_worker_init,
                                     initargs=(self.rules, self.max_bytes))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None
