"""What a scenario hands back: pass/fail, its figures, and the problems it saw (as data)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ScenarioResult:
    name: str
    group: str  # crash | outage | flood | hostile | fuzz | secrets
    passed: bool = True
    skipped: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)

    def check(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.fail(problem)
        return ok

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Timer:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return round(time.monotonic() - self.start, 2)
