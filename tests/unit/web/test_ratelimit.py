"""The per-address rate limit of the public form (pure: the clock is passed in)."""

from __future__ import annotations

from web.ratelimit import RateLimiter


def test_allows_up_to_the_limit_then_refuses() -> None:
    limiter = RateLimiter(3, 60.0)
    assert [limiter.hit("a", 0.0 + i) for i in range(5)] == [True, True, True, False, False]


def test_other_keys_are_not_affected() -> None:
    limiter = RateLimiter(1, 60.0)
    assert limiter.hit("a", 0.0)
    assert not limiter.hit("a", 1.0)
    assert limiter.hit("b", 1.0)


def test_the_window_slides_and_refusals_do_not_count() -> None:
    limiter = RateLimiter(2, 10.0)
    assert limiter.hit("a", 0.0) and limiter.hit("a", 5.0)
    assert not limiter.hit("a", 9.0)  # refused: not counted
    assert limiter.hit("a", 10.5)  # the hit at 0 left the window
    assert not limiter.hit("a", 11.0)
    assert limiter.hit("a", 15.5)


def test_idle_keys_are_forgotten() -> None:
    limiter = RateLimiter(1, 10.0)
    for i in range(100):
        limiter.hit(f"k{i}", 0.0)
    limiter.hit("late", 100.0)
    assert set(limiter._hits) == {"late"}
