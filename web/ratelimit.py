"""A sliding-window rate limiter kept in memory, per key (a client address): at most ``limit``
hits in any ``window_seconds``. Per process; the clock is passed in, so it is pure to test."""

from __future__ import annotations

import threading
from collections import deque


class RateLimiter:
    """``hit(key, now)`` records one attempt and says whether it is allowed (True) or over the
    limit (False; refused attempts are not counted, so a flood does not extend its own ban)."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit, self.window = limit, window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def hit(self, key: str, now: float) -> bool:
        with self._lock:
            self._sweep(now)
            times = self._hits.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True

    def _sweep(self, now: float) -> None:
        """Forget keys whose hits have all left the window (keeps memory bounded)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window
        stale = [k for k, t in self._hits.items() if not t or t[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]
